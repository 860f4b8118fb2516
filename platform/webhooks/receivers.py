"""The merchant's webhook events, recorded when the domains announce a change.

Receivers rather than calls from the domains, so catalog and tryon never import the channel
above them. Each runs in the sender's transaction (``.send()``, not ``send_robust``): the
event rows commit or roll back with the change, and an error fails it as a direct call would.
"""

from django.dispatch import receiver

from catalog.models import CatalogImport, Garment
from catalog.signals import catalog_import_finished, garment_stock_changed
from tryon.models import TryOnJob
from tryon.signals import tryon_job_announced
from webhooks.services import (
    catalog_import_webhooks_emit,
    garment_stock_webhooks_emit,
    tryon_job_webhooks_emit,
)


@receiver(tryon_job_announced, sender=TryOnJob, dispatch_uid="webhooks.tryon_job_events")
def tryon_job_events(sender: type[TryOnJob], *, job: TryOnJob, **kwargs) -> None:
    """A job reached a final state: tryon.succeeded / .failed / .cancelled."""
    tryon_job_webhooks_emit(job=job)


@receiver(garment_stock_changed, sender=Garment, dispatch_uid="webhooks.garment_stock_events")
def garment_stock_events(
    sender: type[Garment], *, garment: Garment, stock_before: int | None, **kwargs
) -> None:
    """garment.out_of_stock / garment.back_in_stock, when the change is one of those."""
    garment_stock_webhooks_emit(garment=garment, stock_before=stock_before)


@receiver(
    catalog_import_finished, sender=CatalogImport, dispatch_uid="webhooks.catalog_import_events"
)
def catalog_import_events(
    sender: type[CatalogImport], *, catalog_import: CatalogImport, **kwargs
) -> None:
    """import.finished."""
    catalog_import_webhooks_emit(catalog_import=catalog_import)
