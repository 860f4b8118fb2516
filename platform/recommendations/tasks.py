"""Storefront task consuming the recommender's answers. Thin."""

from celery import shared_task

from recommendations.services import suggestion_set_apply
from recommender.messages import SUGGESTIONS_EVENT_TASK, SuggestionSet


@shared_task(name=SUGGESTIONS_EVENT_TASK)
def suggestions_event(**event: object) -> None:
    """Store suggestions computed by the recommender worker."""
    suggestion_set_apply(event=SuggestionSet.from_dict(event))
