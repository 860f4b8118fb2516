"""Privacy operations over stored data: re-encrypting everything under the newest key."""

import logging
from dataclasses import dataclass

from django.db import transaction

from privacy.keyring import active_keyring
from privacy.sealed_files import sealed_file_key_id, sealed_file_rewrap
from shoppers.models import Shopper, ShopperPhoto
from tryon.models import TryOnJob

logger = logging.getLogger(__name__)


@dataclass
class RotationReport:
    shoppers: int = 0
    blobs_rewrapped: int = 0


def encryption_keys_rotate() -> RotationReport:
    """Move every encrypted value and blob onto the primary key (the first configured).

    Field values are decrypted and written again; blobs keep their ciphertext and get their
    data key re-wrapped. Safe to run again or to interrupt: old keys keep decrypting until
    nothing uses them, and ``ShopperPhoto.key_id`` says which key each photo is under.
    """
    primary = active_keyring().primary_id
    report = RotationReport()
    for shopper in Shopper.objects.iterator(chunk_size=200):
        with transaction.atomic():
            # Saving writes the decrypted values back, encrypted under the primary key.
            shopper.save(update_fields=["display_name", "contact_email", "measurements"])
        report.shoppers += 1
    for photo in ShopperPhoto.objects.exclude(key_id=primary).iterator(chunk_size=200):
        for name in (photo.blob_name, photo.thumbnail_blob_name):
            report.blobs_rewrapped += sealed_file_rewrap(name)
        photo.key_id = sealed_file_key_id(photo.blob_name)
        photo.save(update_fields=["key_id", "updated_at"])
    for job in TryOnJob.objects.exclude(result_blob_name="").iterator(chunk_size=200):
        report.blobs_rewrapped += sealed_file_rewrap(job.result_blob_name)
    logger.info("key rotation to %s: %s", primary, report)
    return report
