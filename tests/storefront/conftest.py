"""Fixtures shared by the storefront's apps: a garment, an operator, queues and eager tasks."""

from collections.abc import Callable, Iterator

import pytest
from celery import current_app
from django.contrib.auth import get_user_model

from catalog.models import Garment
from contracts.queues import RECOMMENDER_QUEUE, RENDER_QUEUE
from tests.support.broker_queue import queue_client
from tests.support.django_fixtures import *  # noqa: F403
from tests.support.factories import garment_create
from tests.support.shopper_footprint import Footprint, shopper_with_everything


@pytest.fixture
def garment(db) -> Garment:
    return garment_create()


@pytest.fixture
def operator(db):
    return get_user_model().objects.create_superuser(username="operator", password="pw-12345678")


@pytest.fixture
def storefront_tasks_eager() -> Iterator[None]:
    """Storefront tasks (e-mail) run inline; tests/integration runs them in real workers.

    Render and recommender messages use send_task, which always goes to the broker.
    """
    app = current_app._get_current_object()
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def empty_queues() -> None:
    """The recommender and render queues start empty, so a test sees only its own messages."""
    queue_client().delete(RECOMMENDER_QUEUE, RENDER_QUEUE)


@pytest.fixture
def footprint_of(
    garment, operator, django_capture_on_commit_callbacks
) -> Callable[[str], Footprint]:
    """Make a shopper with something of every kind stored about them (see shopper_footprint)."""

    def make(username: str) -> Footprint:
        return shopper_with_everything(
            username=username,
            garment=garment,
            capture_on_commit=django_capture_on_commit_callbacks,
            operator=operator,
        )

    return make
