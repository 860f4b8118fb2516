"""Shoppers' personal data in the admin: masked without the dedicated permission (superusers
too), shown with it, and every page or photo shown logged in a trail only operators read and
nobody edits or deletes."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

from privacy.models import PiiAccess
from shoppers.models import ShopperPhoto
from tests.support.shopper_footprint import Footprint

pytestmark = pytest.mark.usefixtures("empty_queues", "storefront_tasks_eager")

PII_PERMISSION = ("shoppers", "view_shopper_pii")


@pytest.fixture
def ada(footprint_of) -> Footprint:
    return footprint_of("ada-private")


@pytest.fixture
def grace(footprint_of) -> Footprint:
    return footprint_of("grace-private")


def _staff(username: str, *codenames: str):
    user = get_user_model().objects.create_user(
        username=username, password="pw-12345678", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="shoppers", codename__in=codenames)
    )
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _secrets(footprint: Footprint) -> list[str]:
    """What the admin must not show without the permission."""
    photo = ShopperPhoto.objects.filter(shopper=footprint.shopper).first()
    return [
        "Ada Lovelace",
        f"{footprint.username}@example.org",
        "91.5",
        f"/photos/{photo.pk}/",
    ]


def test_without_the_permission_the_admin_masks_everything_personal(
    ada: Footprint, operator
) -> None:
    clerk = _staff("clerk", "view_shopper")
    url = f"/admin/shoppers/shopper/{ada.shopper.pk}/change/"
    photo = ShopperPhoto.objects.filter(shopper=ada.shopper).first()
    photo_url = f"/admin/shoppers/shopper/{ada.shopper.pk}/photos/{photo.pk}/thumbnail.webp"
    # A superuser is not exempt: the permission is granted explicitly, to anyone.
    for user in (clerk, operator):
        client = _client(user)
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Hidden (needs the permission" in html and "2 photo(s)." in html
        for secret in _secrets(ada):
            assert secret not in html
        assert client.get(photo_url).status_code == 403
        listing = client.get("/admin/shoppers/shopper/").content.decode()
        assert f"Shopper #{ada.shopper.pk}" in listing and "Ada Lovelace" not in listing
    assert PiiAccess.objects.count() == 0


def test_with_the_permission_the_admin_shows_it_and_logs_each_view(
    ada: Footprint, grace: Footprint, operator
) -> None:
    clerk = _staff("clerk", "view_shopper", "view_shopper_pii")
    client = _client(clerk)
    html = client.get(f"/admin/shoppers/shopper/{ada.shopper.pk}/change/").content.decode()
    for secret in _secrets(ada):
        assert secret in html
    assert "chest: 91.5" in html and "Hidden (needs" not in html

    [entry] = PiiAccess.objects.all()
    assert (entry.staff_user_id, entry.staff_username) == (clerk.pk, "clerk")
    assert (entry.shopper_id, entry.kind, entry.photo_id) == (ada.shopper.pk, "profile", None)
    assert entry.fields == ["display_name", "contact_email", "measurements"]
    assert entry.created_at is not None

    photo = ShopperPhoto.objects.filter(shopper=ada.shopper).first()
    image = client.get(f"/admin/shoppers/shopper/{ada.shopper.pk}/photos/{photo.pk}/full.webp")
    assert image.status_code == 200 and image["Content-Type"] == "image/webp"
    assert image.content.startswith(b"RIFF") and "no-store" in image["Cache-Control"]
    latest = PiiAccess.objects.first()
    assert (latest.kind, latest.photo_id, latest.fields) == ("photo", photo.pk, ["photo (full)"])
    # Grace's photo is not reached through Ada's page.
    grace_photo = ShopperPhoto.objects.filter(shopper=grace.shopper).first()
    url = f"/admin/shoppers/shopper/{ada.shopper.pk}/photos/{grace_photo.pk}/full.webp"
    assert client.get(url).status_code == 404
    assert PiiAccess.objects.count() == 2


def test_the_permission_works_through_a_group(ada: Footprint) -> None:
    clerk = _staff("clerk", "view_shopper")
    privacy_desk = Group.objects.create(name="Privacy desk")
    privacy_desk.permissions.add(
        Permission.objects.get(content_type__app_label="shoppers", codename="view_shopper_pii")
    )
    clerk.groups.add(privacy_desk)
    html = _client(clerk).get(f"/admin/shoppers/shopper/{ada.shopper.pk}/change/")
    assert "Ada Lovelace" in html.content.decode()
    assert PiiAccess.objects.filter(staff_user_id=clerk.pk).count() == 1


def test_the_access_log_is_read_only_and_for_operators_only(ada: Footprint, operator) -> None:
    clerk = _staff("clerk", "view_shopper", "view_shopper_pii")
    _client(clerk).get(f"/admin/shoppers/shopper/{ada.shopper.pk}/change/")
    entry = PiiAccess.objects.get()
    admin = _client(operator)
    listing = admin.get("/admin/privacy/piiaccess/").content.decode()
    assert "clerk" in listing and str(ada.shopper.pk) in listing
    detail = admin.get(f"/admin/privacy/piiaccess/{entry.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert admin.get(f"/admin/privacy/piiaccess/{entry.pk}/delete/").status_code == 403
    assert (
        admin.post(f"/admin/privacy/piiaccess/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert admin.get("/admin/privacy/piiaccess/add/").status_code == 403
    assert PiiAccess.objects.filter(pk=entry.pk).exists()
    # Staff who may see the data may not read (or tidy) the trail of their own looks.
    assert _client(clerk).get("/admin/privacy/piiaccess/").status_code == 403
    # Nobody without staff status gets in at all.
    assert (
        ada.clients[0].get(f"/admin/shoppers/shopper/{ada.shopper.pk}/change/").status_code == 302
    )


def test_shoppers_logins_need_the_permission_too(ada: Footprint, operator) -> None:
    """A username is often a name or an e-mail address: the logins list hides shoppers'
    without the permission (superusers too); with it, opening one is logged."""
    listing = "/admin/accounts/user/"
    change = f"/admin/accounts/user/{ada.shopper.user_id}/change/"
    client = _client(operator)
    page = client.get(listing).content.decode()
    assert ada.username not in page and operator.username in page
    assert client.get(change).status_code in (302, 404)  # not found for this viewer
    operator.user_permissions.add(Permission.objects.get(codename="view_shopper_pii"))
    client = _client(get_user_model().objects.get(pk=operator.pk))
    assert ada.username in client.get(listing).content.decode()
    assert client.get(change).status_code == 200
    access = PiiAccess.objects.get(shopper_id=ada.shopper.pk)
    assert access.fields == ["username"] and access.staff_user_id == operator.pk
