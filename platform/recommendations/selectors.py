"""Read paths: the suggestions to show, with a storefront-side fallback until the first answer."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from catalog.models import Garment, Merchant
from catalog.recommender_feed import garment_document
from catalog.selectors import garment_list_public
from recommendations.models import Interaction
from shoppers.models import Shopper
from sizing.fit import GIRTHS, GirthFit, girth_fits, size_advice


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


def suggestions_for(
    *, shopper: Shopper | None, limit: int = 12, merchant: Merchant | None = None
) -> SuggestionsView:
    """The recommender's latest suggestions that are still in stock, or popular ones; with
    ``merchant``, only that merchant's garments (what its own shop can sell)."""
    record = getattr(shopper, "suggestions", None) if shopper else None
    if record is not None and record.items:
        ids = [item["garment_id"] for item in record.items]
        garments = _offered(merchant).filter(pk__in=ids, stock_total__gt=0).in_bulk()
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
    return _popular(shopper=shopper, limit=limit, merchant=merchant)


def _offered(merchant: Merchant | None) -> QuerySet[Garment]:
    garments = garment_list_public()
    return garments.filter(merchant=merchant) if merchant is not None else garments


def _popular(*, shopper: Shopper | None, limit: int, merchant: Merchant | None) -> SuggestionsView:
    """Cold start: most tried and liked, in stock, in the shopper's declared size if any."""
    size = (shopper.measurements or {}).get("preferred_size", "") if shopper else ""
    garments = _offered(merchant).filter(stock_total__gt=0)
    if size:
        garments = garments.filter(sizes__label=size, sizes__stock__gt=0)
    garments = garments.annotate(
        popularity=Count(
            "interactions",
            filter=Q(interactions__kind__in=["tryon", "like", "add_to_cart", "purchase"]),
            distinct=True,
        )
    ).order_by("-popularity", "-created_at")[:limit]
    reason = "popular right now, in stock" + (f" in your size {size}" if size else "")
    return SuggestionsView(
        items=[ShownSuggestion(garment=g, size=size, reasons=[reason]) for g in garments],
        strategy="popular",
    )


@dataclass(frozen=True)
class SizeChoice:
    """The size to pick of one garment for one shopper, and why (``sizing.fit``'s rule).

    ``label`` is "" when no size can be advised; ``confidence`` is the chosen size's fit score
    (1.0 perfect, about 0.6 one size step off; 0.8 for a declared size label, 0.5 unknown);
    ``basis`` says what it rests on: "measurements", "declared size" or "unknown".
    """

    label: str
    confidence: float
    basis: str
    fits: bool
    reason: str
    measurements: list[GirthFit]


def size_choice_for(*, shopper: Shopper, garment: Garment) -> SizeChoice:
    """The in-stock size of ``garment`` to pick for ``shopper``, from their declared girths
    (else their usual size label), by the same rule the recommender's suggestions use."""
    declared = dict(shopper.measurements or {})
    preferred_size = str(declared.pop("preferred_size", "") or "")
    body_cm = {key: float(value) for key, value in declared.items() if key in GIRTHS}
    sizes = garment_document(garment=garment).sizes
    advice = size_advice(
        sizes, body_cm=body_cm, preferred_size=preferred_size, category=garment.category
    )
    chosen = next((size for size in sizes if size["label"] == advice.label), None)
    if advice.fits and not advice.label:
        reason = "Give the shopper's chest, waist or hips (or usual size) to get a size."
    elif not advice.fits and advice.basis == "declared size":
        reason = f"Size {preferred_size} is out of stock."
    elif not advice.fits:
        reason = f"No size in stock fits well; the closest is {advice.label}."
    else:
        reason = f"{advice.label}: the best fit of the sizes in stock ({advice.basis})."
    return SizeChoice(
        label=advice.label,
        confidence=round(advice.score, 2),
        basis=advice.basis,
        fits=advice.fits,
        reason=reason,
        measurements=girth_fits(chosen, body_cm, category=garment.category) if chosen else [],
    )


def garment_liked(*, shopper: Shopper, garment: Garment) -> bool:
    """Whether the shopper has liked this garment (the *Like* button shows it pressed)."""
    return Interaction.objects.filter(
        shopper=shopper, garment=garment, kind=Interaction.Kind.LIKE
    ).exists()
