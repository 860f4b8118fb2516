"""Abstract model bases shared by the domain apps, and the outbox of messages for workers."""

from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    """Adds creation and last-change timestamps."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboxMessage(models.Model):
    """A message for a worker's queue, recorded in the transaction of the change it announces
    and deleted once Redis took it (``core.queue_send``).

    Kept while Redis is down, and sent again, oldest first, by the sweep: a lost ``Forget``
    would leave an erased shopper's profile in the recommender. The payload is the message's
    ``to_dict()`` (pseudonyms and sealed fields, as on the queue), never shown or logged.
    """

    task = models.CharField(max_length=100)
    queue = models.CharField(max_length=100)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)

    class Meta:
        # The primary key is the sending order: older rows go first.
        ordering = ["pk"]
        verbose_name = "outbox message"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(task="") & ~models.Q(queue=""),
                name="outboxmessage_names_task_and_queue",
            ),
            # A message that failed says why (the admin shows it to the operator).
            models.CheckConstraint(
                condition=models.Q(attempts=0) | ~models.Q(last_error=""),
                name="outboxmessage_failure_has_error",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} on {self.queue} ({self.attempts} failed attempts)"
