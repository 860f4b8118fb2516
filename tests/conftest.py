"""Shared fixtures: isolated media storage, a real Redis, real Celery worker processes."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_IMAGES = REPO.parent / "shared" / "images"


@pytest.fixture(scope="session", autouse=True)
def _redis_server() -> Iterator[None]:
    """Each test process talks to a real Redis: REDIS_URL's, or an embedded server of its own."""
    from django.conf import settings

    socket_path = getattr(settings, "TEST_EMBEDDED_REDIS_SOCKET", None)
    if socket_path is None:
        import redis

        from config.redis_url import redis_cache_location

        redis.Redis.from_url(redis_cache_location(settings.REDIS_URL)).flushdb()
        yield
        return
    from core.embedded_redis import EmbeddedRedis

    server = EmbeddedRedis(Path(socket_path), append_only=False).start()
    yield
    server.stop()


@pytest.fixture(autouse=True)
def _media_storage(settings, tmp_path: Path) -> None:
    """Every test writes media and private blobs under its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
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
    """The real photos beside the repo (people/, groups/, no_person/, garments/)."""
    if not SHARED_IMAGES.is_dir():
        pytest.fail(f"The shared test photos are missing: {SHARED_IMAGES}")
    return SHARED_IMAGES


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


@pytest.fixture
def storefront_worker(
    transactional_db, tmp_path: Path
) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start real `celery worker` processes of the storefront app on the test database and Redis.

    Returns a function that starts one (and waits until it answers); all are stopped afterwards.
    """
    from django.conf import settings

    started: list[subprocess.Popen] = []

    def start(queues: str = "default,storefront_events", name: str = "w1") -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _test_database_url(),
            "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PYTHONPATH": os.pathsep.join([str(REPO / "platform"), str(REPO)]),
            "DJANGO_READ_DOT_ENV_FILE": "false",
        }
        log = (tmp_path / f"worker-{name}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config.celery_app",
                "worker",
                "--queues",
                queues,
                "--concurrency",
                "1",
                "--hostname",
                f"{name}@%h",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        _wait_for_worker(process, tmp_path / f"worker-{name}.log")
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_for_worker(process: subprocess.Popen, log_path: Path, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Celery worker exited at start:\n{log_path.read_text()[-3000:]}")
        if "ready." in log_path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    pytest.fail(f"Celery worker not ready in {timeout_s}s:\n{log_path.read_text()[-3000:]}")
