"""The shared image intake on real photos and hostile files."""

import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from core.image_intake import ImageRejected, IntakeLimits, image_intake
from tests.factories import bomb_png

REPO = Path(__file__).resolve().parents[3]


def _jpeg_with_metadata(width: int = 300, height: int = 200, orientation: int = 6) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, width // 3, height))  # a blue band on the left edge
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return buffer.getvalue()


def test_metadata_is_stripped_and_orientation_applied() -> None:
    result = image_intake(_jpeg_with_metadata())
    cleaned = Image.open(io.BytesIO(result.content))
    assert cleaned.format == "WEBP"
    # Orientation 6 turns a 300x200 landscape into a 200x300 portrait.
    assert (result.width, result.height) == (200, 300) == cleaned.size
    # The blue band that was on the left is now at the top.
    assert cleaned.convert("RGB").getpixel((100, 10))[2] > 150
    assert cleaned.convert("RGB").getpixel((100, 290))[0] > 150
    assert not cleaned.getexif()
    for key in ("exif", "xmp", "icc_profile", "comment"):
        assert key not in cleaned.info
    for raw in (result.content, *result.thumbnails.values()):
        assert b"SpyCam" not in raw and b"secret comment" not in raw and b"Exif" not in raw


def test_thumbnails_are_smaller_and_keep_aspect() -> None:
    result = image_intake(_jpeg_with_metadata(1200, 800, orientation=1))
    small = Image.open(io.BytesIO(result.thumbnails["small"]))
    medium = Image.open(io.BytesIO(result.thumbnails["medium"]))
    assert max(small.size) == 256 and max(medium.size) == 768
    assert abs(small.size[0] / small.size[1] - 1.5) < 0.02


def test_real_photos_pass(shared_images: Path) -> None:
    for path in sorted((shared_images / "people").iterdir())[:6]:
        result = image_intake(path.read_bytes(), limits=IntakeLimits(min_side=32))
        with Image.open(path) as original:
            assert max(result.width, result.height) == min(max(original.size), 4096)


def test_transparent_png_keeps_alpha_and_opaque_alpha_is_dropped(shared_images: Path) -> None:
    rgba = image_intake(
        (shared_images / "people" / "p23_man_laughing_waist_up_rgba.png").read_bytes()
    )
    assert Image.open(io.BytesIO(rgba.content)).mode in {"RGB", "RGBA"}
    transparent = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    transparent.paste((255, 0, 0, 255), (25, 25, 75, 75))
    buffer = io.BytesIO()
    transparent.save(buffer, format="PNG")
    result = image_intake(buffer.getvalue())
    assert result.has_alpha and Image.open(io.BytesIO(result.content)).mode == "RGBA"


@pytest.mark.parametrize(
    ("payload", "code", "words"),
    [
        (b"", "empty", "empty"),
        (b"%PDF-1.7 definitely not a picture" * 10, "not_an_image", "not an image"),
        (b"GIF89a" + b"\x00" * 5, "not_an_image", "not an image"),
    ],
)
def test_non_images_are_refused_clearly(payload: bytes, code: str, words: str) -> None:
    with pytest.raises(ImageRejected) as caught:
        image_intake(payload, label="Your photo")
    assert caught.value.code == code
    assert words in caught.value.message and "Your photo" in caught.value.message


def test_truncated_jpeg_is_refused(astronaut_jpeg: bytes) -> None:
    data = astronaut_jpeg
    with pytest.raises(ImageRejected) as caught:
        image_intake(data[: len(data) // 2])
    assert caught.value.code == "truncated"
    assert "damaged or incomplete" in caught.value.message


def test_tiny_and_oversized_files_are_refused() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, format="PNG")
    with pytest.raises(ImageRejected) as caught:
        image_intake(buffer.getvalue())
    assert caught.value.code == "too_small" and "20x20" in caught.value.message
    with pytest.raises(ImageRejected) as caught:
        image_intake(b"\xff\xd8" + b"\x00" * 2048, limits=IntakeLimits(max_bytes=1024))
    assert caught.value.code == "too_many_bytes"


def test_fifty_megapixel_image_is_refused_from_its_header() -> None:
    bomb = bomb_png(8660, 5774)  # 50 megapixels, a few kilobytes on disk
    assert len(bomb) < 200_000
    with pytest.raises(ImageRejected) as caught:
        image_intake(bomb)
    assert caught.value.code == "too_many_pixels"
    assert "8660x5774" in caught.value.message and "50 megapixels" in caught.value.message


def test_decompression_bomb_is_refused_without_memory_blow_up(tmp_path: Path) -> None:
    """A 20000x20000 PNG would need 400 MB to decode; refuse it inside a 300 MB address cap."""
    bomb_path = tmp_path / "bomb.png"
    bomb_path.write_bytes(bomb_png(20000, 20000))
    script = textwrap.dedent(
        f"""
        import resource, sys
        sys.path.insert(0, {str(REPO / "platform")!r})
        from core.image_intake import ImageRejected, image_intake
        data = open({str(bomb_path)!r}, "rb").read()
        resource.setrlimit(resource.RLIMIT_AS, (300 * 1024 * 1024, 300 * 1024 * 1024))
        try:
            image_intake(data)
        except ImageRejected as exc:
            print(exc.code, exc.message)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("too_many_pixels")
    assert "400 megapixels" in completed.stdout
