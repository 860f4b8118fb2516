"""Worker messages go through an outbox: recorded with their change, sent after the commit,
kept and sent again, in order, while Redis cannot take them; never an error page."""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery import Celery, current_app
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contracts import recommender as contract
from contracts.queues import (
    FORGET_TASK,
    INTERACTION_TASK,
    PROFILE_UPDATE_TASK,
    RECOMMENDER_QUEUE,
)
from core.models import OutboxMessage
from core.queue_send import send_after_commit
from core.tasks import outbox_sweep
from tests.support.broker_queue import queue_client, queued_messages

# Spaces never occur in a pseudonym: in a log line this can only be the message's body.
SUBJECT = "ps subject-of-the-test"


@pytest.fixture(autouse=True)
def _empty_queue() -> None:
    queue_client().delete(RECOMMENDER_QUEUE)


@contextmanager
def redis_down(tmp_path: Path) -> Iterator[None]:
    """Celery's current app sends to a socket no server listens on: every send is refused."""
    storefront = current_app._get_current_object()
    dead = Celery("dead-broker", broker=f"redis+socket://{tmp_path / 'none.sock'}", fixups=[])
    dead.set_current()
    try:
        yield
    finally:
        storefront.set_current()


def profile_update() -> contract.ProfileUpdate:
    return contract.ProfileUpdate(subject=SUBJECT, sealed="sealed-for-the-worker")


def interaction() -> contract.Interaction:
    return contract.Interaction(
        subject=SUBJECT, garment_id=7, kind="like", at="2026-12-06T10:00:00+00:00"
    )


def backoff_over() -> None:
    """The failed rows' backoff has passed."""
    OutboxMessage.objects.update(next_attempt_at=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_a_message_redis_cannot_take_after_commit_is_kept_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The fault suite's Redis restart fell between a new photo's commit and its profile
    message: the commit hook raised, the shopper got a 500 for a saved photo, and the
    upload's clean-up deleted the sealed files the committed row points at. Then the message
    was logged as lost; a lost Forget leaves an erased shopper's profile in the recommender.
    """
    with (
        redis_down(tmp_path),
        caplog.at_level(logging.WARNING, logger="core.queue_send"),
        transaction.atomic(),
    ):
        user = get_user_model().objects.create_user("kept", password="pw-kept-1234")
        send_after_commit(FORGET_TASK, contract.Forget(subject=SUBJECT), queue="probe")
    assert get_user_model().objects.filter(pk=user.pk).exists()
    row = OutboxMessage.objects.get()
    assert (row.task, row.queue, row.payload) == (
        FORGET_TASK,
        "probe",
        contract.Forget(subject=SUBJECT).to_dict(),
    )
    assert row.attempts == 1 and row.last_error
    assert row.next_attempt_at > timezone.now()  # backing off: the next commit does not wait
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(FORGET_TASK in line and "kept" in line for line in warnings)
    assert not any(SUBJECT in r.getMessage() for r in caplog.records)  # no payload in logs


@pytest.mark.django_db(transaction=True)
def test_the_sweep_sends_pending_messages_oldest_first_once_redis_is_back(
    tmp_path: Path,
) -> None:
    with redis_down(tmp_path):
        with transaction.atomic():
            send_after_commit(PROFILE_UPDATE_TASK, profile_update(), queue=RECOMMENDER_QUEUE)
            send_after_commit(INTERACTION_TASK, interaction(), queue=RECOMMENDER_QUEUE)
        send_after_commit(FORGET_TASK, contract.Forget(subject=SUBJECT), queue=RECOMMENDER_QUEUE)
    # Only the oldest was tried: the newer ones wait behind it without asking Redis again.
    assert list(OutboxMessage.objects.values_list("task", "attempts")) == [
        (PROFILE_UPDATE_TASK, 1),
        (INTERACTION_TASK, 0),
        (FORGET_TASK, 0),
    ]
    assert outbox_sweep() == 0  # still backing off
    backoff_over()

    assert outbox_sweep() == 3

    messages = queued_messages(RECOMMENDER_QUEUE)
    assert [m["task"] for m in messages] == [PROFILE_UPDATE_TASK, INTERACTION_TASK, FORGET_TASK]
    assert messages[0]["kwargs"] == profile_update().to_dict()
    assert contract.Forget.from_dict(messages[2]["kwargs"]).subject == SUBJECT
    assert SUBJECT not in json.dumps(json.loads(messages[2]["raw"])["headers"])  # sealed
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_forget_never_overtakes_an_older_pending_message(tmp_path: Path) -> None:
    """An erasure committed while the shopper's profile update still waits in the outbox:
    the Forget waits behind it, else the recommender would build the profile again."""
    with redis_down(tmp_path):
        send_after_commit(PROFILE_UPDATE_TASK, profile_update(), queue=RECOMMENDER_QUEUE)
    # Redis is back, but the profile update's backoff is not over yet.
    with transaction.atomic():
        send_after_commit(FORGET_TASK, contract.Forget(subject=SUBJECT), queue=RECOMMENDER_QUEUE)
    assert queued_messages(RECOMMENDER_QUEUE) == []
    assert list(OutboxMessage.objects.values_list("task", flat=True)) == [
        PROFILE_UPDATE_TASK,
        FORGET_TASK,
    ]
    backoff_over()

    assert outbox_sweep() == 2

    assert [m["task"] for m in queued_messages(RECOMMENDER_QUEUE)] == [
        PROFILE_UPDATE_TASK,
        FORGET_TASK,
    ]
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_commit_sends_an_older_due_message_before_its_own() -> None:
    """A row whose commit hook never ran (its process died) goes out, first, with the next
    commit's message."""
    OutboxMessage.objects.create(
        task=INTERACTION_TASK, queue=RECOMMENDER_QUEUE, payload=interaction().to_dict()
    )
    with transaction.atomic():
        send_after_commit(FORGET_TASK, contract.Forget(subject=SUBJECT), queue=RECOMMENDER_QUEUE)
    assert [m["task"] for m in queued_messages(RECOMMENDER_QUEUE)] == [
        INTERACTION_TASK,
        FORGET_TASK,
    ]
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_row_and_sends_nothing() -> None:
    recorded = []

    @transaction.atomic
    def change_that_fails() -> None:
        get_user_model().objects.create_user("gone", password="pw-gone-1234")
        send_after_commit(FORGET_TASK, contract.Forget(subject=SUBJECT), queue=RECOMMENDER_QUEUE)
        recorded.append(OutboxMessage.objects.count())
        raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert recorded == [1]  # recorded with the change...
    assert not OutboxMessage.objects.exists()  # ...and gone with it
    assert not get_user_model().objects.filter(username="gone").exists()
    assert outbox_sweep() == 0
    assert queued_messages(RECOMMENDER_QUEUE) == []


@pytest.mark.django_db(transaction=True)
def test_a_commit_with_redis_up_sends_at_once_and_keeps_no_row() -> None:
    with transaction.atomic():
        send_after_commit(PROFILE_UPDATE_TASK, profile_update(), queue=RECOMMENDER_QUEUE)
        send_after_commit(INTERACTION_TASK, interaction(), queue=RECOMMENDER_QUEUE)
    assert [m["task"] for m in queued_messages(RECOMMENDER_QUEUE)] == [
        PROFILE_UPDATE_TASK,
        INTERACTION_TASK,
    ]
    assert not OutboxMessage.objects.exists()
