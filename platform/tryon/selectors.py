"""Read paths for try-on jobs."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from privacy.sealed_files import private_storage, sealed_file_read
from shoppers.models import Shopper
from tryon.models import TryOnJob
from tryon.services import EDIT_REGION_STORAGE_CONTEXT, tryon_job_payload, tryon_result_names


def tryon_job_list(*, shopper: Shopper) -> QuerySet[TryOnJob]:
    """A shopper's jobs, newest first."""
    return (
        TryOnJob.objects.filter(shopper=shopper).select_related("garment").order_by("-created_at")
    )


def tryon_job_payloads_recent(*, shopper: Shopper, hours: int = 24) -> list[dict[str, object]]:
    """The live-page payloads of the shopper's jobs from the last hours (for SSE resync)."""
    since = timezone.now() - timedelta(hours=hours)
    jobs = tryon_job_list(shopper=shopper).filter(created_at__gte=since)[:20]
    return [tryon_job_payload(job) for job in jobs]


def tryon_edit_region_read(*, job: TryOnJob) -> bytes:
    """The decrypted edit region of a job (a 1-bit PNG), for operators debugging a render.

    Callers check that the reader is an operator: it shows the outline of a shopper's body.
    """
    return sealed_file_read(job.edit_region_blob_name, context=EDIT_REGION_STORAGE_CONTEXT)


def tryon_job_files(*, jobs: QuerySet[TryOnJob]) -> list[str]:
    """Every private file of these jobs, also those no row points at, for an erasure.

    The names the rows hold; the storefront's names that follow from each job's id (a result
    event that failed after writing them, before its row was saved); and the worker's copies,
    ``results/{job id}-{run}...``, which stay when an event fails for good or is dropped. The
    worker's names hold run ids the storefront may never have seen, hence the listing.
    """
    names: set[str] = set()
    prefixes: list[str] = []
    for job in jobs:
        job_id = str(job.public_id)
        names.update(job.blob_names)
        prefixes.append(f"{job_id}-")  # the worker's copies
        prefixes.extend(n.removeprefix("results/") for n in tryon_result_names(job_id=job_id))
    if prefixes:
        try:
            _folders, files = private_storage().listdir("results")
        except FileNotFoundError:  # nothing was ever stored
            files = []
        names.update(f"results/{f}" for f in files if f.startswith(tuple(prefixes)))
    return sorted(names)
