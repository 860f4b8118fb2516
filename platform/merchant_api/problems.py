"""Errors as problem details (RFC 9457): ``application/problem+json`` with a code and fields.

Every error of the API has the same shape, so a merchant's client handles them in one place::

    {"type": "urn:fitting-room:problem:invalid", "title": "Invalid input", "status": 400,
     "detail": "2 fields are not valid.", "code": "invalid", "instance": "/api/v1/garments/",
     "errors": [{"field": "sizes.0.label", "code": "invalid_choice", "message": "..."}]}
"""

from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.exceptions import ApplicationError
from core.rate_limits import RateLimited

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemJSONRenderer(JSONRenderer):
    """Renders error bodies; negotiated for clients that accept problem+json or JSON."""

    media_type = PROBLEM_CONTENT_TYPE


def problem_type(code: str) -> str:
    """The stable URI naming a kind of problem (documented in the API guide)."""
    return f"urn:fitting-room:problem:{code}"


def problem_response(
    *,
    status_code: int,
    code: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    instance: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem-details response (the renderer and content type are set by the caller's view)."""
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def field_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Flatten DRF's nested validation detail into ``[{field, code, message}]``."""
    if isinstance(detail, dict):
        out: list[dict[str, str]] = []
        for name, value in detail.items():
            # str(): a list serializer keys its items' errors by index, and index 0 is falsy.
            field = str(name) if name != "non_field_errors" else ""
            out += field_errors(value, f"{prefix}.{field}" if prefix and field else prefix or field)
        return out
    if isinstance(detail, list):
        out = []
        for index, item in enumerate(detail):
            if isinstance(item, dict | list) and not isinstance(item, exceptions.ErrorDetail):
                out += field_errors(item, f"{prefix}.{index}" if prefix else str(index))
            else:
                out += field_errors(item, prefix)
        return out
    code = getattr(detail, "code", "invalid")
    return [{"field": prefix, "code": str(code), "message": str(detail)}]


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler for ``/api/v1/``: every known error as problem details."""
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, RateLimited):
        return problem_response(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            code=exc.code,
            detail=exc.message,
            instance=instance,
            headers={"Retry-After": str(exc.retry_after_s)},
        )
    if isinstance(exc, ApplicationError):
        field = exc.extra.get("field", "")
        errors = [{"field": field, "code": exc.code, "message": exc.message}] if field else None
        return problem_response(
            status_code=int(exc.extra.get("status", status.HTTP_400_BAD_REQUEST)),
            code=exc.code,
            detail=exc.message,
            errors=errors,
            instance=instance,
        )
    if isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        count = len(errors)
        detail = errors[0]["message"] if count == 1 else f"{count} fields are not valid."
        return problem_response(
            status_code=exc.status_code,
            code="invalid",
            detail=detail,
            errors=errors,
            instance=instance,
        )
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        return problem_response(
            status_code=exc.status_code,
            code=_code_of(exc),
            detail=str(exc.detail),
            instance=instance,
            headers=headers,
        )
    return None


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code
