"""The doors to erasure: the shopper's own page and API, the admin action, the user admin."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from contracts.queues import FORGET_TASK, RECOMMENDER_QUEUE
from privacy.models import ErasureRecord
from shoppers.models import Shopper
from tests.support.broker_queue import queued_messages
from tests.support.shopper_footprint import (
    Footprint,
    leftovers,
    shopper_with_everything,
    stored_files,
)

Channel = ErasureRecord.Channel


pytestmark = pytest.mark.usefixtures("empty_queues", "storefront_tasks_eager")


@pytest.fixture
def ada(footprint_of) -> Footprint:
    return footprint_of("ada-erasable")


def _logged_in_with_csrf(footprint: Footprint) -> tuple[Client, str]:
    """A browser that checks CSRF like a real one, logged in, with the token from the page."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(Shopper.objects.get(pk=footprint.shopper.pk).user)
    page = browser.get(reverse("shoppers:profile"))
    assert page.status_code == 200
    return browser, browser.cookies["csrftoken"].value


def _forgotten() -> list[str]:
    return [
        m["kwargs"]["subject"]
        for m in queued_messages(RECOMMENDER_QUEUE)
        if m["task"] == FORGET_TASK
    ]


def test_profile_page_offers_erasure_behind_post_csrf_and_typed_username(
    ada: Footprint, django_capture_on_commit_callbacks
) -> None:
    browser, token = _logged_in_with_csrf(ada)
    page = browser.get(reverse("shoppers:profile")).content.decode()
    assert "Delete my account and data" in page and 'action="/account/erase/"' in page
    url = reverse("shoppers:erase")

    assert browser.get(url).status_code == 405
    assert browser.post(url, {"confirm_username": ada.username}).status_code == 403  # no token
    response = browser.post(
        url, {"confirm_username": "someone-else", "csrfmiddlewaretoken": token}, follow=True
    )
    assert "That is not your username; nothing was deleted." in response.content.decode()
    assert Shopper.objects.filter(pk=ada.shopper.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            url, {"confirm_username": ada.username, "csrfmiddlewaretoken": token}, follow=True
        )
    assert response.redirect_chain == [(reverse("catalog:garment_list"), 302)]
    assert "Your account and all your data have been deleted." in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert browser.get(reverse("shoppers:profile")).status_code == 302  # to the login page
    assert leftovers(ada) == []
    assert _forgotten() == [ada.pseudonym]
    assert ErasureRecord.objects.get().channel == Channel.SELF_SERVICE
    assert ErasureRecord.objects.get().requested_by_staff_id is None


def test_api_delete_erases_the_shopper_and_ends_the_session(
    ada: Footprint, django_capture_on_commit_callbacks
) -> None:
    browser, token = _logged_in_with_csrf(ada)
    assert browser.delete("/api/shoppers/me/").status_code == 403  # CSRF, as for any change
    assert Shopper.objects.filter(pk=ada.shopper.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.delete("/api/shoppers/me/", headers={"X-CSRFToken": token})
    assert response.status_code == 204
    assert browser.get("/api/shoppers/me/").status_code == 403
    assert leftovers(ada) == []
    assert _forgotten() == [ada.pseudonym]
    assert ErasureRecord.objects.get().channel == Channel.API


def test_admin_action_asks_then_erases(
    client, ada: Footprint, garment, operator, django_capture_on_commit_callbacks
) -> None:
    grace = shopper_with_everything(
        username="grace-stays",
        garment=garment,
        capture_on_commit=django_capture_on_commit_callbacks,
        operator=operator,
    )
    client.force_login(operator)
    changelist = reverse("admin:shoppers_shopper_changelist")
    page = client.get(changelist).content.decode()
    assert "Erase selected shoppers" in page and f"Shopper #{ada.shopper.pk}" in page
    assert "Ada Lovelace" not in page and "example.org" not in page  # no personal data shown
    assert "delete_selected" not in page  # a plain delete would leave files behind

    chosen = {"action": "erase_selected", ACTION_CHECKBOX_NAME: [ada.shopper.pk]}
    confirm = client.post(changelist, chosen)
    assert confirm.status_code == 200 and "Yes, erase them" in confirm.content.decode()
    assert Shopper.objects.filter(pk=ada.shopper.pk).exists()  # nothing happens before "yes"

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(changelist, {**chosen, "post": "yes"}, follow=True)
    assert "Erased 1 shopper(s) and all their data." in done.content.decode()
    assert leftovers(ada) == []
    assert set(grace.blobs) <= stored_files()
    record = ErasureRecord.objects.get()
    assert (record.channel, record.requested_by_staff_id) == (Channel.ADMIN, operator.pk)
    audit = client.get(reverse("admin:privacy_erasurerecord_changelist")).content.decode()
    assert "Staff, in the admin" in audit and ada.username not in audit


def test_admin_shopper_pages_are_for_operators_only(client, ada: Footprint) -> None:
    staff = get_user_model().objects.create_user(
        username="merchant-staff", password="pw-12345678", is_staff=True
    )
    client.force_login(staff)
    changelist = reverse("admin:shoppers_shopper_changelist")
    assert client.get(changelist).status_code == 403
    client.post(changelist, {"action": "erase_selected", ACTION_CHECKBOX_NAME: [ada.shopper.pk]})
    assert Shopper.objects.filter(pk=ada.shopper.pk).exists()


def test_the_user_admin_cannot_delete_a_shoppers_login_around_erasure(
    client, ada: Footprint, operator
) -> None:
    """A plain delete would cascade to the rows but leave the files and the recommender's
    profile: the shopper admin allows no delete, so Django refuses the user's delete too.
    (Without the PII permission a shopper's login is not even listed.)"""
    client.force_login(operator)
    hidden = client.get(reverse("admin:accounts_user_delete", args=[ada.user_id]))
    assert hidden.status_code == 302  # "doesn't exist" for this viewer
    operator.user_permissions.add(Permission.objects.get(codename="view_shopper_pii"))
    client.force_login(get_user_model().objects.get(pk=operator.pk))
    page = client.get(reverse("admin:accounts_user_delete", args=[ada.user_id]))
    assert "permission to delete the following types of objects" in page.content.decode()
    assert (
        client.post(
            reverse("admin:accounts_user_delete", args=[ada.user_id]), {"post": "yes"}
        ).status_code
        == 403
    )
    bulk = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [ada.user_id], "post": "yes"},
    )
    assert bulk.status_code == 403
    assert Shopper.objects.filter(pk=ada.shopper.pk).exists()
    assert set(ada.blobs) <= stored_files()
