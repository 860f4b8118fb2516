"""Self-supervised pairs from plain person photos, and the analysis they need.

No product shot exists for a garment someone wears in a photo, so one is made: MediaPipe
finds the pose and the person, the garment is the region of the person inside the
category's zone whose colour matches the fabric at the torso's core; it is cut out, tilted,
rescaled and put on a white backdrop like a product shot. The agnostic person is the input,
the photo itself the target. Analyses are cached (MediaPipe is the slow part), by default
in ``DIR/.tryon_cache``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from tryon_worker.gan.data.conditioning import agnostic_mask
from tryon_worker.gan.data.example import KP, TryOnExample, keypoints_from_mediapipe, seen
from tryon_worker.gan.data.images import read_rgb
from tryon_worker.gan.data.inputs import UnusableExample
from vision.pose import estimate_pose, segment_person

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
CACHE_DIR = ".tryon_cache"
#: Lab distance from the fabric's colour that still counts as the same garment.
MIN_COLOUR_TOLERANCE = 14.0


class PersonPhotoReader(Sequence[TryOnExample]):
    """Every photo under ``root`` as a self-supervised example of ``category``."""

    def __init__(self, root: Path, category: str = "top", cache_dir: Path | None = None) -> None:
        self.root = Path(root)
        self.category = category
        self.cache_dir = Path(cache_dir) if cache_dir else self.root / CACHE_DIR
        self.paths = sorted(
            path
            for path in self.root.rglob("*")
            if path.suffix.lower() in PHOTO_SUFFIXES and CACHE_DIR not in path.parts
        )
        if not self.paths:
            raise FileNotFoundError(f"no photos ({', '.join(PHOTO_SUFFIXES)}) under {self.root}")

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> TryOnExample:  # type: ignore[override]
        path = self.paths[index]
        image = read_rgb(path)
        keypoints, segmentation = person_analysis_cached(self.cache_dir, self.root, path, image)
        region = worn_region(image, keypoints, segmentation, self.category)
        rng = np.random.default_rng(int(hashlib.sha256(path.name.encode()).hexdigest()[:8], 16))
        garment, garment_mask = pseudo_product_shot(image, region, rng)
        return TryOnExample(
            name=f"photo/{path.stem}",
            category=self.category,
            person=image,
            keypoints=keypoints,
            garment=garment,
            garment_mask=garment_mask,
            person_garment=region,
            silhouette=segmentation > 0.5,
        )


def person_analysis_cached(
    cache_dir: Path, root: Path, path: Path, image: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """BODY_KEYPOINTS and the person mask (H, W) float32 of a photo, cached in ``cache_dir``.

    Raises UnusableExample when MediaPipe finds no person.
    """
    digest = hashlib.sha256(str(path.relative_to(root)).encode()).hexdigest()[:16]
    cache = cache_dir / f"{digest}.npz"
    if cache.is_file():
        stored = np.load(cache)
        if tuple(stored["shape"]) == image.shape[:2]:
            segmentation = cv2.resize(
                stored["segmentation"].astype(np.float32) / 255, image.shape[1::-1]
            )
            return stored["keypoints"], segmentation
    pose = estimate_pose(image)
    if pose.landmarks is None:
        raise UnusableExample(f"no person found in {path.name}")
    keypoints = keypoints_from_mediapipe(pose.landmarks, image.shape[:2])
    segmentation = segment_person(image, pose)
    cache.parent.mkdir(parents=True, exist_ok=True)
    small = cv2.resize(segmentation, (256, round(256 * image.shape[0] / image.shape[1])))
    np.savez_compressed(
        cache,
        keypoints=keypoints,
        segmentation=(small * 255).astype(np.uint8),
        shape=np.array(image.shape[:2]),
    )
    return keypoints, segmentation


def worn_region(
    image: np.ndarray,
    keypoints: np.ndarray,
    segmentation: np.ndarray,
    category: str,
    reference_lab: np.ndarray | None = None,
) -> np.ndarray:
    """Where the person's garment of ``category`` is (H, W) bool, from colour and pose.

    The fabric's colour is taken at the core of the torso (or the thighs for bottoms), or
    given (``reference_lab``, e.g. from the product shot); the region is the person's pixels
    in the category's zone near that colour, connected to the core. Raises UnusableExample
    when the core is not visible.
    """
    height, width = image.shape[:2]
    core = _core_mask(keypoints, category, (height, width))
    person = segmentation > 0.5
    core &= person
    if core.sum() < 50:
        raise UnusableExample("the garment's core region is not visible")
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    centre = np.median(lab[core], axis=0) if reference_lab is None else reference_lab
    distance = np.linalg.norm(lab - centre, axis=2)
    tolerance = max(MIN_COLOUR_TOLERANCE, 2.5 * float(np.median(distance[core])))
    zone = agnostic_mask(keypoints, category, (height, width)) > 0
    candidate = (person & zone & (distance < tolerance)).astype(np.uint8)
    side = max(3, round(0.01 * max(height, width))) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    candidate = cv2.morphologyEx(candidate, cv2.MORPH_CLOSE, kernel)
    _, labels = cv2.connectedComponents(candidate)
    keep = np.unique(labels[core & (candidate > 0)])
    region = np.isin(labels, keep[keep > 0])
    if region.sum() < 0.5 * core.sum():
        raise UnusableExample("the garment could not be told apart from the rest of the photo")
    return region


def pseudo_product_shot(
    image: np.ndarray, region: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The region cut out, tilted and rescaled a little, on a white backdrop (and its mask)."""
    ys, xs = np.nonzero(region)
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    margin = round(0.15 * max(x1 - x0, y1 - y0))
    size = (x1 - x0 + 2 * margin, y1 - y0 + 2 * margin)
    centre = ((x0 + x1) / 2, (y0 + y1) / 2)
    matrix = cv2.getRotationMatrix2D(centre, rng.uniform(-6, 6), rng.uniform(0.9, 1.1))
    matrix[:, 2] += np.array(size) / 2 - np.array(centre)
    matrix[0, 1] += rng.uniform(-0.05, 0.05)  # a little shear: the garment lies flat now
    cut = np.where(region[..., None], image, np.uint8(255))
    garment = cv2.warpAffine(cut, matrix, size, flags=cv2.INTER_LINEAR, borderValue=(255,) * 3)
    mask = cv2.warpAffine(region.astype(np.uint8), matrix, size, flags=cv2.INTER_NEAREST) > 0
    garment[~mask] = 255
    return garment, mask


