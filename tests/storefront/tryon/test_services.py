"""Try-on job services: request, message contents, idempotent event application, reaping."""

import json
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from contracts.queues import RENDER_QUEUE
from contracts.sealing import data_key_unwrap, photo_open, transport_key_load
from contracts.tryon import RenderRequest, TryOnEvent
from core.exceptions import ApplicationError
from core.redis_url import redis_cache_location
from privacy.sealed_files import private_storage
from tests.support.worker_results import worker_result_event
from tryon.models import TryOnJob
from tryon.services import (
    MAX_DISPATCHES,
    tryon_event_apply,
    tryon_job_cancel,
    tryon_job_request,
    tryon_jobs_reap,
    tryon_result_read,
)


def _queued_messages() -> list[dict]:
    """The render messages sitting on the `tryon` queue in Redis, as a worker would receive them."""
    client = redis.Redis.from_url(redis_cache_location(settings.REDIS_URL))
    bodies = []
    for raw in client.lrange(RENDER_QUEUE, 0, -1):
        envelope = json.loads(raw)
        import base64

        bodies.append(
            {"envelope": envelope, "body": json.loads(base64.b64decode(envelope["body"]))}
        )
    return bodies


@pytest.fixture(autouse=True)
def _empty_tryon_queue() -> None:
    redis.Redis.from_url(redis_cache_location(settings.REDIS_URL)).delete(RENDER_QUEUE)


pytestmark = pytest.mark.usefixtures("storefront_tasks_eager")


def _request_job(shopper, garment, photo, django_capture_on_commit_callbacks) -> TryOnJob:
    with django_capture_on_commit_callbacks(execute=True):
        return tryon_job_request(shopper=shopper, garment=garment, photo=photo)


def test_request_queues_a_pseudonymous_message_after_commit(
    shopper,
    garment,
    photo,
    django_capture_on_commit_callbacks,
) -> None:
    job = _request_job(shopper, garment, photo, django_capture_on_commit_callbacks)
    [queued] = _queued_messages()
    _args, kwargs, _embed = queued["body"]
    message = RenderRequest.from_dict(kwargs)
    assert message.job_id == str(job.public_id) and message.attempt == 1
    raw = json.dumps(queued)
    # Spaces, "@" and "." never occur in the ids, hex and base64 a message carries.
    for secret in ("Ada Lovelace", "ada@example.org", "@example.org"):
        assert secret not in raw
    # Only the contract's fields travel: no user or shopper id under any name.
    assert set(kwargs) == set(RenderRequest.__dataclass_fields__)
    assert message.subject.startswith("psn_") and str(shopper.pk) != message.subject
    assert queued["envelope"]["headers"]["task"] == "tryon.render"
    # The headers never repeat the arguments as text: pseudonym, job id and photo name stay
    # inside the (base64) body, out of plain sight in the broker's append-only file.
    headers = json.dumps(queued["envelope"]["headers"])
    for named in (message.subject, message.job_id, message.person_blob):
        assert named not in headers
    assert queued["envelope"]["headers"]["kwargsrepr"] == "<sealed>"
    # The wrapped key opens this photo for this job, and only for this job.
    key = transport_key_load(settings.WORKER_TRANSPORT_KEY)
    data_key = data_key_unwrap(message.person_key, transport_key=key, job_id=message.job_id)
    with private_storage().open(message.person_blob, "rb") as handle:
        picture = photo_open(handle.read(), data_key=data_key)
    assert picture[8:12] == b"WEBP"
    with pytest.raises(ValueError, match="does not open"):
        data_key_unwrap(message.person_key, transport_key=key, job_id="another-job")
    assert len(raw) < 4000 and "WEBP" not in raw  # references, never image bytes


def test_nothing_is_queued_when_the_transaction_rolls_back(shopper, garment, photo) -> None:
    tryon_job_request(shopper=shopper, garment=garment, photo=photo)  # on_commit never fires here
    assert _queued_messages() == []


def test_request_refuses_someone_elses_photo_and_too_many_jobs(shopper, garment, photo) -> None:
    from shoppers.services import shopper_sign_up

    other = shopper_sign_up(username="eve", password="another passphrase")
    with pytest.raises(ApplicationError, match="not yours"):
        tryon_job_request(shopper=other, garment=garment, photo=photo)
    for _ in range(3):
        tryon_job_request(shopper=shopper, garment=garment, photo=photo)
    with pytest.raises(ApplicationError, match="already have 3 pictures in progress"):
        tryon_job_request(shopper=shopper, garment=garment, photo=photo)


