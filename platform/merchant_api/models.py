"""Merchant API keys, the merchant's own shopper ids, and idempotent POSTs."""

from django.db import models
from rest_framework_api_key.models import AbstractAPIKey

from catalog.models import Merchant
from core.models import TimeStampedModel
from shoppers.models import Shopper


class KeyScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class MerchantApiKey(AbstractAPIKey):
    """A merchant's secret for server-to-server calls: stored hashed, shown once, revocable."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="api_keys")
    scope = models.CharField(max_length=8, choices=KeyScope.choices, default=KeyScope.READ)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "merchant API key"
        verbose_name_plural = "merchant API keys"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=[s.value for s in KeyScope]),
                name="merchantapikey_scope_known",
            )
        ]


class MerchantShopper(TimeStampedModel):
    """A merchant's own opaque id for one of its shoppers, tied to our shopper profile.

    Only a keyed digest of the merchant's id is stored, so the id itself never sits in our
    database and never reaches a worker; the API answers with the id the caller sent.
    """

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="shoppers")
    external_id_digest = models.CharField(max_length=64, editable=False)
    shopper = models.OneToOneField(
        Shopper, on_delete=models.CASCADE, related_name="merchant_identity"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "external_id_digest"], name="merchantshopper_unique_id"
            )
        ]

    def __str__(self) -> str:
        return f"Merchant shopper #{self.pk} of {self.merchant}"


class IdempotentRequest(models.Model):
    """One ``Idempotency-Key`` a merchant used: the request's fingerprint and its answer.

    Written before the work starts, so a concurrent retry finds it and waits instead of
    making a second job; the response is filled in when the first request finishes.
    """

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    response_location = models.CharField(max_length=500, blank=True)
    # The shopper the request was about: the stored answer names them by the merchant's id,
    # so it goes when they are erased.
    shopper = models.ForeignKey(
        Shopper, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "key"], name="idempotentrequest_unique")
        ]

    def __str__(self) -> str:
        return f"Idempotency-Key {self.key} of merchant #{self.merchant_id}"


class WidgetOrigin(TimeStampedModel):
    """A web origin (``https://shop.example``) where the merchant's pages run the try-on
    widget: only these may call the widget's endpoints with the merchant's widget tokens
    (CORS, and the token's own check of the ``Origin`` header)."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="widget_origins")
    origin = models.CharField(
        max_length=200,
        help_text="Scheme, host and port only, e.g. https://shop.example (no path).",
    )

    class Meta:
        ordering = ["merchant", "origin"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "origin"], name="widgetorigin_unique"),
            # Normalised by clean(): a scheme, and no path, query or trailing slash.
            models.CheckConstraint(
                condition=(
                    models.Q(origin__startswith="https://") | models.Q(origin__startswith="http://")
                )
                & ~models.Q(origin__endswith="/"),
                name="widgetorigin_is_origin",
            ),
        ]

    def clean(self) -> None:
        from merchant_api.widget_origins import widget_origin_normalize

        self.origin = widget_origin_normalize(self.origin)

    def __str__(self) -> str:
        return self.origin
