"""The base of the try-on widget's endpoints (``/api/v1/widget/``): a widget-session token
instead of an API key, scoped to exactly one shopper of one merchant, from a registered origin.

The widget runs in the shopper's browser on the merchant's page, so it never holds an API key:
the merchant's server mints a token (``POST /api/v1/shoppers/{id}/widget-sessions/``) and the
page passes it to the widget, which sends it as ``Authorization: Bearer <token>``. These views
act for that shopper only (their URLs carry no shopper id to try), and only for a browser on an
origin the token's merchant registered (``WidgetOrigin``): a token copied to another site is
refused there even where CORS would not stop a script.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from catalog.models import Merchant
from core.exceptions import ApplicationError
from core.rate_limits import rate_limit_consume
from merchant_api.endpoint import MerchantEndpoint
from merchant_api.selectors import widget_origin_registered
from merchant_api.widget_sessions import widget_session_verify
from shoppers.models import Shopper

# The widget's answers are data for a script, never a document: nothing in them may run or load.
WIDGET_RESPONSE_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"


@dataclass(frozen=True)
class WidgetClient:
    """``request.user`` on the widget's endpoints: one shopper of one merchant."""

    merchant: Merchant
    shopper: Shopper

    is_authenticated = True
    is_anonymous = False


class WidgetSessionAuthentication(BaseAuthentication):
    """``Authorization: Bearer <widget-session token>`` from an origin the token's merchant
    registered; anything else is refused (401 for the token, 403 for the origin)."""

    def authenticate(self, request: Request) -> tuple[WidgetClient, str] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("The Authorization header must be 'Bearer <token>'.")
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("This is not a valid widget session token.") from None
        session = widget_session_verify(token)
        origin = request.headers.get("Origin", "")
        if not origin or not widget_origin_registered(origin=origin, merchant=session.merchant):
            raise ApplicationError(
                f"The widget is not enabled on {origin or 'this page'}: the shop must register "
                "this origin (Merchant API > Widget origins) before it can use the widget here.",
                code="origin_not_allowed",
                extra={"status": 403},
            )
        return WidgetClient(merchant=session.merchant, shopper=session.shopper), token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="widget"'


class HasWidgetSession(BasePermission):
    message = (
        "The widget needs a widget session token (Authorization: Bearer <token>) that the "
        "shop's server asked for with POST /api/v1/shoppers/{id}/widget-sessions/."
    )

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.user, WidgetClient)


class PerWidgetShopperThrottle(SimpleRateThrottle):
    """The per-key request rate (``API_RATE_PER_KEY``), here per shopper of the widget."""

    scope = "widget_shopper"

    def get_rate(self) -> str:
        return settings.API_RATE_PER_KEY

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        client = request.user
        if not isinstance(client, WidgetClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.shopper.pk}


class WidgetEndpoint(MerchantEndpoint):
    """A widget view: ``self.merchant`` and ``self.shopper`` come from the token. No
    ``Idempotency-Key`` (a browser cannot send it past CORS; the widget never retries a POST
    by itself). Problem details as everywhere in the API."""

    authentication_classes = [WidgetSessionAuthentication]
    permission_classes = [HasWidgetSession]
    throttle_classes = [PerWidgetShopperThrottle]

    @property
    def merchant(self) -> Merchant:
        return self._client.merchant

    @property
    def shopper(self) -> Shopper:
        return self._client.shopper

    @property
    def _client(self) -> WidgetClient:
        client = self.request.user
        if not isinstance(client, WidgetClient):  # the permission makes this unreachable
            raise NotAuthenticated()
        return client

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        APIView.initial(self, request, *args, **kwargs)  # MerchantEndpoint's adds idempotency
        self.subject_shopper = self.shopper

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = WIDGET_RESPONSE_CSP
        response.setdefault("Cache-Control", "private, no-store")
        return response

    def count_action(self, action: str) -> None:
        """Count a costly ``action`` against the shopper's own limits and, per address, the
        shopper's device (the same limits as our pages)."""
        rate_limit_consume(
            action=action,
            user_id=self.shopper.user_id,
            address=self.request.META.get("REMOTE_ADDR", ""),
        )


class WidgetSessionScheme(OpenApiAuthenticationExtension):
    target_class = "merchant_api.widget_endpoint.WidgetSessionAuthentication"
    name = "widgetSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A widget session token (POST /api/v1/shoppers/{id}/widget-sessions/), sent "
                "by the widget from an origin the merchant registered. Acts for that one "
                "shopper only."
            ),
        }
