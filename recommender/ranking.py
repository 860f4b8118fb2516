"""Turn candidate garments into ranked suggestions, each with its reasons.

Scoring blends four signals, each explainable:

* taste: half the cosine between the shopper's decayed taste vector (centred on the
  catalogue's mean, so what every garment shares does not count) and the garment, half its
  mean cosine with the few garments the shopper acted on that are most like it; weighted by
  how much the shopper has done (``confidence``): "close to the linen shirt you tried on";
* body shape: dressmaking rules of which cuts flatter which shape (``SHAPE_STYLES``), matched
  on the garment's style tags, name and description: "suits an hourglass shape: wrap waist";
  cuts a shape is usually advised against count against the garment;
* fit: the best in-stock size from the garment's size chart (``fit.size_advice``); garments
  with no size that fits the shopper are left out: "your size: M";
* popularity: a decayed count of everybody's interactions, a prior that leads while little
  is known about the shopper and keeps a share after: "popular right now".

Then a greedy diversity pass (maximal marginal relevance) keeps near-duplicates apart and
no single category above half the list.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from contracts.recommender import Suggestion
from recommender.catalogue_store import StoredGarment
from recommender.profile_store import RecentInteraction
from sizing.fit import size_advice

# Per body shape: cuts that usually flatter it and cuts usually advised against, as the
# phrases shown to shoppers. Matched as whole words on tags, name and description, with
# hyphens read as spaces ("fit-and-flare" matches "fit and flare").
SHAPE_STYLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "hourglass": (
        (
            "wrap waist",
            "wrap",
            "fit and flare",
            "belted",
            "pencil",
            "bodycon",
            "fitted",
            "tailored",
            "v neck",
            "high waisted",
        ),
        ("boxy", "oversized", "shapeless", "drop waist"),
    ),
    "triangle": (
        (
            "structured",
            "boat neck",
            "off shoulder",
            "puff sleeve",
            "a line",
            "bootcut",
            "wide leg",
            "statement collar",
            "embellished",
        ),
        ("skinny", "pencil", "bodycon", "cargo", "hip pockets"),
    ),
    "inverted triangle": (
        (
            "a line",
            "wide leg",
            "flared",
            "full skirt",
            "palazzo",
            "v neck",
            "peplum",
            "pleated",
            "bootcut",
        ),
        ("structured", "shoulder pads", "puff sleeve", "boat neck", "off shoulder"),
    ),
    "rectangle": (
        (
            "peplum",
            "belted",
            "wrap waist",
            "wrap",
            "ruffle",
            "fit and flare",
            "layering",
            "layered",
            "ruched",
            "cropped jacket",
        ),
        ("boxy", "shapeless"),
    ),
    "oval": (
        (
            "empire",
            "straight",
            "v neck",
            "flowing",
            "shift",
            "longline",
            "tunic",
            "a line",
            "relaxed",
            "wrap",
        ),
        ("belted", "bodycon", "cropped", "skin tight", "fitted waist"),
    ),
}

TASTE_WEIGHT = 1.0
SHAPE_WEIGHT = 0.25
FIT_WEIGHT = 0.15
POPULARITY_WEIGHT = 0.4
COLD_POPULARITY_WEIGHT = 0.6  # with nothing personal known, popularity leads
#: Taste confidence: mass / (mass + this); one view gives 0.33, one purchase 0.75.
CONFIDENCE_HALF_MASS = 2.0
DIVERSITY_PENALTY = 0.1
#: Share of the taste score from the garments the shopper acted on most like this one (the
#: rest from their taste vector): a shopper with two styles is not averaged into neither.
NEIGHBOUR_SHARE = 0.5
NEIGHBOUR_TOP = 5
MAX_CATEGORY_SHARE = 0.5
#: A taste reason needs the garment to be at least this close to something the shopper did.
TASTE_REASON_SIMILARITY = 0.65

_VERBS = {
    "view": "viewed",
    "tryon": "tried on",
    "like": "liked",
    "add_to_cart": "put in your basket",
    "purchase": "bought",
}
_VERB_ORDER = {"purchase": 0, "add_to_cart": 1, "like": 2, "tryon": 3, "view": 4}


def shape_query_text(shape: str) -> str:
    """Words describing the cuts that suit ``shape`` (embedded to find candidates)."""
    good, _ = SHAPE_STYLES[shape]
    return "style: " + ", ".join(good)


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("-", " "))) + " "


def shape_affinity(shape: str, garment: StoredGarment) -> tuple[float, str]:
    """How well a garment's cut suits a body shape (-1..1) and the phrase that matched."""
    if shape not in SHAPE_STYLES:
        return 0.0, ""
    doc = garment.document
    tags = _words(" ".join(doc.style_tags))
    text = _words(f"{doc.name} {doc.description}")
    good, bad = SHAPE_STYLES[shape]
    # Tags are the merchant's explicit cut; words in the name or description count less.
    matched = [p for p in good if f" {p} " in tags] + [
        p for p in good if f" {p} " in text and f" {p} " not in tags
    ]
    score = sum(0.6 if f" {p} " in tags else 0.35 for p in matched)
    score -= sum(0.5 for p in bad if f" {p} " in tags or f" {p} " in text)
    return max(-1.0, min(1.0, score)), (matched[0] if matched else "")


