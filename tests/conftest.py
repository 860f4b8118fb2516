"""Shared fixtures: isolated media storage, a real Redis, real Celery worker processes."""

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.assets import shared_images_dir

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _redis_server() -> Iterator[None]:
    """Each test process talks to a real Redis: REDIS_URL's, or an embedded server of its own."""
    from django.conf import settings

    socket_path = getattr(settings, "TEST_EMBEDDED_REDIS_SOCKET", None)
    if socket_path is None:
        import redis

        from core.redis_url import redis_cache_location

        redis.Redis.from_url(redis_cache_location(settings.REDIS_URL)).flushdb()
        yield
        return
    from transport.embedded_redis import EmbeddedRedis

    server = EmbeddedRedis(Path(socket_path), append_only=False).start()
    yield
    server.stop()
    shutil.rmtree(Path(socket_path).parent, ignore_errors=True)


@pytest.fixture(autouse=True)
def _media_storage(settings, tmp_path: Path) -> None:
    """Every test writes media and private blobs under its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RECOMMENDER_DATA_DIR = tmp_path / "recommender"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


@pytest.fixture
def shared_images() -> Path:
    """The real photos beside the repo (people/, groups/, no_person/, garments/).

    Only this team's machines and CI have them: elsewhere a test that needs them is skipped
    with the reason (tests/support/assets.py). Tests that need any photo of one person take
    `astronaut_jpeg` instead, which every clone has.
    """
    return shared_images_dir()


@pytest.fixture(scope="session")
def astronaut_jpeg() -> bytes:
    """A photo of one person, waist up, on every clone: NASA's public-domain portrait of
    Eileen Collins that scikit-image (a dev dependency) ships, as a 512x512 JPEG.

    Try-on accepts it for tops (the same picture as the shared p01_astronaut.png).
    """
    from PIL import Image
    from skimage import data

    buffer = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def _test_database_url() -> str:
    from django.db import connection

    params = connection.settings_dict
    if params["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = f"{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}"
    return f"postgres://{auth}{host}/{params['NAME']}"


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
        _wait_for_worker(process, log_path, start_offset=offset)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool at once, as a lost machine would."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for process in self.started:
            _stop_group(process)

    def log(self, name: str) -> str:
        return (self.log_dir / f"worker-{name}.log").read_text(errors="replace")


@pytest.fixture
def worker_processes(transactional_db, tmp_path: Path) -> Iterator[WorkerProcesses]:
    """Start real worker processes on the test database and Redis (data must be committed)."""
    processes = WorkerProcesses(log_dir=tmp_path)
    yield processes
    processes.stop_all()


def storefront_worker_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment of a storefront (Django) worker process on the test database and storage."""
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONPATH": os.pathsep.join([str(REPO / "platform"), str(REPO)]),
        "DJANGO_READ_DOT_ENV_FILE": "false",
        **(extra or {}),
    }


@pytest.fixture
def storefront_worker(worker_processes: WorkerProcesses) -> Callable[..., subprocess.Popen]:
    """Start a storefront Celery worker process (default + storefront_events queues)."""

    def start(name: str = "storefront", env: dict[str, str] | None = None) -> subprocess.Popen:
        return worker_processes.start(
            "config.celery_app", "default,storefront_events", name, storefront_worker_env(env)
        )

    return start


@pytest.fixture
def tryon_worker(worker_processes: WorkerProcesses) -> Callable[..., subprocess.Popen]:
    """Start a try-on worker process (no Django; no master keys; pseudonymous messages)."""
    from core.worker_env import worker_env

    def start(name: str = "tryon", env: dict[str, str] | None = None) -> subprocess.Popen:
        return worker_processes.start(
            "tryon_worker.celery_app", "tryon", name, {**worker_env(), **(env or {})}
        )

    return start


@pytest.fixture
def recommender_worker(worker_processes: WorkerProcesses) -> Callable[..., subprocess.Popen]:
    """Start a recommender worker process (no Django; pseudonyms and garment ids only)."""
    from core.worker_env import worker_env

    def start(name: str = "recommender", env: dict[str, str] | None = None) -> subprocess.Popen:
        return worker_processes.start(
            "recommender.celery_app", "recommender", name, {**worker_env(), **(env or {})}
        )

    return start


def _wait_for_worker(
    process: subprocess.Popen, log_path: Path, timeout_s: float = 90.0, start_offset: int = 0
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")[start_offset:]
        if process.poll() is not None:
            pytest.fail(f"Celery worker exited at start:\n{text[-3000:]}")
        if "ready." in text:
            return
        time.sleep(0.2)
    pytest.fail(f"Celery worker not ready in {timeout_s}s:\n{text[-3000:]}")


@dataclass
class SmtpInbox:
    """A real SMTP server on localhost that keeps every message it accepts."""

    port: int
    messages: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    """aiosmtpd on a free port; EMAIL_URL=inbox.url makes a worker deliver there."""
    from email import message_from_bytes

    from aiosmtpd.controller import Controller

    inbox = SmtpInbox(port=_free_port())

    class Keep:
        async def handle_DATA(self, server, session, envelope) -> str:
            inbox.messages.append(message_from_bytes(envelope.content))
            return "250 Message accepted"

    controller = Controller(Keep(), hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class WebServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    tmp_dir: Path  # the server's TMPDIR, where Django would spool request bodies


@pytest.fixture
def web_server(transactional_db, tmp_path: Path) -> Iterator[WebServer]:
    """The real ASGI app under uvicorn, on the test database, media folders and Redis."""
    env = storefront_worker_env()
    # The browser fixture turns Django's async-safety check off for pytest's own process only.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # Its own temporary folder, so a test can see what the server spooled to disk.
    tmp_dir = tmp_path / "web-server-tmp"
    tmp_dir.mkdir()
    env["TMPDIR"] = str(tmp_dir)
    log_path = tmp_path / "web-server.log"
    for _attempt in range(3):  # another process may take the free port before uvicorn binds it
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "config.asgi:application", "--app-dir",
                 "platform", "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        if _wait_for_health(url, process):
            break
        _stop_group(process)
        if "address already in use" not in log_path.read_text(errors="replace"):
            pytest.fail(f"The web server did not start:\n{log_path.read_text()[-3000:]}")
    else:
        pytest.fail(f"The web server could not bind a port:\n{log_path.read_text()[-3000:]}")
    yield WebServer(url=url, process=process, log_path=log_path, tmp_dir=tmp_dir)
    _stop_group(process)


def _wait_for_health(url: str, process: subprocess.Popen, timeout_s: float = 60.0) -> bool:
    import urllib.error
    import urllib.request

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


def _stop_group(process: subprocess.Popen, timeout_s: float = 20.0) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
