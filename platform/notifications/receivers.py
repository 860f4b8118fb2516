"""What the notifications app does when others announce something.

A logout ends the live streams that session opened (issue 12, item 3): an open page must
not keep receiving a shopper's updates once its login is gone. A receiver rather than a call
in our logout views, because Django's own ``LogoutView`` and the admin log out too; every
path sends ``user_logged_out`` before the session is flushed.

A try-on job that ended owes its shopper an e-mail (``tryon.signals.tryon_job_announced``):
a receiver, so the try-on domain never imports the channel above it.
"""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from core.live_events import live_close
from notifications.services import tryon_failed_email_queue, tryon_ready_email_queue
from shoppers.models import Shopper
from tryon.models import TryOnJob
from tryon.signals import tryon_job_announced


@receiver(user_logged_out, dispatch_uid="notifications.live_streams_close")
def live_streams_close(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Tell this session's open streams to end (other devices stay logged in, so theirs stay)."""
    if user is None or request is None or not request.session.session_key:
        return
    # After an erasure the shopper is gone; the erasure already closed every stream.
    shopper_id = Shopper.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    if shopper_id is not None:
        live_close(shopper_id=shopper_id, session_key=request.session.session_key)


@receiver(tryon_job_announced, sender=TryOnJob, dispatch_uid="notifications.tryon_job_emails")
def tryon_job_emails(sender: type[TryOnJob], *, job: TryOnJob, **kwargs) -> None:
    """Owe the shopper the e-mail of a job that succeeded or failed (if they asked for e-mail),
    in the job's transaction; it is sent after the commit."""
    if job.state == TryOnJob.State.SUCCEEDED:
        tryon_ready_email_queue(job=job)
    elif job.state == TryOnJob.State.FAILED:
        # A cancelled job is the shopper's own doing; a failed one they are waiting to hear of.
        tryon_failed_email_queue(job=job)
