"""Reads of the merchant API, every one scoped to the calling merchant."""

from catalog.models import Merchant
from merchant_api.models import MerchantShopper
from merchant_api.services import external_id_digest
from shoppers.models import Shopper


def merchant_shopper_get(*, merchant: Merchant, external_id: str) -> Shopper | None:
    """``merchant``'s shopper known by ``external_id``; None for any other merchant's."""
    digest = external_id_digest(merchant=merchant, external_id=external_id)
    link = (
        MerchantShopper.objects.select_related("shopper")
        .filter(merchant=merchant, external_id_digest=digest)
        .first()
    )
    return link.shopper if link else None
