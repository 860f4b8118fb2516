"""Reading data set images as arrays (RGB uint8, masks bool, label maps int)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps


def read_rgb(path: Path) -> np.ndarray:
    """An image file as (H, W, 3) uint8 RGB, EXIF orientation applied."""
    with Image.open(path) as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


def read_mask(path: Path) -> np.ndarray:
    """A black/white mask file (JPEG noise tolerated) as (H, W) bool."""
    with Image.open(path) as image:
        return np.asarray(image.convert("L")) > 127


def read_labels(path: Path) -> np.ndarray:
    """A label map (palette or greyscale PNG) as (H, W) integer labels."""
    with Image.open(path) as image:
        if image.mode not in ("P", "L"):
            image = image.convert("L")
        return np.asarray(image)
