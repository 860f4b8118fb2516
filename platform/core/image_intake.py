"""The one entrance for every uploaded image (garment shots, shopper photos).

An upload is decoded under a pixel limit checked from the header, before any pixel is
decompressed; anything truncated or not an image is refused with a message a person can act
on. What comes out holds pixels only (EXIF, GPS, XMP, ICC and comments are dropped after the
orientation and colour profile have been applied) in one canonical format, plus thumbnails.
"""

import hashlib
import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

from PIL import Image, ImageCms, ImageFile, ImageOps

from core.exceptions import ApplicationError
from vision.pixel_guard import PixelLimitExceeded, UnreadableImage, image_header_open

logger = logging.getLogger(__name__)

# Never decode a partial file into a half-grey picture.
ImageFile.LOAD_TRUNCATED_IMAGES = False

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
CANONICAL_FORMAT = "WEBP"
CANONICAL_CONTENT_TYPE = "image/webp"
CANONICAL_EXTENSION = "webp"
THUMBNAIL_SIDES = {"small": 256, "medium": 768}


class DecodeGate:
    """At most ``limit`` images decoded at once in this process; the rest wait their turn.

    One decode holds up to a few hundred MB at the pixel limit, so the process's memory is
    bounded by the gate rather than by how many uploads happen to arrive together.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.active = 0
        self.peak = 0  # the most decodes seen running at once (for tests and diagnostics)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one decode slot for the length of the block."""
        with self._slots:
            with self._lock:
                self.active += 1
                self.peak = max(self.peak, self.active)
            try:
                yield
            finally:
                with self._lock:
                    self.active -= 1


_gate: DecodeGate | None = None
_gate_lock = threading.Lock()


def decode_gate() -> DecodeGate:
    """The process-wide gate, sized from ``IMAGE_DECODE_CONCURRENCY`` on first use."""
    global _gate
    with _gate_lock:
        if _gate is None:
            from django.conf import settings
            from django.core.exceptions import ImproperlyConfigured

            try:
                limit = settings.IMAGE_DECODE_CONCURRENCY
            except ImproperlyConfigured:  # used as a plain library, outside a Django process
                limit = 2
            _gate = DecodeGate(limit)
        return _gate


class ImageRejected(ApplicationError):
    """An upload that is not a usable image; ``code`` says why, ``message`` says it plainly."""

    code = "image_rejected"


@dataclass(frozen=True)
class IntakeLimits:
    """Bounds on what is decoded and what is kept."""

    max_pixels: int = 24_000_000
    max_bytes: int = 25 * 1024 * 1024
    min_side: int = 64
    # Canonical images are downscaled to this longest side; nothing we render needs more.
    max_side: int = 4096


@dataclass(frozen=True)
class IntakeImage:
    """A cleaned image: canonical bytes, their size, and thumbnails in the same format."""

    content: bytes
    width: int
    height: int
    has_alpha: bool
    source_sha256: str
    thumbnails: dict[str, bytes] = field(default_factory=dict)
    content_type: str = CANONICAL_CONTENT_TYPE
    extension: str = CANONICAL_EXTENSION


def image_intake(
    source: bytes | BinaryIO, *, limits: IntakeLimits | None = None, label: str = "The file"
) -> IntakeImage:
    """Decode, check and clean an uploaded image.

    ``label`` names the upload in error messages (e.g. "Image 'front.jpg'").
    Raises ImageRejected with codes: empty, too_many_bytes, not_an_image, unsupported_format,
    too_many_pixels, too_small, truncated.
    """
    limits = limits or IntakeLimits()
    data = _read_bounded(source, limits.max_bytes, label)
    # The header is checked outside the gate: a refusal costs nothing and never waits.
    image = _open_checked(data, limits, label)
    with decode_gate().slot():
        try:
            image.load()
        except (OSError, SyntaxError, ValueError) as exc:
            raise ImageRejected(
                f"{label} is damaged or incomplete (cut off during upload?) and cannot be read.",
                code="truncated",
                extra={"detail": str(exc)},
            ) from exc

        image = _to_canonical_pixels(image, limits)
        has_alpha = image.mode == "RGBA"
        content = _encode(image)
        thumbnails = {}
        for name, side in THUMBNAIL_SIDES.items():
            thumb = image.copy()
            thumb.thumbnail((side, side), Image.Resampling.LANCZOS)
            thumbnails[name] = _encode(thumb)
    return IntakeImage(
        content=content,
        width=image.width,
        height=image.height,
        has_alpha=has_alpha,
        source_sha256=hashlib.sha256(data).hexdigest(),
        thumbnails=thumbnails,
    )


