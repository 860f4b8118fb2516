"""Erasure: everything about one shopper goes (rows, files, sessions, the recommender's profile),
nothing about anyone else does, and late messages for them re-create nothing."""

import io
import logging
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from contracts.queues import FORGET_TASK, RECOMMENDER_QUEUE
from contracts.recommender import Forget
from contracts.recommender import SuggestionSet as Answer
from core.exceptions import ApplicationError
from lifecycle.services import erasure_blobs_retry, shopper_erase
from lifecycle.tasks import erasure_files_retry
from privacy.models import ErasureRecord
from privacy.sealed_files import private_storage
from privacy.selectors import erasure_record_for
from recommendations.models import SuggestionSet
from recommendations.services import suggestion_set_apply
from shoppers.models import Shopper
from tests.support.broker_queue import queue_client, queued_messages
from tests.support.shopper_footprint import (
    Footprint,
    leftovers,
    shopper_with_everything,
    stored_files,
)
from tests.support.worker_results import worker_result_event
from tryon.models import TryOnAttempt, TryOnJob
from tryon.services import tryon_event_apply

Channel = ErasureRecord.Channel


pytestmark = pytest.mark.usefixtures("empty_queues", "storefront_tasks_eager")


@pytest.fixture
def ada(footprint_of) -> Footprint:
    return footprint_of("ada-erasable")


@pytest.fixture
def grace(footprint_of) -> Footprint:
    return footprint_of("grace-stays")


def _forget_messages() -> list[dict]:
    return [m for m in queued_messages(RECOMMENDER_QUEUE) if m["task"] == FORGET_TASK]


def test_erasure_removes_every_row_file_and_session_of_that_shopper_only(
    ada: Footprint, grace: Footprint, operator, django_capture_on_commit_callbacks
) -> None:
    assert len(leftovers(ada)) > 10  # the check sees what is there before
    queue_client().delete(RECOMMENDER_QUEUE)
    with django_capture_on_commit_callbacks(execute=True):
        record = shopper_erase(shopper=ada.shopper, channel=Channel.ADMIN, requested_by=operator)

    assert leftovers(ada) == []
    # Logged out everywhere: the browser that was logged in is a visitor now.
    assert ada.clients[0].get("/api/shoppers/me/").status_code == 403
    # The recommender is told, by pseudonym only, on its own queue.
    [forget] = _forget_messages()
    assert Forget.from_dict(forget["kwargs"]) == Forget(subject=ada.pseudonym)
    assert set(forget["kwargs"]) == {"subject", "schema_version"}
    # The audit record: when, how, by whom, what; nothing that names the shopper.
    record.refresh_from_db()
    assert (record.channel, record.requested_by_staff_id) == (Channel.ADMIN, operator.pk)
    assert erasure_record_for(shopper_id=ada.shopper.pk) == record
    assert erasure_record_for(shopper_id=grace.shopper.pk) is None
    assert ada.pseudonym.removeprefix("psn_") not in record.subject_digest
    assert record.counts == {
        "emails": 1, "tryon_attempts": 2, "tryon_jobs": 2, "interactions": 3,
        "suggestion_sets": 1, "photos": 2, "admin_log_entries": 2, "sessions": 1, "blobs": 6,
    }  # fmt: skip
    assert record.pending_blobs == [] and record.blobs_deleted_at is not None

    # Grace keeps everything.
    assert leftovers(grace) != [] and set(grace.blobs) <= stored_files()
    assert grace.clients[0].get("/api/shoppers/me/").json()["username"] == "grace-stays"
    assert TryOnJob.objects.filter(shopper=grace.shopper).count() == 2
    assert SuggestionSet.objects.filter(shopper=grace.shopper).exists()


