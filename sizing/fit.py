"""Size advice: which size of a garment fits a shopper, and how well.

A garment's size chart gives, per size, girths in cm (chest, waist, hips), as the
storefront's size rows carry them: the body a size is made for. Shops also publish charts of
the garment itself, which add ease (a coat's chest is ~10 cm more than the body's), so a
garment up to ``EASE_CM`` of its category larger than the body costs nothing. Beyond that,
and wherever the body is larger than the size (too tight, which costs more than too loose),
the score falls as a Gaussian: 1.0 is a perfect fit, ~0.6 one ``TOLERANCE_CM`` off.
``length_cm`` is the garment's own length, not a body measure, and is not scored.

Without girths the shopper's declared size label is used when the chart has it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: One tolerance in cm: about one size step (shops grade girths by 4-5 cm per size).
TOLERANCE_CM = 4.0
#: Being squeezed is worse than a loose fit: differences where the body is larger count more.
TIGHT_PENALTY = 1.5
#: Below this score no size of the garment fits.
MIN_FIT = 0.25
GIRTHS = ("chest_cm", "waist_cm", "hips_cm")
#: Room a garment may have over the body at no cost, by category (cm of girth).
EASE_CM = {"top": 8.0, "dress": 6.0, "bottom": 4.0, "outerwear": 14.0}
DEFAULT_EASE_CM = 6.0


@dataclass(frozen=True)
class SizeAdvice:
    """The size to pick and why; ``label`` is "" when no size can be advised."""

    label: str
    score: float  # 0..1, how well the size fits (0.5 when unknown)
    reason: str  # "your size: M", or "" when unknown
    basis: str  # "measurements", "estimated", "declared size" or "unknown"
    fits: bool  # False when the shopper's size is known and no size in stock fits


def size_fit_score(
    size: dict[str, Any], body_cm: dict[str, float], *, category: str = ""
) -> float | None:
    """How well one size row fits the girths in ``body_cm`` (None: nothing to compare)."""
    ease = EASE_CM.get(category, DEFAULT_EASE_CM)
    terms = []
    for key in GIRTHS:
        made_for, body = size.get(key), body_cm.get(key)
        if made_for is None or body is None:
            continue
        room = float(made_for) - float(body)
        if room < 0:
            terms.append((TIGHT_PENALTY * room / TOLERANCE_CM) ** 2)
        else:
            # Within the ease: nearly free, with a slight pull towards a quarter of the ease
            # (a body chart's own size, or one up for coats worn over layers), so of two
            # sizes that both fit, the snugger, ordinary one wins.
            over = max(0.0, room - ease)
            off_target = abs(room - ease / 4) / max(ease / 2, 1.0)
            terms.append((over / TOLERANCE_CM) ** 2 + 0.1 * off_target**2)
    if not terms:
        return None
    return math.exp(-0.5 * sum(terms) / len(terms))


def size_advice(
    sizes: Sequence[dict[str, Any]],
    *,
    body_cm: dict[str, float],
    preferred_size: str = "",
    estimated: bool = False,
    category: str = "",
) -> SizeAdvice:
    """The best in-stock size for a shopper.

    ``body_cm`` are the shopper's girths (declared, or estimated when ``estimated``);
    ``preferred_size`` is the label they declared, used when the chart and the girths have
    nothing in common; ``category`` sets the ease allowed. A size out of stock is never
    advised.
    """
    in_stock = [s for s in sizes if int(s.get("stock") or 0) > 0 and s.get("label")]
    scored = [(size_fit_score(s, body_cm, category=category), s) for s in in_stock]
    measured = [(score, s) for score, s in scored if score is not None]
    if measured:
        score, best = max(measured, key=lambda pair: pair[0])
        label = str(best["label"])
        if score < MIN_FIT:
            return SizeAdvice(label, score, "", "measurements", fits=False)
        basis = "estimated" if estimated else "measurements"
        suffix = " (estimated from your photo)" if estimated else ""
        return SizeAdvice(label, score, f"your size: {label}{suffix}", basis, fits=True)
    if preferred_size:
        wanted = preferred_size.strip().casefold()
        for size in in_stock:
            if str(size["label"]).strip().casefold() == wanted:
                label = str(size["label"])
                return SizeAdvice(label, 0.8, f"your size: {label}", "declared size", fits=True)
        if any(str(s.get("label", "")).strip().casefold() == wanted for s in sizes):
            return SizeAdvice("", 0.0, "", "declared size", fits=False)  # sold out in theirs
        # A chart that does not use their label at all (one size, other sizing) says nothing.
    return SizeAdvice("", 0.5, "", "unknown", fits=True)


@dataclass(frozen=True)
class GirthFit:
    """How one size sits on one girth: the room it leaves (cm, negative: smaller than the
    body) and the verdict the score's rule gives it."""

    measurement: str  # "chest_cm", "waist_cm" or "hips_cm"
    body_cm: float
    size_cm: float
    room_cm: float
    fit: str  # "tight", "good" or "loose"


def girth_fits(
    size: dict[str, Any], body_cm: dict[str, float], *, category: str = ""
) -> list[GirthFit]:
    """Per girth both the size and the body give, the fit ``size_fit_score`` scores: tight
    when the size is smaller than the body, loose beyond the category's ease, else good."""
    ease = EASE_CM.get(category, DEFAULT_EASE_CM)
    fits = []
    for key in GIRTHS:
        made_for, body = size.get(key), body_cm.get(key)
        if made_for is None or body is None:
            continue
        room = float(made_for) - float(body)
        verdict = "tight" if room < 0 else "loose" if room > ease else "good"
        fits.append(GirthFit(key, float(body), float(made_for), round(room, 1), verdict))
    return fits
