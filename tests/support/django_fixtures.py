"""Fixtures bound to Django: a real Redis per test process, media under each test's own
folder, and real worker and web processes on the test database.

The conftests of the Django test folders import them (`from tests.support.django_fixtures
import *`); the worker, recommender, vision and deploy tests run without Django and never
see them.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.assets import REPO
from tests.support.processes import WorkerProcesses, free_port, stop_group, wait_for_health

__all__ = [
    "_media_storage",
    "_redis_server",
    "recommender_worker",
    "storefront_worker",
    "tryon_worker",
    "web_server",
    "worker_processes",
]


class _ProcessRedis:
    """The test process's Redis, started by the first folder that asks and stopped with the last.

    Each conftest that imports `_redis_server` is a definition of its own to pytest, run once
    per session: without the count a second folder would start a second server on the
    first one's socket (or flush its database in the middle of the session).
    """

    users = 0
    server = None

    @classmethod
    def acquire(cls) -> None:
        cls.users += 1
        if cls.users > 1:
            return
        from django.conf import settings

        socket_path = getattr(settings, "TEST_EMBEDDED_REDIS_SOCKET", None)
        if socket_path is None:
            import redis

            from core.redis_url import redis_cache_location

            redis.Redis.from_url(redis_cache_location(settings.REDIS_URL)).flushdb()
            return
        from transport.embedded_redis import EmbeddedRedis

        cls.server = EmbeddedRedis(Path(socket_path), append_only=False).start()

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users or cls.server is None:
            return
        socket_dir = cls.server.socket_path.parent
        cls.server.stop()
        cls.server = None
        shutil.rmtree(socket_dir, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _redis_server() -> Iterator[None]:
    """Each test process talks to a real Redis: REDIS_URL's, or an embedded server of its own."""
    _ProcessRedis.acquire()
    yield
    _ProcessRedis.release()


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


def _database_url() -> str:
    """The test database as a DATABASE_URL, for processes a test starts."""
    from django.db import connection

    params = connection.settings_dict
    if params["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = f"{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}"
    return f"postgres://{auth}{host}/{params['NAME']}"


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
        "DATABASE_URL": _database_url(),
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


@dataclass(frozen=True)
class WebServer:
    """The ASGI app under uvicorn, started by `web_server`."""

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
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "config.asgi:application", "--app-dir",
                 "platform", "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        if wait_for_health(url, process):
            break
        stop_group(process)
        if "address already in use" not in log_path.read_text(errors="replace"):
            pytest.fail(f"The web server did not start:\n{log_path.read_text()[-3000:]}")
    else:
        pytest.fail(f"The web server could not bind a port:\n{log_path.read_text()[-3000:]}")
    yield WebServer(url=url, process=process, log_path=log_path, tmp_dir=tmp_dir)
    stop_group(process)
