"""Queueing a contract message for a worker once the current transaction commits."""

import logging

from celery import current_app
from django.db import transaction

from contracts.base import Message
from contracts.queues import SEALED_REPRS

logger = logging.getLogger(__name__)


def send_after_commit(task: str, message: Message, *, queue: str) -> None:
    """Send ``message`` to the task named ``task`` on ``queue`` after the current transaction
    commits, so a rolled-back change is never announced; at once outside a transaction.

    Redis down for longer than the publish retries (a restart): the message is logged as
    lost, not raised. The change is committed by then; raising turned it into an error page
    after the fact, and a caller cleaning up on error (a new photo's sealed files) deleted
    what the committed row points at.
    """
    # Serialised now, not at commit: the message says what was true when it was made.
    payload = message.to_dict()

    def send() -> None:
        try:
            # The headers would repeat the pseudonym readable (SEALED_REPRS): only the body
            # names it.
            current_app.send_task(task, kwargs=payload, queue=queue, **SEALED_REPRS)
        except Exception:  # kombu's and redis's connection errors alike
            logger.exception(
                "could not queue %s on %s after commit; the message is lost", task, queue
            )

    transaction.on_commit(send)
