"""A live stream's session check (the net under the close message, issue 12, item 3): the
session must still exist and still log in the stream's user."""

from asgiref.sync import async_to_sync
from django.test import Client

from notifications.live_stream import _session_valid
from tests.support.factories import shopper_create


def test_a_session_stays_valid_until_logout_and_only_for_its_user(db) -> None:
    shopper = shopper_create()
    other = shopper_create(username="grace")
    browser = Client()
    browser.force_login(shopper.user)
    key = browser.session.session_key
    check = async_to_sync(_session_valid)

    assert check(key, shopper.user.pk)
    assert not check(key, other.user.pk)
    assert not check(None, shopper.user.pk)
    browser.logout()
    assert not check(key, shopper.user.pk)
