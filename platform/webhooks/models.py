"""Webhook endpoints of merchants, the events sent to them, each delivery and its attempts.

Modelled on Saleor's and Svix's: an event is recorded first (in the transaction of what
caused it), one delivery per subscribed endpoint, every HTTP attempt kept with its outcome.
"""

import uuid

from django.db import models

from catalog.models import Merchant
from core.models import TimeStampedModel
from privacy.fields import EncryptedTextField
from webhooks.events import EventType


def _event_public_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


class WebhookEndpoint(TimeStampedModel):
    """A merchant's URL that receives the events it subscribed to, signed with its secret.

    The signing secret is stored encrypted (AES-GCM envelope, privacy.fields). After a
    rotation the previous secret keeps signing beside the new one until
    ``previous_secret_expires_at``, so the merchant can switch their receiver without losing
    a message.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, help_text="The event types sent to this endpoint.")
    is_enabled = models.BooleanField("enabled", default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    secret = EncryptedTextField(editable=False)
    previous_secret = EncryptedTextField(null=True, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    secret_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(
        default=0, editable=False, help_text="Deliveries failed in a row (a success resets it)."
    )
    failing_since = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the current run of failures began."
    )

    class Meta:
        ordering = ["merchant", "url"]
        verbose_name = "webhook endpoint"
        constraints = [
            # A disabled endpoint says why (the admin and the merchant's notice show it).
            models.CheckConstraint(
                condition=models.Q(is_enabled=True) | ~models.Q(disabled_reason=""),
                name="webhookendpoint_disabled_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(previous_secret__isnull=True)
                | models.Q(previous_secret_expires_at__isnull=False),
                name="webhookendpoint_previous_secret_expires",
            ),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """Something that happened for a merchant, as sent: its id (``webhook-id``), type, body."""

    public_id = models.CharField(max_length=40, unique=True, default=_event_public_id)
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=40, choices=EventType.choices)
    payload = models.JSONField(help_text="The JSON body: type, timestamp and data.")
    # The body names the job's shopper (by pseudonym): the event goes with the job, whether
    # the shopper deleted it, it expired, or the shopper was erased.
    tryon_job = models.ForeignKey(
        "tryon.TryOnJob", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "webhook event"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=[t.value for t in EventType]),
                name="webhookevent_type_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.public_id}"


class WebhookDelivery(TimeStampedModel):
    """One event owed to one endpoint, until it succeeds or is given up.

    Each Celery message for a delivery carries a sequence number (``dispatch_seq``); a
    worker claims it (``claimed_seq``) before posting, so a redelivered or superseded
    message never posts twice. ``next_attempt_at`` is when the next try is due, or, while an
    attempt runs, when it must have finished (after that the sweep sends it again).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        DISABLED = "disabled", "Endpoint disabled"

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    attempts_allowed = models.PositiveSmallIntegerField(
        default=0, help_text="Attempts this run may make (a replay grants a fresh set)."
    )
    dispatch_seq = models.PositiveIntegerField(default=0, editable=False)
    claimed_seq = models.PositiveIntegerField(default=0, editable=False)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhookdelivery_due_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"], name="webhookdelivery_one_per_endpoint"
            ),
            models.CheckConstraint(
                condition=models.Q(claimed_seq__lte=models.F("dispatch_seq")),
                name="webhookdelivery_claims_sent_messages",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.type} to {self.endpoint} ({self.status})"


class WebhookDeliveryAttempt(models.Model):
    """One HTTP POST of a delivery: what came back, how long it took, what went wrong."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        RETRY = "retry", "Failed, will retry"
        FAILED = "failed", "Failed, given up"

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    url = models.URLField("URL", max_length=500)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)
    retry_in_s = models.FloatField(
        null=True, blank=True, help_text="The backoff drawn before the next attempt."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = "delivery attempt"
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="webhookattempt_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} ({self.status_code or self.error[:40]})"
