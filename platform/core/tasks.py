"""Tasks that prove the queue path works end to end (the deep health check), the one that
hears a worker's refusals, and the outbox's sweep."""

import logging
import socket

from celery import shared_task

from contracts.base import MessageError
from contracts.failures import TaskFailed
from contracts.queues import FAILED_EVENT_TASK, OUTBOX_SWEEP_TASK
from core.queue_send import outbox_send_due
from core.task_retry import DatabaseTask

logger = logging.getLogger(__name__)


@shared_task(name="storefront.ping", acks_late=False)
def ping(token: str) -> dict[str, str]:
    """Echo a token back with the worker's host name."""
    return {"token": token, "worker": socket.gethostname()}


@shared_task(name=FAILED_EVENT_TASK)
def worker_task_failed(**event: object) -> None:
    """A worker could not act on a message: an error in the storefront's log (for alerts),
    with the task and the code; the pseudonym only, never more."""
    try:
        failed = TaskFailed.from_dict(event)
    except (MessageError, TypeError) as exc:
        logger.error("a worker's failure report is unreadable too: %s", exc)
        return
    logger.error(
        "worker refused a %s message (%s): %s%s",
        failed.task,
        failed.error_code,
        failed.error_message,
        f" [{failed.subject}]" if failed.subject else "",
    )


@shared_task(base=DatabaseTask, name=OUTBOX_SWEEP_TASK)
def outbox_sweep() -> int:
    """Periodic: send the worker messages Redis did not take after their commit."""
    return outbox_send_due()
