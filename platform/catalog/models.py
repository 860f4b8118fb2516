"""Merchants and their garments: sizes with a size chart in centimetres, images, imports."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from catalog.validators import SKU_SAFE_PATTERN, sku_validate
from core.models import TimeStampedModel

# Accepted size labels, in the order a size picker shows them.
SIZE_LABELS = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL")


class Merchant(TimeStampedModel):
    """A shop selling through the platform."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    tryon_training_consent = models.BooleanField(
        "try-on training consent",
        default=False,
        help_text=(
            "The merchant agrees that their garment images (on-model photos and product shots) "
            "may be used to train the try-on model. The images stay the merchant's property."
        ),
    )
    tryon_training_consent_at = models.DateTimeField(
        "try-on training consent given at",
        null=True,
        blank=True,
        help_text="When the consent was given; empty while there is none.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            # A consent without its date (or a date without consent) could not be audited.
            models.CheckConstraint(
                condition=models.Q(
                    tryon_training_consent=True, tryon_training_consent_at__isnull=False
                )
                | models.Q(tryon_training_consent=False, tryon_training_consent_at__isnull=True),
                name="merchant_training_consent_dated",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MerchantStaff(models.Model):
    """A login that works for one merchant; it sees and edits only that merchant's catalogue."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merchant_staff"
    )
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="staff")

    class Meta:
        verbose_name_plural = "merchant staff"

    def __str__(self) -> str:
        return f"{self.user} @ {self.merchant}"


class Category(models.TextChoices):
    TOP = "top", "Tops"
    BOTTOM = "bottom", "Bottoms"
    DRESS = "dress", "Dresses"
    OUTERWEAR = "outerwear", "Outerwear"


class Garment(TimeStampedModel):
    """One product. Stock is held per size; the SKU is unique within its merchant."""

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="garments")
    sku = models.CharField(
        "SKU",
        max_length=64,
        validators=[sku_validate],
        help_text="It names the garment's image files: no / \\ : * ? \" < > |, no control "
        "characters, no dot at either end.",
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    colour = models.CharField(max_length=64, blank=True)
    material = models.CharField(max_length=120, blank=True)
    style_tags = models.JSONField(default=list, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    is_active = models.BooleanField(default=True)
    is_synthetic = models.BooleanField(
        default=False, help_text="Demo data: images drawn by the platform, not photographed."
    )

    class Meta:
        ordering = ["merchant", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "sku"], name="garment_sku_unique_per_merchant"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=Decimal("0")), name="garment_price_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=[c.value for c in Category]),
                name="garment_category_known",
            ),
            # The validator's rule (as far as a regex on both databases says it) for writes
            # that skip full_clean: bulk updates, raw SQL.
            models.CheckConstraint(
                condition=models.Q(sku__regex=SKU_SAFE_PATTERN),
                name="garment_sku_file_name_safe",
                violation_error_message="This SKU cannot be used in a file name: no slashes, "
                "colons, control characters or leading or trailing dots.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    @property
    def total_stock(self) -> int:
        return sum(size.stock for size in self.sizes.all())


class GarmentSize(models.Model):
    """A size of a garment: its body measurements in centimetres and its stock."""

    garment = models.ForeignKey(Garment, on_delete=models.CASCADE, related_name="sizes")
    label = models.CharField(max_length=8, choices=[(s, s) for s in SIZE_LABELS])
    position = models.PositiveSmallIntegerField(default=0, editable=False)
    chest_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    waist_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    hips_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    length_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    stock = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["garment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["garment", "label"], name="garment_size_unique"),
            models.CheckConstraint(
                condition=models.Q(label__in=list(SIZE_LABELS)), name="garment_size_label_known"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        # Derived ordering key, not business logic: keeps XS < S < M whatever the insert order.
        self.position = SIZE_LABELS.index(self.label) if self.label in SIZE_LABELS else 99
        super().save(*args, **kwargs)


class GarmentImage(TimeStampedModel):
    """A cleaned image of a garment (canonical WebP plus thumbnails) in public storage."""

    class Role(models.TextChoices):
        PRODUCT = "product", "Product shot"
        ON_MODEL = "on_model", "On a model"

    garment = models.ForeignKey(Garment, on_delete=models.CASCADE, related_name="images")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PRODUCT)
    position = models.PositiveSmallIntegerField(default=0)
    image = models.ImageField(upload_to="garments/", width_field="width", height_field="height")
    thumbnail_small = models.ImageField(upload_to="garments/thumbs/")
    thumbnail_medium = models.ImageField(upload_to="garments/thumbs/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    source_sha256 = models.CharField(
        max_length=64, help_text="Hash of the uploaded file, so a re-import changes nothing."
    )

    class Meta:
        ordering = ["garment", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["garment", "source_sha256"], name="garment_image_unique_source"
            )
        ]

    def __str__(self) -> str:
        return f"Image {self.position} of {self.garment.sku}"


class CatalogImport(TimeStampedModel):
    """One bulk import: who ran it, what it changed and every row it refused, kept for audit.

    The admin runs an import while the merchant waits (it is saved finished); the API queues
    it (the uploaded files wait, encrypted, in private storage until a worker has run it).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="imports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    csv_name = models.CharField(max_length=255)
    zip_name = models.CharField(max_length=255, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    failure = models.TextField(
        blank=True, help_text="Why a failed import stopped (rows refused are in errors)."
    )
    # Storage names of the encrypted uploads while the import waits for its worker; emptied
    # (and the files deleted) once it has finished or failed.
    csv_blob = models.CharField(max_length=255, blank=True)
    zip_blob = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "finished", "failed"]),
                name="catalog_import_status_known",
            )
        ]

    def __str__(self) -> str:
        return f"Import {self.csv_name} ({self.created_at:%Y-%m-%d %H:%M})"
