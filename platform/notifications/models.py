"""E-mail notifications: one record per (job, kind), with every delivery attempt counted."""

from django.db import models

from core.models import TimeStampedModel


class EmailNotification(TimeStampedModel):
    """An e-mail owed to a shopper. The unique constraint makes "send once" a database fact."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    job = models.ForeignKey("tryon.TryOnJob", on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=32, default="tryon_ready")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "kind"], name="one_email_per_job_and_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} e-mail for job {self.job_id} ({self.status})"
