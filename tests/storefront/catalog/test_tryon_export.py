"""Try-on training export: only consenting merchants' pairs, byte for byte, idempotent."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from catalog.models import Category, Garment, GarmentImage, Merchant
from catalog.services import (
    TRYON_EXPORT_CATEGORIES,
    garment_image_add,
    merchant_training_consent_set,
)
from tests.support.factories import garment_create
from tryon_worker.gan.data.layouts import layout_of
from tryon_worker.gan.data.shop_export import ShopExportReader

PERSON_PHOTOS = (
    "p12_woman_head_to_thigh_gray_tee_studio.jpg",
    "p11_woman_head_to_thigh_jeans_studio.jpg",
)


def _sku_forced(garment: Garment, sku: str) -> None:
    """Store a SKU the model and the database refuse, as only a damaged database could hold
    it: the export's own check is the last line of defence."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:  # dropped inside the test's transaction, so it comes back with the rollback
            # Postgres alters no table with deferred foreign-key checks still pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE catalog_garment DROP CONSTRAINT garment_sku_file_name_safe")
        try:
            Garment.objects.filter(pk=garment.pk).update(sku=sku)
        finally:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA ignore_check_constraints = OFF")


def _export(out: Path, *args: str) -> str:
    stdout = io.StringIO()
    call_command("export_tryon_pairs", "--out", str(out), *args, stdout=stdout)
    return stdout.getvalue()


def _manifest(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]


def _stored_bytes(image: GarmentImage) -> bytes:
    with image.image.storage.open(image.image.name, "rb") as handle:
        return handle.read()


def _on_model_add(garment: Garment, photo: Path, position: int) -> GarmentImage:
    return garment_image_add(
        garment=garment,
        upload=photo.read_bytes(),
        role=GarmentImage.Role.ON_MODEL,
        position=position,
    )


@pytest.fixture
def paired_garment(db, shared_images: Path) -> Garment:
    """A top with a product shot (position 0) and two on-model photos, the first at position 1."""
    garment = garment_create()
    people = shared_images / "people"
    _on_model_add(garment, people / PERSON_PHOTOS[1], position=2)
    _on_model_add(garment, people / PERSON_PHOTOS[0], position=1)
    return garment


def test_consent_service_stamps_and_clears_the_time(db) -> None:
    merchant = Merchant.objects.create(name="Atelier", slug="atelier")
    assert merchant.tryon_training_consent_at is None

    merchant_training_consent_set(merchant=merchant, consent=True)
    merchant.refresh_from_db()
    given_at = merchant.tryon_training_consent_at
    assert merchant.tryon_training_consent and given_at is not None

    merchant_training_consent_set(merchant=merchant, consent=True)  # confirming keeps the date
    merchant.refresh_from_db()
    assert merchant.tryon_training_consent_at == given_at

    merchant_training_consent_set(merchant=merchant, consent=False)
    merchant.refresh_from_db()
    assert not merchant.tryon_training_consent and merchant.tryon_training_consent_at is None


def test_admin_switches_consent_through_the_service(client, db) -> None:
    operator = get_user_model().objects.create_superuser(username="op", password="pw-123456789")
    client.force_login(operator)
    response = client.post(
        reverse("admin:catalog_merchant_add"),
        {"name": "Atelier", "slug": "atelier", "tryon_training_consent": "on"},
    )
    assert response.status_code == 302
    merchant = Merchant.objects.get(slug="atelier")
    assert merchant.tryon_training_consent and merchant.tryon_training_consent_at is not None

    change_url = reverse("admin:catalog_merchant_change", args=[merchant.pk])
    assert "try-on training consent given at" in client.get(change_url).content.decode().lower()
    response = client.post(change_url, {"name": "Atelier Paris", "slug": "atelier"})
    assert response.status_code == 302
    merchant.refresh_from_db()
    assert merchant.name == "Atelier Paris"
    assert not merchant.tryon_training_consent and merchant.tryon_training_consent_at is None


def test_without_consent_nothing_is_exported(paired_garment: Garment, tmp_path: Path) -> None:
    out = tmp_path / "export"

    output = _export(out)

    assert _manifest(out) == []
    assert not list((out / "on_model").iterdir()) and not list((out / "product").iterdir())
    assert "Wrote 0 try-on training pairs" in output
    assert "Skipped 1 garments: 1 merchant has not consented to try-on training." in output
    assert "none" in (out / "EXPORT.md").read_text()


def test_consented_pairs_are_written_as_stored(paired_garment: Garment, tmp_path: Path) -> None:
    merchant = merchant_training_consent_set(merchant=paired_garment.merchant, consent=True)
    out = tmp_path / "export"

    output = _export(out)

    assert "Wrote 1 try-on training pairs" in output
    assert _manifest(out) == [
        {
            "id": "atelier--TEE-RED",
            "category": "top",
            "person": "on_model/atelier--TEE-RED.webp",
            "garment": "product/atelier--TEE-RED.webp",
            "merchant": "atelier",
            "sku": "TEE-RED",
        }
    ]
    images = paired_garment.images.order_by("position")
    product, first_on_model = images[0], images[1]
    assert (product.role, first_on_model.role) == ("product", "on_model")
    assert (out / "product/atelier--TEE-RED.webp").read_bytes() == _stored_bytes(product)
    assert (out / "on_model/atelier--TEE-RED.webp").read_bytes() == _stored_bytes(first_on_model)
    for entry in _manifest(out):
        assert (out / entry["person"]).is_file() and (out / entry["garment"]).is_file()
    note = (out / "EXPORT.md").read_text()
    assert f"`atelier` (Atelier): consent given {merchant.tryon_training_consent_at:%Y-%m-%d}" in (
        note
    )
    assert "Pairs: 1" in note and "training the try-on model only" in note


