"""A shopper's copy of everything stored about them (their right of access and portability):
one ZIP of JSON files and decrypted pictures in formats anyone can open.

The ZIP is written to a file object the caller provides (the views give an unnamed temporary
file, deleted when closed, so no decrypted copy ever has a name on disk); pictures are
decrypted and converted one at a time, so memory holds one picture, not all of them.
"""

import io
import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from django.utils import timezone
from PIL import Image

from core.image_intake import decode_gate
from notifications.models import EmailNotification
from recommendations.models import Interaction, SuggestionSet
from shoppers.models import Shopper, ShopperPhoto
from shoppers.services import shopper_photo_read
from tryon.models import TryOnJob
from tryon.services import tryon_result_read

logger = logging.getLogger(__name__)

README = """Your data from Fitting Room, exported {exported_at} (UTC).

profile.json       your login name, name, e-mail address and e-mail choice
measurements.json  the body measurements and size you declared
photos.json        your photos: when you uploaded them and when they will be deleted
photos/            the photos themselves (JPEG)
tryons.json        every try-on you asked for: garment, outcome, times, its picture
tryons/            the try-on pictures (PNG)
interactions.json  the garments you viewed, tried on, liked or bought, and when
suggestions.json   the suggestions last made for you, and the body shape they assumed
emails.json        the e-mails we sent you about your try-ons (not their text)

Views of the last few seconds may be missing: page views are stored in batches.
"""


@dataclass(frozen=True)
class ExportSummary:
    """What went into an export, by kind."""

    photos: int
    tryon_pictures: int
    tryon_jobs: int
    interactions: int


def shopper_data_export_write(*, shopper: Shopper, destination: BinaryIO) -> ExportSummary:
    """Write the ZIP of everything stored about ``shopper`` to ``destination``.

    Only rows of this shopper are read (every query filters on them). Pictures are stored in
    the ZIP as is (already compressed), the JSON files deflated.
    """
    user = shopper.user
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt", README.format(exported_at=f"{timezone.now():%Y-%m-%d %H:%M}")
        )
        _json(
            archive,
            "profile.json",
            {
                "username": user.username,
                "display_name": shopper.display_name,
                "contact_email": shopper.contact_email,
                "email_notifications": shopper.email_notifications,
                "joined_at": _when(user.date_joined),
                "last_login": _when(user.last_login),
            },
        )
        _json(archive, "measurements.json", shopper.measurements or {})
        photos = _photos_write(archive, shopper)
        jobs, pictures = _tryons_write(archive, shopper)
        interactions = [
            {
                "kind": row.kind,
                "garment_id": row.garment_id,
                "garment": row.garment.name,
                "at": _when(row.created_at),
            }
            for row in Interaction.objects.filter(shopper=shopper)
            .select_related("garment")
            .order_by("created_at")
        ]
        _json(archive, "interactions.json", interactions)
        suggestions = SuggestionSet.objects.filter(shopper=shopper).first()
        _json(
            archive,
            "suggestions.json",
            None
            if suggestions is None
            else {
                "generated_at": _when(suggestions.generated_at),
                "body_shape": suggestions.body_shape,
                "body_shape_reason": suggestions.body_shape_reason,
                "notice": suggestions.notice,
                "items": suggestions.items,
            },
        )
        emails = [
            {
                "kind": row.kind,
                "status": row.status,
                "tryon": str(row.job.public_id),
                "created_at": _when(row.created_at),
            }
            for row in EmailNotification.objects.filter(job__shopper=shopper)
            .select_related("job")
            .order_by("created_at")
        ]
        _json(archive, "emails.json", emails)
    return ExportSummary(
        photos=photos, tryon_pictures=pictures, tryon_jobs=jobs, interactions=len(interactions)
    )


def _photos_write(archive: zipfile.ZipFile, shopper: Shopper) -> int:
    listing = []
    for photo in ShopperPhoto.objects.filter(shopper=shopper).order_by("created_at"):
        name = _picture_write(
            archive,
            f"photos/photo-{photo.pk}",
            shopper_photo_read(photo=photo),
            image_format="JPEG",
        )
        listing.append(
            {
                "id": photo.pk,
                "file": name,
                "uploaded_at": _when(photo.created_at),
                "deleted_automatically_at": _when(photo.expires_at),
                "width": photo.width,
                "height": photo.height,
            }
        )
    _json(archive, "photos.json", listing)
    return len(listing)


def _tryons_write(archive: zipfile.ZipFile, shopper: Shopper) -> tuple[int, int]:
    listing = []
    pictures = 0
    jobs = TryOnJob.objects.filter(shopper=shopper).select_related("garment__merchant")
    for job in jobs.order_by("created_at"):
        name = None
        if job.state == TryOnJob.State.SUCCEEDED and job.result_blob_name:
            name = _picture_write(
                archive, f"tryons/tryon-{job.public_id}", tryon_result_read(job=job), "PNG"
            )
            pictures += 1
        listing.append(
            {
                "id": str(job.public_id),
                "garment": {
                    "id": job.garment_id,
                    "sku": job.garment.sku,
                    "name": job.garment.name,
                    "shop": job.garment.merchant.name,
                },
                "photo_id": job.photo_id,
                "state": job.state,
                "stage": job.stage,
                "error_code": job.error_code,
                "error_message": job.error_message,
                "requested_at": _when(job.created_at),
                "started_at": _when(job.started_at),
                "finished_at": _when(job.finished_at),
                "deleted_automatically_at": _when(job.expires_at),
                "picture": name,
            }
        )
    _json(archive, "tryons.json", listing)
    return len(listing), pictures


def _picture_write(archive: zipfile.ZipFile, stem: str, content: bytes, image_format: str) -> str:
    """Convert a decrypted stored picture (WebP) to ``image_format`` and add it; its name.

    A picture that will not decode (never expected: we wrote it) goes in as stored, WebP,
    rather than failing the whole export.
    """
    buffer = io.BytesIO()
    try:
        with decode_gate().slot(), Image.open(io.BytesIO(content)) as image:
            converted = image.convert("RGB") if image_format == "JPEG" else image
            converted.save(buffer, format=image_format, quality=95)
        name, data = f"{stem}.{image_format.lower().replace('jpeg', 'jpg')}", buffer.getvalue()
    except (OSError, ValueError, SyntaxError):
        logger.warning("export: %s kept as stored (does not decode)", stem)
        name, data = f"{stem}.webp", content
    archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
    return name


def _json(archive: zipfile.ZipFile, name: str, data: Any) -> None:
    archive.writestr(name, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
