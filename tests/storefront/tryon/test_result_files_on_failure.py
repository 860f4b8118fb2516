"""A try-on result event that fails after storing the picture leaves no file behind, a retried
one leaves exactly one, and an erasure finds the worker's copies that a failed event left.

The failure is real: the database refuses the job's save ("database is locked", what SQLite
says under load), raised from a ``pre_save`` receiver, the same point where a real lock bites.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import OperationalError
from django.db.models.signals import pre_save

from lifecycle.services import shopper_erase
from privacy.models import ErasureRecord
from tests.support.shopper_footprint import stored_files
from tests.support.worker_results import worker_result_event
from tryon.models import TryOnJob
from tryon.services import tryon_event_apply, tryon_job_request, tryon_result_names

pytestmark = pytest.mark.usefixtures("empty_queues", "storefront_tasks_eager")


@contextmanager
def database_locked_on_success(times: int = 1) -> Iterator[list[int]]:
    """The next ``times`` saves of a succeeded job fail as a locked SQLite database would."""
    failures: list[int] = []

    def refuse(sender, instance: TryOnJob, **kwargs) -> None:
        if instance.state == TryOnJob.State.SUCCEEDED and len(failures) < times:
            failures.append(instance.pk)
            raise OperationalError("database is locked")

    pre_save.connect(refuse, sender=TryOnJob, dispatch_uid="test.locked_on_success")
    try:
        yield failures
    finally:
        pre_save.disconnect(sender=TryOnJob, dispatch_uid="test.locked_on_success")


def _job(shopper, garment, photo, capture) -> TryOnJob:
    with capture(execute=True):
        return tryon_job_request(shopper=shopper, garment=garment, photo=photo)


def _results() -> set[str]:
    """Every stored result file, the storefront's and the worker's."""
    return {n for n in stored_files() if n.startswith("results/")}


def test_a_result_event_that_fails_leaves_no_storefront_file(
    shopper, garment, photo, django_capture_on_commit_callbacks
) -> None:
    job = _job(shopper, garment, photo, django_capture_on_commit_callbacks)
    event = worker_result_event(job, "r1")
    with (
        database_locked_on_success() as failures,
        pytest.raises(OperationalError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tryon_event_apply(event=event)
    assert failures
    # Only the worker's copies stay: the broker redelivers the event and it needs them.
    assert _results() == {event.result_blob, event.edit_region_blob}


def test_a_retried_result_event_leaves_exactly_the_files_its_row_names(
    shopper, garment, photo, django_capture_on_commit_callbacks
) -> None:
    job = _job(shopper, garment, photo, django_capture_on_commit_callbacks)
    event = worker_result_event(job, "r1")
    with (
        database_locked_on_success(),
        pytest.raises(OperationalError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tryon_event_apply(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=event)  # the retry
    job.refresh_from_db()
    assert job.state == TryOnJob.State.SUCCEEDED
    assert set(job.blob_names) == set(tryon_result_names(job_id=str(job.public_id)))
    # Nothing else: no orphan of the first try, and the worker's copies are gone.
    assert _results() == set(job.blob_names)


def test_erasure_deletes_the_worker_copies_a_failed_event_left(
    shopper, garment, photo, django_capture_on_commit_callbacks
) -> None:
    job = _job(shopper, garment, photo, django_capture_on_commit_callbacks)
    event = worker_result_event(job, "r1")
    # The event fails for good (its retries spent): the job still waits, the worker's sealed
    # copies sit in the shared store with no row naming them.
    with (
        database_locked_on_success(),
        pytest.raises(OperationalError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tryon_event_apply(event=event)
    assert {event.result_blob, event.edit_region_blob} <= stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        record = shopper_erase(shopper=shopper, channel=ErasureRecord.Channel.API)
    assert record is not None
    record.refresh_from_db()
    assert record.pending_blobs == [] and record.blobs_deleted_at is not None
    assert stored_files() == set()