def test_garments_missing_an_image_role_are_skipped(
    paired_garment: Garment, shared_images: Path, tmp_path: Path
) -> None:
    merchant_training_consent_set(merchant=paired_garment.merchant, consent=True)
    garment_create(name="Blue tee", sku="TEE-BLUE", colour=(20, 40, 200))  # product shot only
    no_product = Garment.objects.create(
        merchant=paired_garment.merchant,
        sku="DRESS-1",
        name="Dress",
        category=Category.DRESS,
        price=Decimal("50.00"),
    )
    _on_model_add(no_product, shared_images / "people" / PERSON_PHOTOS[0], position=0)
    out = tmp_path / "export"

    output = _export(out, "--verbosity", "2")

    assert [entry["id"] for entry in _manifest(out)] == ["atelier--TEE-RED"]
    assert "Skipped 2 garments: 1 no product image; 1 no on-model image." in output
    assert "skipped atelier--TEE-BLUE: no on-model image" in output
    assert not (out / "product/atelier--TEE-BLUE.webp").exists()
    assert not (out / "on_model/atelier--DRESS-1.webp").exists()


def test_merchant_option_without_consent_fails(paired_garment: Garment, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="'atelier' has not consented to try-on training"):
        _export(tmp_path / "export", "--merchant", "atelier")
    assert not (tmp_path / "export").exists()


def test_merchant_option_exports_only_that_merchant(
    paired_garment: Garment, shared_images: Path, tmp_path: Path
) -> None:
    merchant_training_consent_set(merchant=paired_garment.merchant, consent=True)
    other = garment_create(sku="TEE-2", merchant_slug="boutique")
    merchant_training_consent_set(merchant=other.merchant, consent=True)
    _on_model_add(other, shared_images / "people" / PERSON_PHOTOS[0], position=1)
    out = tmp_path / "export"

    _export(out, "--merchant", "boutique")

    assert [entry["id"] for entry in _manifest(out)] == ["boutique--TEE-2"]
    assert "`atelier`" not in (out / "EXPORT.md").read_text()


def test_rerun_is_idempotent_and_withdrawn_consent_removes_the_files(
    paired_garment: Garment, tmp_path: Path
) -> None:
    merchant = merchant_training_consent_set(merchant=paired_garment.merchant, consent=True)
    out = tmp_path / "export"
    _export(out)
    first_manifest = (out / "manifest.jsonl").read_bytes()
    first_files = sorted(p.relative_to(out) for p in out.rglob("*.webp"))

    _export(out)

    assert (out / "manifest.jsonl").read_bytes() == first_manifest
    assert len(_manifest(out)) == 1
    assert sorted(p.relative_to(out) for p in out.rglob("*.webp")) == first_files
    assert not list(out.rglob("*.tmp"))

    merchant_training_consent_set(merchant=merchant, consent=False)
    output = _export(out)

    assert _manifest(out) == [] and not list(out.rglob("*.webp"))
    assert "Removed 2 images of an earlier export." in output


def test_sku_that_is_not_a_file_name_is_skipped(
    paired_garment: Garment, shared_images: Path, tmp_path: Path
) -> None:
    merchant_training_consent_set(merchant=paired_garment.merchant, consent=True)
    sneaky = garment_create(sku="TEE-GREEN", colour=(20, 200, 40))
    _on_model_add(sneaky, shared_images / "people" / PERSON_PHOTOS[0], position=1)
    # The model and the database refuse such a SKU; should one get in anyway, a path in it
    # must still not steer where the export writes.
    _sku_forced(sneaky, "../../escape")
    out = tmp_path / "export"

    output = _export(out)

    assert [entry["id"] for entry in _manifest(out)] == ["atelier--TEE-RED"]
    assert "1 SKU cannot be part of a file name" in output
    assert sorted(p.name for p in tmp_path.rglob("*.webp") if "media" not in p.parts) == [
        "atelier--TEE-RED.webp",
        "atelier--TEE-RED.webp",
    ]


def test_every_catalogue_category_has_an_export_category() -> None:
    assert set(TRYON_EXPORT_CATEGORIES) == set(Category.values)
    assert set(TRYON_EXPORT_CATEGORIES.values()) == {"top", "bottom", "dress", "outerwear"}


def test_the_export_is_what_the_training_reader_reads(
    db, shared_images: Path, tmp_path: Path
) -> None:
    # The storefront writes the layout, the worker-side reader (no Django) trains on it.
    garment = garment_create(sku="TEE-LILAC", colour=(196, 170, 214))
    photo = shared_images / "people" / "p17_woman_fullbody_face_cropped_lilac_tee.jpg"
    _on_model_add(garment, photo, position=1)
    merchant_training_consent_set(merchant=garment.merchant, consent=True)
    _export(tmp_path)

    assert layout_of(tmp_path) == "shop-export"
    (example,) = list(ShopExportReader(tmp_path))
    assert example.name == "shop/atelier--TEE-LILAC" and example.category == "top"
    assert example.garment_mask.mean() > 0.05
    # Where the garment lies on the model comes from the product shot's own colour.
    assert example.person_garment is not None and example.person_garment.mean() > 0.03
