"""Reads of the merchant API, every one scoped to the calling merchant."""

from catalog.models import Merchant
from merchant_api.models import MerchantShopper, WidgetOrigin
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


def widget_origin_registered(*, origin: str, merchant: Merchant | None = None) -> bool:
    """Whether ``origin`` (as the browser sent it) runs the widget for ``merchant``, or, with
    no merchant, for any merchant (all a preflight, which carries no token, can ask)."""
    origins = WidgetOrigin.objects.filter(origin=origin.lower())
    if merchant is not None:
        origins = origins.filter(merchant=merchant)
    return origins.exists()
