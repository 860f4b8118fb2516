"""Storefront tasks of recommendations: apply the recommender's answers, store page views.

Thin: each calls one service."""

import logging

from celery import shared_task

from contracts.base import MessageError
from contracts.queues import SUGGESTIONS_EVENT_TASK, VIEWS_FLUSH_TASK
from contracts.recommender import SuggestionSet
from core.task_retry import DatabaseTask
from recommendations.services import interaction_views_flush, suggestion_set_apply

logger = logging.getLogger(__name__)


@shared_task(base=DatabaseTask, name=SUGGESTIONS_EVENT_TASK)
def suggestions_event(**event: object) -> None:
    """Store suggestions computed by the recommender worker (one it cannot read is logged:
    the shopper keeps the suggestions they had)."""
    try:
        suggestions = SuggestionSet.from_dict(event)
    except (MessageError, TypeError) as exc:
        logger.error("suggestions refused: %s", exc)
        return
    suggestion_set_apply(event=suggestions)


@shared_task(base=DatabaseTask, name=VIEWS_FLUSH_TASK)
def views_flush() -> int:
    """Periodic: store the page views queued since the last run; how many were stored."""
    return interaction_views_flush()
