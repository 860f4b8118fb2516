"""Read paths for try-on jobs."""

import uuid
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import Merchant
from contracts.blob_keys import RESULTS_FOLDER, worker_key_prefix
from contracts.envelope import EDIT_REGION_CONTEXT
from contracts.vocabulary import STAGES
from privacy.sealed_files import private_storage, sealed_file_read
from shoppers.models import Shopper, ShopperPhoto
from tryon.models import TryOnJob
from tryon.services import tryon_job_payload, tryon_result_names


def shopper_photo_tryon_count(*, photo: ShopperPhoto) -> int:
    """How many try-on pictures were made from a photo (what deleting them with it removes)."""
    return TryOnJob.objects.filter(
        shopper_id=photo.shopper_id, photo=photo, state=TryOnJob.State.SUCCEEDED
    ).count()


def tryon_job_list(*, shopper: Shopper) -> QuerySet[TryOnJob]:
    """A shopper's jobs, newest first."""
    return (
        TryOnJob.objects.filter(shopper=shopper).select_related("garment").order_by("-created_at")
    )


def tryon_job_list_for_merchant(*, merchant: Merchant) -> QuerySet[TryOnJob]:
    """Jobs of the shoppers ``merchant`` registered through its API, newest first.

    By the shopper's merchant identity, not the garment's merchant: a shopper of our own pages
    trying on this merchant's garment is not the merchant's to see.
    """
    return (
        TryOnJob.objects.filter(
            shopper__merchant_identity__merchant=merchant, garment__merchant=merchant
        )
        .select_related("garment", "photo")
        .order_by("-created_at", "-id")
    )


def tryon_job_for_merchant(*, merchant: Merchant, job_id: str) -> TryOnJob | None:
    """One of ``merchant``'s jobs by its public id; None for a malformed or another's id."""
    try:
        public_id = uuid.UUID(str(job_id))
    except ValueError:
        return None
    return tryon_job_list_for_merchant(merchant=merchant).filter(public_id=public_id).first()


def tryon_job_progress(job: TryOnJob) -> float | None:
    """How far along the stages (``STAGES``, the one list the worker reports) a job is,
    0.0 queued to 1.0 done; None once it failed or was cancelled (it will go no further)."""
    if job.state in (TryOnJob.State.FAILED, TryOnJob.State.CANCELLED):
        return None
    if job.state == TryOnJob.State.SUCCEEDED:
        return 1.0
    if job.stage not in STAGES:
        return 0.0
    return round(STAGES.index(job.stage) / (len(STAGES) - 1), 2)


def tryon_job_payloads_recent(*, shopper: Shopper, hours: int = 24) -> list[dict[str, object]]:
    """The live-page payloads of the shopper's jobs from the last hours (for SSE resync)."""
    since = timezone.now() - timedelta(hours=hours)
    jobs = tryon_job_list(shopper=shopper).filter(created_at__gte=since)[:20]
    return [tryon_job_payload(job) for job in jobs]


def tryon_edit_region_read(*, job: TryOnJob) -> bytes:
    """The decrypted edit region of a job (a 1-bit PNG), for operators debugging a render.

    Callers check that the reader is an operator: it shows the outline of a shopper's body.
    """
    return sealed_file_read(job.edit_region_blob_name, context=EDIT_REGION_CONTEXT)


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
        prefixes.append(worker_key_prefix(job_id))  # the worker's copies
        prefixes.extend(
            n.removeprefix(f"{RESULTS_FOLDER}/") for n in tryon_result_names(job_id=job_id)
        )
    if prefixes:
        try:
            _folders, files = private_storage().listdir(RESULTS_FOLDER)
        except FileNotFoundError:  # nothing was ever stored
            files = []
        names.update(f"{RESULTS_FOLDER}/{f}" for f in files if f.startswith(tuple(prefixes)))
    return sorted(names)
