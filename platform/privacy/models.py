"""The record an erasure leaves behind: that it happened, when, and on whose request."""

from django.db import models

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
