"""Send every garment to the recommender again (after restoring a backup or a lost index)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.models import Garment
from catalog.recommender_feed import garment_publish


class Command(BaseCommand):
    help = "Re-publish the whole catalogue to the recommender queue."

    def handle(self, *args: Any, **options: Any) -> None:
        garments = Garment.objects.prefetch_related("sizes", "images")
        with transaction.atomic():
            for garment in garments.iterator(chunk_size=500):
                garment_publish(garment=garment)
        self.stdout.write(f"Published {garments.count()} garments to the recommender.")
