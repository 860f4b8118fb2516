"""Each producer's message, as it waits in Redis, is read by its consumer (issue 14, item 4).

The producers are the real ones: the storefront's services send onto their real queues (after
the commit), the try-on worker's render task and the recommender's tasks run in this process
on what the storefront sent. Each message is read back raw from Redis (JSON, as every worker
accepts), its body decoded, its task name looked up in the consuming app's registry, and the
body parsed with the reader that consumer's task calls: the contract class in the task's own
module. No mocks: where a consumer can go on, it does (the worker renders the requested job,
the storefront applies the worker's events, the recommender answers a profile update).
"""

import base64
import json
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
from celery import current_app

# The storefront's consumers, registered as its worker's autodiscovery registers them.
import recommendations.tasks  # noqa: F401
import tryon.tasks  # noqa: F401
from catalog.recommender_feed import garment_document, garment_publish, garment_unpublish
from contracts.base import Message
from contracts.queues import (
    EVENT_QUEUE,
    EVENT_TASK,
    FORGET_TASK,
    GARMENT_REMOVE_TASK,
    GARMENT_UPSERT_TASK,
    INTERACTION_TASK,
    PROFILE_UPDATE_TASK,
    RECOMMENDER_QUEUE,
    RENDER_QUEUE,
    RENDER_TASK,
    SUGGESTIONS_EVENT_TASK,
)
from core.worker_env import worker_env
from recommendations.models import SuggestionSet
from recommendations.services import interaction_record, shopper_forget_publish
from shoppers.models import ShopperPhoto
from shoppers.recommender_feed import shopper_profile_publish
from shoppers.services import shopper_photo_add, shopper_photo_read
from tests.support.broker_queue import queue_client, worker_tasks_on_test_broker

# Django's fixtures for this module only (no conftest): the rest of tests/contracts runs
# without Django.
from tests.support.django_fixtures import *  # noqa: F403
from tests.support.factories import garment_create, shopper_create
from tryon.models import TryOnJob
from tryon.services import tryon_job_request, tryon_result_read

#: Each task name: the package whose worker consumes it (None: the storefront), and the
#: contract class its task reads.
CONSUMERS: dict[str, tuple[str | None, str]] = {
    RENDER_TASK: ("tryon_worker", "RenderRequest"),
    GARMENT_UPSERT_TASK: ("recommender", "GarmentDocument"),
    GARMENT_REMOVE_TASK: ("recommender", "GarmentRemoval"),
    PROFILE_UPDATE_TASK: ("recommender", "ProfileUpdate"),
    INTERACTION_TASK: ("recommender", "Interaction"),
    FORGET_TASK: ("recommender", "Forget"),
    EVENT_TASK: (None, "TryOnEvent"),
    SUGGESTIONS_EVENT_TASK: (None, "SuggestionSet"),
}


def taken(queue: str) -> list[tuple[str, Message, dict]]:
    """Empty ``queue`` and read what waited on it, oldest first: each message's task name,
    its body parsed by the consumer's reader, and the raw kwargs."""
    client = queue_client()
    raws = client.lrange(queue, 0, -1)
    client.delete(queue)
    read = []
    for raw in reversed(raws):  # Celery pushes on the left
        envelope = json.loads(raw)
        assert envelope["content-type"] == "application/json"
        assert envelope["properties"]["body_encoding"] == "base64"
        _args, kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
        task = envelope["headers"]["task"]
        read.append((task, consumer_reader(task).from_dict(kwargs), kwargs))
    return read


def consumer_reader(task: str) -> type[Message]:
    """The contract class whose from_dict the task registered as ``task`` calls: the task is
    looked up by name in its app, as its worker would, and the class in the task's module."""
    package, reader = CONSUMERS[task]
    app = current_app if package is None else sys.modules[f"{package}.tasks"].app
    consumer = app.tasks[task]  # KeyError: nothing consumes this name
    return getattr(sys.modules[consumer.run.__module__], reader)


@pytest.fixture(autouse=True)
def worker_tasks(monkeypatch: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    """The two workers' task modules, imported as their workers do (which registers their
    tasks), sending to this test's Redis."""
    return {
        package: worker_tasks_on_test_broker(package, monkeypatch)
        for package in ("tryon_worker", "recommender")
    }


@pytest.fixture
def queues() -> Iterator[None]:
    """The three queues start and end empty."""
    queue_client().delete(RENDER_QUEUE, RECOMMENDER_QUEUE, EVENT_QUEUE)
    yield
    queue_client().delete(RENDER_QUEUE, RECOMMENDER_QUEUE, EVENT_QUEUE)


@pytest.fixture
def worker_environment(
    worker_tasks: dict[str, ModuleType], monkeypatch: pytest.MonkeyPatch, tmp_path
) -> Iterator[None]:
    """This process's environment as a worker's next to this storefront (core.worker_env):
    its stores are the storefront's media folders, its key the storefront's transport key."""
    for name, value in worker_env(base={}).items():
        if name != "PYTHONPATH":
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("RECOMMENDER_DATA_DIR", str(tmp_path / "recommender"))
    # The workers' processes read these once; this one reads them for this test.
    tryon_tasks = worker_tasks["tryon_worker"]
    tryon_tasks._stores.cache_clear()
    tryon_tasks._transport_key.cache_clear()
    monkeypatch.setattr(worker_tasks["recommender"], "_service", None)
    monkeypatch.setattr(worker_tasks["recommender"], "_stores", {})
    yield
    tryon_tasks._stores.cache_clear()
    tryon_tasks._transport_key.cache_clear()


@pytest.fixture
def photo_of_ada(db, astronaut_jpeg: bytes, django_capture_on_commit_callbacks) -> ShopperPhoto:
    # Committed, as in production: her messages leave the outbox (core.queue_send) now, not
    # ahead of the test's own; the test reads only what it sends.
    with django_capture_on_commit_callbacks(execute=True):
        shopper = shopper_create()
        shopper.measurements = {"chest_cm": 96.0, "waist_cm": 80.0, "preferred_size": "M"}
        shopper.save(update_fields=["measurements"])
        photo = shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)
    queue_client().delete(RECOMMENDER_QUEUE)
    return photo


