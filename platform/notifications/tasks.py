"""E-mail delivery task: retried with exponential backoff on SMTP, network or database faults."""

import smtplib

from celery import shared_task

from core.task_retry import TRANSIENT_DATABASE_ERRORS, DatabaseTask
from notifications.services import email_notification_deliver


@shared_task(
    base=DatabaseTask,
    name="storefront.notifications.send_email",
    # The shared database policy, plus mail server faults, on a slower schedule: a mail
    # server that refuses us is rarely back within seconds.
    autoretry_for=(
        *TRANSIENT_DATABASE_ERRORS,
        smtplib.SMTPException,
        ConnectionError,
        TimeoutError,
        OSError,
    ),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def email_notification_send(notification_id: int) -> None:
    """Deliver one owed e-mail."""
    email_notification_deliver(notification_id=notification_id)