def _read_bounded(source: bytes | BinaryIO, max_bytes: int, label: str) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
    if not data:
        raise ImageRejected(f"{label} is empty.", code="empty")
    if len(data) > max_bytes:
        raise ImageRejected(
            f"{label} is larger than the {max_bytes // (1024 * 1024)} MB limit.",
            code="too_many_bytes",
        )
    return data


def _open_checked(data: bytes, limits: IntakeLimits, label: str) -> Image.Image:
    try:
        image = image_header_open(data, max_pixels=limits.max_pixels, formats=ACCEPTED_FORMATS)
    except PixelLimitExceeded as exc:
        raise _too_many_pixels(label, limits, exc.size, exc.pixels) from exc.__cause__
    except UnreadableImage as exc:
        if exc.reason == "not_an_image":
            raise ImageRejected(
                f"{label} is not an image we can read. Please upload a JPEG, PNG or WebP photo.",
                code="not_an_image",
            ) from exc.__cause__
        raise ImageRejected(
            f"{label} is damaged and cannot be read.",
            code="truncated",
            extra={"detail": exc.detail},
        ) from exc.__cause__
    width, height = image.size
    if image.format == "JPEG" and max(width, height) >= 2 * limits.max_side:
        # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale for free; nothing we keep needs more
        # than max_side, so a large camera photo never costs its full size in memory.
        image.draft("RGB", (limits.max_side, limits.max_side))
    if min(width, height) < limits.min_side:
        raise ImageRejected(
            f"{label} is only {width}x{height} pixels; it must be at least "
            f"{limits.min_side} pixels on each side.",
            code="too_small",
        )
    return image


def _too_many_pixels(
    label: str, limits: IntakeLimits, size: tuple[int, int] | None, pixels: int | None = None
) -> ImageRejected:
    megapixels = limits.max_pixels / 1_000_000
    if size:
        dims = f" ({size[0]}x{size[1]}, {size[0] * size[1] / 1_000_000:.0f} megapixels)"
    else:
        dims = f" ({pixels / 1_000_000:.0f} megapixels)" if pixels else ""
    return ImageRejected(
        f"{label} is too large{dims}; images may have at most {megapixels:.0f} megapixels.",
        code="too_many_pixels",
    )


def _to_canonical_pixels(image: Image.Image, limits: IntakeLimits) -> Image.Image:
    """Apply orientation and colour profile, then keep plain sRGB(A) pixels and nothing else."""
    image = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    if image.mode in {"P", "LA", "PA", "L", "1", "I", "I;16", "F", "CMYK", "YCbCr", "LAB", "HSV"}:
        has_transparency = image.mode in {"LA", "PA"} or "transparency" in image.info
        image = image.convert("RGBA" if has_transparency else "RGB")
    if icc and image.mode in {"RGB", "RGBA"}:
        image = _to_srgb(image, icc)
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")  # an alpha channel that hides nothing is dropped
    if max(image.size) > limits.max_side:
        image.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    # A fresh image from raw pixels carries no info dict: no EXIF, XMP, ICC or comments.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    try:
        source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(image, source_profile, srgb, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        logger.info("ignoring an unreadable ICC profile")
        return image
    return converted or image


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=CANONICAL_FORMAT, quality=90, method=4)
    return buffer.getvalue()


def intake_limits_from_settings() -> IntakeLimits:
    """The limits configured for this deployment."""
    from django.conf import settings

    return IntakeLimits(max_pixels=settings.IMAGE_MAX_PIXELS, max_bytes=settings.IMAGE_MAX_BYTES)
