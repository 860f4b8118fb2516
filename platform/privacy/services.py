"""Privacy operations over stored data: re-encrypting everything under the newest key, and
erasing a shopper (their right to be forgotten)."""

import logging
from dataclasses import dataclass
from importlib import import_module

from accounts.models import User
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from core.exceptions import ApplicationError
from notifications.models import EmailNotification
from privacy.keyring import active_keyring
from privacy.models import ErasureRecord
from privacy.pseudonyms import erasure_digest_for
from privacy.sealed_files import sealed_file_delete, sealed_file_key_id, sealed_file_rewrap
from recommendations.models import Interaction, SuggestionSet
from recommendations.services import shopper_forget_publish
from shoppers.models import Shopper, ShopperPhoto
from tryon.models import TryOnAttempt, TryOnJob
from tryon.selectors import tryon_job_files

logger = logging.getLogger(__name__)
# Session engines whose sessions sit in the database, where a user's other sessions can be found.
DATABASE_SESSION_ENGINES = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}


@dataclass
class RotationReport:
    shoppers: int = 0
    blobs_rewrapped: int = 0


def encryption_keys_rotate() -> RotationReport:
    """Move every encrypted value and blob onto the primary key (the first configured).

    Field values are decrypted and written again; blobs keep their ciphertext and get their
    data key re-wrapped. Safe to run again or to interrupt: old keys keep decrypting until
    nothing uses them, and ``ShopperPhoto.key_id`` says which key each photo is under.
    """
    primary = active_keyring().primary_id
    report = RotationReport()
    for shopper in Shopper.objects.iterator(chunk_size=200):
        with transaction.atomic():
            # Saving writes the decrypted values back, encrypted under the primary key.
            shopper.save(update_fields=["display_name", "contact_email", "measurements"])
        report.shoppers += 1
    for photo in ShopperPhoto.objects.exclude(key_id=primary).iterator(chunk_size=200):
        for name in (photo.blob_name, photo.thumbnail_blob_name):
            report.blobs_rewrapped += sealed_file_rewrap(name)
        photo.key_id = sealed_file_key_id(photo.blob_name)
        photo.save(update_fields=["key_id", "updated_at"])
    for job in TryOnJob.objects.exclude(result_blob_name="").iterator(chunk_size=200):
        for name in job.blob_names:
            report.blobs_rewrapped += sealed_file_rewrap(name)
    logger.info("key rotation to %s: %s", primary, report)
    return report


