"""Shoppers and their photos. Everything personal is encrypted at rest."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

from core.models import TimeStampedModel
from privacy.fields import EncryptedJSONField, EncryptedTextField
from privacy.permissions import PII_PERMISSION_CODENAME

MEASUREMENT_RANGES_CM: dict[str, tuple[float, float]] = {
    "height_cm": (100, 230),
    "chest_cm": (60, 170),
    "waist_cm": (45, 170),
    "hips_cm": (60, 180),
    "inseam_cm": (50, 110),
}


class Shopper(TimeStampedModel):
    """A shopper's profile. Name, contact e-mail and body measurements are ciphertext in the DB."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shopper"
    )
    display_name = EncryptedTextField(blank=True, default="")
    contact_email = EncryptedTextField(blank=True, default="")
    measurements = EncryptedJSONField(default=dict, blank=True)
    email_notifications = models.BooleanField(
        default=False, help_text="E-mail me when a try-on picture is ready."
    )
    # What workers and the recommender know this shopper by (keyed HMAC of the row id).
    # NULL, not "", until the row has an id: unique allows many NULLs but one "".
    pseudonym = models.CharField(max_length=40, unique=True, null=True, editable=False)  # noqa: DJ001

    class Meta:
        permissions = [
            # Granted explicitly (superusers too): privacy.selectors.staff_may_view_pii.
            (PII_PERMISSION_CODENAME, "Can view shoppers' personal data and photos (logged)"),
        ]

    def __str__(self) -> str:
        return f"Shopper #{self.pk}"


class ShopperPhoto(TimeStampedModel):
    """A photo of the shopper: canonical image and thumbnail, both encrypted in private storage."""

    shopper = models.ForeignKey(Shopper, on_delete=models.CASCADE, related_name="photos")
    blob_name = models.CharField(max_length=255, unique=True)
    thumbnail_blob_name = models.CharField(max_length=255, unique=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    key_id = models.CharField(max_length=255, help_text="Master key wrapping the data key.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(width__gt=0) & models.Q(height__gt=0),
                name="shopperphoto_positive_size",
            )
        ]

    def __str__(self) -> str:
        return f"Photo #{self.pk} of shopper #{self.shopper_id}"

    @property
    def expires_at(self) -> datetime:
        """When expiry deletes the photo (lifecycle.retention): PHOTO_RETENTION_DAYS after
        upload."""
        return self.created_at + timedelta(days=settings.PHOTO_RETENTION_DAYS)
