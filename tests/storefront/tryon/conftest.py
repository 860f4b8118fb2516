"""Fixtures for the try-on flow: a garment with a product image, a shopper with a photo."""

import io
from pathlib import Path

import pytest

from catalog.models import Garment, GarmentSize, Merchant
from catalog.procedural_garments import GarmentArtSpec, render_garment
from catalog.services import garment_image_add
from shoppers.models import Shopper, ShopperPhoto
from shoppers.services import shopper_photo_add, shopper_sign_up

PERSON_PHOTO = "p11_woman_head_to_thigh_jeans_studio.jpg"


@pytest.fixture
def garment(db) -> Garment:
    merchant = Merchant.objects.create(name="Atelier", slug="atelier")
    garment = Garment.objects.create(
        merchant=merchant, sku="TEE-RED", name="Red tee", category="top", price=20
    )
    GarmentSize.objects.create(garment=garment, label="M", stock=3, chest_cm=96)
    image = render_garment(
        GarmentArtSpec(category="top", kind="t-shirt", colour=(200, 30, 40)), width=300, height=400
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    garment_image_add(garment=garment, upload=buffer.getvalue())
    return garment


@pytest.fixture
def shopper(db) -> Shopper:
    return shopper_sign_up(
        username="ada",
        password="correct horse battery",
        display_name="Ada Lovelace",
        contact_email="ada@example.org",
        email_notifications=True,
    )


@pytest.fixture
def photo(shopper: Shopper, shared_images: Path) -> ShopperPhoto:
    return shopper_photo_add(
        shopper=shopper, upload=(shared_images / "people" / PERSON_PHOTO).read_bytes()
    )
