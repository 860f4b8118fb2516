"""Server-side request forgery: webhook URLs must reach the public internet only.

With WEBHOOKS_ALLOW_PRIVATE_URLS off (as in production), loopback, private, link-local,
multicast, reserved and unspecified addresses are refused at registration and again at
delivery (DNS rebinding), for literal addresses and for names resolving to them. Names are
resolved by the real resolver (``localhost``) or, for names no DNS here can answer, by
``socket.getaddrinfo`` answering for that one name the way a hostile DNS server would.
"""

import socket

import pytest
from django.test import Client

from accounts.models import User
from catalog.models import Merchant
from webhooks.models import WebhookEndpoint
from webhooks.services import endpoint_create, endpoint_test_send
from webhooks.url_policy import WebhookUrlRefused, url_check

pytestmark = pytest.mark.usefixtures("storefront_tasks_eager")

REFUSED = {
    "https://127.0.0.1/hook": "loopback",
    "https://127.8.9.10:8443/hook": "loopback",
    "https://10.0.0.7/hook": "private",
    "https://10.255.1.2/hook": "private",
    "https://172.16.5.4/hook": "private",
    "https://192.168.1.1/hook": "private",
    "https://169.254.169.254/latest/meta-data/": "link-local",
    "https://[::1]/hook": "loopback",
    "https://[fe80::1]/hook": "link-local",
    "https://[fd00::5]/hook": "private",
    "https://[::ffff:127.0.0.1]/hook": "loopback",
    "https://[::ffff:10.0.0.1]/hook": "private",
    "https://0.0.0.0/hook": "unspecified",
    "https://[::]/hook": "unspecified",
    "https://224.0.0.1/hook": "multicast",
    "https://240.0.0.1/hook": "reserved",
    "https://100.64.0.1/hook": "non-public",
    "https://localhost/hook": "loopback",
}


@pytest.fixture
def production_policy(settings) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False


@pytest.fixture
def dns(monkeypatch) -> dict[str, list[str]]:
    """Names this test's "DNS server" answers, with the addresses it answers; every other
    name goes to the real resolver. Counts lookups per name in ``dns["_lookups"]``."""
    answers: dict[str, list[str]] = {"_lookups": []}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            answers["_lookups"].append(host)
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (address, port),
                )
                for address in answers[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.mark.usefixtures("production_policy")
@pytest.mark.parametrize(("url", "kind"), REFUSED.items())
def test_non_public_addresses_are_refused_at_registration(merchant, url: str, kind: str) -> None:
    with pytest.raises(WebhookUrlRefused, match=f"a {kind} address"):
        endpoint_create(merchant=merchant, url=url, event_types=["tryon.succeeded"])
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.usefixtures("production_policy")
@pytest.mark.parametrize(
    ("address", "kind"),
    [("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("169.254.169.254", "link-local"),
     ("::1", "loopback")],
)  # fmt: skip
def test_a_name_resolving_to_a_non_public_address_is_refused(
    merchant, dns, address: str, kind: str
) -> None:
    # One public address and one internal one: every address must be public.
    dns["hooks.shop.example"] = ["93.184.216.34", address]
    with pytest.raises(WebhookUrlRefused, match=f"'hooks.shop.example' resolves to {address}"):
        url_check("https://hooks.shop.example/fitting-room")
    with pytest.raises(WebhookUrlRefused, match=kind):
        endpoint_create(
            merchant=merchant,
            url="https://hooks.shop.example/fitting-room",
            event_types=["tryon.succeeded"],
        )


@pytest.mark.usefixtures("production_policy")
def test_https_public_addresses_are_accepted_and_plain_http_is_not(merchant, dns) -> None:
    dns["hooks.shop.example"] = ["93.184.216.34", "2606:2800:220:1::1"]
    target = url_check("https://hooks.shop.example:8443/in?shop=1")
    assert (target.host, target.port, target.path) == ("hooks.shop.example", 8443, "/in?shop=1")
    assert target.addresses == ("93.184.216.34", "2606:2800:220:1::1")
    with pytest.raises(WebhookUrlRefused, match="must start with https://"):
        url_check("http://hooks.shop.example/in")
    with pytest.raises(WebhookUrlRefused, match="user name or password"):
        url_check("https://user:pw@hooks.shop.example/in")
    with pytest.raises(WebhookUrlRefused, match="could not be resolved"):
        url_check("https://no-such-host.invalid/in")


def test_dns_rebinding_after_registration_is_refused_at_delivery(
    merchant, dns, receiver, settings, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    port = receiver.url.split(":")[2].split("/")[0]
    dns["hooks.shop.example"] = ["93.184.216.34"]
    endpoint, _ = endpoint_create(
        merchant=merchant,
        url=f"https://hooks.shop.example:{port}/hooks/fitting-room",
        event_types=["tryon.succeeded"],
    )
    dns["hooks.shop.example"] = ["127.0.0.1"]  # the name now points inside our network

    with django_capture_on_commit_callbacks(execute=True):
        delivery = endpoint_test_send(endpoint=endpoint)

    delivery.refresh_from_db()
    (attempt,) = delivery.attempts.all()
    assert delivery.status == "failed" and attempt.outcome == "failed"  # not retried
    assert "resolves to 127.0.0.1, a loopback address" in attempt.error
    assert receiver.requests == []  # never connected


def test_the_delivery_connects_to_the_address_it_checked(
    merchant, dns, receiver, django_capture_on_commit_callbacks
) -> None:
    """The name is resolved once per attempt, by the check; the connection goes to that
    address while the request still names the host (Host header)."""
    port = receiver.url.split(":")[2].split("/")[0]
    dns["receiver.shop.example"] = ["127.0.0.1"]
    endpoint, secret = endpoint_create(
        merchant=merchant,
        url=f"http://receiver.shop.example:{port}/hooks/fitting-room",
        event_types=["tryon.succeeded"],
    )
    dns["_lookups"].clear()

    with django_capture_on_commit_callbacks(execute=True):
        endpoint_test_send(endpoint=endpoint)

    (request,) = receiver.requests
    assert request.headers["Host"] == f"receiver.shop.example:{port}"
    request.verified(secret)
    assert dns["_lookups"] == ["receiver.shop.example"]


def test_the_admin_shows_a_refused_url_on_its_field(merchant, settings) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    operator = User.objects.create_superuser(username="op", password="pw-12345678")
    client = Client()
    client.force_login(operator)
    response = client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {"merchant": merchant.pk, "url": "https://169.254.169.254/latest/meta-data/",
         "description": "", "event_types": ["tryon.succeeded"]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "169.254.169.254, a link-local address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    assert Merchant.objects.count() == 1
