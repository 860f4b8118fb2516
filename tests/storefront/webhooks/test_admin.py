"""Merchant staff manage their own endpoints in the admin: add (secret shown once), send a
test event, rotate the secret, see deliveries and attempts, replay; never another merchant's."""

import re

import pytest
from django.test import Client

from accounts.models import User
from catalog.models import Merchant, MerchantStaff
from catalog.services import merchant_staff_group_ensure
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.selectors import delivery_list_for_merchant, endpoint_list_for_merchant
from webhooks.services import endpoint_create, endpoint_test_send

pytestmark = pytest.mark.usefixtures("storefront_tasks_eager")

ADD_URL = "/admin/webhooks/webhookendpoint/"


def _staff_client(merchant: Merchant, username: str) -> Client:
    user = User.objects.create_user(username=username, password="pw", is_staff=True)
    user.groups.add(merchant_staff_group_ensure())
    MerchantStaff.objects.create(user=user, merchant=merchant)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff(merchant) -> Client:
    return _staff_client(merchant, "atelier-staff")


def _action(client: Client, url: str, action: str, ids: list[int], capture):
    with capture(execute=True):
        return client.post(
            url, {"action": action, "_selected_action": [str(i) for i in ids]}, follow=True
        )


def test_staff_add_an_endpoint_and_see_its_secret_once(
    staff, merchant, receiver, django_capture_on_commit_callbacks
) -> None:
    response = staff.post(
        ADD_URL + "add/",
        {"merchant": merchant.pk, "url": receiver.url, "description": "Order system",
         "event_types": ["tryon.succeeded", "import.finished"]},
    )  # fmt: skip
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    secret = re.search(r'id="webhook-secret"[^>]*>(whsec_[^<]+)<', page).group(1)
    assert "shown only this once" in page
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["tryon.succeeded", "import.finished"]
    assert endpoint.secret == secret
    # Never again: not on the change page, not in the list.
    change = staff.get(f"{ADD_URL}{endpoint.pk}/change/").content.decode()
    assert secret not in change and secret not in staff.get(ADD_URL).content.decode()

    # A test event from the list; it arrives signed with that secret.
    response = _action(
        staff, ADD_URL, "send_test_event", [endpoint.pk], django_capture_on_commit_callbacks
    )
    assert "webhook.test event is on its way" in response.content.decode()
    (request,) = receiver.requests
    assert request.verified(secret)["type"] == "webhook.test"

    # Rotating shows the new secret once; during the grace both verify.
    response = _action(
        staff, ADD_URL, "rotate_secret", [endpoint.pk], django_capture_on_commit_callbacks
    )
    new = re.search(r'id="webhook-secret"[^>]*>(whsec_[^<]+)<', response.content.decode())
    assert new and new.group(1) != secret
    assert "signed with both the old and the new secret" in " ".join(
        response.content.decode().split()
    )


def test_staff_see_deliveries_with_attempts_and_replay_them(
    staff, registered, receiver, django_capture_on_commit_callbacks
) -> None:
    receiver.answer(400)
    _action(
        staff, ADD_URL, "send_test_event", [registered.endpoint.pk],
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"

    page = staff.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/").content.decode()
    assert delivery.event.public_id in page and "receiver says no" in page
    response = _action(
        staff, "/admin/webhooks/webhookdelivery/", "replay", [delivery.pk],
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert "1 deliveries will be sent again" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempt_count == 2


def test_staff_never_reach_another_merchants_endpoints_or_deliveries(
    registered, receiver, django_capture_on_commit_callbacks
) -> None:
    other_merchant = Merchant.objects.create(slug="rival", name="Rival")
    rival = _staff_client(other_merchant, "rival-staff")
    mine, _ = endpoint_create(merchant=other_merchant, url=receiver.url + "/rival",
                              event_types=["import.finished"])  # fmt: skip
    endpoint = registered.endpoint
    with django_capture_on_commit_callbacks(execute=True):
        delivery = endpoint_test_send(endpoint=endpoint)

    listing = rival.get(ADD_URL).content.decode()
    assert "/rival" in listing and registered.endpoint.url + "<" not in listing
    assert rival.get(f"{ADD_URL}{endpoint.pk}/change/").status_code == 302  # not found: home
    assert rival.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/").status_code == 302
    assert (
        str(delivery.event.public_id)
        not in rival.get("/admin/webhooks/webhookdelivery/").content.decode()
    )
    # An action on someone else's id does nothing.
    _action(rival, ADD_URL, "send_test_event", [endpoint.pk], django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    # Their endpoint form offers their own merchant only.
    form = rival.get(ADD_URL + "add/").content.decode()
    assert "Rival" in form and "Atelier" not in form
    assert mine.merchant == other_merchant
    # The selectors the merchant API lists with are scoped the same way.
    assert list(endpoint_list_for_merchant(merchant=other_merchant)) == [mine]
    assert not delivery_list_for_merchant(merchant=other_merchant).exists()
    assert list(delivery_list_for_merchant(merchant=endpoint.merchant)) == [delivery]
