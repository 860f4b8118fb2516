"""Real processes a test starts (Celery workers, servers) and stops: no Django here, so the
worker tests that run without it use the same helpers as the storefront's."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.assets import REPO


@dataclass
class WorkerProcesses:
    """Real `celery worker` processes started by a test; all are stopped when it ends."""

    log_dir: Path
    started: list[subprocess.Popen] = field(default_factory=list)

    def start(self, app: str, queues: str, name: str, env: dict[str, str]) -> subprocess.Popen:
        """Start a worker and wait until it is ready to consume."""
        log_path = self.log_dir / f"worker-{name}.log"
        offset = log_path.stat().st_size if log_path.exists() else 0
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", app, "worker", "--queues", queues,
                 "--concurrency", "1", "--prefetch-multiplier", "1", "--hostname", f"{name}@%h",
                 "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
                env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.started.append(process)
        wait_for_worker(process, log_path, start_offset=offset)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool at once, as a lost machine would."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        """Stop every worker this test started (SIGTERM, then SIGKILL after a grace period)."""
        for process in self.started:
            stop_group(process)

    def log(self, name: str) -> str:
        """Everything the worker called ``name`` has logged so far."""
        return (self.log_dir / f"worker-{name}.log").read_text(errors="replace")


def wait_for_worker(
    process: subprocess.Popen, log_path: Path, timeout_s: float = 90.0, start_offset: int = 0
) -> None:
    """Wait until the worker logs "ready." after ``start_offset``; fail the test if it exits."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")[start_offset:]
        if process.poll() is not None:
            pytest.fail(f"Celery worker exited at start:\n{text[-3000:]}")
        if "ready." in text:
            return
        time.sleep(0.2)
    pytest.fail(f"Celery worker not ready in {timeout_s}s:\n{text[-3000:]}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (another process may take it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(url: str, process: subprocess.Popen, timeout_s: float = 60.0) -> bool:
    """True once ``url``/health/ answers 200; False if the process exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/health/", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    return False


def stop_group(process: subprocess.Popen, timeout_s: float = 20.0) -> None:
    """SIGTERM the process's group, SIGKILL it if it is not gone within ``timeout_s``."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
