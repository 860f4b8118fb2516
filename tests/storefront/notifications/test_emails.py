"""The e-mails a shopper who opted in receives about a try-on (issue 12, item 6).

Each test runs the real flow: a try-on request, the worker's event applied by the service,
the notification task run eagerly, the message read from Django's locmem outbox.
"""

import html

import pytest
from django.core import mail

from shoppers.models import Shopper, ShopperPhoto
from shoppers.services import shopper_photo_add
from tests.factories import garment_create, shopper_create
from tests.worker_results import worker_result_event
from tryon.models import TryOnJob
from tryon.services import tryon_event_apply, tryon_job_request

pytestmark = pytest.mark.usefixtures("storefront_tasks_eager")

#: A garment name with every character HTML escaping would change.
AWKWARD_NAME = """Jeans 32" & Co's <slim>"""


@pytest.fixture
def shopper(db) -> Shopper:
    return shopper_create()


@pytest.fixture
def photo(shopper: Shopper, astronaut_jpeg: bytes) -> ShopperPhoto:
    return shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)


def _job(shopper, photo, capture) -> TryOnJob:
    garment = garment_create(name=AWKWARD_NAME, sku="JEANS-32")
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