@pytest.mark.usefixtures("queues", "worker_environment")
def test_a_try_on_request_is_rendered_and_its_events_applied(
    photo_of_ada: ShopperPhoto, django_capture_on_commit_callbacks, worker_tasks, settings
) -> None:
    # The geometric renderer puts the drawn tee on the astronaut (the layered one finds the
    # pair unconvincing and fails the job, which would leave the result's fields unsent).
    settings.TRYON_RENDERER = "geometric"
    garment = garment_create()
    shopper = photo_of_ada.shopper
    with django_capture_on_commit_callbacks(execute=True):
        job = tryon_job_request(shopper=shopper, garment=garment, photo=photo_of_ada)
    [(task, request, kwargs)] = taken(RENDER_QUEUE)
    assert task == RENDER_TASK
    assert request.job_id == str(job.public_id) and request.attempt == 1
    assert request.subject == shopper.pseudonym and request.garment_category == garment.category
    assert request.renderer == "geometric"

    # The try-on worker's render task on the message as it waited in Redis.
    worker_tasks["tryon_worker"].render.run(**kwargs)
    events = taken(EVENT_QUEUE)
    assert {task for task, _, _ in events} == {EVENT_TASK}
    kinds = [event.kind for _, event, _ in events]
    last = events[-1][1]
    assert last.kind == "succeeded" and set(kinds[:-1]) == {"stage"}, (
        kinds,
        last.error_code,
        last.error_message,
    )
    assert all(event.job_id == request.job_id for _, event, _ in events)

    # The storefront's consumer applies them: the job is done and its picture opens.
    consume = current_app.tasks[EVENT_TASK]
    for _, _, event_kwargs in events:
        consume(**event_kwargs)
    job.refresh_from_db()
    assert job.state == TryOnJob.State.SUCCEEDED, (job.state, job.error_code)
    assert tryon_result_read(job=job)[:4] == b"RIFF"


@pytest.mark.usefixtures("queues")
def test_a_published_and_an_unpublished_garment_reach_the_recommender(
    db, django_capture_on_commit_callbacks
) -> None:
    garment = garment_create()
    with django_capture_on_commit_callbacks(execute=True):
        garment_publish(garment=garment)
        garment_unpublish(garment_id=garment.pk)
    [(upsert, document, _), (remove, removal, _)] = taken(RECOMMENDER_QUEUE)
    assert (upsert, remove) == (GARMENT_UPSERT_TASK, GARMENT_REMOVE_TASK)
    assert document == garment_document(garment=garment)
    assert document.image_key and document.sizes
    assert removal.garment_id == garment.pk


@pytest.mark.usefixtures("queues", "worker_environment")
def test_a_profile_update_is_opened_and_answered_by_the_recommender(
    photo_of_ada: ShopperPhoto, django_capture_on_commit_callbacks, worker_tasks
) -> None:
    shopper = photo_of_ada.shopper
    with django_capture_on_commit_callbacks(execute=True):
        shopper_profile_publish(shopper=shopper, photo=photo_of_ada)
    [(task, update, kwargs)] = taken(RECOMMENDER_QUEUE)
    assert task == PROFILE_UPDATE_TASK
    assert update.subject == shopper.pseudonym and update.sealed
    assert update.photo_blob == photo_of_ada.blob_name

    # The recommender opens what the storefront sealed for it: measurements and photo.
    tasks = worker_tasks["recommender"]
    opened = tasks._unsealed(update)
    assert opened.measurements == {"chest_cm": 96.0, "waist_cm": 80.0}
    assert opened.preferred_size == "M"
    photo, problem = tasks._photo(opened)
    assert problem == "" and photo == shopper_photo_read(photo=photo_of_ada)

    # Its task answers with suggestions, which the storefront stores.
    tasks.profile_update(**kwargs)
    [(answer_task, suggestions, answer)] = taken(EVENT_QUEUE)
    assert answer_task == SUGGESTIONS_EVENT_TASK
    assert suggestions.subject == shopper.pseudonym and suggestions.strategy
    current_app.tasks[SUGGESTIONS_EVENT_TASK](**answer)
    stored = SuggestionSet.objects.get(shopper=shopper)
    assert stored.strategy == suggestions.strategy and stored.items == suggestions.items


@pytest.mark.usefixtures("queues")
def test_an_interaction_and_a_forget_reach_the_recommender(
    db, django_capture_on_commit_callbacks
) -> None:
    garment, shopper = garment_create(), shopper_create()
    with django_capture_on_commit_callbacks(execute=True):
        recorded = interaction_record(shopper=shopper, garment=garment, kind="like")
        shopper_forget_publish(pseudonym=shopper.pseudonym)
    [(like_task, like, _), (forget_task, forget, _)] = taken(RECOMMENDER_QUEUE)
    assert (like_task, forget_task) == (INTERACTION_TASK, FORGET_TASK)
    assert (like.subject, like.garment_id, like.kind) == (shopper.pseudonym, garment.pk, "like")
    assert like.at == recorded.created_at.isoformat()
    assert forget.subject == shopper.pseudonym
