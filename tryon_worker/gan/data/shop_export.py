"""Reader of a shop's own pairs, as ``manage.py export_tryon_pairs`` writes them.

    DIR/manifest.jsonl   {"id", "category", "person": "on_model/ID.webp",
                          "garment": "product/ID.webp", "merchant", "sku"} per line
    DIR/on_model/ID.webp, DIR/product/ID.webp

The on-model photo is the target and the product shot the garment: the pair every shop
already owns. Pose and person mask come from MediaPipe (cached), the garment's region on the
model from the product shot's own colour.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from contracts.shop_export import MANIFEST
from tryon_worker.gan.data.example import TryOnExample
from tryon_worker.gan.data.images import product_shot_mask, read_rgb
from tryon_worker.gan.data.person_photos import CACHE_DIR, person_analysis_cached, worn_region


def is_shop_export(root: Path) -> bool:
    """Whether ``root`` holds a shop export."""
    return (root / MANIFEST).is_file()


class ShopExportReader(Sequence[TryOnExample]):
    """The manifest's pairs, read lazily."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        lines = (self.root / MANIFEST).read_text().splitlines()
        self.entries = [json.loads(line) for line in lines if line.strip()]
        if not self.entries:
            raise FileNotFoundError(f"{self.root / MANIFEST} lists no pairs")

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, index: int) -> TryOnExample:  # type: ignore[override]
        entry = self.entries[index]
        person_path = self.root / entry["person"]
        person = read_rgb(person_path)
        garment = read_rgb(self.root / entry["garment"])
        mask = product_shot_mask(garment, entry["garment"])
        keypoints, segmentation = person_analysis_cached(
            self.root / CACHE_DIR, self.root, person_path, person
        )
        lab = cv2.cvtColor(garment, cv2.COLOR_RGB2LAB).astype(np.float32)
        region = worn_region(
            person, keypoints, segmentation, entry["category"], np.median(lab[mask], axis=0)
        )
        return TryOnExample(
            name=f"shop/{entry['id']}",
            category=entry["category"],
            person=person,
            keypoints=keypoints,
            garment=garment,
            garment_mask=mask,
            person_garment=region,
            silhouette=segmentation > 0.5,
        )
