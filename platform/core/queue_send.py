"""Queueing a contract message for a worker once the current transaction commits, through an
outbox: the message is recorded with the change it announces, sent after the commit, and
kept until Redis took it.

A rolled-back change leaves no row, so it announces nothing. A committed one is sent at once
by its commit hook; while Redis is down (a restart) the row stays, with a backoff, and the
sweep (``outbox_send_due``, Celery beat) sends it later. A lost ``Forget`` would leave an
erased shopper's profile in the recommender, so nothing is dropped.

Order holds: rows go out oldest first, and a sender stops at the first row it cannot send
(or that another sender holds), so a shopper's ``Forget`` never overtakes their older
``ProfileUpdate``. A row may go out twice (Redis took it, then the deletion failed); the
recommender applies a message again harmlessly.
"""

import logging
from datetime import datetime, timedelta
from functools import partial

from celery import current_app
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from contracts.base import Message
from contracts.queues import SEALED_REPRS
from core.models import OutboxMessage

logger = logging.getLogger(__name__)

#: A failed row waits base * 2**(attempts-1) seconds before the next try, at most max: long
#: enough that a commit during an outage does not wait for Redis again, short enough that
#: messages follow within minutes once it is back.
BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 180.0
#: Rows a commit hook sends at most (its own and older ones); a longer backlog is the sweep's,
#: so no single request carries it.
COMMIT_SEND_MAX = 100
#: Rows the sweep sends per transaction.
SWEEP_BATCH = 100


def send_after_commit(task: str, message: Message, *, queue: str) -> None:
    """Send ``message`` to the task named ``task`` on ``queue`` after the current transaction
    commits, so a rolled-back change is never announced; at once outside a transaction.

    The message is written to the outbox in the caller's transaction. A failure to send it
    never raises (the change is committed by then; raising turned it into an error page
    after the fact, and a caller cleaning up on error deleted what the committed row points
    at): it is logged and the row is kept for the sweep to send.
    """
    # Serialised now, not at commit: the message says what was true when it was made.
    row = OutboxMessage.objects.create(task=task, queue=queue, payload=message.to_dict())
    transaction.on_commit(partial(_committed_send, row.pk))


def outbox_send_due() -> int:
    """Sweep (Celery beat): send the outbox's due rows, oldest first, until it is empty, a row
    is not due yet, a send fails, or an older row is being sent by someone else. Returns how
    many were sent."""
    sent = 0
    while True:
        count, complete = _batch_send(upto=None, limit=SWEEP_BATCH, skip_locked=True)
        sent += count
        if not complete or count < SWEEP_BATCH:
            break
    if sent:
        logger.info("outbox: %d pending message(s) sent", sent)
    return sent


def _committed_send(pk: int) -> None:
    """The commit hook: send this row, after any older ones still pending."""
    try:
        _batch_send(upto=pk, limit=COMMIT_SEND_MAX, skip_locked=False)
    except Exception as exc:  # the database failing after the commit: the sweep sends it
        # The exception's type only: a database error's detail may quote the row.
        logger.warning(
            "outbox message %s not sent after commit (%s); the sweep sends it",
            pk,
            type(exc).__name__,
        )


def _batch_send(*, upto: int | None, limit: int, skip_locked: bool) -> tuple[int, bool]:
    """Send up to ``limit`` rows (those up to ``upto`` if given), oldest first, in one
    transaction that holds their row locks; delete the sent ones. Returns how many were sent
    and whether every row taken was sent (False: stopped at a failure, a row not due, or an
    older row held by another sender)."""
    now = timezone.now()
    with transaction.atomic():
        pending = OutboxMessage.objects.order_by("pk")
        if upto is not None:
            pending = pending.filter(pk__lte=upto)
        taken = list(_locked(pending, skip_locked=skip_locked)[:limit])
        rows = _unbroken_prefix(taken)
        sent: list[int] = []
        for row in rows:
            if row.next_attempt_at > now or not _publish(row, now=now):
                break
            sent.append(row.pk)
        if sent:
            OutboxMessage.objects.filter(pk__in=sent).delete()
    return len(sent), len(sent) == len(taken)


def _locked(pending: QuerySet[OutboxMessage], *, skip_locked: bool) -> QuerySet[OutboxMessage]:
    """Row locks where the database has them (Postgres). SQLite runs one writing transaction
    at a time (IMMEDIATE), which serialises senders as well."""
    if not connection.features.has_select_for_update:
        return pending
    skip = skip_locked and connection.features.has_select_for_update_skip_locked
    return pending.select_for_update(skip_locked=skip)


def _unbroken_prefix(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """The leading rows with no older row missing between them: a row another sender holds
    (skipped as locked) must go out before any newer one."""
    if not rows:
        return rows
    older = OutboxMessage.objects.filter(pk__lte=rows[-1].pk).order_by("pk")
    prefix = []
    for row, pk in zip(rows, older.values_list("pk", flat=True), strict=False):
        if row.pk != pk:
            break
        prefix.append(row)
    return prefix


def _publish(row: OutboxMessage, *, now: datetime) -> bool:
    """Hand one row's message to Redis; on failure count the attempt and set its backoff."""
    try:
        # The headers would repeat the pseudonym readable (SEALED_REPRS): only the body
        # names it.
        current_app.send_task(row.task, kwargs=row.payload, queue=row.queue, **SEALED_REPRS)
    except Exception as exc:  # kombu's and redis's connection errors alike
        row.attempts += 1
        delay = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** (row.attempts - 1))
        row.next_attempt_at = now + timedelta(seconds=delay)
        # The error names the broker, never the message: the payload is not logged.
        row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        row.save(update_fields=["attempts", "next_attempt_at", "last_error"])
        logger.warning(
            "could not queue %s on %s (attempt %d: %s); kept in the outbox, next try in %.0f s",
            row.task,
            row.queue,
            row.attempts,
            row.last_error,
            delay,
        )
        return False
    return True
