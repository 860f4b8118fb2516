"""CORS for the widget's endpoints: django-cors-headers asks here whether an origin may call.

Settings restrict CORS to ``/api/v1/widget/`` and list no origin of their own; an origin is
allowed when some merchant registered it (a preflight carries no token, so it cannot say
which merchant). The request itself is then refused unless its token's merchant registered
that origin (``widget_endpoint.WidgetSessionAuthentication``).
"""

from django.http import HttpRequest

from merchant_api.selectors import widget_origin_registered

WIDGET_PATH_PREFIX = "/api/v1/widget/"


def widget_cors_allowed(sender: object, request: HttpRequest, **kwargs: object) -> bool:
    """``corsheaders.signals.check_request_enabled`` receiver."""
    origin = request.headers.get("Origin", "")
    return request.path.startswith(WIDGET_PATH_PREFIX) and widget_origin_registered(origin=origin)
