"""Merchant staff see and edit only their own merchant's garments in the admin."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from catalog.models import Garment, Merchant, MerchantStaff
from catalog.services import merchant_staff_group_ensure


def _staff(username: str, merchant: Merchant):
    user = get_user_model().objects.create_user(
        username=username, password="pw-123456789", is_staff=True
    )
    user.groups.add(merchant_staff_group_ensure())
    MerchantStaff.objects.create(user=user, merchant=merchant)
    return user


@pytest.fixture
def shops(db) -> dict:
    mine = Merchant.objects.create(name="Mine", slug="mine")
    theirs = Merchant.objects.create(name="Theirs", slug="theirs")
    return {
        "mine": mine,
        "theirs": theirs,
        "my_garment": Garment.objects.create(
            merchant=mine, sku="M-1", name="My shirt", category="top", price=10
        ),
        "their_garment": Garment.objects.create(
            merchant=theirs, sku="T-1", name="Their coat", category="outerwear", price=99
        ),
        "staff": _staff("alice", mine),
    }


def test_changelist_shows_only_own_garments(client, shops: dict) -> None:
    client.force_login(shops["staff"])
    page = client.get(reverse("admin:catalog_garment_changelist")).content.decode()
    assert "My shirt" in page and "Their coat" not in page


def test_other_merchants_garment_cannot_be_opened_or_changed(client, shops: dict) -> None:
    client.force_login(shops["staff"])
    theirs = shops["their_garment"]
    change_url = reverse("admin:catalog_garment_change", args=[theirs.pk])
    assert client.get(change_url).status_code == 302  # "doesn't exist", back to the index
    client.post(change_url, {"name": "Hijacked"})
    assert (
        client.post(
            reverse("admin:catalog_garment_delete", args=[theirs.pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    theirs.refresh_from_db()
    assert theirs.name == "Their coat"


def test_own_garment_can_be_edited_but_not_moved_to_another_merchant(client, shops: dict) -> None:
    client.force_login(shops["staff"])
    mine = shops["my_garment"]
    url = reverse("admin:catalog_garment_change", args=[mine.pk])
    form = {
        "merchant": shops["theirs"].pk, "sku": "M-1", "name": "Renamed", "category": "top",
        "price": "12.00", "currency": "EUR", "style_tags": "[]", "is_active": "on",
        "sizes-TOTAL_FORMS": "0", "sizes-INITIAL_FORMS": "0",
        "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    form["merchant"] = shops["mine"].pk
    response = client.post(url, form)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "Renamed" and mine.merchant == shops["mine"]


def test_import_page_imports_into_own_merchant_only(client, shops: dict) -> None:
    client.force_login(shops["staff"])
    text = io.StringIO()
    csv.writer(text).writerows(
        [
            ["sku", "name", "category", "price", "size"],
            ["NEW-1", "New tee", "top", "5", "M"],
            ["NEW-2", "", "top", "5", "M"],
        ]
    )
    upload = io.BytesIO(text.getvalue().encode())
    upload.name = "c.csv"
    response = client.post(
        reverse("admin:catalog_garment_import"),
        {"merchant": shops["theirs"].pk, "csv_file": upload},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    upload.seek(0)
    response = client.post(
        reverse("admin:catalog_garment_import"), {"merchant": shops["mine"].pk, "csv_file": upload}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Name is empty." in page and "<td>3</td>" in page
    assert Garment.objects.get(sku="NEW-1").merchant == shops["mine"]


def test_operator_sees_everything_and_shoppers_nothing(client, shops: dict) -> None:
    operator = get_user_model().objects.create_superuser(username="op", password="pw-123456789")
    client.force_login(operator)
    page = client.get(reverse("admin:catalog_garment_changelist")).content.decode()
    assert "My shirt" in page and "Their coat" in page
    stranger = get_user_model().objects.create_user(
        username="bob", password="pw-123456789", is_staff=True
    )
    client.force_login(stranger)
    assert client.get(reverse("admin:catalog_garment_changelist")).status_code == 403
