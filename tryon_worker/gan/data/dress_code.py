"""Reader of the DressCode directory layout (tops, bottoms, dresses).

    DIR/{upper_body,lower_body,dresses}/images/ID_0.jpg    person
    DIR/{category}/images/ID_1.jpg                         product shot (no mask file)
    DIR/{category}/keypoints/ID_2.json   {"keypoints": [[x, y, score, id], ...]} COCO-18,
                                         in a 384x512 frame whatever the image size
    DIR/{category}/label_maps/ID_4.png   labels (4 upper clothes, 5 skirt, 6 pants, 7 dress)
    DIR/{category}/{split}_pairs.txt     "ID_0.jpg ID_1.jpg" per line

The product shot's mask comes from our own backdrop segmentation.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tryon_worker.gan.data.example import TryOnExample, keypoints_from_coco_18
from tryon_worker.gan.data.images import product_shot_mask, read_labels, read_rgb

#: DressCode's folders, our category for each and its garment's labels.
CATEGORIES = {
    "upper_body": ("top", (4,)),
    "lower_body": ("bottom", (5, 6)),
    "dresses": ("dress", (7,)),
}
#: The frame DressCode's keypoint coordinates are given in.
KEYPOINT_FRAME = (384.0, 512.0)


def is_dress_code(root: Path) -> bool:
    """Whether ``root`` looks like a DressCode data set."""
    return any((root / folder / "images").is_dir() for folder in CATEGORIES)


class DressCodeReader(Sequence[TryOnExample]):
    """The pairs of one split over all categories present, read lazily."""

    def __init__(self, root: Path, split: str = "train") -> None:
        self.root = Path(root)
        self.pairs: list[tuple[str, str, str]] = []  # folder, person, garment
        for folder in CATEGORIES:
            pairs_file = self.root / folder / f"{split}_pairs.txt"
            if pairs_file.is_file():
                for line in pairs_file.read_text().splitlines():
                    if line.strip():
                        person, garment = line.split()[:2]
                        self.pairs.append((folder, person, garment))
        if not self.pairs:
            raise FileNotFoundError(f"no {split}_pairs.txt under {self.root}/<category>/")

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> TryOnExample:  # type: ignore[override]
        folder, person_name, garment_name = self.pairs[index]
        base = self.root / folder
        person_id = person_name.rsplit("_", 1)[0]
        person = read_rgb(base / "images" / person_name)
        garment = read_rgb(base / "images" / garment_name)
        raw = json.loads((base / "keypoints" / f"{person_id}_2.json").read_text())
        points = np.asarray(raw["keypoints"], dtype=np.float32).reshape(-1, 4)[:18]
        keypoints = keypoints_from_coco_18(points)
        scale = np.array([person.shape[1] / KEYPOINT_FRAME[0], person.shape[0] / KEYPOINT_FRAME[1]])
        keypoints[:, :2] *= scale
        category, labels = CATEGORIES[folder]
        mask = product_shot_mask(garment, garment_name)
        region = silhouette = None
        label_path = base / "label_maps" / f"{person_id}_4.png"
        if label_path.is_file():
            label_map = read_labels(label_path)
            silhouette = label_map != 0  # 0 is the background
            if garment_name.rsplit("_", 1)[0] == person_id:
                region = np.isin(label_map, labels)
        return TryOnExample(
            name=f"dress-code/{folder}/{person_id}",
            category=category,
            person=person,
            keypoints=keypoints,
            garment=garment,
            garment_mask=mask,
            person_garment=region,
            silhouette=silhouette,
        )
