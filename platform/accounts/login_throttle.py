"""Login throttling hooks for django-axes: the lockout page and what its log lines say.

A locked-out client gets the login page it posted to (the shop's or the admin's), as it looks
on a fresh visit, with the lockout message where the page shows messages, and HTTP 429. Not a
bare text page: the person sees why the right password did not work and when to try again.
"""

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse


def lockout_response(request: HttpRequest, *_axes_args: Any) -> HttpResponse:
    """The login page of the view that was just refused, rendered as on a GET, with the
    lockout message; 429 Too Many Requests.

    django-axes calls this from its middleware once the view has run; the extra arguments
    (the original response, the credentials) differ between its sync and async paths, so
    nothing here depends on them.
    """
    message = settings.AXES_LOCKOUT_MESSAGE
    match = getattr(request, "resolver_match", None)
    if match is None or request.path.startswith("/api/"):
        return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    messages.error(request, message)
    # The login views render an empty form on GET; the posted form's "wrong password" error
    # would only mislead while even the right password is refused.
    request.method = "GET"
    response = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    response.status_code = 429
    return response


def client_str(
    username: str | None, ip_address: str | None, user_agent: str, path_info: str, request: Any
) -> str:
    """What django-axes logs about a login attempt: the path and a keyed digest of
    username and address (the same client gives the same digest, so lines can be followed),
    never the username or address themselves."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"{username or ''}\x00{ip_address or ''}".encode(),
        hashlib.sha256,
    ).hexdigest()[:16]
    return f"{{client: {digest}, path_info: {path_info!r}}}"
