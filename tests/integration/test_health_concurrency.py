"""/health/ under overlapping requests: every probe answers 200 while all parts are up.

Production runs several uvicorn worker processes (the Dockerfile's WEB_CONCURRENCY) behind
one Redis: probes that share a cache key overwrite each other's token and answer a false
"mismatch" 503. And a probe must not queue for SQLite's write lock (ATOMIC_REQUESTS' IMMEDIATE
transaction) behind a catalogue import: it only reads.
"""

import json
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from tests.support.assets import REPO
from tests.support.django_fixtures import storefront_worker_env
from tests.support.processes import free_port, stop_group, wait_for_health

pytestmark = pytest.mark.slow

CONCURRENT = 20
ROUNDS = 10
WEB_PROCESSES = 4
HEALTHY = {"database": "ok", "cache": "ok", "ok": True}


def _health(url: str, timeout_s: float = 30.0) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{url}/health/", timeout=timeout_s) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture
def web_servers(transactional_db, tmp_path: Path) -> Iterator[str]:
    """The ASGI app under uvicorn with several worker processes, as the Dockerfile runs it."""
    env = storefront_worker_env()
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    url = f"http://127.0.0.1:{free_port()}"
    log_path = tmp_path / "web.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--app-dir", "platform",
             "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1], "--lifespan", "off",
             "--workers", str(WEB_PROCESSES)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        if not wait_for_health(url, process):
            pytest.fail(f"The web server did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(2)  # every worker process up, not only the first to answer
        yield url
    finally:
        stop_group(process)


def test_overlapping_probes_on_several_web_processes_all_answer_200(web_servers: str) -> None:
    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        answers = list(pool.map(_health, [web_servers] * (CONCURRENT * ROUNDS)))
    failed = [(status, body) for status, body in answers if status != 200]
    assert not failed, f"{len(failed)} of {len(answers)} probes failed: {failed[:3]}"
    assert all(body == HEALTHY for _, body in answers)


def test_probes_answer_while_a_writer_holds_the_database(web_server) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single write lock only")
    writer = sqlite3.connect(connection.settings_dict["NAME"], timeout=5, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as a catalogue import holds it
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
            answers = list(pool.map(lambda url: _health(url, 5.0), [web_server.url] * CONCURRENT))
        elapsed = time.monotonic() - started
    except (TimeoutError, urllib.error.URLError) as exc:
        pytest.fail(f"a probe waited for the write lock: {exc}")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert [status for status, _ in answers] == [200] * CONCURRENT, answers[:3]
    assert elapsed < 5, f"{CONCURRENT} probes took {elapsed:.1f}s"


def test_probes_in_overlapping_threads_never_see_each_others_token(transactional_db) -> None:
    """The same overlap, made dense: many probes at once in one process's threads."""
    from django.db import connections

    from core.health import health_report

    def probes(_: int) -> list[str]:
        try:
            return [health_report(check_worker=False)["cache"] for _ in range(ROUNDS * 5)]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        states = [state for batch in pool.map(probes, range(CONCURRENT)) for state in batch]
    assert states.count("ok") == len(states), {s for s in states if s != "ok"}
