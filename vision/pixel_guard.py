"""The one decompression-bomb guard: an image's header is opened and its pixels counted first.

The storefront's upload intake and the workers' decoder both open untrusted bytes. Each
calls ``image_header_open`` and turns its two errors into its own wording; the limit comes
from the caller (this module reads no settings or environment, and imports only Pillow).
"""

import io
import re
import warnings
from collections.abc import Sequence
from typing import Literal

from PIL import Image, UnidentifiedImageError


class PixelLimitExceeded(Exception):
    """More pixels than allowed; ``size`` from the header, or ``pixels`` from Pillow's guard.

    When Pillow's own guard fires first the size is unknown (``None``) and ``pixels`` is the
    count Pillow's message names (``None`` if it names none).
    """

    def __init__(self, pixels: int | None, size: tuple[int, int] | None) -> None:
        super().__init__(f"image has too many pixels ({pixels}, size {size})")
        self.pixels = pixels
        self.size = size


class UnreadableImage(Exception):
    """The header cannot be read: ``not_an_image`` (no format recognised) or ``damaged``.

    ``detail`` is the reader's own message, for logs; the original error is ``__cause__``.
    """

    def __init__(self, reason: Literal["not_an_image", "damaged"], detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def image_header_open(data: bytes, *, max_pixels: int, formats: Sequence[str]) -> Image.Image:
    """Open ``data`` lazily (header only) and refuse it before any pixel is decompressed.

    Returns the unloaded image when ``width * height <= max_pixels``. Raises
    PixelLimitExceeded when the header, or Pillow's own bomb guard, counts more; raises
    UnreadableImage when the bytes are not an image in ``formats`` or the header is broken.
    """
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard only warns below twice its limit; refuse instead.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=tuple(formats))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own guard fired on the header; its message carries the pixel count.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        raise PixelLimitExceeded(int(found.group(1)) if found else None, None) from exc
    except UnidentifiedImageError as exc:
        raise UnreadableImage("not_an_image", str(exc)) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise UnreadableImage("damaged", str(exc)) from exc
    width, height = image.size
    if width * height > max_pixels:
        raise PixelLimitExceeded(width * height, (width, height))
    return image
