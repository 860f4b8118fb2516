"""Each event type, caused by the real domain service, reaches a real receiver signed.

Try-on events come through the code path a worker's event takes (tryon_event_apply), the
import through catalog_import_run, stock through the import and the admin's garment form.
Delivery tasks run eagerly, as the storefront's other tasks do in these tests
(tests/integration/test_webhooks_end_to_end.py runs them in a real worker).
"""

import csv
import io
import uuid

import pytest
from django.test import Client

from accounts.models import User
from catalog.models import GarmentSize, Merchant, MerchantStaff
from catalog.services import (
    catalog_import_enqueue,
    catalog_import_fail,
    catalog_import_run,
    merchant_staff_group_ensure,
)
from contracts.tryon import TryOnEvent
from lifecycle.services import shopper_erase
from privacy.models import ErasureRecord
from shoppers.services import shopper_photo_add
from tests.support.factories import garment_create, shopper_create
from tests.support.worker_results import worker_result_event
from tryon.services import tryon_event_apply, tryon_job_cancel, tryon_job_request
from webhooks.models import WebhookDelivery, WebhookEvent
from webhooks.services import endpoint_create, endpoint_disable, endpoint_test_send

pytestmark = pytest.mark.usefixtures("storefront_tasks_eager")

NO_PERSON = "We couldn't find a person in this photo. Try one where you are in full view."


def _only_request(receiver, secret: str) -> dict:
    (request,) = receiver.requests
    payload = request.verified(secret)  # as a merchant's receiver checks it
    assert request.path == "/hooks/fitting-room"
    assert request.headers["Content-Type"] == "application/json"
    return payload | {"_id": request.headers["webhook-id"]}


@pytest.fixture
def job(registered, astronaut_jpeg, django_capture_on_commit_callbacks):
    shopper = shopper_create()
    photo = shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)
    garment = garment_create()
    with django_capture_on_commit_callbacks(execute=True):
        return tryon_job_request(shopper=shopper, garment=garment, photo=photo)


def test_tryon_succeeded_is_delivered_signed_with_ids_and_pseudonyms_only(
    job, registered, receiver, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=worker_result_event(job, "r1"))

    payload = _only_request(receiver, registered.secret)
    assert payload["type"] == "tryon.succeeded"
    data = payload["data"]
    assert data["job_id"] == str(job.public_id) and data["status"] == "succeeded"
    assert data["garment"] == {"id": job.garment_id, "sku": "TEE-RED"}
    assert data["shopper"]["pseudonym"].startswith("psm_")
    # Not the pseudonym the workers see, and nothing that names the shopper.
    assert data["shopper"]["pseudonym"][4:] != job.shopper.pseudonym[4:]
    body = receiver.requests[0].body.decode()
    for personal in ("Ada", "Lovelace", "ada@example.org", job.shopper.pseudonym):
        assert personal not in body
    event = WebhookEvent.objects.get()
    assert payload["_id"] == event.public_id
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == (
        "succeeded",
        1,
        200,
    )
    (attempt,) = delivery.attempts.all()
    assert attempt.outcome == "succeeded" and attempt.status_code == 200
    assert attempt.response_excerpt == '{"ok": true}' and attempt.duration_ms >= 0


def test_tryon_failed_carries_the_error_code_and_reason(
    job, registered, receiver, django_capture_on_commit_callbacks
) -> None:
    failed = TryOnEvent(
        job_id=str(job.public_id), attempt=1, run_id="r1", kind="failed",
        error_code="no_person", error_message=NO_PERSON, retryable=False,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=failed)
        tryon_event_apply(event=failed)  # a redelivered event sends nothing more

    payload = _only_request(receiver, registered.secret)
    assert payload["type"] == "tryon.failed"
    assert payload["data"]["error"] == {"code": "no_person", "reason": NO_PERSON}


def test_a_retried_failure_sends_nothing_and_a_cancel_sends_tryon_cancelled(
    job, registered, receiver, django_capture_on_commit_callbacks
) -> None:
    retried = TryOnEvent(
        job_id=str(job.public_id), attempt=1, run_id="r1", kind="failed",
        error_code="worker_busy", error_message="Busy.", retryable=True,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=retried)
    assert receiver.requests == []  # queued again, not final

    with django_capture_on_commit_callbacks(execute=True):
        tryon_job_cancel(job=job)
    payload = _only_request(receiver, registered.secret)
    assert payload["type"] == "tryon.cancelled" and payload["data"]["status"] == "cancelled"


def _catalogue(rows: list[list[str]]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["sku", "name", "category", "price", "size", "stock"])
    writer.writerows(rows)
    handle = io.BytesIO(text.getvalue().encode())
    handle.name = "catalogue.csv"
    return handle


