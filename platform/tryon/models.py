"""Try-on jobs: one shopper photo + one garment -> one rendered picture, with its history."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

from catalog.models import Garment
from core.models import TimeStampedModel
from shoppers.models import Shopper, ShopperPhoto


class TryOnJob(TimeStampedModel):
    """A request to render a shopper wearing a garment.

    ``public_id`` is the opaque id workers and URLs see; the row id never leaves the database.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINAL_STATES = (State.SUCCEEDED, State.FAILED, State.CANCELLED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shopper = models.ForeignKey(Shopper, on_delete=models.CASCADE, related_name="tryon_jobs")
    photo = models.ForeignKey(ShopperPhoto, on_delete=models.SET_NULL, null=True, related_name="+")
    garment = models.ForeignKey(Garment, on_delete=models.CASCADE, related_name="tryon_jobs")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(max_length=32, default="queued")
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Executions started by workers."
    )
    dispatches = models.PositiveSmallIntegerField(default=0, help_text="Messages queued for it.")
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    result_blob_name = models.CharField(max_length=255, blank=True)
    edit_region_blob_name = models.CharField(
        max_length=255,
        blank=True,
        help_text="Encrypted 1-bit PNG of the pixels the renderer may have changed (debugging).",
    )
    result_width = models.PositiveIntegerField(default=0)
    result_height = models.PositiveIntegerField(default=0)
    renderer = models.CharField(max_length=32, default="geometric")
    timings = models.JSONField(default=dict, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "last_event_at"], name="tryon_job_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="succeeded") | ~models.Q(result_blob_name=""),
                name="tryon_job_succeeded_has_result",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="failed") | ~models.Q(error_code=""),
                name="tryon_job_failed_has_error",
            ),
        ]

    def __str__(self) -> str:
        return f"Try-on {self.public_id} ({self.state})"

    @property
    def is_final(self) -> bool:
        return self.state in self.FINAL_STATES

    @property
    def expires_at(self) -> datetime:
        """When expiry deletes the try-on and its picture (lifecycle.retention):
        RESULT_RETENTION_DAYS after it was requested."""
        return self.created_at + timedelta(days=settings.RESULT_RETENTION_DAYS)

    @property
    def blob_names(self) -> list[str]:
        """The job's files in the private storage (result, edit region), for deletions."""
        return [name for name in (self.result_blob_name, self.edit_region_blob_name) if name]


class TryOnAttempt(TimeStampedModel):
    """One execution of a job by a worker (a redelivered message makes another)."""

    job = models.ForeignKey(TryOnJob, on_delete=models.CASCADE, related_name="attempt_log")
    run_id = models.CharField(max_length=64, unique=True)
    worker = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=16, blank=True)  # succeeded / failed / superseded
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Run {self.run_id} of {self.job_id}"
