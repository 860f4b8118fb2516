"""Expiry: shopper photos and try-on pictures are kept for a configured number of days, then
deleted through the same deletion as erasure (``lifecycle.deletion``)."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from lifecycle.deletion import shopper_photos_delete, tryon_jobs_delete
from shoppers.models import Shopper, ShopperPhoto
from tryon.models import TryOnJob

logger = logging.getLogger(__name__)


def expired_data_delete(*, now: datetime | None = None) -> dict[str, int]:
    """Delete every photo and finished try-on past its ``expires_at`` (its retention period).

    A try-on is counted from its request and deleted with its picture and history; one still
    queued or running is left to finish (the reaper ends it) and goes at the next sweep. A
    photo's try-ons have their own period: an expired photo takes none with it. Each shopper's
    photos go in one transaction, each batch of jobs in another, so one failure stops
    nothing else. Returns the counts.
    """
    now = now or timezone.now()
    photo_cutoff = now - timedelta(days=settings.PHOTO_RETENTION_DAYS)
    tryon_cutoff = now - timedelta(days=settings.RESULT_RETENTION_DAYS)
    counts = {"photos": 0, "tryon_jobs": 0}
    old_photos = ShopperPhoto.objects.filter(created_at__lt=photo_cutoff)
    shopper_ids = old_photos.values_list("shopper_id", flat=True).distinct()
    for shopper in Shopper.objects.filter(pk__in=list(shopper_ids)).iterator(chunk_size=200):
        deletion = shopper_photos_delete(
            shopper=shopper,
            photos=ShopperPhoto.objects.filter(created_at__lt=photo_cutoff),
            with_tryons=False,
        )
        counts["photos"] += deletion.counts.get("photos", 0)
    old_jobs = TryOnJob.objects.filter(
        created_at__lt=tryon_cutoff, state__in=TryOnJob.FINAL_STATES
    ).order_by("pk")
    while batch := list(old_jobs.values_list("pk", flat=True)[:200]):
        deletion = tryon_jobs_delete(jobs=TryOnJob.objects.filter(pk__in=batch))
        counts["tryon_jobs"] += deletion.counts.get("tryon_jobs", 0)
    logger.info("expiry: deleted %s", counts)
    return counts
