"""Test data for the recommender: garment documents with size charts and procedural images,
and body estimates of the shared photos (computed once per session)."""

from pathlib import Path

import numpy as np
import pytest

from catalog.procedural_garments import GarmentArtSpec, render_garment
from recommender.body_shape import BodyPhotoError, EstimatedBody, body_measurements_from_photo
from recommender.messages import GarmentDocument
from tryon_worker.image_decode import decode_image

SIZES = ("XS", "S", "M", "L", "XL")
STEP_CM = 4.0


def size_chart(
    at_m: dict[str, float], stock: int | dict[str, int] = 3, labels: tuple[str, ...] = SIZES
) -> list[dict]:
    """Rows XS..XL graded by 4 cm a size around the girths of size M."""
    middle = labels.index("M") if "M" in labels else len(labels) // 2
    rows = []
    for position, label in enumerate(labels):
        count = stock.get(label, 0) if isinstance(stock, dict) else stock
        row = {"label": label, "stock": count, "chest_cm": None, "waist_cm": None}
        row |= {k: v + STEP_CM * (position - middle) for k, v in at_m.items()}
        rows.append(row)
    return rows


def garment(
    garment_id: int,
    name: str,
    *,
    category: str = "top",
    colour: str = "",
    material: str = "",
    tags: tuple[str, ...] = (),
    at_m: dict[str, float] | None = None,
    stock: int | dict[str, int] = 3,
    image_key: str = "",
    active: bool = True,
) -> GarmentDocument:
    """A garment document as the storefront would send it."""
    return GarmentDocument(
        garment_id=garment_id,
        category=category,
        name=name,
        colour=colour,
        material=material,
        style_tags=list(tags),
        price=49.0,
        sizes=size_chart(at_m or {"chest_cm": 96.0}, stock),
        image_key=image_key,
        active=active,
    )


def product_image(
    category: str, kind: str, colour: tuple[int, int, int], pattern: str = "solid"
) -> np.ndarray:
    """A small procedural product shot (RGB)."""
    accent = (245, 245, 240) if pattern in ("stripes", "dots") else None
    spec = GarmentArtSpec(category, kind, colour, pattern, accent=accent)
    return np.asarray(render_garment(spec, width=240, height=320))


class BodyPhotos:
    """Decodes and measures photos of ../shared/images once, whichever test asks first."""

    def __init__(self) -> None:
        self._images: dict[Path, np.ndarray] = {}
        self._results: dict[Path, EstimatedBody | BodyPhotoError] = {}

    def image(self, path: Path) -> np.ndarray:
        if not path.is_file():
            pytest.fail(f"missing test photo {path}")
        if path not in self._images:
            self._images[path] = decode_image(path.read_bytes(), role="person")
        return self._images[path]

    def estimate(self, path: Path) -> EstimatedBody:
        """The estimate, or raises the BodyPhotoError the photo gives."""
        if path not in self._results:
            try:
                self._results[path] = body_measurements_from_photo(self.image(path))
            except BodyPhotoError as exc:
                self._results[path] = exc
        result = self._results[path]
        if isinstance(result, BodyPhotoError):
            raise result
        return result
