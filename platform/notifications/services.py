"""Telling shoppers by e-mail (live events on their open pages are ``core.live_events``)."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notifications.models import EmailNotification

logger = logging.getLogger(__name__)


#: The kinds of e-mail a try-on job can owe its shopper (EmailNotification.kind).
EMAIL_TRYON_READY = "tryon_ready"
EMAIL_TRYON_FAILED = "tryon_failed"


def tryon_ready_email_queue(*, job) -> EmailNotification | None:
    """Owe the shopper one "your picture is ready" e-mail, if they asked for it."""
    return _email_queue(job=job, kind=EMAIL_TRYON_READY)


def tryon_failed_email_queue(*, job) -> EmailNotification | None:
    """Owe the shopper one "your picture could not be made" e-mail, if they asked for e-mail:
    someone waiting for a picture must hear that it is not coming, and why."""
    return _email_queue(job=job, kind=EMAIL_TRYON_FAILED)


def _email_queue(*, job, kind: str) -> EmailNotification | None:
    """Record the owed e-mail (once per job and kind) and send it from a Celery task after
    commit, so a rolled-back job never mails and a mail server fault is retried, not lost."""
    shopper = job.shopper
    if not (shopper.email_notifications and shopper.contact_email):
        return None
    notification, created = EmailNotification.objects.get_or_create(job=job, kind=kind)
    if created:
        from notifications.tasks import email_notification_send

        notification_id = notification.pk
        transaction.on_commit(lambda: email_notification_send.delay(notification_id))
    return notification


_SUBJECTS = {
    EMAIL_TRYON_READY: "Your try-on of {garment} is ready",
    EMAIL_TRYON_FAILED: "Your try-on of {garment} could not be made",
}


def email_notification_deliver(*, notification_id: int) -> None:
    """Send a pending e-mail; a sent one is never sent again."""
    with transaction.atomic():
        notification = (
            EmailNotification.objects.select_for_update()
            .select_related("job__shopper", "job__garment")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:  # the job (or the whole shopper) was deleted since
            logger.info("e-mail %s no longer owed", notification_id)
            return
        if notification.status == EmailNotification.Status.SENT:
            return
        notification.attempts += 1
        notification.save(update_fields=["attempts", "updated_at"])
    job = notification.job
    link = settings.FITTINGROOM_BASE_URL.rstrip("/") + reverse(
        "tryon:job_detail", args=[job.public_id]
    )
    context = {
        "garment": job.garment.name,
        "link": link,
        "name": job.shopper.display_name,
        # The job's own message is the reason and the advice the shopper also sees on the
        # page (e.g. "We couldn't find a person in this photo."); it names no one.
        "reason": job.error_message,
    }
    kind = notification.kind if notification.kind in _SUBJECTS else EMAIL_TRYON_READY
    # The text part's template turns autoescaping off (a garment named `Jeans 32" & Co` must
    # not arrive as `&quot;` and `&amp;`); the HTML part keeps Django's escaping, since there
    # the same characters would be markup.
    message = EmailMultiAlternatives(
        subject=_SUBJECTS[kind].format(garment=job.garment.name),
        body=render_to_string(f"notifications/{kind}.txt", context),
        to=[job.shopper.contact_email],
    )
    message.attach_alternative(render_to_string(f"notifications/{kind}.html", context), "text/html")
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        EmailNotification.objects.filter(pk=notification_id).update(last_error=str(exc)[:1000])
        raise
    EmailNotification.objects.filter(pk=notification_id).update(
        status=EmailNotification.Status.SENT, sent_at=timezone.now(), last_error=""
    )
