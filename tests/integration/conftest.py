"""Fixtures for end-to-end try-on tests: data committed, so worker processes see it."""

from collections.abc import Callable
from pathlib import Path

import pytest

from catalog.models import Garment
from shoppers import services
from shoppers.models import Shopper, ShopperPhoto
from shoppers.services import shopper_photo_add
from tests.support.django_fixtures import *  # noqa: F403
from tests.support.factories import garment_create, shopper_create

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


@pytest.fixture
def unchecked_photo_of(
    shopper: Shopper, shared_images: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], ShopperPhoto]:
    """Store a photo the upload would refuse, as one uploaded before uploads were checked, to
    see what try-on (which must not trust the upload) makes of it."""

    def add(relative: str) -> ShopperPhoto:
        with monkeypatch.context() as patched:
            patched.setattr(services, "shopper_photo_person_check", lambda content: None)
            return shopper_photo_add(
                shopper=shopper, upload=(shared_images / relative).read_bytes()
            )

    return add
