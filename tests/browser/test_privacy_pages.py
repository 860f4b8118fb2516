"""A shopper's privacy controls in a real browser against the real ASGI app: download all
their data, delete a photo with the try-on pictures made from it, delete one try-on picture."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from shoppers.models import ShopperPhoto
from tests.support.factories import garment_create
from tests.support.shopper_footprint import Footprint, shopper_with_everything
from tryon.models import TryOnJob

pytestmark = pytest.mark.slow


@pytest.fixture
def ada(web_server, django_capture_on_commit_callbacks) -> Footprint:
    operator = get_user_model().objects.create_superuser(username="operator", password="pw-1234")
    return shopper_with_everything(
        username="ada-browser",
        garment=garment_create(),
        capture_on_commit=django_capture_on_commit_callbacks,
        operator=operator,
    )


def _log_in(page: Page, base: str, footprint: Footprint) -> None:
    session = footprint.clients[0].cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": base}])


def test_download_data_delete_photo_with_its_tryons_and_one_tryon(
    page: Page, web_server, ada: Footprint
) -> None:
    base = web_server.url
    _log_in(page, base, ada)
    page.goto(f"{base}/account/profile/")
    expect(page.locator("#retention-note")).to_contain_text("We keep each photo for 30 days")

    # Download my data: a ZIP the browser saves, with her details in it.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.startswith("fitting-room-data-")
    with zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())) as archive:
        assert json.loads(archive.read("profile.json"))["display_name"] == "Ada Lovelace"
        assert len(json.loads(archive.read("photos.json"))) == 2

    # Delete the photo a picture was made from, and the picture with it.
    done = TryOnJob.objects.get(shopper=ada.shopper, state="succeeded")
    page.locator(f'a[href="/account/photos/{done.photo_id}/delete/"]').click()
    expect(page.locator("h1")).to_have_text("Delete this photo?")
    page.get_by_role("button", name="Delete photo and its 1 try-on picture").click()
    expect(page.locator(".message")).to_contain_text("Photo and 1 try-on(s) made from it deleted.")
    expect(page.locator("#photos figure")).to_have_count(1)
    assert not TryOnJob.objects.filter(pk=done.pk).exists()
    assert ShopperPhoto.objects.filter(shopper=ada.shopper).count() == 1

    # The try-on still running, deleted from the list.
    page.goto(f"{base}/tryon/")
    expect(page.locator("#tryon-list li")).to_have_count(1)
    page.locator("#tryon-list").get_by_role("button").click()
    expect(page.locator(".message")).to_contain_text("Try-on picture of Red tee deleted.")
    assert not TryOnJob.objects.filter(shopper=ada.shopper).exists()
