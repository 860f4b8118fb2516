"""Re-encrypt stored personal data under the first key of FITTINGROOM_ENCRYPTION_KEYS."""

from typing import Any

from django.core.management.base import BaseCommand

from lifecycle.services import encryption_keys_rotate


class Command(BaseCommand):
    help = "Move all encrypted values and blobs onto the primary encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        report = encryption_keys_rotate()
        self.stdout.write(
            f"Re-encrypted {report.shoppers} shopper profiles and the secrets of "
            f"{report.webhook_endpoints} webhook endpoints; re-wrapped "
            f"{report.blobs_rewrapped} blobs."
        )
