"""run_tryon end to end: bytes in, a clean WebP and honest timings out."""

import io
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from contracts.vocabulary import WORKER_STAGES
from tests.tryon_worker.helpers import RED, png_bytes, procedural_image
from tryon_worker.garment import GarmentAnalysis
from tryon_worker.pipeline import RENDER_MAX_SIDE, StageTimings, TryOnResult, run_tryon
from tryon_worker.renderers.base import RenderOutput
from tryon_worker.renderers.geometric import GeometricRenderer
from vision.errors import ImageInputError
from vision.pose import PersonAnalysis

PERSON = "people/p11_woman_head_to_thigh_jeans_studio.jpg"


@pytest.fixture(scope="module")
def tshirt_png() -> bytes:
    return png_bytes(procedural_image("top", "t-shirt", RED))


def _with_exif(data: bytes, orientation: int) -> bytes:
    image = Image.open(io.BytesIO(data))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, exif=exif.tobytes())
    return buffer.getvalue()


def test_a_tryon_returns_a_clean_webp_and_reports_its_stages(
    shared_images: Path, tshirt_png: bytes
) -> None:
    person = (shared_images / PERSON).read_bytes()
    stages: list[str] = []
    result = run_tryon(
        person,
        tshirt_png,
        category="top",
        renderer=GeometricRenderer(),
        on_stage=stages.append,
    )
    assert isinstance(result, TryOnResult)
    assert stages == list(WORKER_STAGES) == ["finding_pose", "fitting_garment", "rendering"]
    picture = Image.open(io.BytesIO(result.image_bytes))
    assert picture.format == "WEBP"
    assert picture.size == (result.width, result.height) == (768, 1024)
    assert not picture.getexif()
    for key in ("exif", "xmp", "icc_profile"):
        assert key not in picture.info
    for chunk in (b"EXIF", b"XMP ", b"ICCP"):
        assert chunk not in result.image_bytes
    pixels = np.asarray(picture.convert("RGB"))
    chest = pixels[400:500, 330:430].reshape(-1, 3).astype(int)
    assert ((chest[:, 0] > 110) & (chest[:, 0] > 2 * chest[:, 1])).mean() > 0.9
    timings = result.timings
    assert [f.name for f in fields(StageTimings)] == [
        "decode", "pose", "segmentation", "parsing", "warp", "render", "encode"
    ]  # fmt: skip
    for name, seconds in timings.as_dict().items():
        assert 0.0 < seconds < 30.0, name
    assert timings.total == pytest.approx(sum(timings.as_dict().values()))


def test_orientation_is_applied_and_metadata_dropped(
    shared_images: Path, tshirt_png: bytes
) -> None:
    # The same studio photo stored sideways, with the tag that says how to turn it upright.
    upright = Image.open(shared_images / PERSON)
    sideways = upright.transpose(Image.Transpose.ROTATE_90)  # 1024x768 on disk
    buffer = io.BytesIO()
    sideways.save(buffer, format="JPEG", quality=95)
    result = run_tryon(
        _with_exif(buffer.getvalue(), orientation=6),
        tshirt_png,
        category="top",
        renderer=GeometricRenderer(),
    )
    assert (result.width, result.height) == (768, 1024)
    assert b"SpyCam" not in result.image_bytes
    assert not Image.open(io.BytesIO(result.image_bytes)).getexif()


def test_garment_problems_are_found_before_the_person_is_analysed(
    shared_images: Path, tshirt_png: bytes
) -> None:
    person = (shared_images / PERSON).read_bytes()
    blank = png_bytes(np.full((800, 600, 3), 246, dtype=np.uint8))
    for garment, code in ((tshirt_png[:2000], "garment_unreadable"), (blank, "garment_not_found")):
        stages: list[str] = []
        with pytest.raises(ImageInputError) as caught:
            run_tryon(
                person,
                garment,
                category="top",
                renderer=GeometricRenderer(),
                on_stage=stages.append,
            )
        assert caught.value.code == code
        assert stages == []


def test_person_problems_stop_after_finding_the_pose(
    shared_images: Path, tshirt_png: bytes
) -> None:
    cases = (
        ("no_person/n01_cat_chelsea.png", "top", "no_person"),
        ("groups/g07_three_men_portrait.jpg", "top", "several_people"),
        (PERSON, "bottom", "body_part_not_visible"),
    )
    for relative, category, code in cases:
        stages: list[str] = []
        garment = (
            tshirt_png
            if category == "top"
            else png_bytes(procedural_image("bottom", "trousers", RED))
        )
        with pytest.raises(ImageInputError) as caught:
            run_tryon(
                (shared_images / relative).read_bytes(),
                garment,
                category=category,
                renderer=GeometricRenderer(),
                on_stage=stages.append,
            )
        assert caught.value.code == code, relative
        assert stages == ["finding_pose"]
    with pytest.raises(ImageInputError) as caught:
        run_tryon(
            b"\xff\xd8\xff truncated", tshirt_png, category="top", renderer=GeometricRenderer()
        )
    assert caught.value.code == "unreadable_image"


class _PlainRenderer:
    """A renderer without warp/composite (like a GAN would be): paints the torso box grey."""

    name = "plain"

    def __init__(self, size_bug: bool = False) -> None:
        self.size_bug = size_bug

    def render(self, person: PersonAnalysis, garment: GarmentAnalysis) -> RenderOutput:
        image = person.image.copy()
        x0, y0, x1, y1 = person.bbox
        image[(y0 + y1) // 2 : y1, x0:x1] = 128
        if self.size_bug:
            image = image[:-1]
        return RenderOutput(image=image, garment_mask=(image == 128).all(axis=-1))


def test_any_renderer_fits_and_a_wrong_sized_result_is_a_bug(
    shared_images: Path, tshirt_png: bytes
) -> None:
    person = (shared_images / PERSON).read_bytes()
    stages: list[str] = []
    result = run_tryon(
        person, tshirt_png, category="top", renderer=_PlainRenderer(), on_stage=stages.append
    )
    assert stages == list(WORKER_STAGES)
    assert result.timings.render > 0.0 and result.timings.warp > 0.0  # warp: garment cut-out
    with pytest.raises(RuntimeError, match="renderer 'plain' returned"):
        run_tryon(person, tshirt_png, category="top", renderer=_PlainRenderer(size_bug=True))
    with pytest.raises(ValueError, match="unknown garment category"):
        run_tryon(person, tshirt_png, category="socks", renderer=GeometricRenderer())


def test_huge_photos_are_rendered_at_a_bounded_size(shared_images: Path, tshirt_png: bytes) -> None:
    photo = Image.open(shared_images / PERSON).resize((2400, 3200))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=90)
    result = run_tryon(buffer.getvalue(), tshirt_png, category="top", renderer=GeometricRenderer())
    assert max(result.width, result.height) == RENDER_MAX_SIDE
    assert (result.width, result.height) == (1536, 2048)
    assert Image.open(io.BytesIO(result.image_bytes)).size == (1536, 2048)
