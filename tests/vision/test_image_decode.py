"""Decoding what the worker fetched: real photos, odd formats and hostile files."""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageFile

from tests.support.hostile_files import bomb_png
from vision.errors import ImageInputError
from vision.image_decode import decode_image


def _encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def test_real_photos_decode_to_rgb(shared_images: Path) -> None:
    for relative in (
        "people/p11_woman_head_to_thigh_jeans_studio.jpg",
        "people/p05_man_standing_fullbody_gray_crop.png",  # greyscale
        "groups/g03_basketball_two_men.png",  # greyscale
        "garments/c01_tshirt_lilac_logo.jpg",
    ):
        data = (shared_images / relative).read_bytes()
        image = decode_image(data, role="person")
        reference = Image.open(io.BytesIO(data))
        assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3, relative
        assert image.shape[:2] == (reference.height, reference.width), relative
    grey = decode_image(
        (shared_images / "people/p05_man_standing_fullbody_gray_crop.png").read_bytes(),
        role="person",
    )
    assert np.array_equal(grey[..., 0], grey[..., 1])


def test_alpha_is_composited_on_white_and_colour_profiles_applied(shared_images: Path) -> None:
    # p23 is an RGBA PNG (fully opaque) with an embedded colour profile.
    path = shared_images / "people/p23_man_laughing_waist_up_rgba.png"
    source = Image.open(path)
    assert source.mode == "RGBA" and "icc_profile" in source.info
    image = decode_image(path.read_bytes(), role="person")
    assert image.shape == (source.height, source.width, 3)
    profile = ImageCms.ImageCmsProfile(io.BytesIO(source.info["icc_profile"]))
    srgb = ImageCms.profileToProfile(
        source, profile, ImageCms.createProfile("sRGB"), outputMode="RGBA"
    )
    assert np.abs(image.astype(int) - np.asarray(srgb)[..., :3]).max() <= 1
    # Half transparent, half opaque red: the transparent half becomes white.
    rgba = np.zeros((20, 40, 4), dtype=np.uint8)
    rgba[:, 20:] = (200, 30, 30, 255)
    decoded = decode_image(_encoded(Image.fromarray(rgba), "PNG"), role="garment")
    assert (decoded[:, :20] == 255).all()
    assert (decoded[:, 20:] == (200, 30, 30)).all()
    # A palette image whose transparent index hides half of it.
    palette = Image.new("P", (40, 20), 1)
    palette.putpalette([0, 0, 0, 200, 30, 30] + [0] * 762)
    palette.paste(0, (0, 0, 20, 20))
    decoded = decode_image(_encoded(palette, "PNG", transparency=0), role="garment")
    assert (decoded[:, :20] == 255).all()
    assert (decoded[:, 20:] == (200, 30, 30)).all()


def test_exif_orientation_is_applied() -> None:
    image = Image.new("RGB", (300, 200), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, 100, 200))  # blue band on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    decoded = decode_image(_encoded(image, "JPEG", exif=exif.tobytes()), role="person")
    assert decoded.shape == (300, 200, 3)
    assert decoded[10, 100, 2] > 150  # the blue band is now at the top
    assert decoded[290, 100, 0] > 150


def test_sixteen_bit_greys_keep_their_range() -> None:
    ramp = np.linspace(0, 65535, 256, dtype=np.uint16)[None, :].repeat(8, axis=0)
    decoded = decode_image(_encoded(Image.fromarray(ramp), "PNG"), role="person")
    assert decoded[0, 0, 0] == 0 and decoded[0, -1, 0] == 255
    assert 120 <= decoded[0, 128, 0] <= 135


def test_truncated_and_non_images_are_unreadable(shared_images: Path) -> None:
    jpeg = (shared_images / "people/p11_woman_head_to_thigh_jeans_studio.jpg").read_bytes()
    for data in (jpeg[: len(jpeg) // 2], b"", b"hello, not a picture", b"\x89PNG\r\n\x1a\n"):
        with pytest.raises(ImageInputError) as caught:
            decode_image(data, role="person")
        assert caught.value.code == "unreadable_image"
        assert "photo" in caught.value.message
        with pytest.raises(ImageInputError) as caught:
            decode_image(data, role="garment")
        assert caught.value.code == "garment_unreadable"
    # A partial file is never padded with grey: Pillow's global switch stays off.
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_decompression_bomb_is_refused_from_the_header(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = bomb_png(20000, 20000)  # 400 megapixels in a few hundred kilobytes
    assert len(bomb) < 1_000_000

    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("the bomb's pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    # Refused from the header alone (no_decoding); how fast is bench/guard_and_render_speed.py's.
    for role in ("person", "garment"):
        with pytest.raises(ImageInputError) as caught:
            decode_image(bomb, role=role)
        assert caught.value.code == "image_too_large"
        assert "400 megapixels" in caught.value.message
        assert "at most 24 megapixels" in caught.value.message
    # Below Pillow's own guard, our limit (from the header) names the size.
    with pytest.raises(ImageInputError) as caught:
        decode_image(bomb_png(8000, 6000), role="person")
    assert caught.value.code == "image_too_large"
    assert "8000x6000" in caught.value.message


def test_pixel_limit_is_configurable() -> None:
    data = _encoded(Image.new("RGB", (100, 100), (10, 20, 30)), "PNG")
    assert decode_image(data, role="person", max_pixels=10_000).shape == (100, 100, 3)
    with pytest.raises(ImageInputError) as caught:
        decode_image(data, role="person", max_pixels=9_999)
    assert caught.value.code == "image_too_large"


def test_role_must_be_known() -> None:
    with pytest.raises(ValueError, match="role"):
        decode_image(b"", role="shopper")  # type: ignore[arg-type]
