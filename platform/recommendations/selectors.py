"""Read paths: the suggestions to show, with a storefront-side fallback until the first answer."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from catalog.models import Garment
from catalog.selectors import garment_list_public
from shoppers.models import Shopper


@dataclass(frozen=True)
class ShownSuggestion:
    garment: Garment
    size: str
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SuggestionsView:
    items: list[ShownSuggestion]
    body_shape: str = ""
    body_shape_reason: str = ""
    strategy: str = ""
    notice: str = ""


def suggestions_for(*, shopper: Shopper | None, limit: int = 12) -> SuggestionsView:
    """The recommender's latest suggestions that are still in stock, or popular ones."""
    record = getattr(shopper, "suggestions", None) if shopper else None
    if record is not None and record.items:
        ids = [item["garment_id"] for item in record.items]
        garments = garment_list_public().filter(pk__in=ids, stock_total__gt=0).in_bulk()
        items = [
            ShownSuggestion(
                garment=garments[i["garment_id"]],
                size=i.get("size", ""),
                reasons=i.get("reasons", []),
            )
            for i in record.items
            if i["garment_id"] in garments
        ][:limit]
        if items:
            return SuggestionsView(
                items=items,
                body_shape=record.body_shape,
                body_shape_reason=record.body_shape_reason,
                strategy=record.strategy,
                notice=record.notice,
            )
    return _popular(shopper=shopper, limit=limit)


def _popular(*, shopper: Shopper | None, limit: int) -> SuggestionsView:
    """Cold start: most tried and liked, in stock, in the shopper's declared size if any."""
    size = (shopper.measurements or {}).get("preferred_size", "") if shopper else ""
    garments = garment_list_public().filter(stock_total__gt=0)
    if size:
        garments = garments.filter(sizes__label=size, sizes__stock__gt=0)
    garments = garments.annotate(
        popularity=Count(
            "interactions",
            filter=Q(interactions__kind__in=["tryon", "like", "purchase"]),
            distinct=True,
        )
    ).order_by("-popularity", "-created_at")[:limit]
    reason = "popular right now, in stock" + (f" in your size {size}" if size else "")
    return SuggestionsView(
        items=[ShownSuggestion(garment=g, size=size, reasons=[reason]) for g in garments],
        strategy="popular",
    )