def test_erasing_again_is_harmless(
    ada: Footprint, grace: Footprint, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = shopper_erase(shopper=ada.shopper, channel=Channel.SELF_SERVICE)
    queue_client().delete(RECOMMENDER_QUEUE)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = shopper_erase(shopper=ada.shopper, channel=Channel.SELF_SERVICE)
    assert first is not None and again is None and callbacks == []
    assert ErasureRecord.objects.count() == 1 and _forget_messages() == []
    out = io.StringIO()
    call_command("erase_shopper", "--id", str(ada.shopper.pk), stdout=out)
    call_command("erase_shopper", "--id", "987654", stdout=out)
    assert f"Nothing to erase: no shopper #{ada.shopper.pk}; erased on " in out.getvalue()
    assert f"(erasure record {first.pk})" in out.getvalue()
    assert "Nothing to erase: no shopper #987654; it never existed." in out.getvalue()
    assert leftovers(ada) == [] and set(grace.blobs) <= stored_files()


def test_a_rolled_back_erasure_deletes_no_file_and_tells_no_one(
    ada: Footprint, django_capture_on_commit_callbacks
) -> None:
    queue_client().delete(RECOMMENDER_QUEUE)
    with (  # noqa: PT012
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        shopper_erase(shopper=ada.shopper, channel=Channel.SELF_SERVICE)
        raise RuntimeError("something later in the same transaction failed")
    assert Shopper.objects.filter(pk=ada.shopper.pk).exists()
    assert set(ada.blobs) <= stored_files()  # every row still finds its file
    assert _forget_messages() == [] and not ErasureRecord.objects.exists()


def test_files_storage_could_not_delete_are_deleted_by_a_retry(
    ada: Footprint, django_capture_on_commit_callbacks
) -> None:
    # A file that storage refuses to delete: a folder, with something in it, in its place.
    stuck = Path(private_storage().path(ada.blobs[1]))
    stuck.unlink()
    (stuck / "busy").mkdir(parents=True)
    with django_capture_on_commit_callbacks(execute=True):
        record = shopper_erase(shopper=ada.shopper, channel=Channel.SELF_SERVICE)
    record.refresh_from_db()
    assert record.pending_blobs == [ada.blobs[1]] and record.blobs_deleted_at is None
    assert not Shopper.objects.filter(pk=ada.shopper.pk).exists()
    assert erasure_blobs_retry() == 1  # still stuck: kept for the next retry
    assert erasure_files_retry() == 1  # the hourly task (Celery beat) does the same

    shutil.rmtree(stuck / "busy")  # storage works again
    out = io.StringIO()
    call_command("erase_shopper", "--retry-files", stdout=out)
    assert "Files still to delete after retrying: 0." in out.getvalue()
    record.refresh_from_db()
    assert record.pending_blobs == [] and record.blobs_deleted_at is not None
    assert leftovers(ada) == []


def test_late_tryon_result_and_suggestions_for_an_erased_shopper_are_dropped(
    ada: Footprint, django_capture_on_commit_callbacks, caplog
) -> None:
    running = TryOnJob.objects.get(public_id=ada.job_public_ids[1])
    with django_capture_on_commit_callbacks(execute=True):
        shopper_erase(shopper=ada.shopper, channel=Channel.SELF_SERVICE)
    # The worker had the photo open before the erasure; its result arrives afterwards.
    late = worker_result_event(running, "late-run")
    assert {late.result_blob, late.edit_region_blob} <= stored_files()
    caplog.set_level(logging.WARNING, logger="tryon.services")
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=late)
        assert suggestion_set_apply(event=Answer(subject=ada.pseudonym, items=[])) is None
    assert f"event for unknown job {running.public_id} dropped" in caplog.text
    assert not TryOnJob.objects.filter(public_id=running.public_id).exists()
    assert not TryOnAttempt.objects.filter(run_id="late-run").exists()
    # The worker's files (result and edit region) are deleted too.
    assert not {late.result_blob, late.edit_region_blob} & stored_files()
    assert leftovers(ada) == []


def test_staff_logins_are_refused(operator, garment, django_capture_on_commit_callbacks) -> None:
    staff_shopper = shopper_with_everything(
        username="staff-shopper",
        garment=garment,
        capture_on_commit=django_capture_on_commit_callbacks,
        operator=operator,
    )
    get_user_model().objects.filter(pk=staff_shopper.user_id).update(is_staff=True)
    staff_shopper.shopper.refresh_from_db()
    with pytest.raises(ApplicationError, match="staff account"):
        shopper_erase(shopper=staff_shopper.shopper, channel=Channel.ADMIN, requested_by=operator)
    assert Shopper.objects.filter(pk=staff_shopper.shopper.pk).exists()


def test_management_command_erases_by_id(
    ada: Footprint, grace: Footprint, operator, django_capture_on_commit_callbacks
) -> None:
    with pytest.raises(CommandError, match="Give --id"):
        call_command("erase_shopper")
    with pytest.raises(CommandError, match="No staff user 'grace-stays'"):
        call_command("erase_shopper", "--id", str(ada.shopper.pk), "--by", "grace-stays")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_shopper", "--id", str(ada.shopper.pk), "--by", "operator", stdout=out)
    assert f"Erased shopper #{ada.shopper.pk}" in out.getvalue()
    assert "2 photos" in out.getvalue() and "6 blobs" in out.getvalue()
    record = ErasureRecord.objects.get()
    assert (record.channel, record.requested_by_staff_id) == (Channel.COMMAND, operator.pk)
    assert leftovers(ada) == [] and set(grace.blobs) <= stored_files()
