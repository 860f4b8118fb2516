"""E-mail delivery task: retried with exponential backoff on SMTP, network or database faults."""

from celery import shared_task

from core.task_retry import MAIL_TASK_RETRY
from notifications.services import email_notification_deliver


@shared_task(name="storefront.notifications.send_email", **MAIL_TASK_RETRY)
def email_notification_send(notification_id: int) -> None:
    """Deliver one owed e-mail."""
    email_notification_deliver(notification_id=notification_id)
