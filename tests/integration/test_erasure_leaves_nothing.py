"""Erasure leaves nothing (issue 12, item 3): real storefront and recommender workers on a real
Redis with its append-only file on, a try-on result event that fails once and another that
fails for good, an e-mail through the console mailer, then ``DELETE /api/shoppers/me/`` and a
scan of the database, media and private files, Redis (values decoded, and the append-only
file's bytes), the recommender's data directory and every log for anything of that shopper.
"""

import base64
import json
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from celery import current_app
from django.conf import settings
from django.db import OperationalError
from django.db.models.signals import pre_save
from django.test import Client

import lifecycle.services
from contracts.queues import EVENT_QUEUE, EVENT_TASK
from recommender.profile_store import ProfileStore
from shoppers.services import shopper_photo_add, shopper_profile_update, shopper_sign_up
from tests.support.broker_queue import queue_client
from tests.support.shopper_footprint import database_text, small_photo, stored_files
from tests.support.worker_results import worker_result_event
from tryon.models import TryOnJob
from tryon.services import tryon_event_apply, tryon_job_request

pytestmark = pytest.mark.slow

NAME = "Zenobia Quillfeather"
EMAIL = "zenobia.quill@example.org"
CHEST = 97.25  # an unusual figure, so a hit is this shopper's


def _wait_until(condition, what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} not within {timeout_s}s")


@pytest.fixture
def aof_dir() -> Iterator[Path | None]:
    """Turn the test Redis's append-only file on (as bin/up runs it); its folder, when local."""
    client = queue_client()
    before = client.config_get("appendonly")["appendonly"]
    client.config_set("appendonly", "yes")
    folder = Path(client.config_get("dir")["dir"])
    _wait_until(lambda: not _rewriting(client), "the first append-only file")
    yield folder if folder.is_dir() else None
    client.config_set("appendonly", before)


def _rewriting(client: redis.Redis) -> bool:
    info = client.info("persistence")
    return bool(info.get("aof_rewrite_in_progress") or info.get("aof_rewrite_scheduled"))


def _fail_once_on_success() -> list[int]:
    """The next save of a succeeded job fails as a locked SQLite database does."""
    failures: list[int] = []

    def refuse(sender, instance: TryOnJob, **kwargs) -> None:
        if instance.state == TryOnJob.State.SUCCEEDED and not failures:
            failures.append(instance.pk)
            raise OperationalError("database is locked")

    # weak=False: the receiver is a closure nothing else holds.
    pre_save.connect(refuse, sender=TryOnJob, dispatch_uid="test.erasure_scan_failure", weak=False)
    return failures


def _redis_text(client: redis.Redis) -> bytes:
    """Every key and value, with Celery message bodies decoded (they are base64)."""
    chunks = []
    for key in client.scan_iter():
        values = _values(client, key)
        chunks.append(key)
        for value in values:
            chunks.append(value)
            try:
                data = json.loads(value)
                data = data[0] if isinstance(data, list) and data else data
                chunks.append(base64.b64decode(data["body"]))
            except (ValueError, TypeError, KeyError, IndexError):
                pass
    return b"\n".join(chunks)


def _values(client: redis.Redis, key: bytes) -> list[bytes]:
    kind = client.type(key)
    if kind == b"list":
        return client.lrange(key, 0, -1)
    if kind == b"hash":
        return list(client.hgetall(key).values())
    if kind == b"set":
        return list(client.smembers(key))
    if kind == b"zset":
        return client.zrange(key, 0, -1)
    if kind == b"string":
        return [client.get(key) or b""]
    return []


def _around(data: bytes, needle: bytes, width: int = 300) -> bytes:
    """What surrounds the first ``needle`` in ``data`` (to say where a leftover sits)."""
    at = data.find(needle)
    return data[max(0, at - width) : at + len(needle) + width]


def _folder_bytes(folder: Path) -> bytes:
    if not folder.is_dir():
        return b""
    return b"\n".join(
        bytes(str(p), "utf-8") + b"\n" + p.read_bytes() for p in folder.rglob("*") if p.is_file()
    )


