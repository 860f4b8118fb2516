"""The storefront's side of unreadable worker messages: a try-on event it cannot read fails the
job it names (never left for the reaper), suggestions it cannot read change nothing, and a
worker's failure report is logged with its task and code (issue 14, item 4)."""

import logging

import pytest

from contracts.failures import TaskFailed
from core.tasks import worker_task_failed
from recommendations.tasks import suggestions_event
from tryon.models import TryOnJob
from tryon.services import tryon_job_request
from tryon.tasks import tryon_event

pytestmark = pytest.mark.usefixtures("empty_queues")


@pytest.fixture
def job(shopper, garment, photo, django_capture_on_commit_callbacks) -> TryOnJob:
    with django_capture_on_commit_callbacks(execute=True):
        return tryon_job_request(shopper=shopper, garment=garment, photo=photo)


def test_an_unreadable_event_fails_its_job(job: TryOnJob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event(job_id=str(job.public_id), schema_version=99, kind="succeeded")
    job.refresh_from_db()
    assert job.state == TryOnJob.State.FAILED and job.error_code == "message_invalid"
    assert "our side" in job.error_message
    # A second copy (a redelivery) changes nothing; a finished job stays as it is.
    tryon_event(job_id=str(job.public_id), schema_version=99)
    job.refresh_from_db()
    assert job.error_code == "message_invalid"


def test_an_event_naming_no_job_is_logged(job: TryOnJob, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="tryon.tasks"):
        tryon_event(schema_version=1)
    assert "try-on event refused" in caplog.text
    job.refresh_from_db()
    assert job.state == TryOnJob.State.QUEUED


def test_unreadable_suggestions_change_nothing(db, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="recommendations.tasks"):
        suggestions_event(subject="psn_x", schema_version=99)
    assert "suggestions refused" in caplog.text


def test_a_workers_refusal_is_logged_with_its_task_and_code(caplog) -> None:
    report = TaskFailed(task="recommender.forget", error_code="message_invalid", subject="psn_x")
    with caplog.at_level(logging.ERROR, logger="core.tasks"):
        worker_task_failed(**report.to_dict())
    assert "recommender.forget" in caplog.text and "message_invalid" in caplog.text
