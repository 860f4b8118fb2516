"""OpenAPI for ``/api/v1/``: the key scheme, and only the merchant API's paths."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from merchant_api.problems import PROBLEM_CONTENT_TYPE


class MerchantApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "merchant_api.authentication.MerchantApiKeyAuthentication"
    name = "merchantApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A merchant API key from the admin (Merchant API keys), sent as "
                "`Authorization: Bearer <key>`. Read-scoped keys may only GET."
            ),
        }


def only_merchant_api(endpoints: list[tuple], **kwargs: Any) -> list[tuple]:
    """Preprocessing hook: our own pages' session-authenticated JSON is not part of the API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class ProblemErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field at fault (dotted path; '' for the body).")
    code = serializers.CharField()
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """The shape of every error (RFC 9457 problem details), for the schema only."""

    type = serializers.CharField(help_text="urn:fitting-room:problem:<code>")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, for a developer to read.")
    code = serializers.CharField(help_text="Stable machine-readable code.")
    instance = serializers.CharField(required=False, help_text="The request's path.")
    errors = ProblemErrorSerializer(many=True, required=False)


_PROBLEM_DESCRIPTIONS = {
    400: "Invalid input: each field at fault is listed in `errors`.",
    401: "No API key, or a key that is invalid, revoked or expired.",
    403: "The key's scope does not allow this (read keys only GET).",
    404: "No such resource for this merchant (another merchant's ids are unknown here).",
    409: "Conflicts with the current state, or a request with this Idempotency-Key is running.",
    413: "The upload is too large.",
    422: "This Idempotency-Key was already used for a different request.",
    429: "Over a limit; `Retry-After` says how many seconds to wait.",
}


def problems(*statuses: int) -> dict[tuple[int, str], OpenApiResponse]:
    """Schema responses for these error statuses (401 and 403 are always added), each a
    problem-details body: merge into an ``extend_schema(responses=...)`` dict."""
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            ProblemSerializer, description=_PROBLEM_DESCRIPTIONS.get(code, "")
        )
        for code in sorted({401, 403, *statuses})
    }