@dataclass(frozen=True)
class ShopperContext:
    """What ranking knows of the shopper (all optional: a cold start has none of it)."""

    taste: np.ndarray | None = None  # unit vector, centred on the catalogue's mean
    taste_mass: float = 0.0
    body_shape: str = ""
    body_label: str = ""  # "an hourglass shape"
    body_cm: dict[str, float] = field(default_factory=dict)
    body_cm_estimated: bool = False
    preferred_size: str = ""
    recent: Sequence[RecentInteraction] = ()
    recent_garments: dict[int, StoredGarment] = field(default_factory=dict)

    @property
    def size_known(self) -> bool:
        return bool(self.body_cm) or bool(self.preferred_size)

    @property
    def personal(self) -> bool:
        return self.taste is not None or bool(self.body_shape)


@dataclass(frozen=True)
class Ranked:
    suggestion: Suggestion
    vector: np.ndarray
    category: str


def rank(
    context: ShopperContext,
    candidates: dict[int, StoredGarment],
    *,
    limit: int,
    popularity_max: float,
) -> list[Suggestion]:
    """The best ``limit`` candidates for the shopper, diverse, each with 1-3 reasons.

    Out-of-stock and inactive garments, garments the shopper already interacted with and
    garments with no size that fits them are never suggested.
    """
    if limit <= 0:
        return []
    seen = {r.garment_id for r in context.recent}
    confidence = context.taste_mass / (context.taste_mass + CONFIDENCE_HALF_MASS)
    # The less the shopper has done, the more everybody else's choices lead.
    pop_weight = confidence * POPULARITY_WEIGHT + (1 - confidence) * COLD_POPULARITY_WEIGHT
    pop_scale = math.log1p(popularity_max) if popularity_max > 0 else 1.0
    scored: list[tuple[float, Ranked]] = []
    # Garments the shopper acted on, as a matrix: one product per candidate gives both the
    # neighbour part of the taste score and the garment its reason names.
    # Only what they liked in some way lends a garment its neighbours' score (and a reason):
    # a returned garment is no model for others, whatever else they did with it.
    returned = {r.garment_id for r in context.recent if r.kind not in _VERBS}
    acted_on = [
        r
        for r in context.recent
        if r.garment_id in context.recent_garments and r.garment_id not in returned
    ]
    neighbours = (
        np.stack([context.recent_garments[r.garment_id].vector for r in acted_on])
        if acted_on
        else None
    )
    for garment_id, garment in candidates.items():
        doc = garment.document
        if garment_id in seen or not doc.in_stock:
            continue
        advice = size_advice(
            doc.sizes,
            body_cm=context.body_cm,
            preferred_size=context.preferred_size,
            estimated=context.body_cm_estimated,
            category=doc.category,
        )
        if context.size_known and not advice.fits:
            continue
        parts: list[tuple[float, str]] = []  # (contribution, reason)
        score = 0.0
        if context.taste is not None:
            similarity = float(np.dot(context.taste, garment.vector))
            reason = ""
            if neighbours is not None:
                to_each = neighbours @ garment.vector
                closest = float(np.sort(to_each)[-NEIGHBOUR_TOP:].mean())
                similarity = (1 - NEIGHBOUR_SHARE) * similarity + NEIGHBOUR_SHARE * closest
                reason = _taste_reason(to_each, acted_on, context)
            contribution = TASTE_WEIGHT * confidence * similarity
            score += contribution
            if reason:
                parts.append((contribution, reason))
        if context.body_shape:
            affinity, phrase = shape_affinity(context.body_shape, garment)
            score += SHAPE_WEIGHT * affinity
            if affinity > 0 and phrase:
                parts.append((SHAPE_WEIGHT * affinity, f"suits {context.body_label}: {phrase}"))
        if advice.label:
            score += FIT_WEIGHT * (advice.score - 0.5)
        prior = math.log1p(garment.popularity) / pop_scale if garment.popularity > 0 else 0.0
        score += pop_weight * prior
        if prior >= 0.5:
            parts.append((pop_weight * prior, "popular right now"))
        reasons = [reason for _, reason in sorted(parts, key=lambda p: -p[0])][:2]
        if advice.reason:
            reasons.append(advice.reason)
        if not reasons:
            reasons.append("in stock now" if not context.personal else "new in, in stock")
        suggestion = Suggestion(
            garment_id=garment_id, score=round(score, 4), size=advice.label, reasons=reasons
        )
        scored.append((score, Ranked(suggestion, garment.vector, doc.category)))
    return [r.suggestion for r in _diverse(scored, limit)]


