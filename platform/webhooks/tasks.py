"""Webhook tasks on the storefront's default queue: deliver, sweep, tell a merchant. Thin."""

from celery import shared_task

from contracts.queues import WEBHOOKS_SWEEP_TASK
from core.task_retry import MAIL_TASK_RETRY, DatabaseTask
from webhooks.services import (
    deliveries_due_dispatch,
    delivery_attempt,
    endpoint_disabled_notice_deliver,
)


@shared_task(base=DatabaseTask, name="storefront.webhooks.deliver")
def webhook_deliver(delivery_id: int, seq: int) -> None:
    """One attempt of one delivery; the service schedules the next one if needed."""
    delivery_attempt(delivery_id=delivery_id, seq=seq)


@shared_task(base=DatabaseTask, name=WEBHOOKS_SWEEP_TASK)
def webhooks_sweep() -> int:
    """Periodic: send deliveries whose long backoff is over or whose message was lost."""
    return deliveries_due_dispatch()


@shared_task(name="storefront.webhooks.disabled_notice", **MAIL_TASK_RETRY)
def webhook_disabled_notice(endpoint_id: int) -> int:
    """Tell the merchant's staff by e-mail that an endpoint was disabled."""
    return endpoint_disabled_notice_deliver(endpoint_id=endpoint_id)
