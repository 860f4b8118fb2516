"""A shopper's account pages in a real browser against the real ASGI app.

Storefront -> sign up -> profile -> upload a photo (and a file that is not one) -> log out ->
log in again.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from catalog.models import Garment, GarmentSize, Merchant
from catalog.services import garment_image_add
from shoppers.models import Shopper, ShopperPhoto

pytestmark = pytest.mark.slow

USERNAME = "grace"
PASSWORD = "correct horse battery"
PHOTO = "p11_woman_head_to_thigh_jeans_studio.jpg"
GARMENT_PHOTO = "c11_dress_blue_floral.jpg"


def _expect_image_loaded(image: Locator) -> None:
    """The <img> has been fetched and decoded by the browser (not a broken-image icon)."""
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    image.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.evaluate("img => img.naturalWidth") > 0


@pytest.fixture
def garment(transactional_db, shared_images: Path) -> Garment:
    merchant = Merchant.objects.create(name="Blue Door", slug="blue-door")
    garment = Garment.objects.create(
        merchant=merchant,
        sku="DR-11",
        name="Blue floral dress",
        category="dress",
        colour="blue",
        price=Decimal("59.00"),
    )
    GarmentSize.objects.create(garment=garment, label="M", stock=3)
    with (shared_images / "garments" / GARMENT_PHOTO).open("rb") as upload:
        garment_image_add(garment=garment, upload=upload)
    return garment


def test_sign_up_upload_photos_log_out_and_in(
    page: Page, web_server, garment: Garment, shared_images: Path
) -> None:
    base = web_server.url

    # The storefront lists the garment, with its image served from media storage.
    page.goto(f"{base}/")
    card = page.locator("#garments a.garment", has_text=garment.name)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("59.00 EUR")
    _expect_image_loaded(card.locator("img"))

    # Sign up through the form.
    page.locator("#nav-sign-up").click()
    expect(page).to_have_url(f"{base}/account/sign-up/")
    form = page.locator("#sign-up-form")
    form.locator("#id_username").fill(USERNAME)
    form.locator("#id_password").fill(PASSWORD)
    form.locator("#id_display_name").fill("Grace Hopper")
    form.locator("#id_contact_email").fill("grace@example.org")
    form.locator("#id_email_notifications").check()
    form.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{base}/account/profile/")
    expect(page.locator("p.message.success")).to_contain_text("Welcome!")
    expect(page.locator("#nav-profile")).to_have_text(USERNAME)
    shopper = Shopper.objects.get(user__username=USERNAME)  # committed by the server
    assert shopper.display_name == "Grace Hopper"
    assert shopper.email_notifications is True
    expect(page.locator("#photos img")).to_have_count(0)

    # Upload a real photo: its (decrypted) thumbnail appears and loads.
    photo_form = page.locator("#photo-form")
    photo_form.locator("input[type=file]").set_input_files(shared_images / "people" / PHOTO)
    photo_form.get_by_role("button", name="Upload photo").click()
    expect(page).to_have_url(f"{base}/account/profile/")
    expect(page.locator("p.message.success")).to_contain_text(
        "Photo added. It is kept for 30 days and deleted automatically on "
    )
    thumbnail = page.locator("#photos img")
    expect(thumbnail).to_have_count(1)
    _expect_image_loaded(thumbnail)
    photo = ShopperPhoto.objects.get(shopper=shopper)
    assert thumbnail.get_attribute("src") == f"/account/photos/{photo.pk}/thumbnail.webp"

    # A file that is not an image is refused with a message a person can act on.
    photo_form.locator("input[type=file]").set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a photo at all\n"}
    )
    photo_form.get_by_role("button", name="Upload photo").click()
    expect(page.locator("p.message.error")).to_have_text(
        "Your photo is not an image we can read. Please upload a JPEG, PNG or WebP photo."
    )
    expect(page.locator("#photos img")).to_have_count(1)
    assert ShopperPhoto.objects.filter(shopper=shopper).count() == 1

    # Log out: back on the storefront, anonymous.
    page.locator("#nav-logout").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("#nav-login")).to_be_visible()
    expect(page.locator("#nav-profile")).to_have_count(0)
    page.goto(f"{base}/account/profile/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/account/profile/$"))

    # Log in again: the username is in the nav and the photo is still there.
    page.goto(f"{base}/account/login/")
    login_form = page.locator("#login-form")
    login_form.locator("#id_username").fill(USERNAME)
    login_form.locator("#id_password").fill(PASSWORD)
    login_form.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("#nav-profile")).to_have_text(USERNAME)
    page.locator("#nav-profile").click()
    expect(page).to_have_url(f"{base}/account/profile/")
    _expect_image_loaded(page.locator("#photos img"))


def test_wrong_password_is_refused(page: Page, web_server) -> None:
    page.goto(f"{web_server.url}/account/login/")
    page.locator("#id_username").fill("nobody")
    page.locator("#id_password").fill("not the password")
    page.locator("#login-form").get_by_role("button", name="Log in").click()
    expect(page.locator("#login-form")).to_contain_text("Please enter a correct username")
    expect(page.locator("#nav-login")).to_be_visible()
