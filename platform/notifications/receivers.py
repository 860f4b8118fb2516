"""A logout ends the live streams that session opened (issue 12, item 3): an open page must
not keep receiving a shopper's updates once its login is gone.

A receiver rather than a call in our logout views, because Django's own ``LogoutView`` and
the admin log out too; every path sends ``user_logged_out`` before the session is flushed.
"""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from core.live_events import live_close
from shoppers.models import Shopper


@receiver(user_logged_out, dispatch_uid="notifications.live_streams_close")
def live_streams_close(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Tell this session's open streams to end (other devices stay logged in, so theirs stay)."""
    if user is None or request is None or not request.session.session_key:
        return
    # After an erasure the shopper is gone; the erasure already closed every stream.
    shopper_id = Shopper.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    if shopper_id is not None:
        live_close(shopper_id=shopper_id, session_key=request.session.session_key)
