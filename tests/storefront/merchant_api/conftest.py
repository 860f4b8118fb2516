"""Two merchants, each with a read and a write key, and a client speaking the API."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from catalog.models import Merchant
from merchant_api.models import KeyScope
from merchant_api.services import api_key_create


@dataclass
class MerchantKeys:
    merchant: Merchant
    read: str
    write: str


def _merchant_with_keys(slug: str) -> MerchantKeys:
    merchant = Merchant.objects.create(slug=slug, name=slug.title())
    _, read = api_key_create(merchant=merchant, name="read", scope=KeyScope.READ)
    _, write = api_key_create(merchant=merchant, name="write", scope=KeyScope.WRITE)
    return MerchantKeys(merchant=merchant, read=read, write=write)


@pytest.fixture
def shop_a(db) -> MerchantKeys:
    return _merchant_with_keys("atelier")


@pytest.fixture
def shop_b(db) -> MerchantKeys:
    return _merchant_with_keys("boutique")


def client_for(key: str | None) -> APIClient:
    """An API client that sends ``key`` as a bearer token (none: anonymous)."""
    client = APIClient()
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client
