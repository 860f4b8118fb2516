"""Helpers for the worker tests: cached analyses of real photos, synthetic product shots.

MediaPipe runs once per photo per session, whichever test asks first.
"""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from synthetic.garments import GarmentArtSpec, render_garment
from tryon_worker.garment import GarmentAnalysis, analyse_garment
from vision.errors import ImageInputError
from vision.image_decode import decode_image
from vision.pose import (
    PersonAnalysis,
    count_people,
    detect_faces,
    estimate_pose,
    person_analysis_from_stages,
    segment_person,
)

#: Solid colours the renderer tests look for in the output.
RED = (200, 30, 30)
BLUE = (40, 60, 170)
GREEN = (30, 140, 70)


class Photos:
    """Decodes and analyses photos of ../shared/images once, whatever the test asking."""

    def __init__(self) -> None:
        self._images: dict[Path, np.ndarray] = {}
        self._stages: dict[Path, tuple] = {}
        self._garments: dict[tuple, GarmentAnalysis] = {}

    def image(self, path: Path) -> np.ndarray:
        if not path.is_file():
            pytest.fail(f"missing test photo {path}")
        if path not in self._images:
            self._images[path] = decode_image(path.read_bytes(), role="person")
        return self._images[path]

    def person(self, path: Path, category: str) -> PersonAnalysis:
        """The analysis for ``category``; raises ImageInputError as analyse_person would."""
        image = self.image(path)
        if path not in self._stages:
            pose = estimate_pose(image)
            faces = detect_faces(image)
            people = count_people(image, pose, faces)
            segmentation = segment_person(image, pose) if pose.landmarks is not None else None
            self._stages[path] = (pose, faces, people, segmentation)
        pose, faces, people, segmentation = self._stages[path]
        return person_analysis_from_stages(
            image,
            pose=pose,
            faces=faces,
            people_count=people,
            segmentation=segmentation,
            category=category,
        )

    def outcome(self, path: Path, category: str) -> str:
        """ "ok" or the ImageInputError code."""
        try:
            self.person(path, category)
        except ImageInputError as exc:
            return exc.code
        return "ok"

    def garment(
        self, category: str, kind: str, colour: tuple[int, int, int], pattern: str = "solid"
    ) -> GarmentAnalysis:
        key = (category, kind, colour, pattern)
        if key not in self._garments:
            image = procedural_image(category, kind, colour, pattern)
            self._garments[key] = analyse_garment(image, category=category)
        return self._garments[key]


def procedural_image(
    category: str, kind: str, colour: tuple[int, int, int], pattern: str = "solid"
) -> np.ndarray:
    """A synthetic product shot from the demo catalogue's generator (600x800 RGB)."""
    accent = (245, 245, 240) if pattern in ("stripes", "dots") else None
    spec = GarmentArtSpec(category, kind, colour, pattern, accent=accent)
    return np.asarray(render_garment(spec, width=600, height=800))


def png_bytes(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def point_between(person: PersonAnalysis, a: str, b: str, share: float) -> tuple[int, int]:
    """(row, column) of the point ``share`` of the way from landmark a to landmark b."""
    point = person.point(a) + share * (person.point(b) - person.point(a))
    return int(point[1]), int(point[0])


def torso_pixels(person: PersonAnalysis, image: np.ndarray) -> np.ndarray:
    """Pixels inside the shoulders-hips quadrilateral, shrunk by a quarter towards its centre."""
    corners = np.array(
        [person.point(n) for n in ("left_shoulder", "right_shoulder", "right_hip", "left_hip")]
    )
    centre = corners.mean(axis=0)
    inner = centre + 0.75 * (corners - centre)
    ys, xs = np.mgrid[0 : image.shape[0], 0 : image.shape[1]]
    inside = np.ones(image.shape[:2], dtype=bool)
    for i in range(4):
        a, b = inner[i], inner[(i + 1) % 4]
        cross = (b[0] - a[0]) * (ys - a[1]) - (b[1] - a[1]) * (xs - a[0])
        inside &= (
            cross * np.sign((b[0] - a[0]) * (centre[1] - a[1]) - (b[1] - a[1]) * (centre[0] - a[0]))
            >= 0
        )
    return image[inside]


def share_like(pixels: np.ndarray, colour: tuple[int, int, int], tolerance: float = 70) -> float:
    """Share of the pixels within ``tolerance`` (RGB distance) of ``colour``."""
    distance = np.linalg.norm(pixels.astype(float) - np.array(colour, dtype=float), axis=-1)
    return float((distance < tolerance).mean())


def away_from_hands(person: PersonAnalysis, mask: np.ndarray, reach: float) -> np.ndarray:
    """``mask`` without the pixels within ``reach`` px of either wrist or index finger (hands
    stay in front of sleeves, and the old top around them is left to the restoration)."""
    ys, xs = np.mgrid[0 : mask.shape[0], 0 : mask.shape[1]]
    kept = mask.copy()
    for side in ("left", "right"):
        for joint in ("wrist", "index"):
            x, y = person.point(f"{side}_{joint}")
            kept &= np.hypot(xs - x, ys - y) > reach
    return kept
