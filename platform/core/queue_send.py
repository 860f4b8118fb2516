"""Queueing a contract message for a worker once the current transaction commits."""

from celery import current_app
from django.db import transaction

from contracts.base import Message
from contracts.queues import SEALED_REPRS


def send_after_commit(task: str, message: Message, *, queue: str) -> None:
    """Send ``message`` to the task named ``task`` on ``queue`` after the current transaction
    commits, so a rolled-back change is never announced; at once outside a transaction."""
    # Serialised now, not at commit: the message says what was true when it was made.
    payload = message.to_dict()
    # The headers would repeat the pseudonym readable (SEALED_REPRS): only the body names it.
    transaction.on_commit(
        lambda: current_app.send_task(task, kwargs=payload, queue=queue, **SEALED_REPRS)
    )
