"""The README's first command, end to end: `manage.py up` on a fresh state directory.

It must migrate, load the demo catalogue, start embedded Redis, a Celery worker and the web
server, print the URL and logins, serve pages, and stop every process on Ctrl-C.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
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


@pytest.mark.slow
def test_up_runs_the_platform_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    port = _free_port()
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
        FITTINGROOM_DEMO_PASSWORD="demo-pass-123",
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "up.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "up", "--port", str(port)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while "Press Ctrl-C" not in log_path.read_text(errors="replace"):
            assert process.poll() is None, log_path.read_text()[-4000:]
            assert time.monotonic() < deadline, log_path.read_text()[-4000:]
            time.sleep(0.5)
        output = log_path.read_text()
        assert f"running at http://127.0.0.1:{port}/" in output
        assert re.search(
            r"Merchant admin: .*/admin/\s+user: demo-merchant\s+password: demo-pass-123", output
        )
        assert re.search(r"Demo shopper: .*user: demo-shopper\s+password: demo-pass-123", output)

        base = f"http://127.0.0.1:{port}"
        page = urllib.request.urlopen(base + "/", timeout=30).read().decode()
        assert page.count('class="card garment"') >= 20 and "synthetic" in page
        image_url = re.search(r'<img src="(/media/[^"]+\.webp)"', page).group(1)
        assert urllib.request.urlopen(base + image_url, timeout=30).read()[8:12] == b"WEBP"
        health = urllib.request.urlopen(base + "/health/?worker=1", timeout=30).read().decode()
        assert '"worker": "ok"' in health
        assert (tmp_path / "var" / "db.sqlite3").is_file()
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
