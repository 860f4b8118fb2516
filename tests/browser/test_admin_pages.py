"""The admin in a real browser against the real ASGI app, under the Content-Security-Policy:
its scripts run (the changelist's action bar, the change form), nothing is blocked (the
page fixture fails on any violation), and the login locks out after the limit with the
lockout message (through uvicorn: django-axes' async path)."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from catalog.models import Garment, GarmentSize, Merchant

pytestmark = pytest.mark.slow

PASSWORD = "an operator passphrase"


@pytest.fixture
def operator_with_garment(transactional_db):
    merchant = Merchant.objects.create(name="Blue Door", slug="blue-door")
    garment = Garment.objects.create(
        merchant=merchant, sku="TS-1", name="Plain tee", category="top", price=Decimal("9.00")
    )
    GarmentSize.objects.create(garment=garment, label="M", stock=2)
    return get_user_model().objects.create_superuser(username="admin-csp", password=PASSWORD)


def _log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-form [type=submit]")


def test_admin_pages_work_under_the_policy(page: Page, web_server, operator_with_garment) -> None:
    base = web_server.url
    _log_in(page, base, "admin-csp", PASSWORD)
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(f"{base}/admin/catalog/garment/")
    # actions.js (a static script) runs: ticking a row updates the "selected" counter.
    page.locator("input.action-select").first.check()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")

    page.goto(f"{base}/admin/catalog/garment/{Garment.objects.get().pk}/change/")
    expect(page.locator("#garment_form")).to_be_visible()
    # The import page and the try-on list, the admin's own pages of this platform.
    page.goto(f"{base}/admin/catalog/garment/import/")
    expect(page.locator("input[type=file]").first).to_be_attached()
    # Stylesheets applied: the admin's header is styled, not a bare list.
    assert page.locator("#header").evaluate("el => getComputedStyle(el).display") == "flex"


def test_admin_login_locks_out_with_a_message(
    page: Page, web_server, operator_with_garment
) -> None:
    base = web_server.url
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(page, base, "admin-csp", f"wrong-{attempt}")
    _log_in(page, base, "admin-csp", PASSWORD)
    expect(page.locator("body")).to_contain_text("Too many failed log-in attempts")
    expect(page.locator("#login-form")).to_be_visible()
    page.goto(f"{base}/admin/")
    assert "/admin/login/" in page.url  # still not logged in
