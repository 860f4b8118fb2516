"""What a finished try-on leaves in the private store: the sealed picture and, when the renderer
declares one, its sealed edit region (kept with the result for debugging).

Both are sealed under one fresh data key (``contracts.sealing``), so the storefront gets a
single wrapped key for the two. Plain data only: no Celery, no Django.
"""

import io
import logging
from dataclasses import dataclass

import numpy as np
from PIL import Image

from contracts.blob_keys import worker_result_keys
from contracts.sealing import edit_region_seal, result_seal
from transport.blob_store import BlobStore
from tryon_worker.pipeline import TryOnResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredResult:
    """Where a result went and the data key that opens it (to be wrapped for the storefront)."""

    result_blob: str
    edit_region_blob: str  # "" when the renderer declared no edit region
    data_key: bytes


def edit_region_png(region: np.ndarray) -> bytes:
    """A boolean (H, W) mask as a 1-bit PNG, nothing else in it.

    A fresh image from an array carries no text, time, resolution or colour-profile chunks, so
    the file says nothing beyond which pixels may have changed.
    """
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(region, dtype=bool)).save(
        buffer, format="PNG", optimize=True
    )
    return buffer.getvalue()


def result_files_store(
    store: BlobStore, result: TryOnResult, *, job_id: str, run_id: str
) -> StoredResult:
    """Seal the picture (and its edit region, if any) under one fresh key and store them.

    The keys name the job and the run, so a redelivered job never overwrites another run's
    files and the storefront can tell a worker's file from its own.
    """
    sealed, data_key = result_seal(result.image_bytes)
    result_blob, region_blob = worker_result_keys(job_id=job_id, run_id=run_id)
    store.write(result_blob, sealed)
    edit_region_blob = ""
    region = result.output.edit_region
    if region is not None and region.shape == (result.height, result.width):
        edit_region_blob = region_blob
        store.write(edit_region_blob, edit_region_seal(edit_region_png(region), data_key=data_key))
    elif region is not None:
        # A renderer bug, but the region is for debugging only: the shopper still gets the
        # picture, and the log says what to fix.
        logger.error(
            "job %s: edit region %s does not match the %dx%d picture; not stored",
            job_id,
            region.shape,
            result.width,
            result.height,
        )
    return StoredResult(result_blob, edit_region_blob, data_key)
