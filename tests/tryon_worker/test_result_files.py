"""What a finished try-on leaves in the worker's private store: the sealed picture and its
sealed edit region, both under the one data key the storefront is sent (wrapped)."""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from contracts.sealing import (
    SealingError,
    data_key_unwrap,
    data_key_wrap,
    edit_region_open,
    result_open,
)
from tests.tryon_worker.helpers import RED, png_bytes, procedural_image
from transport.blob_store import blob_store_from_url
from tryon_worker.pipeline import TryOnResult, run_tryon
from tryon_worker.renderers.geometric import GeometricRenderer
from tryon_worker.renderers.layered import LayeredRenderer
from tryon_worker.result_files import result_files_store

# The layered renderer's own test photo for tops: it declares an edit region.
PERSON = "people/p12_woman_head_to_thigh_gray_tee_studio.jpg"
TRANSPORT_KEY = bytes(range(32))


@pytest.fixture(scope="module")
def tshirt_png() -> bytes:
    return png_bytes(procedural_image("top", "t-shirt", RED))


def _render(shared_images: Path, garment: bytes, renderer) -> TryOnResult:
    return run_tryon(
        (shared_images / PERSON).read_bytes(), garment, category="top", renderer=renderer
    )


def test_a_rendered_job_stores_its_edit_region_sealed_under_the_result_key(
    shared_images: Path, tshirt_png: bytes, tmp_path: Path
) -> None:
    result = _render(shared_images, tshirt_png, LayeredRenderer())
    region = result.output.edit_region
    assert region is not None and region.any() and not region.all()
    store = blob_store_from_url(f"file://{tmp_path}")

    stored = result_files_store(store, result, job_id="job-1", run_id="run-1")

    assert stored.result_blob == "results/job-1-run-1.bin"
    assert stored.edit_region_blob == "results/job-1-run-1-edit.bin"
    sealed = store.read(stored.edit_region_blob)
    assert b"\x89PNG\r\n" not in sealed and b"IHDR" not in sealed  # ciphertext only at rest
    # The key travels wrapped for the job, as in the succeeded event; it opens both files.
    wrapped = data_key_wrap(stored.data_key, transport_key=TRANSPORT_KEY, job_id="job-1")
    data_key = data_key_unwrap(wrapped, transport_key=TRANSPORT_KEY, job_id="job-1")
    assert result_open(store.read(stored.result_blob), data_key=data_key) == result.image_bytes
    png = edit_region_open(sealed, data_key=data_key)
    # A 1-bit PNG the picture's size, exactly the renderer's region, and nothing else in it.
    picture = Image.open(io.BytesIO(png))
    assert (picture.format, picture.mode) == ("PNG", "1")
    assert picture.size == (result.width, result.height)
    assert np.array_equal(np.asarray(picture), region)
    assert picture.info == {} and not picture.getexif()
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"tIME", b"pHYs", b"iCCP", b"eXIf"):
        assert chunk not in png
    # Each blob opens under its own context only: neither can pass for the other.
    with pytest.raises(SealingError):
        result_open(sealed, data_key=data_key)
    with pytest.raises(SealingError):
        edit_region_open(store.read(stored.result_blob), data_key=data_key)


def test_a_renderer_without_an_edit_region_stores_the_picture_only(
    shared_images: Path, tshirt_png: bytes, tmp_path: Path
) -> None:
    result = _render(shared_images, tshirt_png, GeometricRenderer())
    assert result.output.edit_region is None
    stored = result_files_store(
        blob_store_from_url(f"file://{tmp_path}"), result, job_id="job-2", run_id="run-1"
    )
    assert stored.edit_region_blob == ""
    assert [p.name for p in (tmp_path / "results").iterdir()] == ["job-2-run-1.bin"]
