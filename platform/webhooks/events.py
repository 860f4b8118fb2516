"""The one vocabulary of webhook event types a merchant can subscribe to.

Adding a type here makes it selectable on endpoints; its payload is built in
``webhooks.payloads`` and documented in docs/webhooks.md.
"""

from django.db import models


class EventType(models.TextChoices):
    """Every event Fitting Room sends to merchants' endpoints (the ``type`` of a payload)."""

    TRYON_SUCCEEDED = "tryon.succeeded", "tryon.succeeded: a try-on picture is ready"
    TRYON_FAILED = "tryon.failed", "tryon.failed: a try-on picture could not be made"
    TRYON_CANCELLED = "tryon.cancelled", "tryon.cancelled: a shopper cancelled a try-on"
    IMPORT_FINISHED = "import.finished", "import.finished: a catalogue import finished"
    GARMENT_OUT_OF_STOCK = (
        "garment.out_of_stock",
        "garment.out_of_stock: a garment's last size sold out",
    )
    GARMENT_BACK_IN_STOCK = (
        "garment.back_in_stock",
        "garment.back_in_stock: a sold-out garment has stock again",
    )
    WEBHOOK_TEST = "webhook.test", "webhook.test: a test event sent from the admin"


#: The types an endpoint can subscribe to (the test event goes to the one endpoint it is for).
SUBSCRIBABLE = [choice for choice in EventType if choice != EventType.WEBHOOK_TEST]
