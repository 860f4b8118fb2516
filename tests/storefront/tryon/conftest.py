"""Fixtures for the try-on flow: a garment with a product image, a shopper with a photo."""

import pytest

from shoppers.models import Shopper, ShopperPhoto
from shoppers.services import shopper_photo_add
from tests.support.factories import shopper_create


@pytest.fixture
def shopper(db) -> Shopper:
    return shopper_create()


@pytest.fixture
def photo(shopper: Shopper, astronaut_jpeg: bytes) -> ShopperPhoto:
    """A photo of one person; the worker's events are simulated here, so any will do."""
    return shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)
