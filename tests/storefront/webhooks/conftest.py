"""Fixtures for webhook tests: a real receiver on 127.0.0.1, a merchant, its endpoint."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from catalog.models import Merchant
from tests.support.webhook_receiver import Receiver, receiver_running
from webhooks.events import SUBSCRIBABLE
from webhooks.models import WebhookEndpoint
from webhooks.services import endpoint_create


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_running() as running:
        yield running


@dataclass
class RegisteredEndpoint:
    endpoint: WebhookEndpoint
    secret: str


@pytest.fixture
def merchant(db) -> Merchant:
    # The slug tests.support.factories.garment_create puts its garments under.
    merchant, _ = Merchant.objects.get_or_create(slug="atelier", defaults={"name": "Atelier"})
    return merchant


@pytest.fixture
def registered(merchant: Merchant, receiver: Receiver) -> RegisteredEndpoint:
    """The merchant's endpoint on the receiver, subscribed to every event."""
    endpoint, secret = endpoint_create(
        merchant=merchant, url=receiver.url, event_types=[e.value for e in SUBSCRIBABLE]
    )
    return RegisteredEndpoint(endpoint=endpoint, secret=secret)