def worn_garment_example(example: TryOnExample, rng: np.random.Generator) -> TryOnExample:
    """A paired example whose product shot is its own worn garment, cut out as above.

    Teaches a renderer the product shots self-supervised pairs have (sleeves as worn, holes
    where arms crossed) on data whose garment region is known exactly.
    """
    if example.person_garment is None:
        raise ValueError(f"{example.name} has no garment region to cut out")
    garment, mask = pseudo_product_shot(example.person, example.person_garment, rng)
    return dataclasses.replace(example, garment=garment, garment_mask=mask)


def _core_mask(keypoints: np.ndarray, category: str, size: tuple[int, int]) -> np.ndarray:
    if category == "bottom":
        names = ("left_hip", "right_hip", "left_knee", "right_knee")
        spread, near, far = 0.3, 0.15, 0.45
    else:
        names = ("left_shoulder", "right_shoulder", "left_hip", "right_hip")
        spread, near, far = 0.35, 0.25, 0.75
    core = np.zeros(size, dtype=np.uint8)
    if not all(seen(keypoints, name) for name in names[:2]):
        return core.astype(bool)
    a, b, c, d = (keypoints[KP[name], :2] for name in names)
    if not all(seen(keypoints, name) for name in names[2:]):
        # Hips (knees) out of the picture: carry on down as far as the top pair's span again.
        step = np.array([-(a - b)[1], (a - b)[0]])
        step = step if step[1] > 0 else -step
        c, d = a + 1.5 * step, b + 1.5 * step
    top_mid, bottom_mid = (a + b) / 2, (c + d) / 2
    half = spread * (np.linalg.norm(a - b) + np.linalg.norm(c - d)) / 4
    lateral = (a - b) / max(float(np.linalg.norm(a - b)), 1e-6)
    upper = top_mid + near * (bottom_mid - top_mid)
    lower = top_mid + far * (bottom_mid - top_mid)
    polygon = np.array(
        [upper - lateral * half, upper + lateral * half, lower + lateral * half,
         lower - lateral * half]
    )  # fmt: skip
    cv2.fillPoly(core, [np.round(polygon).astype(np.int32)], 1)
    return core.astype(bool)