def shopper_erase(
    *,
    shopper: Shopper,
    channel: ErasureRecord.Channel,
    requested_by: User | None = None,
) -> ErasureRecord | None:
    """Erase everything about a shopper: rows, stored files, recommender profile, login.

    In one transaction: their e-mail records, try-on attempts and jobs, interactions,
    suggestions, photos, admin log entries about them, every session of their login, the
    shopper and the user rows; then an ``ErasureRecord`` (no personal data) is written. Only
    once that commits are the photo, thumbnail, result and edit-region files deleted from the
    private storage and the recommender told to forget the pseudonym, so a rollback never
    leaves a row pointing at a missing file. A try-on still running for them finishes into
    nothing: its job is gone, so its result is dropped (``tryon_event_apply``).

    Safe to repeat: a shopper already erased (or erased concurrently) returns None and
    changes nothing. Staff logins are refused, so the admin never loses an operator by
    mistake: remove their staff status first.
    """
    with transaction.atomic():
        # The row lock makes two erasures of one shopper (a double click) run one by one.
        locked = (
            Shopper.objects.select_for_update().select_related("user").filter(pk=shopper.pk).first()
        )
        if locked is None:
            logger.info("erasure of shopper %s: nothing left to erase", shopper.pk)
            return None
        user = locked.user
        if user.is_staff or user.is_superuser:
            raise ApplicationError(
                "This login is a staff account. Remove its staff status before erasing it.",
                code="staff_not_erasable",
            )
        jobs = TryOnJob.objects.filter(shopper=locked)
        photos = ShopperPhoto.objects.filter(shopper=locked)
        blobs = [
            *tryon_job_files(jobs=jobs),
            *photos.values_list("blob_name", flat=True),
            *photos.values_list("thumbnail_blob_name", flat=True),
        ]
        counts = {
            "emails": _deleted(EmailNotification.objects.filter(job__shopper=locked)),
            "tryon_attempts": _deleted(TryOnAttempt.objects.filter(job__shopper=locked)),
            "tryon_jobs": _deleted(jobs),
            "interactions": _deleted(Interaction.objects.filter(shopper=locked)),
            "suggestion_sets": _deleted(SuggestionSet.objects.filter(shopper=locked)),
            "photos": _deleted(photos),
            "admin_log_entries": _admin_log_entries_delete(shopper=locked, user=user),
            "sessions": _user_sessions_end(user=user),
            "blobs": len(blobs),
        }
        subject = f"shopper:{locked.pk}"
        pseudonym = locked.pseudonym
        locked.delete()
        # The login goes last; Django cascades to what else hangs on it (groups, permissions).
        user.delete()
        record = ErasureRecord.objects.create(
            channel=channel,
            requested_by_staff_id=requested_by.pk if requested_by is not None else None,
            subject_digest=erasure_digest_for(subject=subject),
            counts=counts,
            pending_blobs=blobs,
        )
        if pseudonym:
            shopper_forget_publish(pseudonym=pseudonym)
        record_id = record.pk
        # robust: a storage hiccup must not turn a committed erasure into an error page; the
        # record keeps the files still to delete (``erasure_blobs_retry``).
        transaction.on_commit(lambda: erasure_blobs_delete(record_id=record_id), robust=True)
    logger.info("erased a shopper (erasure record %s, %s)", record.pk, channel)
    return record


def erasure_blobs_delete(*, record_id: int) -> int:
    """Delete the stored files an erasure left to delete; return how many are still left."""
    record = ErasureRecord.objects.filter(pk=record_id).first()
    if record is None or record.blobs_deleted_at is not None:
        return 0
    left = []
    for name in record.pending_blobs:
        try:
            sealed_file_delete(name)
        except Exception:  # any storage failure: keep the name, a retry deletes it later
            logger.exception("erasure %s: stored file not deleted yet", record_id)
            left.append(name)
    ErasureRecord.objects.filter(pk=record_id).update(
        pending_blobs=left,
        blobs_deleted_at=None if left else timezone.now(),
        updated_at=timezone.now(),
    )
    return len(left)


def erasure_blobs_retry() -> int:
    """Retry the file deletions of every erasure that storage has not finished; files left."""
    pending = ErasureRecord.objects.filter(blobs_deleted_at__isnull=True)
    return sum(erasure_blobs_delete(record_id=pk) for pk in pending.values_list("pk", flat=True))


def _deleted(queryset: models.QuerySet) -> int:
    """Delete a queryset's rows; the number of rows of its own model that went."""
    _total, per_model = queryset.delete()
    return per_model.get(queryset.model._meta.label, 0)


def _admin_log_entries_delete(*, shopper: Shopper, user: User) -> int:
    """Admin history about the shopper or their login (it names them: "object_repr")."""
    about = models.Q(
        content_type=ContentType.objects.get_for_model(Shopper), object_id=str(shopper.pk)
    ) | models.Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    return _deleted(LogEntry.objects.filter(about))


def _user_sessions_end(*, user: User) -> int:
    """End every session of the login, on every device, not only the current one.

    Django does not index sessions by user, so this reads each stored session: erasures are
    rare. Sessions kept outside the database (signed cookies, cache only) cannot be listed;
    they die with the user row, as Django then finds no one to log them in as.
    """
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return 0
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    user_id = str(user.pk)
    ended = 0
    for session in store_class.get_model_class().objects.iterator(chunk_size=500):
        if session.get_decoded().get(SESSION_KEY) == user_id:
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended
