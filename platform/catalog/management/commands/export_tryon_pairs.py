"""Export the try-on training pairs of merchants who consented, in the "shop export" layout."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.services import tryon_training_pairs_export
from core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Write one training pair per garment (its first on-model photo and first product shot, "
        "by position) of every merchant with try-on training consent into DIR: manifest.jsonl, "
        "on_model/<id>.webp, product/<id>.webp and EXPORT.md, id = <merchant-slug>--<sku>. "
        "Catalogue categories map one to one onto the export's top, bottom, dress and outerwear. "
        "Images are copied unchanged from storage. Running it again into the same DIR rewrites "
        "the same files and removes images the new manifest does not list (e.g. of a merchant "
        "who withdrew consent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", required=True, type=Path, metavar="DIR", help="Folder to export into."
        )
        parser.add_argument(
            "--merchant",
            metavar="SLUG",
            help="Export only this merchant's garments; fails when it has not consented.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = tryon_training_pairs_export(
                out_dir=options["out"], merchant_slug=options["merchant"]
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Wrote {report.pairs_written} try-on training pairs to {report.out_dir}."
        )
        reasons = "; ".join(
            f"{count} {reason}" for reason, count in report.skipped_by_reason.items()
        )
        self.stdout.write(
            f"Skipped {len(report.skipped)} garments" + (f": {reasons}." if reasons else ".")
        )
        if report.files_removed:
            self.stdout.write(f"Removed {report.files_removed} images of an earlier export.")
        if options["verbosity"] >= 2:
            for skip in report.skipped:
                self.stdout.write(f"  skipped {skip.merchant_slug}--{skip.sku}: {skip.reason}")
