"""The shopper's pages fit a phone: at 390x844 (a common phone viewport) no page is wider than
the screen, so nothing needs sideways scrolling. The pages carry long names, a full size chart,
a photo, a finished try-on picture and suggestions with a notice, as real use would.

Set FITTINGROOM_SCREENSHOTS=<folder> to keep a screenshot of every page at 390 and 1280 px.
"""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import Page

from catalog.models import Garment, GarmentSize
from contracts import recommender as contract
from contracts.sealing import data_key_wrap, result_seal, transport_key_load
from contracts.tryon import TryOnEvent
from privacy.sealed_files import private_storage
from recommendations.services import suggestion_set_apply
from shoppers.models import Shopper
from shoppers.services import shopper_photo_add, shopper_sign_up
from tests.support.factories import garment_create
from tryon.models import TryOnJob
from tryon.services import tryon_event_apply, tryon_job_request

pytestmark = pytest.mark.slow

USERNAME = "maximiliana-theodora-long-username"
PASSWORD = "a long passphrase here"
LONG_NAME = "Extraordinarily-long-hyphenated-organic-cotton-oversized-boyfriend-shirt"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _result_event(job: TryOnJob) -> TryOnEvent:
    """A finished render as a worker sends it, with a real 768x1024 WebP picture."""
    buffer = io.BytesIO()
    Image.new("RGB", (768, 1024), (180, 190, 200)).save(buffer, format="WEBP")
    sealed, data_key = result_seal(buffer.getvalue())
    name = private_storage().save(f"results/{job.public_id}-r1.bin", ContentFile(sealed))
    key = transport_key_load(settings.WORKER_TRANSPORT_KEY)
    return TryOnEvent(
        job_id=str(job.public_id), attempt=1, run_id="r1", kind="succeeded", result_blob=name,
        result_key=data_key_wrap(data_key, transport_key=key, job_id=str(job.public_id)),
        width=768, height=1024, worker="w1",
    )  # fmt: skip


@pytest.fixture
def shop(transactional_db, astronaut_jpeg: bytes) -> dict[str, str]:
    """A shopper with a photo, a finished try-on and suggestions; the pages to look at."""
    garment = garment_create(name=LONG_NAME, sku="TEE-LONG")
    for label in ("XS", "S", "L", "XL", "XXL"):
        GarmentSize.objects.create(
            garment=garment, label=label, stock=2, chest_cm=90, waist_cm=80, hips_cm=100,
            length_cm=70,
        )  # fmt: skip
    Garment.objects.filter(pk=garment.pk).update(
        style_tags=["oversized", "casual", "minimalist", "office"], is_synthetic=True
    )
    shopper: Shopper = shopper_sign_up(username=USERNAME, password=PASSWORD)
    photo = shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)
    job = tryon_job_request(shopper=shopper, garment=garment, photo=photo)
    tryon_event_apply(event=_result_event(job))
    suggestion_set_apply(
        event=contract.SuggestionSet(
            subject=shopper.pseudonym,
            items=[{"garment_id": garment.pk, "size": "M", "reasons": ["your size: M"]}],
            strategy="popular",
            notice="We couldn't find a person in your photo. Until then, your suggestions "
            "are popular garments.",
        )
    )
    return {
        "list": "/",
        "garment": f"/garments/{garment.pk}/",
        "account": "/account/profile/",
        "upload": "/account/profile/#photo-form",
        "try-on result": f"/tryon/{job.public_id}/",
        "try-ons": "/tryon/",
        "suggestions": "/suggestions/",
        "log in": "/account/login/",
        "sign up": "/account/sign-up/",
    }


def _log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/account/login/")
    page.locator("#id_username").fill(USERNAME)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(f"{base}/**")


def _overflow(page: Page) -> dict:
    """How wide the document is against the viewport, and the widest elements past its edge."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          const wide = [...document.querySelectorAll("body *")]
            .filter(el => el.getBoundingClientRect().right > width + 0.5)
            .slice(0, 5)
            .map(el => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`
                       + ` right=${Math.round(el.getBoundingClientRect().right)}`);
          return {scroll: document.scrollingElement.scrollWidth, width, wide};
        }"""
    )


def test_shopper_pages_fit_a_390px_phone(
    browser, web_server, shop: dict[str, str], tmp_path: Path
) -> None:
    base = web_server.url
    keep = os.environ.get("FITTINGROOM_SCREENSHOTS")
    too_wide: dict[str, dict] = {}
    for viewport in (PHONE, DESKTOP):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        try:
            _log_in(page, base)
            for label, path in shop.items():
                if label in {"log in", "sign up"}:
                    continue
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                measured = _overflow(page)
                if viewport is PHONE and measured["scroll"] > measured["width"]:
                    too_wide[label] = measured
                if keep:
                    name = f"{label.replace(' ', '-')}-{viewport['width']}.png"
                    page.screenshot(path=str(Path(keep) / name), full_page=True)
            # The pages of a visitor who is not logged in.
            context.clear_cookies()
            for label in ("log in", "sign up", "list", "garment"):
                page.goto(f"{base}{shop[label]}")
                measured = _overflow(page)
                if viewport is PHONE and measured["scroll"] > measured["width"]:
                    too_wide[f"{label} (visitor)"] = measured
                if keep:
                    name = f"{label.replace(' ', '-')}-visitor-{viewport['width']}.png"
                    page.screenshot(path=str(Path(keep) / name), full_page=True)
        finally:
            context.close()
    assert not too_wide, f"pages wider than a 390 px phone: {too_wide}"
