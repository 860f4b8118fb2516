"""OpenAPI for ``/api/v1/``: the key scheme, and only the merchant API's paths."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
