"""Storefront tasks of the try-on flow: consume worker events, reap stuck jobs. Thin."""

import logging

from celery import shared_task

from contracts.base import MessageError
from contracts.queues import EVENT_TASK, TRYON_REAP_TASK
from contracts.tryon import TryOnEvent
from core.task_retry import DatabaseTask
from tryon.services import tryon_event_apply, tryon_job_fail_unreadable, tryon_jobs_reap

logger = logging.getLogger(__name__)


@shared_task(base=DatabaseTask, name=EVENT_TASK)
def tryon_event(**event: object) -> None:
    """Apply one event from a try-on worker (one it cannot read fails its job)."""
    try:
        parsed = TryOnEvent.from_dict(event)
    except (MessageError, TypeError) as exc:
        logger.error("try-on event refused: %s", exc)
        job_id = event.get("job_id")
        if isinstance(job_id, str):
            tryon_job_fail_unreadable(job_id=job_id)
        return
    tryon_event_apply(event=parsed)


@shared_task(base=DatabaseTask, name=TRYON_REAP_TASK)
def tryon_reap() -> dict[str, int]:
    """Periodic: re-queue or fail jobs stuck beyond their limits."""
    return tryon_jobs_reap()
