"""Widget-session tokens: short-lived, signed, for one shopper of one merchant."""

import time
from datetime import datetime

import pytest
from django.core import signing

from core.exceptions import ApplicationError
from merchant_api.selectors import merchant_shopper_get
from merchant_api.widget_sessions import WIDGET_SESSION_TTL_S, widget_session_verify
from shoppers.models import Shopper
from tests.storefront.merchant_api.conftest import client_for
from tests.storefront.merchant_api.shopper_world import shopper_register

SALT = "merchant_api.widget_session"


def issue(keys, shopper_id: str) -> dict:
    response = client_for(keys.write).post(f"/api/v1/shoppers/{shopper_id}/widget-sessions/")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_token_acts_for_its_shopper_only(shop_a, shop_b):
    shopper_register(shop_a, "cust-1")
    shopper_register(shop_a, "cust-2")
    shopper_register(shop_b, "cust-1")  # another merchant's person of the same id
    body = issue(shop_a, "cust-1")
    assert body["shopper_id"] == "cust-1" and body["expires_in"] == WIDGET_SESSION_TTL_S == 1800
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert abs(expires_at.timestamp() - (time.time() + WIDGET_SESSION_TTL_S)) < 5

    session = widget_session_verify(body["token"])
    assert session.merchant == shop_a.merchant
    assert session.shopper == merchant_shopper_get(merchant=shop_a.merchant, external_id="cust-1")
    assert session.shopper != widget_session_verify(issue(shop_a, "cust-2")["token"]).shopper
    theirs = widget_session_verify(issue(shop_b, "cust-1")["token"])
    assert theirs.merchant == shop_b.merchant and theirs.shopper != session.shopper
    # What the browser can read of it: the merchant, digests, the scope and the expiry.
    payload = signing.TimestampSigner(salt=SALT).unsign_object(body["token"])
    assert set(payload) == {"m", "s", "p", "scope", "exp"}
    assert "cust-1" not in str(payload) and payload["m"] == shop_a.merchant.pk


def test_an_expired_or_forged_token_is_refused(shop_a, monkeypatch):
    shopper_register(shop_a, "cust-1")
    token = issue(shop_a, "cust-1")["token"]
    for forged in (token[:-2] + "xx", token.replace(":", "", 1), "garbage"):
        with pytest.raises(ApplicationError) as refused:
            widget_session_verify(forged)
        assert refused.value.code == "widget_session_invalid"
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + WIDGET_SESSION_TTL_S - 30)
    assert widget_session_verify(token).shopper is not None
    monkeypatch.setattr(time, "time", lambda: now + WIDGET_SESSION_TTL_S + 5)
    with pytest.raises(ApplicationError) as expired:
        widget_session_verify(token)
    assert expired.value.code == "widget_session_expired"
    assert expired.value.extra["status"] == 401


def test_an_erased_shoppers_tokens_stop_at_once(shop_a):
    shopper_register(shop_a, "cust-1")
    token = issue(shop_a, "cust-1")["token"]
    assert client_for(shop_a.write).delete("/api/v1/shoppers/cust-1/").status_code == 204
    with pytest.raises(ApplicationError) as refused:
        widget_session_verify(token)
    assert refused.value.code == "widget_session_invalid"
    # The id registered again is a new person: the old token does not reach them.
    shopper_register(shop_a, "cust-1")
    with pytest.raises(ApplicationError):
        widget_session_verify(token)
    assert widget_session_verify(issue(shop_a, "cust-1")["token"]).shopper == Shopper.objects.get()


def test_only_a_write_key_of_the_shoppers_merchant_issues_one(shop_a, shop_b):
    shopper_register(shop_a, "cust-1")
    url = "/api/v1/shoppers/cust-1/widget-sessions/"
    assert client_for(shop_a.read).post(url).status_code == 403
    assert client_for(shop_b.write).post(url).status_code == 404
