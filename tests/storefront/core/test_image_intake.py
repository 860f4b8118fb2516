"""The shared image intake on real photos and hostile files."""

import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from core.image_intake import ImageRejected, IntakeLimits, image_intake
from tests.support.hostile_files import bomb_png

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


def _peak_growth_mb(image_path: Path, call: str) -> tuple[float, str]:
    """Run ``call`` on the file's bytes in a fresh process; its peak RSS growth and output."""
    script = textwrap.dedent(
        f"""
        import resource, sys
        sys.path.insert(0, {str(REPO / "platform")!r})
        sys.path.insert(0, {str(REPO)!r})
        from core.image_intake import ImageRejected, image_intake
        from vision.errors import ImageInputError
        from vision.image_decode import decode_image
        data = open({str(image_path)!r}, "rb").read()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            {call}
            print("accepted")
        except (ImageRejected, ImageInputError) as exc:
            print(exc.code, exc.message)
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(f"peak-growth-kb={{grown}}")
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    output, _, tail = completed.stdout.rpartition("peak-growth-kb=")
    return int(tail) / 1024, output.strip()


@pytest.mark.parametrize("bit_depth", [1, 16])
def test_forty_megapixel_png_is_refused_from_its_header_in_every_path(
    tmp_path: Path, bit_depth: int
) -> None:
    """A small 40 MP PNG (8- or 16-bit) is refused by the upload and the worker decoder alike."""
    path = tmp_path / "forty.png"
    path.write_bytes(bomb_png(8000, 5000, bit_depth=bit_depth))
    assert path.stat().st_size < 1_000_000
    grown_mb, output = _peak_growth_mb(path, "image_intake(data)")
    assert output.startswith("too_many_pixels"), output
    assert "8000x5000, 40 megapixels" in output and "at most 24 megapixels" in output
    assert grown_mb < 20, f"the refusal cost {grown_mb:.0f} MB"
    grown_mb, output = _peak_growth_mb(path, "decode_image(data, role='person')")
    assert output.startswith("image_too_large"), output
    assert "8000x5000" in output and "at most 24 megapixels" in output
    assert grown_mb < 20, f"the refusal cost {grown_mb:.0f} MB"


def test_sixteen_bit_photo_under_the_limit_decodes_in_bounded_memory(tmp_path: Path) -> None:
    """A 12 MP 16-bit PNG reaching the worker decoder costs ~12 bytes a pixel, not ~27."""
    path = tmp_path / "sixteen.png"
    path.write_bytes(bomb_png(4000, 3000, bit_depth=16))
    grown_mb, output = _peak_growth_mb(path, "decode_image(data, role='person')")
    assert output == "accepted"
    assert grown_mb < 200, f"decoding 12 MP took {grown_mb:.0f} MB"


def test_concurrent_decodes_are_bounded_by_the_setting(settings) -> None:
    """Eight uploads at once: never more than IMAGE_DECODE_CONCURRENCY decoding together."""
    from concurrent.futures import ThreadPoolExecutor

    from core.image_intake import decode_gate

    gate = decode_gate()
    assert gate.limit == settings.IMAGE_DECODE_CONCURRENCY == 2
    image = Image.new("RGB", (2000, 1500), (120, 80, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = buffer.getvalue()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: image_intake(data), range(8)))
    assert all(result.width == 2000 for result in results)
    assert 1 <= gate.peak <= gate.limit
    assert gate.active == 0
