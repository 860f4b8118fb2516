"""E-mail delivery task: retried with exponential backoff on SMTP or network faults."""

import smtplib

from celery import shared_task

from notifications.services import email_notification_deliver


@shared_task(
    name="storefront.notifications.send_email",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError, OSError),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def email_notification_send(notification_id: int) -> None:
    """Deliver one owed e-mail."""
    email_notification_deliver(notification_id=notification_id)
