"""Test data for the recommender: garment documents with size charts and procedural images,
and body estimates of the shared photos (computed once per session)."""

import io
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from contracts.recommender import GarmentDocument
from recommender.body_shape import BodyPhotoError, EstimatedBody, body_measurements_from_photo
from synthetic.garments import GarmentArtSpec, render_garment
from vision.image_decode import decode_image

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


@lru_cache(maxsize=64)
def product_image(
    category: str, kind: str, colour: tuple[int, int, int], pattern: str = "solid"
) -> np.ndarray:
    """A small procedural product shot (RGB), drawn once per session."""
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


# A small shop: (id, name, category, colour, material, tags, girths at M, image spec).
SHOP = [
    (1, "Linen shirt", "top", "ecru", "linen", ("smart-casual", "summer"),
     {"chest_cm": 96.0}, ("top", "shirt", (226, 214, 190))),
    (2, "Linen summer shirt", "top", "sky blue", "linen", ("summer", "breathable"),
     {"chest_cm": 96.0}, ("top", "shirt", (126, 170, 214))),
    (3, "Wool winter coat", "outerwear", "black", "wool blend", ("classic", "winter"),
     {"chest_cm": 100.0}, ("outerwear", "coat", (30, 30, 32))),
    (4, "Wrap dress", "dress", "burgundy", "cotton poplin", ("feminine", "wrap-waist"),
     {"chest_cm": 92.0, "waist_cm": 74.0, "hips_cm": 98.0},
     ("dress", "a-line-dress", (112, 28, 44))),
    (5, "A-line skirt", "bottom", "navy", "viscose", ("a-line", "midi"),
     {"waist_cm": 74.0, "hips_cm": 98.0}, ("bottom", "skirt", (31, 45, 84))),
    (6, "Shift dress", "dress", "black", "crepe", ("minimal", "work", "straight"),
     {"chest_cm": 92.0, "waist_cm": 80.0, "hips_cm": 100.0},
     ("dress", "shift-dress", (30, 30, 32))),
    (7, "Cotton t-shirt", "top", "white", "organic cotton", ("casual", "basic"),
     {"chest_cm": 96.0}, ("top", "t-shirt", (245, 245, 240))),
    (8, "Striped long-sleeve top", "top", "navy", "cotton jersey", ("casual", "layering"),
     {"chest_cm": 94.0}, ("top", "long-sleeve", (31, 45, 84), "stripes")),
    (9, "Wide-leg trousers", "bottom", "sage", "cotton twill", ("wide-leg", "smart-casual"),
     {"waist_cm": 76.0, "hips_cm": 100.0}, ("bottom", "trousers", (143, 163, 133))),
    (10, "Denim jacket", "outerwear", "blue", "denim", ("casual", "structured"),
     {"chest_cm": 100.0}, ("outerwear", "jacket", (60, 90, 150))),
]  # fmt: skip


def shop_documents(**changes: dict) -> list[tuple[GarmentDocument, np.ndarray]]:
    """The small shop's documents and images; ``changes`` maps an id to document fields."""
    found = []
    for gid, name, category, colour, material, tags, at_m, spec in SHOP:
        fields = {
            "category": category,
            "colour": colour,
            "material": material,
            "tags": tags,
            "at_m": at_m,
            "image_key": f"garments/{gid}.png",
            **changes.get(str(gid), {}),
        }
        found.append((garment(gid, name, **fields), product_image(*spec)))
    return found


def stock_shop(recommender, **changes: dict) -> None:
    """Upsert the small shop into a Recommender."""
    for document, image in shop_documents(**changes):
        recommender.garment_upsert(document, image)


def png_bytes(image: np.ndarray) -> bytes:
    """An RGB array as PNG file bytes (as the storefront stores product images)."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()
