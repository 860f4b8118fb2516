"""Webhooks in the admin, in a real browser under the Content-Security-Policy: merchant staff
register an endpoint and read its secret on the page that answers (once), and read a
delivery's attempts, at a desktop and a phone width. Screenshots go to the test's folder
(or to FITTINGROOM_SCREENSHOT_DIR when set)."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from catalog.models import Merchant, MerchantStaff
from catalog.services import merchant_staff_group_ensure
from tests.support.webhook_receiver import receiver_running
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import delivery_attempt, endpoint_test_send

pytestmark = pytest.mark.slow

PASSWORD = "a merchant passphrase"
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def staff(transactional_db):
    merchant = Merchant.objects.create(name="Blue Door", slug="blue-door")
    user = get_user_model().objects.create_user(
        username="blue-door-staff", password=PASSWORD, is_staff=True, email="staff@blue.test"
    )
    user.groups.add(merchant_staff_group_ensure())
    MerchantStaff.objects.create(user=user, merchant=merchant)
    return user


def _shots(page: Page, folder: Path, name: str) -> None:
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"webhooks-{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_staff_register_an_endpoint_and_read_deliveries(
    page: Page, web_server, staff, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("FITTINGROOM_SCREENSHOT_DIR", tmp_path))
    base = web_server.url
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")

    with receiver_running() as receiver:
        page.goto(f"{base}/admin/webhooks/webhookendpoint/add/")
        page.fill("#id_url", receiver.url)
        page.fill("#id_description", "Order system")
        page.check("input[value='tryon.succeeded']")
        page.check("input[value='garment.out_of_stock']")
        page.click("input[name=_save]")
        secret = page.locator("#webhook-secret")
        expect(secret).to_contain_text("whsec_")
        assert re.fullmatch(r"whsec_[A-Za-z0-9+/=]{44}", secret.inner_text())
        _shots(page, folder, "secret")

        endpoint = WebhookEndpoint.objects.get()
        assert endpoint.secret == secret.inner_text()
        # A delivery refused once, then accepted: made here, attempted by the service.
        receiver.answer(503)
        delivery = endpoint_test_send(endpoint=endpoint)
        delivery_attempt(delivery_id=delivery.pk, seq=1)
        delivery_attempt(delivery_id=delivery.pk, seq=2)
        assert WebhookDelivery.objects.get().status == "succeeded"

    page.goto(f"{base}/admin/webhooks/webhookendpoint/")
    expect(page.locator("#result_list")).to_contain_text(receiver.url)
    _shots(page, folder, "endpoints")
    page.goto(f"{base}/admin/webhooks/webhookdelivery/{delivery.pk}/change/")
    expect(page.locator("body")).to_contain_text("receiver says no")
    expect(page.locator("body")).to_contain_text(delivery.event.public_id)
    _shots(page, folder, "delivery")
    # The secret is on no other page.
    page.goto(f"{base}/admin/webhooks/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint.secret not in page.content()
    _shots(page, folder, "endpoint")
