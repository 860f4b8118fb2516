"""``/api/v1/shoppers/{shopper_id}/widget-sessions/``: a short-lived token for the browser.

The embeddable widget runs on the merchant's page, where an API key must never be: the
merchant's server asks for a token scoped to one shopper and passes it to the page.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from merchant_api.endpoint import MerchantEndpoint
from merchant_api.resources.shoppers import shopper_or_404
from merchant_api.schema import problems
from merchant_api.widget_sessions import WIDGET_SESSION_TTL_S, widget_session_issue


class WidgetSessionOutput(serializers.Serializer):
    token = serializers.CharField(help_text="Give it to the widget; it acts for this shopper only.")
    shopper_id = serializers.CharField()
    expires_at = serializers.DateTimeField()
    expires_in = serializers.IntegerField(help_text="Seconds from now.")


class WidgetSessionListApi(MerchantEndpoint):
    @extend_schema(
        operation_id="shopper_widget_sessions_create",
        request=None,
        responses={201: WidgetSessionOutput, **problems(404, 409, 422)},
        summary="A short-lived token for the try-on widget, scoped to this shopper",
        description=(
            f"Valid for {WIDGET_SESSION_TTL_S // 60} minutes; ask for a new one per page "
            "view. Never put an API key in a web page: this token is what the browser gets."
        ),
    )
    def post(self, request: Request, shopper_id: str) -> Response:
        shopper = shopper_or_404(self, shopper_id)
        token, expires_at = widget_session_issue(merchant=self.merchant, shopper=shopper)
        body = {
            "token": token,
            "shopper_id": shopper_id,
            "expires_at": expires_at,
            "expires_in": WIDGET_SESSION_TTL_S,
        }
        return Response(WidgetSessionOutput(body).data, status=status.HTTP_201_CREATED)
