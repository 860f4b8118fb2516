"""Erase a shopper and everything about them, or finish the file deletions of past erasures."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError
from lifecycle.services import erasure_blobs_retry, shopper_erase
from privacy.models import ErasureRecord
from privacy.selectors import erasure_record_for
from shoppers.models import Shopper


class Command(BaseCommand):
    help = (
        "Erase a shopper (by shopper id: e-mail addresses are encrypted and cannot be looked "
        "up) with their photos, try-ons, suggestions, history, recommender profile and login."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--id", type=int, dest="shopper_id", help="The shopper's id.")
        parser.add_argument(
            "--by", default="", help="Username of the staff member who asked for it (recorded)."
        )
        parser.add_argument(
            "--retry-files",
            action="store_true",
            help="Delete the stored files that earlier erasures could not delete yet.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retry_files"]:
            left = erasure_blobs_retry()
            self.stdout.write(f"Files still to delete after retrying: {left}.")
            if options["shopper_id"] is None:
                return
        if options["shopper_id"] is None:
            raise CommandError("Give --id SHOPPER_ID (or --retry-files).")
        staff = None
        if options["by"]:
            staff = get_user_model().objects.filter(username=options["by"], is_staff=True).first()
            if staff is None:
                raise CommandError(f"No staff user {options['by']!r}.")
        shopper_id = options["shopper_id"]
        shopper = Shopper.objects.filter(pk=shopper_id).first()
        record = None
        if shopper is not None:
            try:
                record = shopper_erase(
                    shopper=shopper, channel=ErasureRecord.Channel.COMMAND, requested_by=staff
                )
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
        if record is None:
            # Running it twice is harmless: the second run finds nothing and says why.
            earlier = erasure_record_for(shopper_id=shopper_id)
            why = (
                f"erased on {earlier.created_at:%Y-%m-%d %H:%M} UTC (erasure record {earlier.pk})"
                if earlier is not None
                else "it never existed"
            )
            self.stdout.write(f"Nothing to erase: no shopper #{shopper_id}; {why}.")
            return
        deleted = ", ".join(f"{count} {kind}" for kind, count in record.counts.items())
        self.stdout.write(f"Erased shopper #{shopper_id} (erasure record {record.pk}): {deleted}.")
