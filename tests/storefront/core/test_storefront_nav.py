"""The shop's top bar offers each kind of login only links that work for it.

Merchant staff (and operators) have no shopper profile: the shopper pages (account, photos,
try-ons, suggestions) are 404s for them, so their top bar must not offer them. Every link
anyone sees there must answer 200, or redirect to a page that does.
"""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from catalog.models import Garment, MerchantStaff
from catalog.services import merchant_staff_group_ensure
from tests.support.factories import shopper_create

PASSWORD = "a merchant passphrase"
SHOPPER_ONLY = ("/account/", "/tryon/", "/suggestions/")


class _NavLinks(HTMLParser):
    """The href of every link inside the page's <nav>."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav":
            self.depth += 1
        elif tag == "a" and self.depth:
            self.links.append(dict(attrs)["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self.depth -= 1


def _nav_links(client: Client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    parser = _NavLinks()
    parser.feed(response.content.decode())
    assert parser.links, f"no navigation on {path}"
    return parser.links


def _assert_all_answer(client: Client, links: list[str]) -> None:
    for link in links:
        response = client.get(link, follow=True)
        assert response.status_code == 200, f"{link} answers {response.status_code}"


def _pages(garment: Garment) -> list[str]:
    return ["/", f"/garments/{garment.pk}/"]


@pytest.fixture
def merchant_staff(garment: Garment):
    user = get_user_model().objects.create_user(username="mona", password=PASSWORD, is_staff=True)
    user.groups.add(merchant_staff_group_ensure())
    MerchantStaff.objects.create(user=user, merchant=garment.merchant)
    return user


def test_a_merchant_logged_into_the_shop_sees_only_links_that_work(
    client: Client, garment: Garment, merchant_staff
) -> None:
    response = client.post(
        "/account/login/", {"username": "mona", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200 and response.wsgi_request.user == merchant_staff
    for page in _pages(garment):
        links = _nav_links(client, page)
        assert not [link for link in links if link.startswith(SHOPPER_ONLY)], links
        assert "/admin/catalog/garment/" in links  # where a merchant works
        _assert_all_answer(client, links)
    detail = client.get(f"/garments/{garment.pk}/").content.decode()
    assert "Log in</a> to try this on" not in detail  # they are logged in


def test_a_shoppers_links_all_work(client: Client, garment: Garment) -> None:
    shopper = shopper_create()
    client.force_login(shopper.user)
    for page in _pages(garment):
        links = _nav_links(client, page)
        assert {"/suggestions/", "/tryon/", "/account/profile/"} <= set(links)
        assert not [link for link in links if link.startswith("/admin/")]
        _assert_all_answer(client, links)


def test_a_visitors_links_all_work(client: Client, garment: Garment) -> None:
    for page in _pages(garment):
        links = _nav_links(client, page)
        assert {"/account/login/", "/account/sign-up/"} <= set(links)
        _assert_all_answer(client, links)
