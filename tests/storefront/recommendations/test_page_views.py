"""A garment page never writes on GET: the view is queued in Redis and stored in batches."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.queues import RECOMMENDER_QUEUE
from lifecycle.services import shopper_erase
from privacy.models import ErasureRecord
from recommendations.models import Interaction
from recommendations.services import (
    VIEW_FLUSH_LOCK_KEY,
    VIEW_QUEUE_KEY,
    interaction_view_queue,
    interaction_views_flush,
)
from tests.support.broker_queue import queue_client, queued_messages
from tests.support.factories import garment_create, shopper_create

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture(autouse=True)
def _empty_queues() -> None:
    queue_client().delete(RECOMMENDER_QUEUE, VIEW_QUEUE_KEY, VIEW_FLUSH_LOCK_KEY)


def test_garment_page_writes_nothing_and_its_view_is_stored_by_the_flush(
    client, db, django_capture_on_commit_callbacks
) -> None:
    shopper, garment = shopper_create(), garment_create()
    client.force_login(shopper.user)
    before = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("catalog:garment_detail", args=[garment.pk]))
    assert page.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert not Interaction.objects.exists()
    assert json.loads(queue_client().lindex(VIEW_QUEUE_KEY, 0))["garment"] == garment.pk

    with django_capture_on_commit_callbacks(execute=True):
        assert interaction_views_flush() == 1
    view = Interaction.objects.get()
    assert (view.shopper, view.garment, view.kind) == (shopper, garment, "view")
    assert before <= view.created_at <= timezone.now()  # when it was seen, kept exactly
    [message] = queued_messages(RECOMMENDER_QUEUE)
    assert message["task"] == "recommender.interaction"
    assert message["kwargs"]["subject"] == shopper.pseudonym
    assert message["kwargs"]["kind"] == "view"
    assert queue_client().llen(VIEW_QUEUE_KEY) == 0
    assert interaction_views_flush() == 0  # stored once, never twice


def test_views_are_stored_in_batches_and_those_of_erased_shoppers_or_gone_garments_dropped(
    db, django_capture_on_commit_callbacks
) -> None:
    kept, erased = shopper_create(username="kept"), shopper_create(username="erased")
    garment, gone = garment_create(), garment_create(sku="GONE")
    for _ in range(7):
        interaction_view_queue(shopper=kept, garment=garment)
    interaction_view_queue(shopper=kept, garment=gone)
    interaction_view_queue(shopper=erased, garment=garment)
    gone.delete()
    shopper_erase(shopper=erased, channel=ErasureRecord.Channel.SELF_SERVICE)
    with django_capture_on_commit_callbacks(execute=True):
        assert interaction_views_flush(batch_size=3) == 7
    assert Interaction.objects.filter(shopper=kept, garment=garment, kind="view").count() == 7
    assert Interaction.objects.count() == 7
    assert queue_client().llen(VIEW_QUEUE_KEY) == 0


def test_only_one_flush_runs_at_a_time(db) -> None:
    shopper, garment = shopper_create(), garment_create()
    interaction_view_queue(shopper=shopper, garment=garment)
    queue_client().set(VIEW_FLUSH_LOCK_KEY, "another worker", ex=30)
    assert interaction_views_flush() == 0
    assert queue_client().llen(VIEW_QUEUE_KEY) == 1  # left for the flush holding the lock
