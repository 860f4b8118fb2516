"""Map ApplicationError (and DRF's own errors) to one response shape: {message, code, extra}."""

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.exceptions import ApplicationError


def application_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler giving every error the same body."""
    if isinstance(exc, ApplicationError):
        return Response(
            {"message": exc.message, "code": exc.code, "extra": exc.extra},
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(detail, dict) and "detail" in detail:
        response.data = {"message": str(detail["detail"]), "code": "error", "extra": {}}
    else:
        response.data = {
            "message": "Invalid input.",
            "code": "invalid",
            "extra": {"fields": detail},
        }
    return response
