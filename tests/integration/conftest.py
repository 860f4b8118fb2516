"""Fixtures for end-to-end try-on tests: data committed, so worker processes see it."""

from collections.abc import Callable
from pathlib import Path

import pytest

from catalog.models import Garment
from shoppers.models import Shopper, ShopperPhoto
from shoppers.services import shopper_photo_add
from tests.factories import garment_create, shopper_create

PERSON_PHOTO = "p11_woman_head_to_thigh_jeans_studio.jpg"


@pytest.fixture
def garment(transactional_db) -> Garment:
    return garment_create()


@pytest.fixture
def shopper(transactional_db) -> Shopper:
    return shopper_create()


@pytest.fixture
def photo_of(shopper: Shopper, shared_images: Path) -> Callable[[str], ShopperPhoto]:
    def add(relative: str = f"people/{PERSON_PHOTO}") -> ShopperPhoto:
        return shopper_photo_add(shopper=shopper, upload=(shared_images / relative).read_bytes())

    return add
