"""The whole try-on flow in a real browser: log in, upload a photo, press *Try it on*, watch
the stages, and see the picture appear without reloading the page."""

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Garment
from shoppers.services import shopper_sign_up
from tests.support.factories import garment_create
from tryon.models import TryOnJob

pytestmark = pytest.mark.slow

PHOTO = "p12_woman_head_to_thigh_gray_tee_studio.jpg"


@pytest.fixture
def garment(transactional_db) -> Garment:
    return garment_create(name="Sage t-shirt", sku="TEE-1", colour=(143, 163, 133))


def test_try_it_on_shows_progress_and_the_result_without_reload(
    page: Page,
    web_server,
    garment: Garment,
    storefront_worker,
    tryon_worker,
    shared_images,
) -> None:
    base = web_server.url
    shopper_sign_up(username="lin", password="a long passphrase here")
    storefront_worker()
    tryon_worker()

    page.goto(f"{base}/account/login/")
    page.locator("#id_username").fill("lin")
    page.locator("#id_password").fill("a long passphrase here")
    page.locator("#login-form button[type=submit]").click()
    page.goto(f"{base}/account/profile/")
    page.locator("#photo-form input[type=file]").set_input_files(
        str(shared_images / "people" / PHOTO)
    )
    page.locator("#photo-form button[type=submit]").click()
    expect(page.locator("#photos img")).to_have_count(1)

    page.goto(f"{base}/garments/{garment.pk}/")
    page.locator("#try-it-on").click()
    expect(page).to_have_url(f"{base}/tryon/{TryOnJob.objects.get().public_id}/")
    # Mark the document: a reload would lose this, so finding it at the end proves none happened.
    page.evaluate("window.__noReload = true")
    expect(page.locator("#stages li[data-stage=queued]")).to_be_visible()
    result = page.locator("#result-image")
    expect(result).to_be_visible(timeout=120_000)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=result.element_handle()
    )
    assert page.evaluate("window.__noReload") is True
    expect(page.locator("#job-status")).to_have_text("Your picture is ready.")
    expect(page.locator("#stages li[data-stage=rendering]")).to_have_class("done")
    assert page.evaluate("document.getElementById('result-image').naturalWidth") == 768
    seen = page.locator("#tryon-job").get_attribute("data-seen").split()
    assert seen[0] == "queued" and seen[-1] == "done"
    assert {"finding_pose", "fitting_garment", "rendering"} & set(seen), seen
