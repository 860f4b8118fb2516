"""Fixtures of the worker tests that run without Django: a Redis of their own and real
worker processes on it (the storefront's tests have theirs in django_fixtures)."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from core.redis_url import redis_cache_location, redis_url_with_db
from tests.support.processes import WorkerProcesses
from transport.embedded_redis import EmbeddedRedis


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis for this test process: a database of REDIS_URL's server when one is
    given (one per xdist process, emptied first), else an embedded server of its own."""
    given = os.environ.get("REDIS_URL")
    if given:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        url = redis_url_with_db(given, 1 + int(worker.removeprefix("gw") or 0))
        redis.Redis.from_url(redis_cache_location(url)).flushdb()
        yield url
        return
    # A short folder of its own: a unix socket's path must stay under ~100 characters.
    folder = Path(tempfile.mkdtemp(prefix="fr-redis-"))
    server = EmbeddedRedis(folder / "redis.sock", append_only=False).start()
    yield server.url
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def worker_processes(tmp_path: Path) -> Iterator[WorkerProcesses]:
    """Start real worker processes (given their environment); all stop when the test ends."""
    processes = WorkerProcesses(log_dir=tmp_path)
    yield processes
    processes.stop_all()
