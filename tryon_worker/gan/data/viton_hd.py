"""Reader of the VITON-HD directory layout (tops).

    DIR/{split}_pairs.txt                 "person.jpg cloth.jpg" per line
    DIR/{split}/image/NAME.jpg            person
    DIR/{split}/cloth/NAME.jpg            product shot
    DIR/{split}/cloth-mask/NAME.jpg       its mask
    DIR/{split}/openpose_json/NAME_keypoints.json   OpenPose BODY_25
    DIR/{split}/image-parse-v3/NAME.png   LIP labels (5 upper clothes, 6 dress, 7 coat)

A pair whose cloth is the person's own (same name) is paired: the upper-clothes labels give
where the garment lies on them. Other pairs are unpaired (for the cycle mode).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tryon_worker.gan.data.example import TryOnExample, keypoints_from_body_25
from tryon_worker.gan.data.images import read_labels, read_mask, read_rgb

#: LIP labels of upper-body clothing in image-parse-v3.
UPPER_CLOTHES = (5, 6, 7)


def is_viton_hd(root: Path) -> bool:
    """Whether ``root`` looks like a VITON-HD data set."""
    return any(
        (root / f"{split}_pairs.txt").is_file() and (root / split / "image").is_dir()
        for split in ("train", "test")
    )


class VitonHDReader(Sequence[TryOnExample]):
    """The pairs of one split, read lazily."""

    def __init__(self, root: Path, split: str = "train") -> None:
        self.root = Path(root)
        self.split_dir = self.root / split
        pairs_file = self.root / f"{split}_pairs.txt"
        if not pairs_file.is_file():
            raise FileNotFoundError(f"{pairs_file} not found: not a VITON-HD layout")
        self.pairs = [tuple(line.split()[:2]) for line in pairs_file.read_text().splitlines()
                      if line.strip()]  # fmt: skip

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> TryOnExample:  # type: ignore[override]
        person_name, cloth_name = self.pairs[index]
        stem = Path(person_name).stem
        keypoints_json = json.loads(
            (self.split_dir / "openpose_json" / f"{stem}_keypoints.json").read_text()
        )
        people = keypoints_json.get("people") or [{"pose_keypoints_2d": [0.0] * 75}]
        parse_path = self.split_dir / "image-parse-v3" / f"{stem}.png"
        region = silhouette = None
        if parse_path.is_file():
            labels = read_labels(parse_path)
            silhouette = labels != 0  # LIP 0 is the background
            if person_name == cloth_name:
                region = np.isin(labels, UPPER_CLOTHES)
        return TryOnExample(
            name=f"viton-hd/{stem}",
            category="top",
            person=read_rgb(self.split_dir / "image" / person_name),
            keypoints=keypoints_from_body_25(people[0]["pose_keypoints_2d"]),
            garment=read_rgb(self.split_dir / "cloth" / cloth_name),
            garment_mask=read_mask(self.split_dir / "cloth-mask" / cloth_name),
            person_garment=region,
            silhouette=silhouette,
        )