def test_erasure_leaves_nothing_of_the_shopper_anywhere(
    transactional_db,
    garment,
    storefront_worker,
    recommender_worker,
    worker_processes,
    aof_dir,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.INFO)
    # The second append-only rewrite comes 30 s after an erasure in production; sooner here.
    monkeypatch.setattr(lifecycle.services, "REDIS_COMPACT_AFTER_S", 2)
    recommender_worker(env={"RECOMMENDER_WARM_UP": "0"})
    # The console mailer, as on a laptop: what it prints goes into the worker's log.
    storefront_worker(env={"EMAIL_URL": "consolemail://"})

    shopper = shopper_sign_up(
        username="zenobia-erased",
        password="correct horse battery",
        display_name=NAME,
        contact_email=EMAIL,
        email_notifications=True,
    )
    shopper_profile_update(shopper=shopper, measurements={"chest_cm": CHEST})
    photos = [
        shopper_photo_add(shopper=shopper, upload=small_photo(c)) for c in ((9, 9, 9), (7, 7, 7))
    ]
    # No try-on worker runs: both render messages stay in Redis, as in-flight data would.
    retried = tryon_job_request(shopper=shopper, garment=garment, photo=photos[0])
    failed = tryon_job_request(shopper=shopper, garment=garment, photo=photos[1])
    profiles = ProfileStore(Path(settings.RECOMMENDER_DATA_DIR) / "profiles.sqlite3")
    _wait_until(lambda: profiles.known(shopper.pseudonym), "the profile in the recommender")

    # A result event that fails once (the database refused), then is redelivered to the real
    # storefront worker, which stores the picture and sends the e-mail.
    first = worker_result_event(retried, "run1")
    failures = _fail_once_on_success()
    try:
        with pytest.raises(OperationalError):
            tryon_event_apply(event=first)
        # And one that fails for good: its worker copies have nothing pointing at them.
        lost = worker_result_event(failed, "run1")
        pre_save.disconnect(sender=TryOnJob, dispatch_uid="test.erasure_scan_failure")
        failures = _fail_once_on_success()
        with pytest.raises(OperationalError):
            tryon_event_apply(event=lost)
        assert failures == [failed.pk]
    finally:
        pre_save.disconnect(sender=TryOnJob, dispatch_uid="test.erasure_scan_failure")
    current_app.send_task(EVENT_TASK, kwargs=first.to_dict(), queue=EVENT_QUEUE)
    _wait_until(
        lambda: TryOnJob.objects.get(pk=retried.pk).state == TryOnJob.State.SUCCEEDED,
        "the redelivered result",
    )
    _wait_until(
        lambda: "e-mail not delivered (console mailer)" in worker_processes.log("storefront"),
        "the e-mail",
    )
    retried.refresh_from_db()
    pseudonym = shopper.pseudonym
    job_ids = [str(retried.public_id), str(failed.public_id)]
    files = [
        *retried.blob_names,
        *(n for p in photos for n in (p.blob_name, p.thumbnail_blob_name)),
        first.result_blob,
        lost.result_blob,
        lost.edit_region_blob,
    ]
    assert set(files) - {first.result_blob} <= stored_files()  # the run's copies went on success

    browser = Client()
    browser.force_login(shopper.user)
    assert browser.delete("/api/shoppers/me/").status_code == 204
    _wait_until(lambda: not profiles.known(pseudonym), "the recommender forgetting")
    # The compaction task's own success line: any other task's "succeeded" logged after its
    # "received" line (a suggestions event consumed meanwhile) says nothing of the rewrite.
    compacted = re.compile(r"erasure_redis_compact\[[^\]]+\] succeeded")
    _wait_until(
        lambda: compacted.search(worker_processes.log("storefront")),
        "the second append-only rewrite",
    )
    client = queue_client()
    _wait_until(lambda: not _rewriting(client), "the append-only rewrite to finish")

    personal = [NAME, EMAIL, "Zenobia", "Quillfeather"]
    everything = [*personal, pseudonym, *job_ids, *files, str(CHEST)]
    found = []
    text = database_text()
    found += [f"database: {m}" for m in everything if m in text]
    found += [f"private file {n}" for n in stored_files() if any(j in n for j in job_ids)]
    found += [f"file {n}" for n in set(files) & stored_files()]
    media = _folder_bytes(Path(settings.MEDIA_ROOT))
    found += [f"media: {m}" for m in everything if m.encode() in media]
    in_redis = _redis_text(client)
    found += [f"redis: {m}" for m in everything if m.encode() in in_redis]
    in_aof: list[str] = []
    if aof_dir is not None:
        aof = _folder_bytes(aof_dir / "appendonlydir") + b"".join(
            p.read_bytes() for p in aof_dir.glob("appendonly*.aof*") if p.is_file()
        )
        assert aof, "no append-only file found"
        in_aof = [
            f"append-only file: {m} in ...{_around(aof, m.encode())!r}..."
            for m in everything
            if m.encode() in aof
        ]
    data_dir = _folder_bytes(Path(settings.RECOMMENDER_DATA_DIR))
    found += [f"recommender data: {m}" for m in everything if m.encode() in data_dir]
    # Logs may carry ids and pseudonyms, never names or e-mail addresses.
    logs = caplog.text + "".join(
        worker_processes.log(name) for name in ("storefront", "recommender")
    )
    found += [f"logs: {m}" for m in personal if m in logs]
    assert found == []
    assert in_aof == []
