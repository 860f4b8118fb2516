"""A real storefront worker delivers a webhook: a try-on result applied as a worker's event
is applied, its delivery sent after the commit, refused once with a 500, retried after its
backoff and accepted, the signature verified by the receiver as a merchant verifies it."""

import time

import pytest
from webhooks.models import WebhookDelivery
from webhooks.services import endpoint_create

from shoppers.services import shopper_photo_add
from tests.factories import garment_create, shopper_create
from tests.webhook_receiver import receiver_running
from tests.worker_results import worker_result_event
from tryon.services import tryon_event_apply, tryon_job_request

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
