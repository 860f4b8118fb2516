"""The one header-only pixel guard that the storefront's intake and the workers' decoder share."""

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.boundary.import_scan import imported_modules, parse
from tests.support.hostile_files import bomb_png
from vision.pixel_guard import PixelLimitExceeded, UnreadableImage, image_header_open

FORMATS = ("JPEG", "PNG")


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_image_within_the_limit_comes_back_unloaded() -> None:
    image = image_header_open(_png(40, 30), max_pixels=1200, formats=FORMATS)
    assert image.size == (40, 30)
    assert image.tile  # nothing decompressed yet: load() empties the tile list


def test_the_header_count_is_refused_with_the_size() -> None:
    with pytest.raises(PixelLimitExceeded) as caught:
        image_header_open(bomb_png(8660, 5774), max_pixels=24_000_000, formats=FORMATS)
    assert caught.value.size == (8660, 5774)
    assert caught.value.pixels == 8660 * 5774


@pytest.mark.parametrize("side", [10_000, 20_000])  # Pillow warns (100 MP), then errors (400 MP)
def test_pillows_own_guard_is_a_refusal_with_its_pixel_count(side: int) -> None:
    with pytest.raises(PixelLimitExceeded) as caught:
        image_header_open(bomb_png(side, side), max_pixels=24_000_000, formats=FORMATS)
    assert caught.value.size is None
    assert caught.value.pixels == side * side
    assert isinstance(
        caught.value.__cause__, Image.DecompressionBombError | Image.DecompressionBombWarning
    )


def test_bytes_that_are_no_image_and_a_broken_header_are_told_apart() -> None:
    with pytest.raises(UnreadableImage) as caught:
        image_header_open(b"GIF89a, or so it says", max_pixels=10**6, formats=FORMATS)
    assert caught.value.reason == "not_an_image"
    with pytest.raises(UnreadableImage) as caught:
        image_header_open(_png(40, 30)[:20], max_pixels=10**6, formats=FORMATS)
    assert caught.value.reason == "damaged"
    assert caught.value.detail == str(caught.value.__cause__)


def test_a_format_not_listed_is_not_an_image() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="BMP")
    with pytest.raises(UnreadableImage) as caught:
        image_header_open(buffer.getvalue(), max_pixels=10**6, formats=FORMATS)
    assert caught.value.reason == "not_an_image"


def test_the_guard_imports_only_pillow_and_the_standard_library() -> None:
    """The storefront imports it, so it must bring no numpy, mediapipe or settings with it."""
    path = Path(__file__).resolve().parents[2] / "vision" / "pixel_guard.py"
    tops = {ref.top for ref in imported_modules(parse(path))}
    assert tops <= {"io", "re", "warnings", "collections", "typing", "PIL"}, tops
