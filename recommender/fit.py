"""Size advice: which size of a garment fits a shopper, and how well.

A garment's size chart gives, per size, the body girths it is made for (chest, waist, hips in
cm, as the storefront's size rows carry them). Each size is scored against the shopper's
girths with a Gaussian on the difference: 1.0 is a perfect fit, ~0.6 one tolerance off. A
body larger than the size (too tight) costs more than one smaller (too loose). ``length_cm``
is the garment's own length, not a body measure, and is not scored.

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


@dataclass(frozen=True)
class SizeAdvice:
    """The size to pick and why; ``label`` is "" when no size can be advised."""

    label: str
    score: float  # 0..1, how well the size fits (0.5 when unknown)
    reason: str  # "your size: M", or "" when unknown
    basis: str  # "measurements", "estimated", "declared size" or "unknown"
    fits: bool  # False when the shopper's size is known and no size in stock fits


def size_fit_score(size: dict[str, Any], body_cm: dict[str, float]) -> float | None:
    """How well one size row fits the girths in ``body_cm`` (None: nothing to compare)."""
    terms = []
    for key in GIRTHS:
        made_for, body = size.get(key), body_cm.get(key)
        if made_for is None or body is None:
            continue
        difference = float(body) - float(made_for)
        weight = TIGHT_PENALTY if difference > 0 else 1.0
        terms.append((weight * difference / TOLERANCE_CM) ** 2)
    if not terms:
        return None
    return math.exp(-0.5 * sum(terms) / len(terms))


def size_advice(
    sizes: Sequence[dict[str, Any]],
    *,
    body_cm: dict[str, float],
    preferred_size: str = "",
    estimated: bool = False,
) -> SizeAdvice:
    """The best in-stock size for a shopper.

    ``body_cm`` are the shopper's girths (declared, or estimated when ``estimated``);
    ``preferred_size`` is the label they declared, used when the chart and the girths have
    nothing in common. A size out of stock is never advised.
    """
    in_stock = [s for s in sizes if int(s.get("stock") or 0) > 0 and s.get("label")]
    scored = [(size_fit_score(s, body_cm), s) for s in in_stock]
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
