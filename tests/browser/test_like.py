"""*Like* on a garment gives clear feedback in a real browser: the button turns into a pressed
"Liked" in place (fetch, no reload) and stays so; without JavaScript the form posts and the
page comes back with a message and the pressed button. A like is counted once."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from catalog.models import Garment
from recommendations.models import Interaction
from recommendations.views import ALREADY_LIKED_MESSAGE, LIKED_MESSAGE
from shoppers.services import shopper_sign_up
from tests.support.factories import garment_create

pytestmark = pytest.mark.slow

PASSWORD = "a long passphrase here"


@pytest.fixture
def garment(transactional_db) -> Garment:
    shopper_sign_up(username="lin", password=PASSWORD)
    return garment_create(name="Sage t-shirt", sku="TEE-1")


def _log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/account/login/")
    page.locator("#id_username").fill("lin")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(f"{base}/")


def _likes() -> int:
    return Interaction.objects.filter(kind=Interaction.Kind.LIKE).count()


def test_like_turns_the_button_to_liked_in_place(page: Page, web_server, garment) -> None:
    base = web_server.url
    _log_in(page, base)
    page.goto(f"{base}/garments/{garment.pk}/")
    button = page.locator("#like-button")
    expect(button).to_have_text("♡ Like")
    expect(button).to_have_attribute("aria-pressed", "false")
    page.evaluate("window.__noReload = true")

    button.click()
    expect(button).to_have_text("♥ Liked")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#like-status")).to_have_text(LIKED_MESSAGE)
    assert page.evaluate("window.__noReload") is True  # changed in place
    if keep := os.environ.get("FITTINGROOM_SCREENSHOTS"):
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(keep) / f"liked-{width}.png"))
    assert _likes() == 1

    button.click()  # again: told so, counted once
    expect(page.locator("#like-status")).to_have_text(ALREADY_LIKED_MESSAGE)
    assert _likes() == 1

    page.reload()  # the page remembers
    expect(page.locator("#like-button")).to_have_text("♥ Liked")
    expect(page.locator("#like-button")).to_have_attribute("aria-pressed", "true")


def test_like_without_javascript_posts_and_comes_back_with_a_message(
    browser: Browser, web_server, garment
) -> None:
    base = web_server.url
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        _log_in(page, base)
        page.goto(f"{base}/garments/{garment.pk}/")
        page.locator("#like-button").click()
        page.wait_for_load_state()
        assert page.url == f"{base}/garments/{garment.pk}/"
        expect(page.locator("p.message.success")).to_have_text(LIKED_MESSAGE)
        expect(page.locator("#like-button")).to_have_text("♥ Liked")
        expect(page.locator("#like-button")).to_have_attribute("aria-pressed", "true")
        assert _likes() == 1
    finally:
        context.close()
