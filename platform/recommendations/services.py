"""The storefront's side of recommendations: pass interactions and erasures on to the
recommender (by task name, on its own queue), and apply the suggestions it sends back.

The catalogue and the shoppers feed it their own data: ``catalog.recommender_feed`` and
``shoppers.recommender_feed``."""

import json
import logging
from datetime import datetime
from functools import lru_cache

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import Garment
from contracts import recommender as contract
from contracts.queues import (
    FORGET_TASK,
    INTERACTION_TASK,
    RECOMMENDER_QUEUE,
)
from core.live_events import live_publish
from core.queue_send import send_after_commit
from core.redis_url import redis_cache_location
from recommendations.models import Interaction, SuggestionSet
from shoppers.models import Shopper

logger = logging.getLogger(__name__)

# Page views wait here (a Redis list of JSON entries, oldest first) until
# `interaction_views_flush` stores them in batches: a garment page never writes to the
# database on GET, so views cannot contend for SQLite's single write lock.
VIEW_QUEUE_KEY = "recommendations:views"
VIEW_FLUSH_LOCK_KEY = "recommendations:views:flush"
VIEW_FLUSH_BATCH = 500


def shopper_forget_publish(*, pseudonym: str) -> None:
    """Tell the recommender to erase everything it holds under an erased shopper's pseudonym.

    Sent once the erasure commits (as every message here), so a rolled-back erasure forgets
    nothing.
    """
    send_after_commit(FORGET_TASK, contract.Forget(subject=pseudonym), queue=RECOMMENDER_QUEUE)


def interaction_record(
    *, shopper: Shopper, garment: Garment, kind: str, occurred_at: datetime | None = None
) -> Interaction:
    """Store an interaction and pass it on (by pseudonym) to update the shopper's taste.

    ``occurred_at`` is when it happened (a merchant reports purchases and returns later);
    now by default.
    """
    interaction = Interaction.objects.create(
        shopper=shopper, garment=garment, kind=kind, created_at=occurred_at or timezone.now()
    )
    send_after_commit(
        INTERACTION_TASK,
        contract.Interaction(
            subject=shopper.pseudonym,
            garment_id=garment.pk,
            kind=kind,
            at=interaction.created_at.isoformat(),
        ),
        queue=RECOMMENDER_QUEUE,
    )
    return interaction


@transaction.atomic
def garment_like(*, shopper: Shopper, garment: Garment) -> bool:
    """The shopper likes the garment; True if this is new, False if they already did.

    A like is counted once: pressing *Like* again (a double click, a resubmitted form) does
    not tell the recommender again, which would inflate the garment's popularity.
    """
    # The row lock keeps two simultaneous presses from both counting (Postgres; SQLite's
    # IMMEDIATE transactions already run one at a time).
    Shopper.objects.select_for_update().filter(pk=shopper.pk).first()
    if Interaction.objects.filter(
        shopper=shopper, garment=garment, kind=Interaction.Kind.LIKE
    ).exists():
        return False
    interaction_record(shopper=shopper, garment=garment, kind=Interaction.Kind.LIKE)
    return True


def interaction_view_queue(*, shopper: Shopper, garment: Garment) -> None:
    """Note that a shopper viewed a garment; stored later, in a batch, off the request.

    Best effort: with Redis down the page still renders and this one view is not counted
    (a view only nudges suggestions; a broken page would cost the sale).
    """
    entry = {"shopper": shopper.pk, "garment": garment.pk, "at": timezone.now().isoformat()}
    try:
        _redis().rpush(VIEW_QUEUE_KEY, json.dumps(entry))
    except redis.RedisError:
        logger.warning("view of garment %s not queued", garment.pk, exc_info=True)


def interaction_views_flush(*, batch_size: int = VIEW_FLUSH_BATCH) -> int:
    """Store the queued page views as interactions, a batch per transaction; how many stored.

    One flush at a time (a Redis lock), so a batch is never stored twice by two workers. A
    batch leaves the queue only after its transaction commits: a database error leaves it
    queued for the retry. A worker killed between the commit and the trim stores that one
    batch twice on the next flush; views are counted at least once, never lost.
    """
    client = _redis()
    lock = client.lock(VIEW_FLUSH_LOCK_KEY, timeout=120)
    if not lock.acquire(blocking=False):
        return 0
    stored = 0
    try:
        while raw := client.lrange(VIEW_QUEUE_KEY, 0, batch_size - 1):
            stored += _views_store([json.loads(item) for item in raw])
            client.ltrim(VIEW_QUEUE_KEY, len(raw), -1)
    finally:
        try:
            lock.release()
        except redis.exceptions.LockError:  # expired meanwhile; the next flush carries on
            logger.warning("view flush outlived its lock")
    return stored


@transaction.atomic
def _views_store(entries: list[dict[str, object]]) -> int:
    """Create one VIEW interaction per entry still meaningful; tell the recommender of each."""
    pseudonyms = dict(
        Shopper.objects.filter(pk__in={e["shopper"] for e in entries}).values_list(
            "pk", "pseudonym"
        )
    )
    garments = set(
        Garment.objects.filter(pk__in={e["garment"] for e in entries}).values_list("pk", flat=True)
    )
    # A shopper erased or a garment deleted since the view: nothing of it is kept.
    kept = [e for e in entries if e["shopper"] in pseudonyms and e["garment"] in garments]
    Interaction.objects.bulk_create(
        Interaction(
            shopper_id=e["shopper"],
            garment_id=e["garment"],
            kind=Interaction.Kind.VIEW,
            created_at=datetime.fromisoformat(str(e["at"])),
        )
        for e in kept
    )
    for entry in kept:
        send_after_commit(
            INTERACTION_TASK,
            contract.Interaction(
                subject=pseudonyms[entry["shopper"]],
                garment_id=int(entry["garment"]),
                kind=Interaction.Kind.VIEW,
                at=str(entry["at"]),
            ),
            queue=RECOMMENDER_QUEUE,
        )
    return len(kept)


@lru_cache(maxsize=4)
def _redis_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_cache_location(url))


def _redis() -> redis.Redis:
    """A client (and its connection pool) per Redis URL, shared by the process's threads."""
    return _redis_for(settings.REDIS_URL)


@transaction.atomic
def suggestion_set_apply(*, event: contract.SuggestionSet) -> SuggestionSet | None:
    """Store the suggestions the recommender computed; older answers never replace newer."""
    shopper = Shopper.objects.filter(pseudonym=event.subject).first()
    if shopper is None:
        logger.info("suggestions for an unknown or erased shopper dropped")
        return None
    generated = datetime.fromisoformat(event.generated_at) if event.generated_at else timezone.now()
    current = SuggestionSet.objects.select_for_update().filter(shopper=shopper).first()
    if current and current.generated_at and current.generated_at > generated:
        return current
    record, _ = SuggestionSet.objects.update_or_create(
        shopper=shopper,
        defaults={
            "items": event.items,
            "body_shape": event.body_shape,
            "body_shape_reason": event.body_shape_reason,
            "strategy": event.strategy,
            "notice": event.notice,
            "generated_at": generated,
        },
    )
    shopper_id = shopper.pk
    transaction.on_commit(
        lambda: live_publish(shopper_id=shopper_id, payload={"type": "suggestions"})
    )
    return record
