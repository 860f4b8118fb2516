"""``/api/v1/webhook-endpoints/``: a merchant's systems register, change, test, rotate and delete
their webhook endpoints and replay deliveries, as staff do in the admin (issue 13, item 4)."""

import pytest
from django.test import override_settings
from standardwebhooks import Webhook

from tests.storefront.merchant_api.conftest import client_for
from tests.support.webhook_receiver import receiver_running
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.usefixtures("storefront_tasks_eager")


@pytest.fixture
def receiver():
    with receiver_running() as running:
        yield running


def test_register_test_rotate_and_delete(
    shop_a, receiver, django_capture_on_commit_callbacks
) -> None:
    client = client_for(shop_a.write)
    created = client.post(
        "/api/v1/webhook-endpoints/",
        {"url": receiver.url, "event_types": ["tryon.succeeded", "import.finished"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    secret, endpoint_id = body["secret"], body["id"]
    assert created["Location"] == f"/api/v1/webhook-endpoints/{endpoint_id}/"
    # The secret is in that answer only.
    assert "secret" not in client.get(created["Location"]).json()
    assert "secret" not in client.get("/api/v1/webhook-endpoints/").json()[0]

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/api/v1/webhook-endpoints/{endpoint_id}/test/")
    assert sent.status_code == 202 and sent.json()["event_type"] == "webhook.test"
    [request] = receiver.requests
    Webhook(secret).verify(request.body, request.headers)  # as the merchant checks it

    rotated = client.post(f"/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret/").json()
    assert rotated["secret"] != secret
    deliveries = client.get(f"/api/v1/webhook-endpoints/{endpoint_id}/deliveries/").json()
    assert [d["status"] for d in deliveries] == ["succeeded"]
    with django_capture_on_commit_callbacks(execute=True):
        replayed = client.post(
            f"/api/v1/webhook-endpoints/{endpoint_id}/deliveries/{deliveries[0]['id']}/replay/"
        )
    assert replayed.status_code == 202
    [first, again] = receiver.requests
    assert again.headers["webhook-id"] == first.headers["webhook-id"]
    Webhook(rotated["secret"]).verify(again.body, again.headers)

    off = client.patch(f"/api/v1/webhook-endpoints/{endpoint_id}/", {"enabled": False}, "json")
    assert off.json()["enabled"] is False and off.json()["disabled_reason"]
    assert client.delete(f"/api/v1/webhook-endpoints/{endpoint_id}/").status_code == 204
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()


@override_settings(WEBHOOKS_ALLOW_PRIVATE_URLS=False)
def test_a_private_address_is_refused_on_its_field(shop_a) -> None:
    answer = client_for(shop_a.write).post(
        "/api/v1/webhook-endpoints/",
        {"url": "https://127.0.0.1/hooks", "event_types": ["tryon.failed"]},
        format="json",
    )
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("application/problem+json")
    assert answer.json()["code"].startswith("webhook_")
    assert not WebhookEndpoint.objects.exists()


def test_unknown_events_and_read_keys_are_refused(shop_a, receiver) -> None:
    bad = client_for(shop_a.write).post(
        "/api/v1/webhook-endpoints/",
        {"url": receiver.url, "event_types": ["garment.sold_out"]},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "event_types.0"
    read = client_for(shop_a.read).post(
        "/api/v1/webhook-endpoints/",
        {"url": receiver.url, "event_types": ["tryon.failed"]},
        format="json",
    )
    assert read.status_code == 403


def test_another_merchants_endpoints_are_out_of_reach(shop_a, shop_b, receiver) -> None:
    created = client_for(shop_a.write).post(
        "/api/v1/webhook-endpoints/",
        {"url": receiver.url, "event_types": ["tryon.failed"]},
        format="json",
    )
    endpoint_id = created.json()["id"]
    other = client_for(shop_b.write)
    assert other.get("/api/v1/webhook-endpoints/").json() == []
    base = f"/api/v1/webhook-endpoints/{endpoint_id}/"
    assert other.get(base).status_code == 404
    assert other.patch(base, {"enabled": False}, "json").status_code == 404
    assert other.post(base + "test/").status_code == 404
    assert other.post(base + "rotate-secret/").status_code == 404
    assert other.get(base + "deliveries/").status_code == 404
    assert other.post(base + "deliveries/1/replay/").status_code == 404
    assert other.delete(base).status_code == 404
    assert WebhookEndpoint.objects.get().is_enabled
