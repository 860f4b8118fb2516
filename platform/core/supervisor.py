"""A small process supervisor for `manage.py up`: keep the workers and the web server running.

A child that exits while we are not stopping (crashed, killed by the OOM killer, SIGKILLed)
is restarted after an exponential backoff (1 s doubling to 30 s, back to 1 s once it has
stayed up a minute), and every exit and restart is logged with its exit code or signal; the
other children keep running meanwhile. ``stop_all`` stops them all, last started first.

Each child runs in its own session (so a terminal's Ctrl-C reaches only us, and we stop
them in order) and is stopped as a whole process group, Celery's pool processes included.
Plain Python: no Django, so it is tested with any processes.
"""

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class ChildSpec:
    """How to start one supervised process."""

    name: str
    command: Sequence[str]
    env: Mapping[str, str]
    cwd: Path


@dataclass(frozen=True)
class Backoff:
    """Delay before restarting a child that keeps dying: ``initial_s`` doubling up to
    ``max_s``; a child that stayed up ``stable_after_s`` starts again from ``initial_s``."""

    initial_s: float = 1.0
    max_s: float = 30.0
    stable_after_s: float = 60.0

    def delay(self, failures: int) -> float:
        """Seconds to wait before the restart that follows ``failures`` quick exits in a row."""
        return min(self.initial_s * 2 ** max(failures - 1, 0), self.max_s)


@dataclass
class _Child:
    spec: ChildSpec
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    #: Exits in a row that came before the child had stayed up ``stable_after_s``.
    failures: int = 0
    restart_at: float | None = None
    restarts: int = 0


def exit_description(returncode: int) -> str:
    """'killed by SIGKILL' or 'exited with code 1', for the log."""
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with code {returncode}"


class Supervisor:
    """Start children, restart those that die (with backoff), stop them all on request."""

    def __init__(
        self,
        specs: Sequence[ChildSpec],
        *,
        say: Callable[[str], None],
        backoff: Backoff | None = None,
        stop_timeout_s: float = 15.0,
    ) -> None:
        self._children = [_Child(spec) for spec in specs]
        self._say = say
        self.backoff = backoff or Backoff()
        self.stop_timeout_s = stop_timeout_s

    def start_all(self) -> None:
        """Start every child, in the order given."""
        for child in self._children:
            self._start(child)

    def processes(self) -> list[tuple[str, subprocess.Popen[bytes]]]:
        """The children's current processes by name (a child waiting to restart has none)."""
        return [(c.spec.name, c.process) for c in self._children if c.process is not None]

    def exited(self) -> tuple[str, int] | None:
        """The first child found exited (name, exit code), without handling it (start-up
        checks: a child that cannot even start is a configuration error, not a crash)."""
        for name, process in self.processes():
            if process.poll() is not None:
                return name, process.returncode
        return None

    def run(self, should_stop: Callable[[], bool], *, interval_s: float = 0.2) -> None:
        """Supervise until ``should_stop()`` is true (checked every ``interval_s``)."""
        while not should_stop():
            self.check()
            time.sleep(interval_s)

    def check(self, now: float | None = None) -> None:
        """Handle children that exited since the last check and restarts that are due."""
        now = time.monotonic() if now is None else now
        for child in self._children:
            if child.process is not None:
                returncode = self._reap_if_exited(child.process)
                if returncode is not None:
                    self._schedule_restart(child, returncode, now)
            elif child.restart_at is not None and now >= child.restart_at:
                child.restarts += 1
                self._start(child)

    def stop_all(self) -> None:
        """Stop every child, last started first (the web server before the workers it feeds);
        cancel pending restarts."""
        for child in reversed(self._children):
            child.restart_at = None
            if child.process is not None:
                _stop_process_group(child.process, self.stop_timeout_s)

    def _start(self, child: _Child) -> None:
        child.restart_at = None
        child.process = subprocess.Popen(
            list(child.spec.command),
            env=dict(child.spec.env),
            cwd=child.spec.cwd,
            # Own session: a terminal's Ctrl-C reaches only us, and we stop them in order.
            start_new_session=True,
        )
        child.started_at = time.monotonic()
        again = f" (restart {child.restarts})" if child.restarts else ""
        self._log(f"started the {child.spec.name}, pid {child.process.pid}{again}")

    def _schedule_restart(self, child: _Child, returncode: int, now: float) -> None:
        uptime = now - child.started_at
        # A child that ran a good while died of something new: start again from the shortest
        # wait; one that keeps dying at once waits longer each time instead of spinning.
        child.failures = 1 if uptime >= self.backoff.stable_after_s else child.failures + 1
        delay = self.backoff.delay(child.failures)
        pid = child.process.pid if child.process else "?"
        child.process = None
        child.restart_at = now + delay
        self._log(
            f"the {child.spec.name} (pid {pid}) {exit_description(returncode)} after "
            f"{uptime:.0f} s; restarting it in {delay:g} s"
        )

    def _log(self, message: str) -> None:
        self._say(f"[{datetime.now().strftime('%H:%M:%S')}] supervisor: {message}")

    @staticmethod
    def _reap_if_exited(process: subprocess.Popen[bytes]) -> int | None:
        """The exit code of a child that exited, after SIGKILLing what is left of its process
        group (a SIGKILLed Celery main process leaves its pool processes orphaned, still
        holding memory and possibly a job); None while it runs."""
        if process.returncode is not None:
            return process.returncode
        try:
            # WNOWAIT: look without reaping. Until it is reaped the child's pid (= its process
            # group id) cannot be reused, so killpg cannot hit an unrelated process.
            status = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:  # reaped already (by Popen itself): nothing left to look at
            return process.poll()
        if status is None:
            return None
        with contextlib.suppress(ProcessLookupError, PermissionError):  # no group left
            os.killpg(process.pid, signal.SIGKILL)
        return process.wait()


def _stop_process_group(process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """SIGTERM the child's whole process group (Celery's pool included), then SIGKILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
