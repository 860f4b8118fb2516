"""How often one API key may call: a rate per key, counted in the shared cache (Redis)."""

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from merchant_api.authentication import MerchantClient


class PerKeyRateThrottle(SimpleRateThrottle):
    """``API_RATE_PER_KEY`` requests (e.g. ``"1200/min"``) per key; over it a 429 problem
    with ``Retry-After``. Keyed by the key's id, so one merchant's busy integration slows only
    itself, and every web process counts against the same total."""

    scope = "merchant_key"

    def get_rate(self) -> str:
        # Read per request (not from DRF's THROTTLE_RATES): the setting is ours, tests change it.
        return settings.API_RATE_PER_KEY

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        client = request.user
        if not isinstance(client, MerchantClient):
            return None  # refused by the permission check before any throttle runs
        return self.cache_format % {"scope": self.scope, "ident": client.key_id}
