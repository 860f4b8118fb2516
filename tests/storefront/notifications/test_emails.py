"""The e-mails a shopper who opted in receives about a try-on (issue 12, item 6).

Each test runs the real flow: a try-on request, the worker's event applied by the service,
the notification task run eagerly, the message read from Django's locmem outbox.
"""

import html

import pytest
from django.core import mail

from contracts.tryon import TryOnEvent
from notifications.models import EmailNotification
from shoppers.models import Shopper, ShopperPhoto
from shoppers.services import shopper_photo_add
from tests.support.factories import garment_create, shopper_create
from tests.support.worker_results import worker_result_event
from tryon.models import TryOnJob
from tryon.services import tryon_event_apply, tryon_job_request

pytestmark = pytest.mark.usefixtures("storefront_tasks_eager")

#: A garment name with every character HTML escaping would change.
AWKWARD_NAME = """Jeans 32" & Co's <slim>"""
#: A worker's refusal: the reason and the advice the page shows, quotes included.
NO_PERSON = "We couldn't find a person in this photo. Try one where you are in full view."


@pytest.fixture
def shopper(db) -> Shopper:
    return shopper_create()


@pytest.fixture
def photo(shopper: Shopper, astronaut_jpeg: bytes) -> ShopperPhoto:
    return shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)


def _job(shopper, photo, capture, *, sku: str = "JEANS-32") -> TryOnJob:
    garment = garment_create(name=AWKWARD_NAME, sku=sku)
    with capture(execute=True):
        return tryon_job_request(shopper=shopper, garment=garment, photo=photo)


def _html_part(message) -> str:
    (content, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return content


def test_ready_email_text_part_shows_the_garment_name_unescaped(
    shopper, photo, django_capture_on_commit_callbacks
) -> None:
    job = _job(shopper, photo, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=worker_result_event(job, "r1"))

    (message,) = mail.outbox
    assert AWKWARD_NAME in message.subject
    # Plain text is never read as HTML: the name as the merchant wrote it.
    assert AWKWARD_NAME in message.body
    assert "&quot;" not in message.body and "&amp;" not in message.body
    assert "&lt;" not in message.body and "&#x27;" not in message.body
    # The HTML part is markup, so there the same name must be escaped.
    body_html = _html_part(message)
    assert html.escape(AWKWARD_NAME) in body_html
    assert "<slim>" not in body_html


def _failed_event(job: TryOnJob, run_id: str = "r1", *, retryable: bool = False) -> TryOnEvent:
    return TryOnEvent(
        job_id=str(job.public_id), attempt=1, run_id=run_id, kind="failed",
        error_code="no_person", error_message=NO_PERSON, retryable=retryable,
    )  # fmt: skip


def test_a_failed_tryon_emails_the_opted_in_shopper_the_reason_once(
    shopper, photo, django_capture_on_commit_callbacks
) -> None:
    job = _job(shopper, photo, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=_failed_event(job))
        # A redelivered failure event changes nothing, and mails nothing more.
        tryon_event_apply(event=_failed_event(job, "r2"))

    (message,) = mail.outbox
    assert message.to == [shopper.contact_email]
    assert "could not be made" in message.subject and AWKWARD_NAME in message.subject
    # The reason and the advice the job carries, the garment's name as written, a way back.
    assert NO_PERSON in message.body and AWKWARD_NAME in message.body
    assert f"/tryon/{job.public_id}/" in message.body
    assert html.escape(NO_PERSON) in _html_part(message)
    assert not message.attachments
    notification = EmailNotification.objects.get(job=job)
    assert (notification.kind, notification.status) == ("tryon_failed", "sent")


def test_no_failure_email_without_the_opt_in_or_while_the_job_is_retried(
    photo, astronaut_jpeg, django_capture_on_commit_callbacks
) -> None:
    job = _job(photo.shopper, photo, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=_failed_event(job, retryable=True))
    job.refresh_from_db()
    assert job.state == "queued" and mail.outbox == []  # not failed yet: tried again

    quiet = shopper_create(username="bea", notifications=False)
    quiet_photo = shopper_photo_add(shopper=quiet, upload=astronaut_jpeg)
    quiet_job = _job(quiet, quiet_photo, django_capture_on_commit_callbacks, sku="JEANS-33")
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=_failed_event(quiet_job))
    quiet_job.refresh_from_db()
    assert quiet_job.state == "failed" and mail.outbox == []


def test_email_links_use_the_configured_base_url(
    shopper, photo, settings, django_capture_on_commit_callbacks
) -> None:
    """The base URL `manage.py up --port` (or production's environment) sets, not port 8000."""
    settings.FITTINGROOM_BASE_URL = "http://127.0.0.1:8123/"
    job = _job(shopper, photo, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=_failed_event(job))
    (message,) = mail.outbox
    assert f"http://127.0.0.1:8123/tryon/{job.public_id}/" in message.body
    assert ":8000" not in message.body