def _taste_reason(
    similarities: np.ndarray, acted_on: list[RecentInteraction], context: ShopperContext
) -> str:
    """ "close to the <garment> you <did>", naming the closest garment the shopper acted on
    (of equally close ones, the strongest signal: bought over liked over tried on)."""
    best = max(
        range(len(acted_on)),
        key=lambda i: (round(float(similarities[i]), 3), -_VERB_ORDER[acted_on[i].kind]),
    )
    if similarities[best] < TASTE_REASON_SIMILARITY:
        return ""
    interaction = acted_on[best]
    other = context.recent_garments[interaction.garment_id]
    return f"close to the {_lower_first(other.document.name)} you {_VERBS[interaction.kind]}"


def _lower_first(name: str) -> str:
    name = name.strip() or "garment"
    # "Linen shirt" reads as "the linen shirt"; an acronym or brand ("UV jacket") stays.
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _diverse(scored: list[tuple[float, Ranked]], limit: int) -> list[Ranked]:
    """Greedy maximal marginal relevance with a cap on any one category's share."""
    pool = sorted(scored, key=lambda pair: -pair[0])[: max(limit * 8, 64)]
    cap = max(1, math.ceil(MAX_CATEGORY_SHARE * limit))
    categories = {ranked.category for _, ranked in pool}
    chosen: list[Ranked] = []
    counts: dict[str, int] = {}
    while pool and len(chosen) < limit:
        best_index, best_value = -1, -math.inf
        for index, (score, ranked) in enumerate(pool):
            if counts.get(ranked.category, 0) >= cap and len(categories) > 1:
                continue
            redundancy = max((float(np.dot(ranked.vector, c.vector)) for c in chosen), default=0.0)
            value = score - DIVERSITY_PENALTY * max(0.0, redundancy)
            if value > best_value:
                best_index, best_value = index, value
        if best_index < 0:
            # Only capped categories are left: fill with them rather than show fewer items.
            best_index = 0
            categories = set()
        _, ranked = pool.pop(best_index)
        chosen.append(ranked)
        counts[ranked.category] = counts.get(ranked.category, 0) + 1
    return chosen