def test_import_finished_reports_counts_and_refused_rows(
    merchant, registered, receiver, django_capture_on_commit_callbacks
) -> None:
    rows = [
        ["DRESS-1", "Wrap dress", "dress", "59.00", "M", "4"],
        ["DRESS-2", "Bad dress", "hat", "59.00", "M", "4"],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        record = catalog_import_run(merchant=merchant, csv_file=_catalogue(rows))

    payload = _only_request(receiver, registered.secret)
    assert payload["type"] == "import.finished"
    data = payload["data"]
    assert data["import_id"] == record.pk and data["status"] == "completed_with_errors"
    assert (data["rows_total"], data["garments_created"], data["errors_total"]) == (2, 1, 1)
    assert data["errors"][0]["sku"] == "DRESS-2" and data["errors"][0]["column"] == "category"


def test_stock_reaching_zero_and_coming_back_through_the_import(
    merchant, registered, receiver, django_capture_on_commit_callbacks
) -> None:
    def run(stock_m: str, stock_l: str) -> None:
        rows = [
            ["COAT-1", "Rain coat", "outerwear", "120.00", "M", stock_m],
            ["COAT-1", "Rain coat", "outerwear", "120.00", "L", stock_l],
        ]
        with django_capture_on_commit_callbacks(execute=True):
            catalog_import_run(merchant=merchant, csv_file=_catalogue(rows))

    run("2", "0")  # new garment: no stock event
    run("1", "0")  # less, not none: no stock event
    run("0", "0")
    run("0", "0")  # still none: nothing more
    run("3", "0")

    types = [request.verified(registered.secret)["type"] for request in receiver.requests]
    # Each stock event is emitted while its import runs, before the import's own finish.
    assert types == [
        "import.finished",
        "import.finished",
        "garment.out_of_stock",
        "import.finished",
        "import.finished",
        "garment.back_in_stock",
        "import.finished",
    ]
    sold_out = receiver.requests[2].verified(registered.secret)["data"]
    assert sold_out["garment"]["sku"] == "COAT-1" and sold_out["stock_total"] == 0
    assert sold_out["sizes"] == [{"label": "M", "stock": 0}, {"label": "L", "stock": 0}]


def test_stock_set_to_zero_in_the_admin_sends_out_of_stock(
    merchant, registered, receiver, django_capture_on_commit_callbacks
) -> None:
    garment = garment_create()
    size = GarmentSize.objects.get(garment=garment)
    user = User.objects.create_user(username=f"staff-{uuid.uuid4().hex[:6]}", password="pw")
    user.is_staff = True
    user.save()
    user.groups.add(merchant_staff_group_ensure())
    MerchantStaff.objects.create(user=user, merchant=merchant)
    client = Client()
    client.force_login(user)
    form = {
        "merchant": merchant.pk, "sku": garment.sku, "name": garment.name,
        "category": garment.category, "description": "", "colour": "", "material": "",
        "style_tags": "[]", "price": "20.00", "currency": "EUR", "is_active": "on",
        "sizes-TOTAL_FORMS": "1", "sizes-INITIAL_FORMS": "1", "sizes-MIN_NUM_FORMS": "0",
        "sizes-MAX_NUM_FORMS": "1000", "sizes-0-id": size.pk, "sizes-0-garment": garment.pk,
        "sizes-0-label": "M", "sizes-0-chest_cm": "96", "sizes-0-stock": "0",
        "images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "1", "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000", "images-0-id": garment.images.get().pk,
        "images-0-garment": garment.pk, "images-0-role": "product", "images-0-position": "0",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/catalog/garment/{garment.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]

    payload = _only_request(receiver, registered.secret)
    assert payload["type"] == "garment.out_of_stock"
    assert payload["data"]["garment"] == {"id": garment.pk, "sku": garment.sku}


def test_only_subscribed_enabled_endpoints_of_that_merchant_get_an_event(
    merchant, registered, receiver, django_capture_on_commit_callbacks
) -> None:
    other = Merchant.objects.create(slug="other", name="Other shop")
    endpoint_create(merchant=other, url=receiver.url, event_types=["import.finished"])
    disabled, _ = endpoint_create(merchant=merchant, url=receiver.url + "/off",
                                  event_types=["import.finished"])  # fmt: skip
    endpoint_disable(endpoint=disabled, reason="Paused by the merchant.")
    endpoint_create(merchant=merchant, url=receiver.url + "/tryon", event_types=["tryon.failed"])

    with django_capture_on_commit_callbacks(execute=True):
        catalog_import_run(merchant=merchant, csv_file=_catalogue([]))

    assert [request.path for request in receiver.requests] == ["/hooks/fitting-room"]
    assert WebhookDelivery.objects.count() == 1


def test_a_shoppers_erasure_deletes_the_events_that_name_them(
    job, registered, receiver, django_capture_on_commit_callbacks
) -> None:
    """The body names the shopper by pseudonym: it goes with their try-on jobs."""
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=worker_result_event(job, "r1"))
    catalogue_event = endpoint_test_send(endpoint=registered.endpoint).event
    assert WebhookEvent.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        shopper_erase(shopper=job.shopper, channel=ErasureRecord.Channel.COMMAND)

    assert list(WebhookEvent.objects.all()) == [catalogue_event]
    assert WebhookDelivery.objects.get().event == catalogue_event


def test_a_queued_import_that_fails_sends_import_finished_with_its_reason(
    merchant, registered, receiver, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # no worker runs it
        record = catalog_import_enqueue(merchant=merchant, csv_file=_catalogue([]))
    with django_capture_on_commit_callbacks(execute=True):
        catalog_import_fail(import_id=record.pk, reason="The import took too long.")

    payload = _only_request(receiver, registered.secret)
    assert payload["type"] == "import.finished"
    assert payload["data"]["import_id"] == record.pk and payload["data"]["status"] == "failed"
    assert payload["data"]["failure"] == "The import took too long."
