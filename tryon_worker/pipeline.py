"""One try-on, bytes in and bytes out: decode, analyse garment and person, render, encode.

Plain data only (no storage, no Celery, no Django): the task that calls this fetches the
blobs and reports the stages and the result. Input problems raise ImageInputError (permanent:
the shopper's message is in it); anything else is a bug or an infrastructure failure.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields

import cv2
import numpy as np
from PIL import Image

from contracts.vocabulary import CATEGORIES, WORKER_STAGES
from tryon_worker.garment import GarmentAnalysis, analyse_garment
from tryon_worker.renderers.base import Renderer, RenderOutput, StagedRenderer
from vision.image_decode import DEFAULT_MAX_PIXELS, decode_image
from vision.parsing import person_parsed
from vision.pose import (
    PersonAnalysis,
    count_people,
    detect_faces,
    estimate_pose,
    person_analysis_from_stages,
    segment_person,
)

logger = logging.getLogger(__name__)

WEBP_QUALITY = 90
#: The result is at most this big (longest side; pages show 768 px): larger photos are
#: shrunk first, which keeps a render to a couple of seconds and a few hundred MB.
RENDER_MAX_SIDE = 2048
#: Analysed product shots kept per process (~6 MB each), most recently used first out last.
GARMENT_CACHE_SIZE = 16

_garment_cache: OrderedDict[tuple[str, str, int], GarmentAnalysis] = OrderedDict()
_garment_lock = threading.Lock()


@dataclass
class StageTimings:
    """Seconds spent per stage of one try-on.

    ``decode``: the person's photo; ``pose``: Pose, face detection and the people count;
    ``segmentation``: the person mask; ``parsing``: per-pixel classes; ``warp``: the
    product shot's decoding, cut-out and landmarks (once per distinct shot and process)
    plus the renderer's warp; ``render``: the renderer's composite (or its whole ``render``
    when it does not split into warp and composite); ``encode``: WebP encoding.
    """

    decode: float = 0.0
    pose: float = 0.0
    segmentation: float = 0.0
    parsing: float = 0.0
    warp: float = 0.0
    render: float = 0.0
    encode: float = 0.0

    @property
    def total(self) -> float:
        """All stages together."""
        return sum(getattr(self, f.name) for f in fields(self))

    def as_dict(self) -> dict[str, float]:
        """Plain numbers per stage (for events and benchmarks)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class TryOnResult:
    """The rendered picture (WebP, no metadata), what it took, and how it was made.

    ``person`` is the analysed photo as rendered (upright, shrunk to RENDER_MAX_SIDE) and
    ``output`` the renderer's picture before encoding, with its edit region: for checks
    and benchmarks, not for storage.
    """

    image_bytes: bytes
    width: int
    height: int
    timings: StageTimings
    person: PersonAnalysis
    output: RenderOutput


