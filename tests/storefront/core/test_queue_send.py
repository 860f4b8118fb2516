"""A message queued after commit while Redis is down: logged as lost, never an error page."""

import logging
from pathlib import Path

import pytest
from celery import Celery, current_app
from django.contrib.auth import get_user_model
from django.db import transaction

from contracts import recommender as contract
from core.queue_send import send_after_commit


@pytest.mark.django_db(transaction=True)
def test_a_message_redis_cannot_take_after_commit_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The fault suite's Redis restart fell between a new photo's commit and its profile
    message: the commit hook raised, the shopper got a 500 for a saved photo, and the
    upload's clean-up deleted the sealed files the committed row points at."""
    storefront = current_app._get_current_object()
    # No server listens on this socket: every connection is refused.
    dead = Celery("dead-broker", broker=f"redis+socket://{tmp_path / 'none.sock'}", fixups=[])
    dead.set_current()
    try:
        with caplog.at_level(logging.ERROR, logger="core.queue_send"), transaction.atomic():
            user = get_user_model().objects.create_user("kept", password="pw-kept-1234")
            send_after_commit("probe.task", contract.Forget(subject="p"), queue="probe")
    finally:
        storefront.set_current()
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert any("probe.task" in record.getMessage() for record in caplog.records)
