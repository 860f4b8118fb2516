"""A real storefront worker delivers webhooks. Here: a try-on result applied as a worker's event
is applied, its delivery sent after the commit, refused once with a 500, retried after its
backoff and accepted, the signature verified by the receiver as a merchant verifies it."""

import time

import pytest
from django.contrib.auth import get_user_model

from catalog.models import MerchantStaff
from shoppers.services import shopper_photo_add
from tests.support.factories import garment_create, shopper_create
from tests.support.webhook_receiver import receiver_running
from tests.support.worker_results import worker_result_event
from tryon.services import tryon_event_apply, tryon_job_request
from webhooks.models import WebhookDelivery
from webhooks.services import endpoint_create, endpoint_test_send

pytestmark = pytest.mark.slow


def test_a_worker_delivers_a_tryon_result_retrying_a_500(storefront_worker, astronaut_jpeg) -> None:
    garment = garment_create()
    shopper = shopper_create()
    photo = shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)
    with receiver_running() as receiver:
        endpoint, secret = endpoint_create(
            merchant=garment.merchant, url=receiver.url, event_types=["tryon.succeeded"]
        )
        # Backoff bound 0.5 s for the first retry, so the test does not wait a minute.
        storefront_worker(env={"FITTINGROOM_WEBHOOK_BACKOFF_BASE_S": "0.5"})
        job = tryon_job_request(shopper=shopper, garment=garment, photo=photo)
        receiver.answer(500)
        tryon_event_apply(event=worker_result_event(job, "r1"))

        deadline = time.monotonic() + 60
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        while delivery.status == "pending":
            assert time.monotonic() < deadline, "the webhook was not delivered"
            time.sleep(0.2)
            delivery.refresh_from_db()

    assert delivery.status == "succeeded"
    first, second = delivery.attempts.all()
    assert (first.status_code, first.outcome, second.status_code) == (500, "retry", 200)
    assert 0 <= first.retry_in_s <= 0.5
    assert len(receiver.requests) == 2
    for request in receiver.requests:
        payload = request.verified(secret)
        assert payload["type"] == "tryon.succeeded"
        assert payload["data"]["job_id"] == str(job.public_id)


def test_a_worker_disables_a_failing_endpoint_and_mails_the_shop(
    storefront_worker, worker_processes, smtp_inbox, settings
) -> None:
    # A delivery's attempts are fixed when it is recorded (here, in this process).
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    garment = garment_create()
    staff = get_user_model().objects.create_user(
        username="shop-owner", password="pw", email="owner@shop.test"
    )
    MerchantStaff.objects.create(user=staff, merchant=garment.merchant)
    with receiver_running() as receiver:
        receiver.answer(*[500] * 5)
        endpoint, _ = endpoint_create(
            merchant=garment.merchant, url=receiver.url, event_types=["tryon.succeeded"]
        )
        storefront_worker(
            env={
                "EMAIL_URL": smtp_inbox.url,
                "FITTINGROOM_WEBHOOK_BACKOFF_BASE_S": "0.2",
                "FITTINGROOM_WEBHOOK_DISABLE_AFTER_FAILURES": "1",
                "FITTINGROOM_WEBHOOK_DISABLE_AFTER_HOURS": "0",
            }
        )
        endpoint_test_send(endpoint=endpoint)

        deadline = time.monotonic() + 60
        while not smtp_inbox.messages:
            assert time.monotonic() < deadline, worker_processes.log("storefront")[-4000:]
            time.sleep(0.2)

    endpoint.refresh_from_db()
    assert not endpoint.is_enabled and "HTTP 500" in endpoint.disabled_reason
    assert len(receiver.requests) == 2  # both attempts made, then given up
    (notice,) = smtp_inbox.messages
    assert notice["To"] == "owner@shop.test" and endpoint.url in notice["Subject"]
    plain = next(part for part in notice.walk() if part.get_content_type() == "text/plain")
    text = plain.get_payload(decode=True).decode()
    assert endpoint.disabled_reason in " ".join(text.split())
