"""Shopper PII and photos are ciphertext at rest; sign-up, log-in and log-out work."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from core.exceptions import ApplicationError
from lifecycle.deletion import shopper_photo_delete
from privacy.sealed_files import private_storage
from shoppers.models import Shopper, ShopperPhoto
from shoppers.services import (
    shopper_photo_add,
    shopper_photo_read,
    shopper_profile_update,
    shopper_sign_up,
)
from tests.support.factories import shopper_create


@pytest.fixture
def shopper(db) -> Shopper:
    return shopper_create()


def test_pii_is_encrypted_in_the_raw_database_row(shopper: Shopper) -> None:
    shopper_profile_update(shopper=shopper, measurements={"chest_cm": 91.5, "waist_cm": "73.5"})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT display_name, contact_email, measurements FROM shoppers_shopper WHERE id = %s",
            [shopper.pk],
        )
        raw_row = cursor.fetchone()
    raw = " ".join(raw_row)
    # Values with "." or "@" can never occur in the base64 of a ciphertext by chance.
    for plaintext in ("Lovelace", "ada@example.org", "91.5", "73.5", "chest_cm"):
        assert plaintext not in raw
    assert all(value.startswith("fre1:") for value in raw_row)
    reloaded = Shopper.objects.get(pk=shopper.pk)
    assert reloaded.display_name == "Ada Lovelace"
    assert reloaded.contact_email == "ada@example.org"
    assert reloaded.measurements == {"chest_cm": 91.5, "waist_cm": 73.5}


def test_encrypted_fields_refuse_searches(shopper: Shopper) -> None:
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError, match="cannot be filtered"):
        list(Shopper.objects.filter(contact_email="ada@example.org"))


def test_photo_is_encrypted_in_the_raw_stored_file(shopper: Shopper, astronaut_jpeg: bytes) -> None:
    original = astronaut_jpeg
    photo = shopper_photo_add(shopper=shopper, upload=io.BytesIO(original))
    storage = private_storage()
    for name in (photo.blob_name, photo.thumbnail_blob_name):
        raw = Path(storage.path(name)).read_bytes()
        assert raw.startswith(b"FRE1")
        for marker in (b"RIFF", b"WEBP", b"JFIF", b"\xff\xd8\xff", b"Exif"):
            assert marker not in raw[:64]
        assert original[1000:1064] not in raw
    assert photo.key_id == "test-2026"
    decrypted = Image.open(io.BytesIO(shopper_photo_read(photo=photo)))
    assert decrypted.size == (photo.width, photo.height) == (512, 512)


def test_photo_delete_removes_the_blobs(
    shopper: Shopper, astronaut_jpeg: bytes, django_capture_on_commit_callbacks
) -> None:
    photo = shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)
    storage = private_storage()
    names = [photo.blob_name, photo.thumbnail_blob_name]
    with django_capture_on_commit_callbacks(execute=True):
        shopper_photo_delete(photo=photo)
    assert not ShopperPhoto.objects.exists()
    assert not any(storage.exists(name) for name in names)


def test_bad_photo_is_refused_and_nothing_is_stored(shopper: Shopper) -> None:
    with pytest.raises(ApplicationError, match="Your photo is not an image"):
        shopper_photo_add(shopper=shopper, upload=b"not an image at all" * 10)
    assert not ShopperPhoto.objects.exists()
    private_root = Path(private_storage().location)
    assert not private_root.exists() or not any(p.is_file() for p in private_root.rglob("*"))


def test_profile_validation_messages(shopper: Shopper) -> None:
    with pytest.raises(ApplicationError, match="waist must be between 45 and 170 cm"):
        shopper_profile_update(shopper=shopper, measurements={"waist_cm": 500})
    with pytest.raises(ApplicationError, match="must be a number"):
        shopper_profile_update(shopper=shopper, measurements={"hips_cm": "wide"})
    with pytest.raises(ApplicationError, match="e-mail"):
        shopper_profile_update(shopper=shopper, contact_email="not-an-address")
    with pytest.raises(ApplicationError, match="username is taken"):
        shopper_sign_up(username="ADA", password="another good passphrase")


def test_sign_up_log_out_log_in_pages(client, db) -> None:
    response = client.post(
        reverse("shoppers:sign_up"),
        {"username": "grace", "password": "a long enough passphrase", "display_name": "Grace"},
    )
    assert response.status_code == 302 and response.url == reverse("shoppers:profile")
    assert client.get(reverse("shoppers:profile")).status_code == 200
    client.post(reverse("shoppers:logout"))
    assert client.get(reverse("shoppers:profile")).status_code == 302
    response = client.post(reverse("shoppers:login"), {"username": "grace", "password": "wrong"})
    assert response.status_code == 200 and b"correct username and password" in response.content
    response = client.post(
        reverse("shoppers:login"), {"username": "grace", "password": "a long enough passphrase"}
    )
    assert response.status_code == 302
    me = client.get("/api/shoppers/me/").json()
    assert me["username"] == "grace" and me["display_name"] == "Grace"


def test_photo_pages_serve_only_the_owner(
    client, shopper: Shopper, astronaut_jpeg: bytes, db
) -> None:
    client.force_login(shopper.user)
    upload = SimpleUploadedFile("astronaut.jpg", astronaut_jpeg, content_type="image/jpeg")
    response = client.post(reverse("shoppers:photo_upload"), {"photo": upload})
    assert response.status_code == 302
    photo = ShopperPhoto.objects.get()
    url = reverse("shoppers:photo_image", args=[photo.pk, "thumbnail"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert "no-store" in response["Cache-Control"]
    other = shopper_sign_up(username="eve", password="yet another passphrase")
    client.force_login(other.user)
    assert client.get(url).status_code == 404
