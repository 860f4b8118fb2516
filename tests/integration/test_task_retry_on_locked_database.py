"""A storefront task that meets a locked database waits and retries; its work is not lost.

A real storefront worker applies a recommender answer while this test holds the table's
lock: SQLite's write lock on the shared file (with the worker's busy timeout cut to half a
second), or a Postgres table lock (with the worker's lock_timeout at half a second). The
task fails with the database's own error, is retried with backoff, and lands once the lock
is released.
"""

import sqlite3
import time

import pytest
from celery import current_app
from django.db import connection, transaction
from django.utils import timezone

from contracts.queues import EVENT_QUEUE, SUGGESTIONS_EVENT_TASK
from contracts.recommender import SuggestionSet as Answer
from recommendations.models import SuggestionSet
from tests.support.factories import garment_create, shopper_create

pytestmark = pytest.mark.slow
HELD_S = 3.0


def test_a_task_that_meets_a_held_lock_is_retried_and_applied(
    storefront_worker, worker_processes
) -> None:
    shopper, garment = shopper_create(), garment_create()
    storefront_worker(env={"SQLITE_BUSY_TIMEOUT_S": "0.5", "PGOPTIONS": "-c lock_timeout=500"})
    answer = Answer(
        subject=shopper.pseudonym,
        items=[{"garment_id": garment.pk, "score": 1.0, "size": "M", "reasons": []}],
        generated_at=timezone.now().isoformat(),
    )
    if connection.vendor == "sqlite":
        holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the one write lock of the file
        try:
            current_app.send_task(
                SUGGESTIONS_EVENT_TASK, kwargs=answer.to_dict(), queue=EVENT_QUEUE
            )
            time.sleep(HELD_S)
            assert not SuggestionSet.objects.exists()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {SuggestionSet._meta.db_table} IN ACCESS EXCLUSIVE MODE")
            current_app.send_task(
                SUGGESTIONS_EVENT_TASK, kwargs=answer.to_dict(), queue=EVENT_QUEUE
            )
            time.sleep(HELD_S)
    deadline = time.monotonic() + 60
    while not SuggestionSet.objects.filter(shopper=shopper).exists():
        assert time.monotonic() < deadline, "the answer was lost"
        time.sleep(0.2)
    log = worker_processes.log("storefront")
    # It did meet the lock (the database's own error) and was retried, not dropped.
    assert "Retry in" in log and ("database is locked" in log or "lock timeout" in log), log
