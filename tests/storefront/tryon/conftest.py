"""Fixtures for the try-on flow: a garment with a product image, a shopper with a photo."""

from pathlib import Path

import pytest

from shoppers.models import Shopper, ShopperPhoto
from shoppers.services import shopper_photo_add
from tests.factories import shopper_create

PERSON_PHOTO = "p11_woman_head_to_thigh_jeans_studio.jpg"


@pytest.fixture
def shopper(db) -> Shopper:
    return shopper_create()


@pytest.fixture
def photo(shopper: Shopper, shared_images: Path) -> ShopperPhoto:
    return shopper_photo_add(
        shopper=shopper, upload=(shared_images / "people" / PERSON_PHOTO).read_bytes()
    )
