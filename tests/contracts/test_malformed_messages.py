"""A message a worker cannot read ends in an answer, never in silence: the try-on worker fails
the job it names (or reports the task), the recommender reports every refusal (issue 14, item 4).
The real task functions run in this process against this test's Redis."""

from collections.abc import Iterator

import pytest

from contracts.queues import (
    EVENT_QUEUE,
    EVENT_TASK,
    FAILED_EVENT_TASK,
    FORGET_TASK,
    GARMENT_REMOVE_TASK,
    GARMENT_UPSERT_TASK,
    INTERACTION_TASK,
    PROFILE_UPDATE_TASK,
    RENDER_TASK,
    SUGGEST_TASK,
)
from tests.support.broker_queue import queue_client, queued_messages, worker_tasks_on_test_broker

# Django's fixtures for this module only (no conftest): the rest of tests/contracts runs
# without Django.
from tests.support.django_fixtures import *  # noqa: F403

RECOMMENDER_TASKS = {
    GARMENT_UPSERT_TASK: "garment_upsert",
    GARMENT_REMOVE_TASK: "garment_remove",
    PROFILE_UPDATE_TASK: "profile_update",
    INTERACTION_TASK: "interaction",
    SUGGEST_TASK: "suggest",
    FORGET_TASK: "forget",
}


@pytest.fixture
def events() -> Iterator[None]:
    queue_client().delete(EVENT_QUEUE)
    yield
    queue_client().delete(EVENT_QUEUE)


@pytest.mark.usefixtures("events")
@pytest.mark.parametrize(
    "message",
    [{"schema_version": 99, "job_id": "job-1", "attempt": 1}, {"job_id": "job-1", "attempt": 2}],
)
def test_a_render_request_naming_its_job_fails_that_job(monkeypatch, message) -> None:
    tasks = worker_tasks_on_test_broker("tryon_worker", monkeypatch)
    tasks.render.run(**message)
    [sent] = queued_messages(EVENT_QUEUE)
    assert sent["task"] == EVENT_TASK
    event = sent["kwargs"]
    assert event["job_id"] == "job-1" and event["attempt"] == message["attempt"]
    assert event["kind"] == "failed" and event["error_code"] == "message_invalid"


@pytest.mark.usefixtures("events")
def test_a_render_request_naming_nothing_is_reported(monkeypatch) -> None:
    tasks = worker_tasks_on_test_broker("tryon_worker", monkeypatch)
    tasks.render.run(schema_version=1)
    [sent] = queued_messages(EVENT_QUEUE)
    assert sent["task"] == FAILED_EVENT_TASK
    assert sent["kwargs"]["task"] == RENDER_TASK
    assert sent["kwargs"]["error_code"] == "message_invalid"
    assert "missing fields" in sent["kwargs"]["error_message"]


@pytest.mark.usefixtures("events")
@pytest.mark.parametrize("task", sorted(RECOMMENDER_TASKS))
@pytest.mark.parametrize("message", [{}, {"schema_version": 99, "subject": "psn_x"}])
def test_every_recommender_refusal_is_reported(monkeypatch, tmp_path, task, message) -> None:
    monkeypatch.setenv("RECOMMENDER_DATA_DIR", str(tmp_path / "recommender"))
    tasks = worker_tasks_on_test_broker("recommender", monkeypatch)
    monkeypatch.setattr(tasks, "_service", None)
    getattr(tasks, RECOMMENDER_TASKS[task])(**message)
    [sent] = queued_messages(EVENT_QUEUE)
    assert sent["task"] == FAILED_EVENT_TASK
    report = sent["kwargs"]
    assert report["task"] == task and report["error_code"] == "message_invalid"
    assert report["subject"] == message.get("subject", "")
