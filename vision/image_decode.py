"""Turn uploaded image bytes into plain RGB pixels, refusing what is broken or too big.

The storefront already cleans uploads, but the worker reads blobs from storage and must not
trust them: the pixel count is checked from the header before anything is decompressed, and
a cut-off file is an error rather than a half-grey picture.
"""

import io
import logging
import os
import threading
from typing import Literal

import numpy as np
from PIL import Image, ImageCms, ImageOps

from vision.errors import ImageInputError
from vision.pixel_guard import PixelLimitExceeded, UnreadableImage, image_header_open

logger = logging.getLogger(__name__)

# The same variables the storefront reads, so a worker never decodes what the shop refused.
DEFAULT_MAX_PIXELS = int(os.environ.get("FITTINGROOM_IMAGE_MAX_PIXELS", "24000000"))
# Decodes running at once in this process: each holds up to a few hundred MB at the limit.
DECODE_SLOTS = threading.BoundedSemaphore(
    int(os.environ.get("FITTINGROOM_IMAGE_DECODE_CONCURRENCY", "2"))
)
# What browsers upload (phones' multi-picture JPEGs open as JPEG).
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")

Role = Literal["person", "garment"]


def decode_image(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, role: Role) -> np.ndarray:
    """Decode ``data`` into an (H, W, 3) uint8 RGB array.

    EXIF orientation is applied, an embedded colour profile is converted to sRGB and any
    transparency is composited on white (product shots with a transparent background then
    look like studio shots on white). ``role`` picks the error code and wording: a person
    photo that cannot be read is ``unreadable_image``, a garment image ``garment_unreadable``;
    either one over ``max_pixels`` is ``image_too_large``, decided from the header alone.
    """
    if role not in ("person", "garment"):
        raise ValueError(f"role must be 'person' or 'garment', not {role!r}")
    if not data:
        raise _unreadable(role, "empty")
    image = _open_header(data, max_pixels, role)
    with DECODE_SLOTS:
        try:
            image.load()
            image = ImageOps.exif_transpose(image)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            # Pillow reports truncated and corrupt data as OSError (or SyntaxError for PNG).
            logger.info("%s image could not be decoded: %s", role, exc)
            raise _unreadable(role, "damaged") from exc
        return _to_rgb_array(image)


def _open_header(data: bytes, max_pixels: int, role: Role) -> Image.Image:
    """Open lazily (header only) and check the pixel count before any decompression."""
    try:
        image = image_header_open(data, max_pixels=max_pixels, formats=ACCEPTED_FORMATS)
    except PixelLimitExceeded as exc:
        raise _too_large(role, exc.size, max_pixels, exc.pixels) from exc.__cause__
    except UnreadableImage as exc:
        raise _unreadable(role, exc.reason) from exc.__cause__
    width, height = image.size
    if width < 1 or height < 1:
        raise _unreadable(role, "empty")
    return image


def _to_rgb_array(image: Image.Image) -> np.ndarray:
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # animated GIF/WebP: the first frame is the picture
    icc = image.info.get("icc_profile")
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # Pillow's convert() clips high-bit-depth greys to 0..255; rescale by the range instead,
        # in integers or float32 (a float64 copy of a 16-bit photo was 8 bytes a pixel).
        grey = np.asarray(image)
        if image.mode.startswith("I;16"):
            eight_bit = (grey >> 8).astype(np.uint8)
        else:
            grey = grey.astype(np.float32)  # a writable copy, scaled in place
            top = max(float(grey.max()), 1.0)
            grey *= 255.0 / top
            eight_bit = np.clip(grey, 0, 255, out=grey).astype(np.uint8)
        del grey
        image = Image.fromarray(eight_bit, mode="L")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode in ("P", "L", "RGB") and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    if icc:
        image = _to_srgb(image, icc)
    if has_alpha:
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image).convert("RGB")
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile is common in the wild; the pixels are still a usable picture.
        logger.info("ignoring an unreadable ICC profile")
        return image
    return converted or image


def _unreadable(role: Role, reason: str) -> ImageInputError:
    if role == "garment":
        return ImageInputError(
            "garment_unreadable",
            "We couldn't read this garment's product image. The shop has been told; "
            "please try another garment for now.",
            reason=reason,
        )
    return ImageInputError(
        "unreadable_image",
        "We couldn't read your photo: the file is damaged, incomplete or not a picture. "
        "Please upload it again as a JPEG, PNG or WebP.",
        reason=reason,
    )


def _too_large(
    role: Role, size: tuple[int, int] | None, max_pixels: int, pixels: int | None = None
) -> ImageInputError:
    whose = "This garment's product image" if role == "garment" else "Your photo"
    if size:
        dims = f" ({size[0]}x{size[1]} pixels)"
    else:
        dims = f" ({pixels / 1_000_000:.0f} megapixels)" if pixels else ""
    return ImageInputError(
        "image_too_large",
        f"{whose} is too large{dims}. Please use a picture of at most "
        f"{max_pixels / 1_000_000:.0f} megapixels.",
        width=size[0] if size else None,
        height=size[1] if size else None,
        max_pixels=max_pixels,
    )
