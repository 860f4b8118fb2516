"""Fixtures for end-to-end try-on tests: committed data, and waiting on real processes."""

from collections.abc import Callable
from pathlib import Path

import pytest

from catalog.models import Garment, GarmentSize, Merchant
from catalog.procedural_garments import GarmentArtSpec, render_garment
from catalog.services import garment_image_add
from shoppers.models import Shopper, ShopperPhoto
from shoppers.services import shopper_photo_add, shopper_sign_up

PERSON_PHOTO = "p11_woman_head_to_thigh_jeans_studio.jpg"


@pytest.fixture
def garment(transactional_db) -> Garment:
    import io

    merchant = Merchant.objects.create(name="Atelier", slug="atelier")
    garment = Garment.objects.create(
        merchant=merchant, sku="TEE-RED", name="Red tee", category="top", price=20
    )
    GarmentSize.objects.create(garment=garment, label="M", stock=3)
    art = render_garment(
        GarmentArtSpec(category="top", kind="t-shirt", colour=(200, 30, 40)), width=300, height=400
    )
    buffer = io.BytesIO()
    art.save(buffer, format="PNG")
    garment_image_add(garment=garment, upload=buffer.getvalue())
    return garment


@pytest.fixture
def shopper(transactional_db) -> Shopper:
    return shopper_sign_up(
        username="ada",
        password="correct horse battery",
        display_name="Ada Lovelace",
        contact_email="ada@example.org",
        email_notifications=True,
    )


@pytest.fixture
def photo_of(shopper: Shopper, shared_images: Path) -> Callable[[str], ShopperPhoto]:
    def add(relative: str = f"people/{PERSON_PHOTO}") -> ShopperPhoto:
        return shopper_photo_add(shopper=shopper, upload=(shared_images / relative).read_bytes())

    return add
