"""Every task message a process publishes carries ``SEALED_REPR`` in place of the text copies
of its arguments (``argsrepr``, ``kwargsrepr``), whoever sends it.

Our producers pass ``SEALED_REPRS`` themselves; this catches the messages they do not build:
a task's ``retry()`` re-sends its arguments and Celery writes their text copies afresh. Celery
signals are per process, so each Celery app (storefront, try-on worker, recommender) calls
``sealed_headers_connect`` where it is created. Celery only, never Django: workers import it.
"""

from celery.signals import before_task_publish

from contracts.queues import SEALED_REPRS


def _headers_seal(headers: dict | None = None, **_: object) -> None:
    # The signal hands over the very dict that is published, so changing it changes the message.
    if headers is not None:
        headers.update(SEALED_REPRS)


def sealed_headers_connect() -> None:
    """Seal the argument headers of every task message this process sends (idempotent)."""
    before_task_publish.connect(_headers_seal, weak=False, dispatch_uid="sealed_headers")
