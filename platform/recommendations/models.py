"""What shoppers did with garments, and the suggestions the recommender last computed."""

from django.db import models
from django.utils import timezone

from catalog.models import Garment
from core.models import TimeStampedModel
from shoppers.models import Shopper


class Interaction(models.Model):
    """A shopper viewed, tried on, liked, put in the basket, bought or returned a garment
    (feeds taste and popularity)."""

    class Kind(models.TextChoices):
        """The recommender's ``messages.InteractionKind``, the same values (a test checks)."""

        VIEW = "view", "Viewed"
        TRYON = "tryon", "Tried on"
        LIKE = "like", "Liked"
        ADD_TO_CART = "add_to_cart", "Added to cart"
        PURCHASE = "purchase", "Bought"
        RETURN = "return", "Returned"

    shopper = models.ForeignKey(Shopper, on_delete=models.CASCADE, related_name="interactions")
    garment = models.ForeignKey(Garment, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # When it happened, not when it was stored: page views are written in batches, later.
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["garment", "kind"], name="interaction_garment_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.garment_id} by shopper {self.shopper_id}"


class SuggestionSet(TimeStampedModel):
    """The latest ranked suggestions for one shopper, as the recommender sent them."""

    shopper = models.OneToOneField(Shopper, on_delete=models.CASCADE, related_name="suggestions")
    items = models.JSONField(default=list)  # [{garment_id, score, size, reasons}]
    body_shape = models.CharField(max_length=32, blank=True)
    body_shape_reason = models.TextField(blank=True)
    strategy = models.CharField(max_length=16, blank=True)
    notice = models.TextField(blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Suggestions for shopper {self.shopper_id}"
