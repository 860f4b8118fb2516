"""The one way a shopper's photos and try-on pictures are deleted: by erasure, by expiry, and
when the shopper deletes a photo or a try-on picture.

Rows go inside the caller's transaction; the files they point at (photo, thumbnail, result,
edit region, and the worker's own copies, found by the job's id) go only once that commits,
so a rollback never leaves a row pointing at a missing file. A storage failure after the
commit is retried by a Celery task, never shown to the shopper as an error.
"""

import logging
from dataclasses import dataclass, field

from django.db import models, transaction

from notifications.models import EmailNotification
from privacy.sealed_files import sealed_file_delete
from shoppers.models import Shopper, ShopperPhoto
from shoppers.recommender_feed import shopper_profile_publish
from tryon.models import TryOnAttempt, TryOnJob
from tryon.selectors import tryon_job_files

logger = logging.getLogger(__name__)

#: How long after a refused file deletion the retry task tries again.
FILES_RETRY_AFTER_S = 60


@dataclass
class Deletion:
    """What a deletion removed: rows by kind, and the stored files it deletes after commit."""

    counts: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def stored_rows_delete(
    *,
    photos: models.QuerySet[ShopperPhoto] | None = None,
    jobs: models.QuerySet[TryOnJob] | None = None,
) -> Deletion:
    """Delete these try-on jobs (with their e-mail records and runs) and photos, in the
    caller's transaction; return the counts and every stored file they leave to delete.

    The files are not touched here: the caller hands ``Deletion.files`` to
    ``stored_files_delete_on_commit`` (or keeps them on a record that outlives a failure, as
    erasure does). A job still running finishes into nothing: its late result is dropped and
    the worker's copy deleted (``tryon_event_apply``).
    """
    deletion = Deletion()
    if jobs is not None:
        deletion.files += tryon_job_files(jobs=jobs)
        # Subqueries, not id lists: a shopper may have more jobs than SQLite takes parameters.
        job_ids = jobs.values("pk")
        deletion.counts["emails"] = queryset_delete(
            EmailNotification.objects.filter(job__in=job_ids)
        )
        deletion.counts["tryon_attempts"] = queryset_delete(
            TryOnAttempt.objects.filter(job__in=job_ids)
        )
        deletion.counts["tryon_jobs"] = queryset_delete(jobs)
    if photos is not None:
        for blob, thumbnail in photos.values_list("blob_name", "thumbnail_blob_name"):
            deletion.files += [blob, thumbnail]
        deletion.counts["photos"] = queryset_delete(photos)
    return deletion


def stored_files_delete(names: list[str]) -> list[str]:
    """Delete stored files (already gone is fine); return the names storage refused."""
    left = []
    for name in names:
        try:
            sealed_file_delete(name)
        except Exception:  # any storage failure: keep the name for a retry
            logger.exception("stored file not deleted yet")
            left.append(name)
    return left


def stored_files_delete_on_commit(names: list[str]) -> None:
    """Delete ``names`` once the current transaction commits; retry later what storage refuses."""

    def delete() -> None:
        left = stored_files_delete(names)
        if left:
            from lifecycle.tasks import stored_files_delete_retry

            stored_files_delete_retry.apply_async(
                kwargs={"names": left}, countdown=FILES_RETRY_AFTER_S
            )

    if names:
        transaction.on_commit(delete, robust=True)


def shopper_photos_delete(
    *, shopper: Shopper, photos: models.QuerySet[ShopperPhoto], with_tryons: bool
) -> Deletion:
    """Delete some of one shopper's photos, and with ``with_tryons`` every try-on made from them.

    Try-ons kept lose their link to the photo (their pictures stay). The recommender, which
    estimated the body shape from a photo, is sent the newest photo left to estimate it from,
    or told that none is left (it then forgets the estimate).
    """
    with transaction.atomic():
        photos = photos.filter(shopper=shopper)
        jobs = None
        if with_tryons:
            jobs = TryOnJob.objects.filter(shopper=shopper, photo__in=photos.values("pk"))
        deletion = stored_rows_delete(photos=photos, jobs=jobs)
        stored_files_delete_on_commit(deletion.files)
        if deletion.counts["photos"]:
            newest = ShopperPhoto.objects.filter(shopper=shopper).order_by("-created_at").first()
            shopper_profile_publish(shopper=shopper, photo=newest, photo_removed=newest is None)
    logger.info("shopper %s: deleted %s", shopper.pk, deletion.counts)
    return deletion


def shopper_photo_delete(*, photo: ShopperPhoto, with_tryons: bool = False) -> dict[str, int]:
    """Delete a photo (row now, its files once committed), and with ``with_tryons`` every
    try-on made from it with its pictures; the counts of what went.

    Through the one deletion erasure and expiry use (``shopper_photos_delete``).
    """
    deletion = shopper_photos_delete(
        shopper=photo.shopper,
        photos=ShopperPhoto.objects.filter(pk=photo.pk),
        with_tryons=with_tryons,
    )
    return deletion.counts


def tryon_jobs_delete(*, jobs: models.QuerySet[TryOnJob]) -> Deletion:
    """Delete try-on jobs with their pictures (the storefront's and the worker's copies)."""
    with transaction.atomic():
        deletion = stored_rows_delete(jobs=jobs)
        stored_files_delete_on_commit(deletion.files)
    return deletion


def queryset_delete(queryset: models.QuerySet) -> int:
    """Delete a queryset's rows; the number of rows of its own model that went (not the
    rows Django cascaded to)."""
    _total, per_model = queryset.delete()
    return per_model.get(queryset.model._meta.label, 0)
