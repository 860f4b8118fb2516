"""Scoring the person parser against hand-drawn labels (tests/fixtures/person_parsing/).

Labels are polygons painted in order over a background canvas (see that folder's README);
"ignore" regions are left out of the score. Scores are intersection over union per class,
accumulated over photos (total intersection / total union, so small photos do not count as
much as large ones).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from vision.parsing import LABEL, LABELS

IGNORE = 255


@dataclass(frozen=True)
class HandLabels:
    """One photo's hand-drawn labels, rasterised."""

    image: str  # the photo's file name
    labels: np.ndarray  # (H, W) uint8: index into LABELS, IGNORE where not scored


def hand_labels_load(path: Path) -> HandLabels:
    """Rasterise one polygon JSON file (later regions paint over earlier ones)."""
    data = json.loads(path.read_text())
    canvas = np.zeros((int(data["height"]), int(data["width"])), dtype=np.uint8)
    for region in data["regions"]:
        name = region["label"]
        if name != "ignore" and name not in LABEL:
            raise ValueError(f"{path.name}: unknown label {name!r}")
        value = IGNORE if name == "ignore" else LABEL[name]
        polygon = np.round(np.asarray(region["polygon"], dtype=np.float64)).astype(np.int32)
        cv2.fillPoly(canvas, [polygon], value)
    return HandLabels(image=data["image"], labels=canvas)


@dataclass
class IouTally:
    """Intersections and unions per class, summed over photos."""

    intersection: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    union: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))

    def add(self, predicted: np.ndarray, truth: np.ndarray) -> dict[str, float]:
        """Count one photo; returns its own IoU per class (NaN where the class is absent)."""
        if predicted.shape != truth.shape:
            raise ValueError(f"shapes differ: {predicted.shape} vs {truth.shape}")
        scored = truth != IGNORE
        own = {}
        for index, name in enumerate(LABELS):
            p, t = (predicted == index) & scored, (truth == index) & scored
            inter, union = int((p & t).sum()), int((p | t).sum())
            self.intersection[name] += inter
            self.union[name] += union
            own[name] = inter / union if union else float("nan")
        return own

    def iou(self) -> dict[str, float]:
        """IoU per class over everything added (NaN for a class never seen)."""
        return {
            name: self.intersection[name] / self.union[name] if self.union[name] else float("nan")
            for name in LABELS
        }

    def mean_iou(self, classes: Iterable[str] = LABELS) -> float:
        """The mean of the per-class IoUs (classes never seen left out)."""
        values = [v for name, v in self.iou().items() if name in classes and not np.isnan(v)]
        return float(np.mean(values)) if values else float("nan")