def run_tryon(
    person_bytes: bytes,
    garment_bytes: bytes,
    *,
    category: str,
    renderer: Renderer,
    on_stage: Callable[[str], None] | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> TryOnResult:
    """Put the garment (product image bytes) on the person (photo bytes).

    The result has the photo's size (upright, after EXIF orientation), shrunk to at most
    RENDER_MAX_SIDE pixels on its longest side. ``on_stage`` is called with each of WORKER_STAGES
    as that stage starts (an exception it raises aborts the try-on). Both pictures are
    decoded and the garment is cut out before the person is analysed, so a broken product
    image fails fast. Raises ImageInputError for unusable pictures, ValueError for an
    unknown category.
    """
    if category not in CATEGORIES:
        raise ValueError(f"unknown garment category {category!r}; valid: {', '.join(CATEGORIES)}")
    timings = StageTimings()
    with _timed(timings, "decode"):
        person_image = _fit(decode_image(person_bytes, max_pixels=max_pixels, role="person"))
    with _timed(timings, "warp"):
        garment = _garment_analysed(garment_bytes, category, max_pixels)

    _announce(on_stage, "finding_pose")
    with _timed(timings, "pose"):
        pose = estimate_pose(person_image)
        faces = detect_faces(person_image)
        people = count_people(person_image, pose, faces)
    segmentation = None
    if pose.landmarks is not None and people < 2:
        with _timed(timings, "segmentation"):
            segmentation = segment_person(person_image, pose)
    person = person_analysis_from_stages(
        person_image,
        pose=pose,
        faces=faces,
        people_count=people,
        segmentation=segmentation,
        category=category,
    )
    with _timed(timings, "parsing"):
        person = person_parsed(person)

    _announce(on_stage, "fitting_garment")
    if isinstance(renderer, StagedRenderer):
        with _timed(timings, "warp"):
            warped = renderer.warp(person, garment)
        _announce(on_stage, "rendering")
        with _timed(timings, "render"):
            output = renderer.composite(person, warped)
    else:
        _announce(on_stage, "rendering")
        with _timed(timings, "render"):
            output = renderer.render(person, garment)
    if output.image.shape != person_image.shape or output.image.dtype != np.uint8:
        raise RuntimeError(
            f"renderer {renderer.name!r} returned {output.image.shape} {output.image.dtype}, "
            f"expected {person_image.shape} uint8"
        )
    with _timed(timings, "encode"):
        data = _encode_webp(output.image)
    height, width = output.image.shape[:2]
    logger.info(
        "try-on %s/%s %dx%d in %.2fs: %s",
        renderer.name,
        category,
        width,
        height,
        timings.total,
        {k: round(v, 3) for k, v in timings.as_dict().items()},
    )
    return TryOnResult(
        image_bytes=data,
        width=width,
        height=height,
        timings=timings,
        person=person,
        output=output,
    )


def _garment_analysed(garment_bytes: bytes, category: str, max_pixels: int) -> GarmentAnalysis:
    """The product shot decoded and cut out, once per distinct image in this process.

    A shop's catalogue is small next to its shoppers: the same product shot comes back job
    after job, and its cut-out and landmarks never change. The arrays are made read-only,
    since every job shares them.
    """
    key = (hashlib.sha256(garment_bytes).hexdigest(), category, max_pixels)
    with _garment_lock:
        cached = _garment_cache.get(key)
        if cached is not None:
            _garment_cache.move_to_end(key)
            return cached
    image = decode_image(garment_bytes, max_pixels=max_pixels, role="garment")
    garment = analyse_garment(image, category=category)
    for array in (garment.rgba, garment.mask, *garment.parts.values()):
        array.flags.writeable = False
    with _garment_lock:
        _garment_cache[key] = garment
        while len(_garment_cache) > GARMENT_CACHE_SIZE:
            _garment_cache.popitem(last=False)
    return garment


def _fit(image: np.ndarray) -> np.ndarray:
    # Pose and segmentation work at ~1 MP anyway; a 40 MP render would only cost gigabytes.
    height, width = image.shape[:2]
    scale = RENDER_MAX_SIDE / max(height, width)
    if scale >= 1.0:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    logger.info("photo %dx%d shrunk to %dx%d for rendering", width, height, *size)
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _announce(on_stage: Callable[[str], None] | None, stage: str) -> None:
    if stage not in WORKER_STAGES:  # the storefront and the widget know no other
        raise ValueError(f"unknown stage {stage!r}")
    if on_stage is not None:
        on_stage(stage)


@contextmanager
def _timed(timings: StageTimings, stage: str) -> Iterator[None]:
    # Stages may be entered twice (garment analysis and warp both count as "warp").
    start = time.perf_counter()
    try:
        yield
    finally:
        setattr(timings, stage, getattr(timings, stage) + time.perf_counter() - start)


def _encode_webp(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    # A fresh image from an array carries no EXIF, XMP or ICC: nothing about the shopper's
    # camera or location can leak into the result.
    Image.fromarray(image).save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()
