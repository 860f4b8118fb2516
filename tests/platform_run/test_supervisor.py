"""core.supervisor with real child processes: restarts with backoff, logs why, stops all."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.supervisor import Backoff, ChildSpec, Supervisor, exit_description

REPO = Path(__file__).resolve().parents[2]


def _spec(name: str, code: str) -> ChildSpec:
    return ChildSpec(name, [sys.executable, "-c", code], dict(os.environ), REPO)


def _until(condition: Callable[[], bool], supervisor: Supervisor, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        supervisor.check()
        time.sleep(0.05)


def test_backoff_doubles_to_its_cap() -> None:
    backoff = Backoff(initial_s=1, max_s=30)
    assert [backoff.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


@pytest.mark.parametrize(
    ("returncode", "words"),
    [(-signal.SIGKILL, "killed by SIGKILL"), (3, "exited with code 3"), (0, "exited with code 0")],
)
def test_exit_descriptions(returncode: int, words: str) -> None:
    assert exit_description(returncode) == words


def test_a_child_that_dies_is_restarted_with_growing_waits_and_the_others_keep_running() -> None:
    log: list[str] = []
    supervisor = Supervisor(
        [_spec("sleeper", "import time; time.sleep(60)"), _spec("crasher", "raise SystemExit(3)")],
        say=log.append,
        backoff=Backoff(initial_s=0.2, max_s=0.8, stable_after_s=30),
        stop_timeout_s=5,
    )
    supervisor.start_all()
    try:
        sleeper = dict(supervisor.processes())["sleeper"]
        _until(lambda: sum("crasher" in line and "code 3" in line for line in log) >= 4, supervisor)
        waits = [line.rsplit("in ", 1)[1] for line in log if "code 3" in line][:4]
        assert waits == ["0.2 s", "0.4 s", "0.8 s", "0.8 s"]  # doubling, capped
        assert any("started the crasher" in line and "(restart 3)" in line for line in log)
        assert sleeper.poll() is None and dict(supervisor.processes())["sleeper"] is sleeper
    finally:
        supervisor.stop_all()
    assert sleeper.poll() == -signal.SIGTERM


def test_a_sigkilled_child_loses_its_leftover_processes_and_comes_back() -> None:
    # Like Celery's main process and its pool: a parent whose child shares its process group.
    code = (
        "import subprocess, sys, time;"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        "time.sleep(60)"
    )
    log: list[str] = []
    supervisor = Supervisor([_spec("worker", code)], say=log.append, backoff=Backoff(initial_s=0.1))
    supervisor.start_all()
    try:
        [(_name, first)] = supervisor.processes()
        _until(lambda: _children_of(first.pid), supervisor)
        [pool] = _children_of(first.pid)
        os.kill(first.pid, signal.SIGKILL)
        _until(lambda: any("(restart 1)" in line for line in log), supervisor)
        assert any(f"(pid {first.pid}) killed by SIGKILL" in line for line in log)
        _until(lambda: not _running(pool), supervisor)  # the orphan went with its parent
        [(_name, second)] = supervisor.processes()
        assert second.pid != first.pid and second.poll() is None
    finally:
        supervisor.stop_all()
    assert second.poll() is not None


def test_stopping_cancels_a_pending_restart() -> None:
    log: list[str] = []
    supervisor = Supervisor(
        [_spec("crasher", "raise SystemExit(1)")],
        say=log.append,
        backoff=Backoff(initial_s=0.5),
    )
    supervisor.start_all()
    _until(lambda: any("restarting it in 0.5 s" in line for line in log), supervisor)
    supervisor.stop_all()
    time.sleep(0.7)
    supervisor.check()
    assert supervisor.processes() == []
    assert sum("started the crasher" in line for line in log) == 1


def _children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def _running(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().split()[2] not in {"Z", "X"}
    except FileNotFoundError:
        return False
