"""Rotating the master key: everything moves to the new key, the old key can then go."""

from django.core.management import call_command
from django.db import connection

from contracts.envelope import KeyRing, blob_key_id, text_blob
from privacy.sealed_files import private_storage
from shoppers.models import Shopper
from shoppers.services import shopper_photo_add, shopper_profile_update
from tests.support.factories import shopper_create


def test_rotation_moves_fields_and_photos_to_the_new_key(
    db, settings, astronaut_jpeg: bytes
) -> None:
    shopper = shopper_create()
    shopper_profile_update(shopper=shopper, measurements={"waist_cm": 70})
    photo = shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)
    old_keys = list(settings.ENCRYPTION_KEYS)
    new_key = KeyRing.generate_spec("2027")
    settings.ENCRYPTION_KEYS = [new_key, *old_keys]

    call_command("rotate_keys")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_email, measurements FROM shoppers_shopper WHERE id = %s", [shopper.pk]
        )
        raw = cursor.fetchone()
    assert {blob_key_id(text_blob(value)) for value in raw} == {"2027"}
    photo.refresh_from_db()
    assert photo.key_id == "2027"
    assert blob_key_id(private_storage().open(photo.thumbnail_blob_name).read()) == "2027"

    settings.ENCRYPTION_KEYS = [new_key]  # the old keys are retired
    reloaded = Shopper.objects.get(pk=shopper.pk)
    assert reloaded.contact_email == "ada@example.org" and reloaded.measurements == {
        "waist_cm": 70.0
    }
    from shoppers.services import shopper_photo_read

    assert shopper_photo_read(photo=photo)[8:12] == b"WEBP"
