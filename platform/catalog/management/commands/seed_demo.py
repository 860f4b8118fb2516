"""Load the demo merchant, its synthetic catalogue, a demo shopper and an operator. Idempotent."""

import io
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalog.demo_catalogue import demo_catalogue_files
from catalog.models import Garment, Merchant, MerchantStaff
from catalog.services import catalog_import_run, merchant_staff_group_ensure
from shoppers.models import Shopper
from shoppers.services import shopper_sign_up


class Command(BaseCommand):
    help = "Create the demo merchant, catalogue (synthetic images) and logins."

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("FITTINGROOM_DEMO_PASSWORD")
        if not password:
            raise CommandError("Set FITTINGROOM_DEMO_PASSWORD (bin/up writes one to .env).")
        merchant, _ = Merchant.objects.get_or_create(
            slug="demo-atelier", defaults={"name": "Demo Atelier"}
        )
        staff_group = merchant_staff_group_ensure()
        user_model = get_user_model()
        with transaction.atomic():
            staff, _ = user_model.objects.get_or_create(
                username="demo-merchant", defaults={"is_staff": True}
            )
            staff.set_password(password)
            staff.save()
            staff.groups.add(staff_group)
            MerchantStaff.objects.get_or_create(user=staff, defaults={"merchant": merchant})
            operator, _ = user_model.objects.get_or_create(
                username="operator", defaults={"is_staff": True, "is_superuser": True}
            )
            operator.set_password(password)
            operator.save()
        if not Shopper.objects.filter(user__username="demo-shopper").exists():
            shopper_sign_up(username="demo-shopper", password=password, display_name="Demo Shopper")

        files = demo_catalogue_files()
        result = catalog_import_run(
            merchant=merchant,
            csv_file=_named(files.csv_bytes, "demo-catalogue.csv"),
            zip_file=_named(files.zip_bytes, "demo-images.zip"),
        )
        if result.errors:
            raise CommandError(f"The demo catalogue did not import cleanly: {result.errors[:3]}")
        Garment.objects.filter(merchant=merchant, sku__startswith="DEMO-").update(is_synthetic=True)
        self.stdout.write(
            f"Demo catalogue: {result.created_count} new, {result.updated_count} updated, "
            f"{result.unchanged_count} unchanged garments."
        )


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle
