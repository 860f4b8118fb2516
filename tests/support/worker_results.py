"""What a try-on worker writes and sends when a render finishes, made with the real sealing."""

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile

from contracts.sealing import data_key_wrap, edit_region_seal, result_seal, transport_key_load
from contracts.tryon import TryOnEvent
from privacy.sealed_files import private_storage
from tryon.models import TryOnJob
from tryon_worker.result_files import edit_region_png

#: The edit region worker_result_event sends, the size of its 768x1024 picture: the torso.
EDIT_REGION = np.zeros((1024, 768), dtype=bool)
EDIT_REGION[300:700, 200:560] = True


def worker_result_event(
    job: TryOnJob,
    run_id: str,
    *,
    edit_region: bool = True,
    picture: bytes = b"RIFF\x00\x00\x00\x00WEBPfake-picture",
) -> TryOnEvent:
    """What a worker writes and sends for a finished render (real sealing, real storage).

    With ``edit_region`` the worker also stores EDIT_REGION as a PNG under the result's key,
    as it does for renderers that declare one. ``picture`` is the result's bytes (by default
    a stand-in that no image decoder opens; tests that look at the picture give a real one).
    """
    sealed, data_key = result_seal(picture)
    name = private_storage().save(f"results/{job.public_id}-{run_id}.bin", ContentFile(sealed))
    edit_name = ""
    if edit_region:
        edit_name = private_storage().save(
            f"results/{job.public_id}-{run_id}-edit.bin",
            ContentFile(edit_region_seal(edit_region_png(EDIT_REGION), data_key=data_key)),
        )
    key = transport_key_load(settings.WORKER_TRANSPORT_KEY)
    return TryOnEvent(
        job_id=str(job.public_id), attempt=1, run_id=run_id, kind="succeeded", result_blob=name,
        result_key=data_key_wrap(data_key, transport_key=key, job_id=str(job.public_id)),
        edit_region_blob=edit_name, width=768, height=1024, worker="w1",
    )  # fmt: skip
