"""Through a real recommender worker process: catalogue events, an encrypted photo and an
interaction go in by task name; SuggestionSets come out on the storefront's event queue."""

import base64
import json
import os
import re
import time
from pathlib import Path

import pytest
from celery import Celery

from contracts.envelope import KeyRing, blob_data_key, encrypt_bytes
from contracts.queues import (
    EVENT_QUEUE,
    GARMENT_UPSERT_TASK,
    INTERACTION_TASK,
    PROFILE_UPDATE_TASK,
    RECOMMENDER_QUEUE,
    SUGGEST_TASK,
    SUGGESTIONS_EVENT_TASK,
)
from contracts.recommender import Interaction, ProfileUpdate, SuggestionSet, SuggestRequest
from contracts.sealing import PHOTO_CONTEXT, data_key_wrap, transport_key_load
from tests.recommender.catalogue import png_bytes, shop_documents
from tests.support.broker_queue import queue_client

SUBJECT = "psn_5f1d2c3b4a"
# The transport key the storefront and the workers share; any 32 bytes will do here.
WORKER_KEY = base64.b64encode(b"recommender-test-transport-key!!").decode()


def next_suggestions(redis_url: str, subject: str, timeout_s: float) -> SuggestionSet:
    """Pop the storefront_events queue until a SuggestionSet for ``subject`` arrives."""
    client = queue_client(redis_url)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        # Polling, not BRPOP: the client's socket timeout may be shorter than the wait.
        raw = client.rpop(EVENT_QUEUE)
        if raw is None:
            time.sleep(0.05)
            continue
        envelope = json.loads(raw)
        if envelope["headers"]["task"] != SUGGESTIONS_EVENT_TASK:
            continue
        _args, kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
        if kwargs["subject"] == subject:
            return SuggestionSet.from_dict(kwargs)
    pytest.fail(f"no suggestions for {subject} within {timeout_s} s")


@pytest.mark.slow
def test_suggestions_arrive_within_seconds_from_a_real_worker(
    worker_processes, redis_url: str, tmp_path: Path, shared_images: Path
) -> None:
    public, private = tmp_path / "public", tmp_path / "private"
    # The storefront's photo envelope, its data key wrapped for this pseudonym.
    keyring = KeyRing.from_specs([KeyRing.generate_spec("k1")])
    photo = (shared_images / "people" / "p12_woman_head_to_thigh_gray_tee_studio.jpg").read_bytes()
    envelope = encrypt_bytes(photo, keyring=keyring, context=PHOTO_CONTEXT)
    (private / "photos").mkdir(parents=True)
    (private / "photos" / "me.bin").write_bytes(envelope)
    wrapped = data_key_wrap(
        blob_data_key(envelope, keyring=keyring),
        transport_key=transport_key_load(WORKER_KEY),
        job_id=SUBJECT,
    )
    env = {
        **os.environ,
        # As in production, the shared environment names the storefront's settings.
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "REDIS_URL": redis_url,
        "RECOMMENDER_DATA_DIR": str(tmp_path / "recommender"),
        "TRYON_PUBLIC_STORE_URL": f"file://{public}",
        "TRYON_PRIVATE_STORE_URL": f"file://{private}",
        "FITTINGROOM_WORKER_KEY": WORKER_KEY,
    }
    queue_client(redis_url).delete(EVENT_QUEUE)
    worker_processes.start("recommender.celery_app", RECOMMENDER_QUEUE, "rec", env)
    # Not the current app: a later test's app must not find this one current.
    broker = Celery(broker=redis_url, set_as_current=False)

    def send(task: str, message) -> None:
        broker.send_task(task, kwargs=message.to_dict(), queue=RECOMMENDER_QUEUE)

    for document, image in shop_documents():
        (public / document.image_key).parent.mkdir(parents=True, exist_ok=True)
        (public / document.image_key).write_bytes(png_bytes(image))
        send(GARMENT_UPSERT_TASK, document)
    send(SUGGEST_TASK, SuggestRequest(subject=SUBJECT, limit=5))
    # The first answer waits for the models to load and the garments to be embedded.
    cold = next_suggestions(redis_url, SUBJECT, timeout_s=90)
    assert cold.strategy == "popular" and len(cold.items) == 5

    started = time.monotonic()
    update = ProfileUpdate(
        subject=SUBJECT, preferred_size="M", photo_blob="photos/me.bin", photo_key=wrapped
    )
    send(PROFILE_UPDATE_TASK, update)
    shaped = next_suggestions(redis_url, SUBJECT, timeout_s=30)
    photo_s = time.monotonic() - started
    assert shaped.body_shape and shaped.strategy == "personal", shaped
    assert shaped.body_shape_reason.startswith("Estimated from your photo")
    assert shaped.notice == ""

    started = time.monotonic()
    send(INTERACTION_TASK, Interaction(SUBJECT, 1, "tryon", "2026-11-20T12:00:00+00:00"))
    tried = next_suggestions(redis_url, SUBJECT, timeout_s=30)
    interaction_s = time.monotonic() - started
    assert 1 not in [item["garment_id"] for item in tried.items]
    assert all(1 <= len(item["reasons"]) <= 3 for item in tried.items)
    assert any("close to the linen shirt you tried on" in item["reasons"] for item in tried.items)
    assert all(item["size"] == "M" for item in tried.items)
    # "Within seconds" of the shopper's photo or interaction.
    assert photo_s < 10 and interaction_s < 5, (photo_s, interaction_s)
    # Let the worker log (and acknowledge) its last task before the fixture stops it.
    finished = re.compile(rf"{re.escape(INTERACTION_TASK)}\[[0-9a-f-]+\] succeeded")
    deadline = time.monotonic() + 10
    while not finished.search(log := worker_processes.log("rec")):
        assert time.monotonic() < deadline, log[-3000:]
        time.sleep(0.1)
    assert "Traceback" not in log and "ERROR" not in log
