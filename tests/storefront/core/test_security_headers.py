"""Content-Security-Policy on every page (django-csp): the storefront, its live-update script,
the admin and the API all answer with a policy, and our inline scripts carry its nonce."""

import re

import pytest
from django.urls import reverse

from shoppers.services import shopper_sign_up


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize(
    "path", ["/", "/account/login/", "/account/sign-up/", "/admin/login/", "/api/catalog/garments/"]
)
def test_every_page_has_the_policy(client, db, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["connect-src"] == ["'self'"]  # EventSource on /live/ and fetch: same origin


def test_inline_scripts_carry_the_responses_nonce(client, db) -> None:
    shopper = shopper_sign_up(username="nonce-reader", password="a long enough passphrase")
    client.force_login(shopper.user)
    first, second = client.get("/"), client.get("/")
    nonce = re.search(r'<script nonce="([^"]+)">', first.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in _policy(first)["script-src"]
    # A new nonce for every response: one seen once cannot be reused.
    assert f"'nonce-{nonce}'" not in _policy(second)["script-src"]


def test_admin_pages_have_the_policy(client, operator) -> None:
    client.force_login(operator)
    for path in [reverse("admin:index"), reverse("admin:catalog_garment_changelist")]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _policy(response)["script-src"][0] == "'self'", path
