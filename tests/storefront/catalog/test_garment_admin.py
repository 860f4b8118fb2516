"""The garment form in the admin: adding product images, and SKUs that cannot name a file."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalog.models import Garment, GarmentImage, Merchant, MerchantStaff
from catalog.services import merchant_staff_group_ensure
from tests.support.factories import garment_png

UNSAFE_SKUS = {
    "../etc": "'/'",
    "a/b": "'/'",
    "a\\b": "'\\\\'",
    "C:evil": "':'",
    "tab\there": "control character",
    "line\nbreak": "control character",
    "bell\x07": "control character",
    ".hidden": "dot",
    "trailing.": "dot",
    "..": "dot",
}


@pytest.fixture
def merchant(db) -> Merchant:
    return Merchant.objects.create(name="Mine", slug="mine")


@pytest.fixture
def staff_client(client, merchant: Merchant):
    user = get_user_model().objects.create_user(
        username="alice", password="pw-123456789", is_staff=True
    )
    user.groups.add(merchant_staff_group_ensure())
    MerchantStaff.objects.create(user=user, merchant=merchant)
    client.force_login(user)
    return client


def _form(merchant: Merchant, **changes) -> dict:
    form = {
        "merchant": merchant.pk, "sku": "TEE-1", "name": "Linen tee", "category": "top",
        "price": "19.00", "currency": "EUR", "style_tags": "[]", "is_active": "on",
        "sizes-TOTAL_FORMS": "0", "sizes-INITIAL_FORMS": "0",
        "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
    }  # fmt: skip
    form.update(changes)
    return form


def _upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_add_images_stores_them_through_the_intake_and_shows_them(
    staff_client, merchant: Merchant
) -> None:
    garment = Garment.objects.create(
        merchant=merchant, sku="TEE-1", name="Linen tee", category="top", price=19
    )
    url = reverse("admin:catalog_garment_change", args=[garment.pk])
    page = staff_client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="add_images"' in page
    shots = [
        _upload("front.png", garment_png(colour=(200, 30, 30))),
        _upload("back.png", garment_png(colour=(30, 30, 200))),
    ]
    response = staff_client.post(url, {**_form(merchant), "add_images": shots}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" not in body and "was changed successfully" in body
    images = list(garment.images.order_by("position"))
    assert [image.position for image in images] == [0, 1]
    for image in images:
        assert image.width > 0 and image.image.name.endswith(".webp")
        with image.image.storage.open(image.image.name, "rb") as handle:
            assert handle.read(12)[8:12] == b"WEBP"
    # Shown on the garment's page in the admin (the inline's previews) and in the list.
    page = staff_client.get(url).content.decode()
    for image in images:
        assert image.thumbnail_small.url in page
    listing = staff_client.get(reverse("admin:catalog_garment_changelist")).content.decode()
    assert images[0].thumbnail_small.url in listing


def test_add_images_on_a_new_garment_and_a_bad_file_is_named(
    staff_client, merchant: Merchant
) -> None:
    response = staff_client.post(
        reverse("admin:catalog_garment_add"),
        {
            **_form(merchant, sku="TEE-2"),
            "add_images": [
                _upload("shot.png", garment_png()),
                _upload("notes.txt", b"not an image at all", "text/plain"),
            ],
        },
        follow=True,
    )
    assert response.status_code == 200
    garment = Garment.objects.get(sku="TEE-2")
    assert GarmentImage.objects.filter(garment=garment).count() == 1
    assert "Image &#x27;notes.txt&#x27; is not an image we can read" in response.content.decode()


@pytest.mark.parametrize("sku", sorted(UNSAFE_SKUS))
def test_the_model_refuses_a_sku_that_cannot_name_a_file(merchant: Merchant, sku: str) -> None:
    garment = Garment(merchant=merchant, sku=sku, name="Tee", category="top", price=10)
    with pytest.raises(ValidationError) as caught:
        garment.full_clean()
    (message,) = caught.value.message_dict["sku"]
    assert message.startswith("This SKU cannot be used in a file name: ")
    assert UNSAFE_SKUS[sku] in message


def test_the_database_refuses_an_unsafe_sku_that_skips_validation(merchant: Merchant) -> None:
    garment = Garment.objects.create(
        merchant=merchant, sku="SAFE-1.v2 (blue)", name="Tee", category="top", price=10
    )
    for sku in ("../etc", "a/b", "a\\b", "x:y", "tab\there", ".hidden", "end."):
        with pytest.raises(IntegrityError), transaction.atomic():
            Garment.objects.filter(pk=garment.pk).update(sku=sku)
    garment.refresh_from_db()
    assert garment.sku == "SAFE-1.v2 (blue)"


def test_the_admin_form_shows_why_a_sku_is_refused(staff_client, merchant: Merchant) -> None:
    response = staff_client.post(reverse("admin:catalog_garment_add"), _form(merchant, sku="../x"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "This SKU cannot be used in a file name: it contains &#x27;/&#x27;" in body
    assert not Garment.objects.exists()
