"""Username and password rules on sign-up: a form error on the field, never a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.exceptions import ApplicationError
from shoppers.services import shopper_sign_up

GOOD_PASSWORD = "correct horse battery"


def _sign_up(client, username: str, password: str = GOOD_PASSWORD):
    return client.post(reverse("shoppers:sign_up"), {"username": username, "password": password})


@pytest.mark.parametrize(
    ("username", "reason"),
    [
        ("ada lovelace", "Usernames cannot contain spaces."),
        ("ab", "Usernames need at least 3 characters."),
        ("ada/lovelace", "only letters, digits and the characters @ . + - _"),
        ("x" * 151, "at most 150 characters"),
    ],
)
def test_a_broken_username_is_a_form_error_not_a_500(client, db, username, reason) -> None:
    response = _sign_up(client, username)
    assert response.status_code == 200
    errors = response.context["form"].errors["username"]
    assert any(reason in error for error in errors), errors
    assert reason in response.content.decode().replace("&#x27;", "'")
    assert not get_user_model().objects.exists()


def test_the_service_refuses_a_username_with_a_space_as_an_application_error(db) -> None:
    """The service's own check, for callers other than the form (the API, the shell)."""
    with pytest.raises(ApplicationError) as caught:
        shopper_sign_up(username="ada lovelace", password=GOOD_PASSWORD)
    assert caught.value.code == "invalid_username"
    assert "Usernames cannot contain spaces." in caught.value.message
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("84930217563", "This password is entirely numeric."),
        ("adalovelace1", "The password is too similar to the username."),
    ],
)
def test_a_weak_password_is_a_form_error_with_the_rule(client, db, password, reason) -> None:
    response = _sign_up(client, "adalovelace", password)
    assert response.status_code == 200
    assert reason in response.context["form"].errors["password"]
    assert not get_user_model().objects.exists()


def test_the_page_states_the_rules_and_a_good_sign_up_still_works(client, db) -> None:
    page = client.get(reverse("shoppers:sign_up")).content.decode()
    assert "letters, digits and @ . + - _ only, no spaces" in page
    assert "at least 8 characters" in page
    response = _sign_up(client, "ada.lovelace")
    assert response.status_code == 302
    assert get_user_model().objects.get().username == "ada.lovelace"


def test_a_taken_username_is_reported_on_its_field(client, db) -> None:
    assert _sign_up(client, "ada").status_code == 302
    client.logout()
    response = _sign_up(client, "ADA")
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["That username is taken."]