def test_events_move_the_job_and_duplicates_change_nothing(
    shopper,
    garment,
    photo,
    django_capture_on_commit_callbacks,
) -> None:
    job = _request_job(shopper, garment, photo, django_capture_on_commit_callbacks)
    stage = TryOnEvent(
        job_id=str(job.public_id), attempt=1, run_id="r1", kind="stage", stage="finding_pose"
    )
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=stage)
    job.refresh_from_db()
    assert (job.state, job.stage, job.attempts) == ("running", "finding_pose", 1)

    first = worker_result_event(job, "r1")
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=first)
    job.refresh_from_db()
    assert job.state == "succeeded" and job.stage == "done" and job.result_width == 768
    assert tryon_result_read(job=job).startswith(b"RIFF")
    # Moved into our own envelopes: the result and its edit region.
    assert not private_storage().exists(first.result_blob)
    assert not private_storage().exists(first.edit_region_blob)
    with connection.cursor() as cursor:
        cursor.execute("SELECT result_blob_name FROM tryon_tryonjob WHERE id = %s", [job.pk])
        stored = private_storage().open(cursor.fetchone()[0], "rb").read()
    assert stored.startswith(b"FRE1") and b"fake-picture" not in stored
    assert len(mail.outbox) == 1
    assert "ready" in mail.outbox[0].subject and str(job.public_id) in mail.outbox[0].body
    assert not mail.outbox[0].attachments

    # A redelivered message ran again on another worker and finished too: nothing changes.
    duplicate = worker_result_event(job, "r2")
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=duplicate)
        tryon_event_apply(event=first)
    job.refresh_from_db()
    assert job.state == "succeeded" and job.attempts == 2
    assert sorted(job.attempt_log.values_list("outcome", flat=True)) == ["succeeded", "superseded"]
    assert not private_storage().exists(duplicate.result_blob)
    assert not private_storage().exists(duplicate.edit_region_blob)
    assert len(mail.outbox) == 1
    results = {f"results/{p}" for p in private_storage().listdir("results")[1]}
    assert results == set(job.blob_names) and len(results) == 2  # result, edit region


def test_input_failure_ends_the_job_with_its_code(
    shopper, garment, photo, django_capture_on_commit_callbacks
) -> None:
    job = _request_job(shopper, garment, photo, django_capture_on_commit_callbacks)
    event = TryOnEvent(
        job_id=str(job.public_id), attempt=1, run_id="r1", kind="failed",
        error_code="no_person", error_message="We couldn't find a person in this photo.",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=event)
    job.refresh_from_db()
    assert (job.state, job.error_code) == ("failed", "no_person")
    # Ada opted in to e-mail: she hears that the picture is not coming, and why.
    (message,) = mail.outbox
    assert "could not be made" in message.subject and event.error_message in message.body


def test_retryable_failure_is_requeued_until_the_limit(
    shopper,
    garment,
    photo,
    django_capture_on_commit_callbacks,
) -> None:
    job = _request_job(shopper, garment, photo, django_capture_on_commit_callbacks)
    for run in range(MAX_DISPATCHES):
        event = TryOnEvent(
            job_id=str(job.public_id), attempt=run + 1, run_id=f"r{run}", kind="failed",
            error_code="timeout", error_message="Rendering took too long.", retryable=True,
        )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            tryon_event_apply(event=event)
        job.refresh_from_db()
    assert job.state == "failed" and job.dispatches == MAX_DISPATCHES
    assert len(_queued_messages()) == MAX_DISPATCHES


def test_reaper_requeues_silent_jobs_then_fails_them(
    shopper,
    garment,
    photo,
    django_capture_on_commit_callbacks,
) -> None:
    job = _request_job(shopper, garment, photo, django_capture_on_commit_callbacks)
    TryOnJob.objects.filter(pk=job.pk).update(
        state="running", last_event_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tryon_jobs_reap() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert job.state == "queued" and job.dispatches == 2
    assert [m["body"][1]["attempt"] for m in _queued_messages()] == [2, 1]  # LPUSH: newest first
    TryOnJob.objects.filter(pk=job.pk).update(
        dispatches=MAX_DISPATCHES, last_event_at=timezone.now() - timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tryon_jobs_reap() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert (job.state, job.error_code) == ("failed", "worker_lost")
    assert tryon_jobs_reap() == {"requeued": 0, "failed": 0}


def test_cancelled_job_ignores_its_late_result(
    shopper, garment, photo, django_capture_on_commit_callbacks
) -> None:
    job = _request_job(shopper, garment, photo, django_capture_on_commit_callbacks)
    tryon_job_cancel(job=job)
    late = worker_result_event(job, "r1")
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=late)
    job.refresh_from_db()
    assert job.state == "cancelled" and not job.result_blob_name
    assert not private_storage().exists(late.result_blob)
    assert not private_storage().exists(late.edit_region_blob)
