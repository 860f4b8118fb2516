"""What a key may do: read-scoped keys read, write-scoped keys read and write."""

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from merchant_api.authentication import MerchantClient


class HasMerchantKey(BasePermission):
    """A valid merchant key; unsafe methods need a write-scoped one."""

    message = "This endpoint needs a merchant API key (Authorization: Bearer <key>)."

    def has_permission(self, request: Request, view: APIView) -> bool:
        client = request.user
        if not isinstance(client, MerchantClient):
            return False
        if request.method in SAFE_METHODS:
            return True
        if not client.can_write:
            self.message = "This API key is read-only; use a key with the write scope."
            return False
        return True
