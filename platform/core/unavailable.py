"""503 instead of 500 while the database or Redis is briefly out of reach.

A Postgres restart cuts every connection, a Redis restart refuses them for a moment, and on
the embedded SQLite a write may wait past the busy timeout: the request cannot be served,
but nothing is wrong with it. The shopper gets a short page (JSON under /api/) saying to try
again in a few seconds, with ``Retry-After``, instead of a server error; the fault suite
(bench/fault_suite.py) restarts both under load. Any other database error (a missing table,
a broken query) stays a 500: that one is a bug.
"""

import logging
import sqlite3
from collections.abc import Callable

import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 5
MESSAGE = "The shop is briefly unavailable. Please try again in a few seconds."
#: Postgres SQLSTATEs of a server shutting down or starting up (class 57: operator intervention).
UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03"}


def service_unavailable(exc: BaseException) -> bool:
    """True for an error that says the database or Redis is out of reach for now."""
    if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return True
    if isinstance(exc, InterfaceError):  # a connection the server already closed
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        return "database is locked" in str(cause)
    sqlstate = getattr(cause, "sqlstate", None)
    # psycopg: no SQLSTATE at all means the connection itself failed (refused, closed).
    return sqlstate in UNAVAILABLE_SQLSTATES or (cause is not None and sqlstate is None)


class ServiceUnavailableMiddleware:
    """Answer 503 with Retry-After for a view that met an unreachable database or Redis."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        """The 503 for an outage; None (the usual 500) for anything else."""
        if not service_unavailable(exc):
            return None
        logger.warning("503 for %s %s: %s", request.method, request.path, exc)
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"detail": MESSAGE, "code": "unavailable"}, status=503
            )
        else:
            # A page of its own, not base.html: that one reads the session and the shopper,
            # which is what just failed.
            page = render_to_string("core/unavailable.html", {"message": MESSAGE})
            response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response
