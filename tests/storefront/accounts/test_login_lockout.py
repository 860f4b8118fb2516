"""Login throttling (django-axes): after the limit of wrong passwords even the right one is
refused, on the shop's login and the admin's, with a message saying why (issue 12, item 5)."""

import logging
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from shoppers.services import shopper_sign_up

PASSWORD = "a long enough passphrase"
LOCKOUT_TEXT = "Too many failed log-in attempts"


def _unique(prefix: str) -> str:
    """Attempt counters live in Redis for the whole test session: each test its own user."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _fail_up_to_the_limit(client: Client, url: str, username: str) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": username, "password": f"wrong-{attempt}"})
        if attempt < settings.AXES_FAILURE_LIMIT - 1:
            # Below the limit: the ordinary "wrong password" answer, no lockout yet.
            assert response.status_code == 200, attempt
            assert LOCKOUT_TEXT not in response.content.decode()


def test_shop_login_locks_out_after_the_limit_and_says_so(db, caplog) -> None:
    username = _unique("grace")
    shopper_sign_up(username=username, password=PASSWORD)
    client = Client()
    url = reverse("shoppers:login")
    with caplog.at_level(logging.INFO):
        _fail_up_to_the_limit(client, url, username)
        response = client.post(url, {"username": username, "password": PASSWORD})

    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKOUT_TEXT in page and f"{settings.AXES_COOLOFF_MINUTES} minutes" in page
    # The shop's own login page (a fresh form), not a bare error text.
    assert 'id="login-form"' in page and "correct username and password" not in page
    assert client.get(reverse("shoppers:profile")).status_code == 302  # not logged in
    # Another shopper from the same address is not affected (the lock is per username).
    other = _unique("ada")
    shopper_sign_up(username=other, password=PASSWORD)
    assert client.post(url, {"username": other, "password": PASSWORD}).status_code == 302
    # The log follows the attempts by a digest, never by the username.
    assert "AXES" in caplog.text and username not in caplog.text


def test_admin_login_locks_out_after_the_limit_and_says_so(db) -> None:
    username = _unique("root")
    get_user_model().objects.create_superuser(username=username, password=PASSWORD)
    client = Client()
    url = reverse("admin:login")
    _fail_up_to_the_limit(client, url, username)
    response = client.post(url, {"username": username, "password": PASSWORD})

    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKOUT_TEXT in page and 'id="login-form"' in page  # the admin's login page
    assert client.get(reverse("admin:index")).status_code == 302  # not logged in


def test_a_success_below_the_limit_resets_the_count(db) -> None:
    username = _unique("lin")
    shopper_sign_up(username=username, password=PASSWORD)
    client = Client()
    url = reverse("shoppers:login")
    for _round in range(2):
        for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            client.post(url, {"username": username, "password": f"wrong-{attempt}"})
        assert client.post(url, {"username": username, "password": PASSWORD}).status_code == 302
        client.post(reverse("shoppers:logout"))


@pytest.mark.parametrize("limit", [2])
def test_the_limit_comes_from_settings(db, settings, limit: int) -> None:
    settings.AXES_FAILURE_LIMIT = limit
    username = _unique("kim")
    shopper_sign_up(username=username, password=PASSWORD)
    client = Client()
    url = reverse("shoppers:login")
    for attempt in range(limit):
        client.post(url, {"username": username, "password": f"wrong-{attempt}"})
    assert client.post(url, {"username": username, "password": PASSWORD}).status_code == 429
