"""The README's first command, end to end: `manage.py up` on a fresh state directory.

It must migrate, load the demo catalogue, start embedded Redis, three Celery workers
(storefront, try-on, recommender) and the web server, print the URL and logins, serve pages,
restart a worker or the web server that dies while the rest keep serving, and stop every
process on Ctrl-C.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout.split()
    for child in map(int, children):
        found |= {child, *_descendants(child)}
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = (
        Path(f"/proc/{pid}/stat").read_text().split()[2]
        if Path(f"/proc/{pid}/stat").exists()
        else "X"
    )
    return state not in {"Z", "X"}


def _up_env(tmp_path: Path) -> dict[str, str]:
    """bin/up's environment on a fresh state directory, with fixed test secrets."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        FITTINGROOM_VAR_DIR=str(tmp_path / "var"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "var" / "media"),
        DJANGO_READ_DOT_ENV_FILE="false",
        DJANGO_SECRET_KEY="up-test-" + "x" * 40,
        FITTINGROOM_ENCRYPTION_KEYS="up-test:" + "dXAtdGVzdC1rZXktdGhpcnR5LXR3by1ieXRlcy0xMjM=",
        FITTINGROOM_PSEUDONYM_KEY="up-test-pseudonym-key-0123456789abcdef",
        FITTINGROOM_WORKER_KEY="dXAtdGVzdC13b3JrZXIta2V5LXRoaXJ0eS10d28tYnk=",
        PYTHONUNBUFFERED="1",
    )
    return env


def _up_start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
    """`manage.py up` in its own session, its output in a log file."""
    log_path = tmp_path / "up.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "up", *args],
            cwd=REPO, env=_up_env(tmp_path), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    return process, log_path


def _wait_for_log(
    process: subprocess.Popen[bytes], log_path: Path, pattern: str, timeout_s: float
) -> re.Match[str]:
    """The first match of ``pattern`` in the log, waiting while the process runs."""
    deadline = time.monotonic() + timeout_s
    while not (found := re.search(pattern, log_path.read_text(errors="replace"))):
        assert process.poll() is None, log_path.read_text()[-4000:]
        assert time.monotonic() < deadline, (pattern, log_path.read_text()[-4000:])
        time.sleep(0.2)
    return found


@pytest.mark.slow
def test_up_runs_the_platform_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    port = _free_port()
    process, log_path = _up_start(tmp_path, "--port", str(port))
    try:
        deadline = time.monotonic() + 240
        while "Press Ctrl-C" not in log_path.read_text(errors="replace"):
            assert process.poll() is None, log_path.read_text()[-4000:]
            assert time.monotonic() < deadline, log_path.read_text()[-4000:]
            time.sleep(0.5)
        output = log_path.read_text()
        assert f"running at http://127.0.0.1:{port}/" in output
        # Each demo login has its own random password, shown in this first banner.
        passwords = dict(re.findall(r"user: (\S+)\s+password: (try-\S+)", output))
        assert set(passwords) == {"demo-merchant", "operator", "demo-shopper"}
        assert len(set(passwords.values())) == 3
        assert re.search(r"Merchant admin: .*/admin/\s+user: demo-merchant\s+password: ", output)

        base = f"http://127.0.0.1:{port}"
        page = urllib.request.urlopen(base + "/", timeout=30).read().decode()
        assert page.count('class="card garment"') >= 20 and "synthetic" in page
        image_url = re.search(r'<img src="(/media/[^"]+\.webp)"', page).group(1)
        assert urllib.request.urlopen(base + image_url, timeout=30).read()[8:12] == b"WEBP"
        health = urllib.request.urlopen(base + "/health/?worker=1", timeout=30).read().decode()
        assert '"worker": "ok"' in health
        assert (tmp_path / "var" / "db.sqlite3").is_file()
        # The database and var/ itself are the owner's alone.
        assert (tmp_path / "var" / "db.sqlite3").stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700
        children = _descendants(process.pid)
        assert len(children) >= 4  # redis-server, celery main + pool process, uvicorn
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert process.returncode == 0, log_path.read_text()[-3000:]
    time.sleep(1)
    assert not [pid for pid in children if _alive(pid)], "processes left running after Ctrl-C"
    assert "Stopped." in log_path.read_text()


