"""Reading data set images as arrays (RGB uint8, masks bool, label maps int)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from tryon_worker.gan.data.inputs import UnusableExample
from tryon_worker.garment import garment_mask
from vision.errors import ImageInputError


def read_rgb(path: Path) -> np.ndarray:
    """An image file as (H, W, 3) uint8 RGB, EXIF orientation applied."""
    with Image.open(path) as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


def read_mask(path: Path) -> np.ndarray:
    """A black/white mask file (JPEG noise tolerated) as (H, W) bool."""
    with Image.open(path) as image:
        return np.asarray(image.convert("L")) > 127


def product_shot_mask(image: np.ndarray, name: str) -> np.ndarray:
    """The garment's mask in a product shot without a mask file (our own segmentation).

    Raises UnusableExample (training skips it) when the backdrop cannot be told apart.
    """
    try:
        return garment_mask(image)
    except ImageInputError as error:
        raise UnusableExample(f"{name}: {error.message}") from error


def read_labels(path: Path) -> np.ndarray:
    """A label map (palette or greyscale PNG) as (H, W) integer labels."""
    with Image.open(path) as image:
        if image.mode not in ("P", "L"):
            image = image.convert("L")
        return np.asarray(image)
