"""Read paths for try-on jobs."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from privacy.sealed_files import sealed_file_read
from shoppers.models import Shopper
from tryon.models import TryOnJob
from tryon.services import EDIT_REGION_STORAGE_CONTEXT, tryon_job_payload


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