def _health(base: str) -> int:
    """The status of GET /health/ (0 when nothing answers)."""
    try:
        with urllib.request.urlopen(base + "/health/", timeout=10) as response:
            return response.status
    except (urllib.error.URLError, OSError):
        return 0


def _started_pids(log: str) -> dict[str, int]:
    """The latest pid the supervisor logged for each child."""
    return {name: int(pid) for name, pid in re.findall(r"started the ([\w -]+?), pid (\d+)", log)}


@pytest.mark.slow
def test_up_restarts_a_killed_worker_and_web_server_while_the_rest_keep_running(
    tmp_path: Path,
) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process, log_path = _up_start(tmp_path, "--port", str(port), "--no-demo")
    try:
        _wait_for_log(process, log_path, "Press Ctrl-C", timeout_s=120)
        _wait_for_log(process, log_path, r"tryon@\S+ ready\.", timeout_s=60)
        first = _started_pids(log_path.read_text())
        assert set(first) == {"storefront worker", "try-on worker", "recommender worker",
                              "web server"}  # fmt: skip
        tryon_pool = _descendants(first["try-on worker"])
        assert tryon_pool, "the try-on worker has no pool process"

        # The try-on worker's main process dies as under the OOM killer; its pool is orphaned.
        os.kill(first["try-on worker"], signal.SIGKILL)
        _wait_for_log(
            process, log_path,
            rf"the try-on worker \(pid {first['try-on worker']}\) killed by SIGKILL .*"
            r"restarting it in 1 s",
            timeout_s=10,
        )  # fmt: skip
        _wait_for_log(process, log_path, r"started the try-on worker, pid \d+ \(restart 1\)", 15)
        assert _health(base) == 200  # the web server kept serving throughout
        _wait_for_log(process, log_path, r"(?s)tryon@\S+ ready\..*tryon@\S+ ready\.", 60)
        assert not [pid for pid in tryon_pool if _alive(pid)], "orphaned pool left running"

        # The web server dies: it comes back on the same port; the workers never noticed.
        os.kill(first["web server"], signal.SIGKILL)
        _wait_for_log(process, log_path, r"started the web server, pid \d+ \(restart 1\)", 15)
        deadline = time.monotonic() + 30
        while _health(base) != 200:
            assert time.monotonic() < deadline, log_path.read_text()[-4000:]
            time.sleep(0.2)
        now = _started_pids(log_path.read_text())
        for name in ("storefront worker", "recommender worker"):
            assert now[name] == first[name] and _alive(first[name]), name
        assert now["try-on worker"] != first["try-on worker"] and _alive(now["try-on worker"])
        assert now["web server"] != first["web server"]
        health = urllib.request.urlopen(base + "/health/?worker=1", timeout=30).read().decode()
        assert '"worker": "ok"' in health

        # The embedded Redis dies: bin/up starts it again, and the queue path works again.
        [redis_pid] = [
            pid
            for pid in _descendants(process.pid)
            if b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        os.kill(redis_pid, signal.SIGKILL)
        _wait_for_log(process, log_path, r"the embedded Redis killed by SIGKILL; restarting", 15)
        _wait_for_log(process, log_path, r"started the embedded Redis, pid \d+", 30)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/health/?worker=1", timeout=30) as answer:
                    if '"worker": "ok"' in answer.read().decode():
                        break
            except (urllib.error.URLError, OSError):
                pass
            assert time.monotonic() < deadline, log_path.read_text()[-4000:]
            time.sleep(0.5)
        children = _descendants(process.pid)
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert process.returncode == 0, log_path.read_text()[-3000:]
    time.sleep(1)
    assert not [pid for pid in children if _alive(pid)], "processes left running after Ctrl-C"
    log = log_path.read_text()
    assert "Stopped." in log and "(restart 2)" not in log  # nothing restarted while stopping
