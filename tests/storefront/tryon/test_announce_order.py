"""A try-on job's end is announced by a signal, and the channels listen (plan step D4).

The try-on domain no longer calls notifications or webhooks: ``tryon_job_announced`` is sent
in the job's transaction, and each channel's receiver records its part there. These tests
pin what the direct calls did: one e-mail owed and one webhook event per failed job, nothing
after a rollback, and the e-mail before the webhook.
"""

import pytest
from django.db import transaction

from contracts.tryon import TryOnEvent
from notifications.models import EmailNotification
from shoppers.services import shopper_photo_add
from tests.support.factories import garment_create, shopper_create
from tryon.models import TryOnJob
from tryon.services import tryon_event_apply, tryon_job_request
from tryon.signals import tryon_job_announced
from webhooks.models import WebhookEvent
from webhooks.services import endpoint_create

NO_PERSON = "We couldn't find a person in this photo. Try one where you are in full view."


class _RolledBack(Exception):
    pass


@pytest.fixture
def job(db, astronaut_jpeg: bytes, django_capture_on_commit_callbacks) -> TryOnJob:
    shopper = shopper_create()
    photo = shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)
    garment = garment_create()
    # Nothing is delivered here (no callback runs); the endpoint only makes events recorded.
    endpoint_create(
        merchant=garment.merchant, url="http://127.0.0.1:9/hooks", event_types=["tryon.failed"]
    )
    with django_capture_on_commit_callbacks():
        return tryon_job_request(shopper=shopper, garment=garment, photo=photo)


def _failed(job: TryOnJob) -> TryOnEvent:
    return TryOnEvent(
        job_id=str(job.public_id), attempt=1, run_id="r1", kind="failed",
        error_code="no_person", error_message=NO_PERSON, retryable=False,
    )  # fmt: skip


def test_a_failed_job_owes_one_email_and_records_one_webhook_event(
    job: TryOnJob, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        tryon_event_apply(event=_failed(job))

    job.refresh_from_db()
    assert job.state == TryOnJob.State.FAILED
    (notification,) = EmailNotification.objects.filter(job=job)
    assert notification.kind == "tryon_failed"
    (event,) = WebhookEvent.objects.all()
    assert (event.type, event.tryon_job_id) == ("tryon.failed", job.pk)
    # After the commit: the e-mail's send is queued before the webhook's delivery, once each.
    senders = [callback.__module__ for callback in callbacks]
    assert senders.count("notifications.services") == senders.count("webhooks.services") == 1
    assert senders.index("notifications.services") < senders.index("webhooks.services")


def _fail_and_roll_back(job: TryOnJob) -> None:
    with transaction.atomic():
        tryon_event_apply(event=_failed(job))
        assert EmailNotification.objects.filter(job=job).exists()  # recorded, for now
        raise _RolledBack


def test_a_rolled_back_job_owes_no_email_and_records_no_event(
    job: TryOnJob, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(_RolledBack):
        _fail_and_roll_back(job)

    # What was recorded went with the transaction, as did what would have been sent after it.
    assert not EmailNotification.objects.filter(job=job).exists()
    assert not WebhookEvent.objects.exists()
    assert callbacks == []
    job.refresh_from_db()
    assert job.state != TryOnJob.State.FAILED


def test_each_channel_listens_once_and_the_email_comes_before_the_webhook() -> None:
    # Receivers run in the order they were connected: the apps' ready(), in INSTALLED_APPS
    # order. A second connection (a receivers module imported twice under another name)
    # would owe two e-mails.
    uids = [lookup_key[0] for lookup_key, *_ in tryon_job_announced.receivers]
    assert uids == ["notifications.tryon_job_emails", "webhooks.tryon_job_events"]
