"""Storefront tasks of the try-on flow: consume worker events, reap stuck jobs. Thin."""

from celery import shared_task

from contracts.queues import EVENT_TASK, TRYON_REAP_TASK
from contracts.tryon import TryOnEvent
from core.task_retry import DatabaseTask
from tryon.services import tryon_event_apply, tryon_jobs_reap


@shared_task(base=DatabaseTask, name=EVENT_TASK)
def tryon_event(**event: object) -> None:
    """Apply one event from a try-on worker."""
    tryon_event_apply(event=TryOnEvent.from_dict(event))


@shared_task(base=DatabaseTask, name=TRYON_REAP_TASK)
def tryon_reap() -> dict[str, int]:
    """Periodic: re-queue or fail jobs stuck beyond their limits."""
    return tryon_jobs_reap()
