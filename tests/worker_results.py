"""What a try-on worker writes and sends when a render finishes, made with the real sealing."""

from django.conf import settings

from privacy.sealed_files import private_storage
from tryon.models import TryOnJob
from tryon_worker.messages import TryOnEvent
from tryon_worker.sealing import data_key_wrap, result_seal, transport_key_load


def worker_result_event(job: TryOnJob, run_id: str) -> TryOnEvent:
    """What a worker writes and sends for a finished render (real sealing, real storage)."""
    from django.core.files.base import ContentFile

    sealed, data_key = result_seal(b"RIFF\x00\x00\x00\x00WEBPfake-picture")
    name = private_storage().save(f"results/{job.public_id}-{run_id}.bin", ContentFile(sealed))
    key = transport_key_load(settings.WORKER_TRANSPORT_KEY)
    return TryOnEvent(
        job_id=str(job.public_id), attempt=1, run_id=run_id, kind="succeeded", result_blob=name,
        result_key=data_key_wrap(data_key, transport_key=key, job_id=str(job.public_id)),
        width=768, height=1024, worker="w1",
    )  # fmt: skip
