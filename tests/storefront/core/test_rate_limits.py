"""Upload and try-on limits per shopper and per address: 429 with a message, counted in Redis."""

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.rate_limits import KEY_PREFIX
from core.redis_url import redis_cache_location
from shoppers.models import ShopperPhoto
from tests.support.factories import shopper_create


@pytest.fixture(autouse=True)
def _fresh_counters(db) -> None:
    """Other tests reuse user ids and all post from 127.0.0.1: start from zero."""
    client = redis.Redis.from_url(redis_cache_location(settings.REDIS_URL))
    for key in client.scan_iter(f"{KEY_PREFIX}:*"):
        client.delete(key)


def _logged_in(username: str) -> Client:
    client = Client()
    client.force_login(shopper_create(username=username).user)
    return client


def _upload(client: Client, photo: bytes):
    upload = SimpleUploadedFile("me.jpg", photo, content_type="image/jpeg")
    return client.post(reverse("shoppers:photo_upload"), {"photo": upload})


def test_photo_uploads_per_shopper_are_limited(settings, astronaut_jpeg: bytes) -> None:
    """The third upload in the hour is refused with 429 and a message saying how long to wait."""
    settings.PHOTO_UPLOADS_PER_HOUR = 2
    client = _logged_in("ada")
    assert [_upload(client, astronaut_jpeg).status_code for _ in range(2)] == [302, 302]
    refused = _upload(client, astronaut_jpeg)
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "Too many photo uploads from your account: at most 2 per hour." in text
    assert "Please try again in" in text
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert ShopperPhoto.objects.count() == 2  # the refused one was never decoded or stored
    # Another shopper on another address is not affected.
    other = _logged_in("grace")
    assert _upload(other, astronaut_jpeg).status_code == 302


def test_photo_uploads_per_day_are_a_quota(settings, astronaut_jpeg: bytes) -> None:
    settings.PHOTO_UPLOADS_PER_DAY = 1
    client = _logged_in("ada")
    assert _upload(client, astronaut_jpeg).status_code == 302
    refused = _upload(client, astronaut_jpeg)
    assert refused.status_code == 429
    assert "at most 1 per day" in refused.content.decode()


def test_photo_uploads_per_address_are_limited_across_accounts(
    settings, astronaut_jpeg: bytes
) -> None:
    """New accounts from one address do not get a fresh allowance each."""
    settings.PHOTO_UPLOADS_PER_HOUR_PER_ADDRESS = 2
    responses = [_upload(_logged_in(name), astronaut_jpeg) for name in ("addr1", "addr2", "addr3")]
    assert [response.status_code for response in responses] == [302, 302, 429]
    assert "from your network: at most 2 per hour" in responses[2].content.decode()
    # The address is counted only as a keyed digest: no IP address in Redis.
    client = redis.Redis.from_url(redis_cache_location(settings.REDIS_URL))
    assert not [key for key in client.scan_iter(f"{KEY_PREFIX}:*") if b"127.0.0.1" in key]


def test_tryon_requests_per_shopper_and_per_address_are_limited(settings, garment) -> None:
    """Every attempt counts (each one would queue work); the limit answers 429."""
    settings.TRYON_REQUESTS_PER_HOUR = 2
    settings.TRYON_REQUESTS_PER_HOUR_PER_ADDRESS = 4
    client = _logged_in("ada")
    url = reverse("tryon:job_create")
    data = {"garment": garment.pk, "photo": 0}  # no such photo: turned away after counting
    assert [client.post(url, data).status_code for _ in range(2)] == [302, 302]
    refused = client.post(url, data)
    assert refused.status_code == 429
    assert "Too many try-on requests from your account: at most 2 per hour." in (
        refused.content.decode()
    )
    # The refused attempt counted for the address too (3 so far): one more is allowed.
    other = _logged_in("grace")
    assert other.post(url, data).status_code == 302
    by_address = other.post(url, data)
    assert by_address.status_code == 429
    assert "from your network: at most 4 per hour" in by_address.content.decode()
