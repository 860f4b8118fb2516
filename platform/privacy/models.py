"""Privacy's own records: that an erasure happened (when, on whose request), and every look
by staff at a shopper's personal data in the admin."""

from django.db import models
from django.utils import timezone

from core.models import TimeStampedModel


class ErasureRecord(TimeStampedModel):
    """Proof for an auditor that a shopper was erased, holding nothing that identifies them.

    ``created_at`` is when the data was deleted. ``subject_digest`` is a keyed one-way digest
    of the internal shopper id, different from the pseudonym the workers knew: alone it names
    no one, but an auditor holding a request ("shopper #42 asked to be erased") can find its
    record (``erasure_record_for``). ``pending_blobs`` lists stored files (random names) still
    to delete after the commit; it is emptied, and ``blobs_deleted_at`` set, once storage has
    removed them.
    """

    class Channel(models.TextChoices):
        SELF_SERVICE = "self_service", "Shopper, on their profile page"
        API = "api", "Shopper, through the API"
        ADMIN = "admin", "Staff, in the admin"
        COMMAND = "command", "Operator, by management command"

    channel = models.CharField(max_length=16, choices=Channel.choices)
    # A plain number, not a foreign key: the record must outlive the staff account.
    requested_by_staff_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Staff user who erased the shopper (empty: the shopper)."
    )
    subject_digest = models.CharField(max_length=64, db_index=True, editable=False)
    counts = models.JSONField(default=dict, blank=True, help_text="What was deleted, by kind.")
    pending_blobs = models.JSONField(default=list, blank=True)
    blobs_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Erasure #{self.pk} ({self.get_channel_display()}, {self.created_at:%Y-%m-%d})"


class PiiAccess(models.Model):
    """One look by a staff member at a shopper's personal data in the admin: who, when, which
    shopper, which fields or which photo.

    Written by the admin as it shows the data (``privacy.services.pii_access_record``), never
    changed or deleted there. Plain numbers, not foreign keys: the trail must outlive the
    staff account and the shopper's erasure (it holds their row id only, which names no one
    once the row is gone). ``staff_username`` is kept as it was at the time.
    """

    class Kind(models.TextChoices):
        PROFILE = "profile", "Profile fields"
        PHOTO = "photo", "Photo"

    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    staff_user_id = models.PositiveBigIntegerField()
    staff_username = models.CharField(max_length=150)
    shopper_id = models.PositiveBigIntegerField(db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    fields = models.JSONField(default=list, blank=True, help_text="The fields shown.")
    photo_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "personal data access"
        verbose_name_plural = "personal data accesses"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="photo") | models.Q(photo_id__isnull=False),
                name="pii_access_photo_has_photo_id",
            )
        ]

    def __str__(self) -> str:
        what = f"photo #{self.photo_id}" if self.kind == self.Kind.PHOTO else "profile"
        return f"{self.staff_username} viewed shopper #{self.shopper_id}'s {what}"
