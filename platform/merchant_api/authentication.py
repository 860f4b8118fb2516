"""Who is calling: a merchant's API key from the ``Authorization: Bearer`` header."""

from dataclasses import dataclass

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from catalog.models import Merchant
from merchant_api.models import KeyScope, MerchantApiKey


@dataclass(frozen=True)
class MerchantClient:
    """The authenticated caller: a merchant acting through one of its keys.

    Stands in for ``request.user`` in the API; it is not a Django user and has no
    permissions of its own beyond the key's scope.
    """

    merchant: Merchant
    key_id: str
    scope: str

    is_authenticated = True
    is_anonymous = False

    @property
    def can_write(self) -> bool:
        return self.scope == KeyScope.WRITE


class MerchantApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer <key>``; a missing header leaves the request anonymous."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[MerchantClient, MerchantApiKey] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(
                "The Authorization header must be 'Bearer <API key>', with no spaces in the key."
            )
        try:
            key = parts[1].decode("ascii")
            api_key = MerchantApiKey.objects.get_from_key(key)
        except (UnicodeDecodeError, MerchantApiKey.DoesNotExist):
            raise AuthenticationFailed("This API key is not valid or has been revoked.") from None
        if api_key.has_expired:
            raise AuthenticationFailed("This API key has expired; use the key that replaced it.")
        # At most one write a minute per key: enough to show staff which keys are in use.
        now = timezone.now()
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            MerchantApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        client = MerchantClient(merchant=api_key.merchant, key_id=api_key.pk, scope=api_key.scope)
        return client, api_key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
