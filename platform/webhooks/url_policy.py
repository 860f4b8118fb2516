"""Which webhook URLs we may post to (server-side request forgery).

A merchant chooses the URL, and our workers post from inside our network, so a URL naming
(or resolving to) a loopback, private, link-local, multicast, reserved or unspecified
address could reach our own services. Every address the host resolves to is checked, when
the endpoint is registered and again before each delivery (a name can be pointed elsewhere
after registration: DNS rebinding), and the delivery connects to an address that was
checked, never resolving the name a second time.

``settings.WEBHOOKS_ALLOW_PRIVATE_URLS`` (tests, a laptop) allows such addresses and plain
http; production refuses to start with it on.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from core.exceptions import ApplicationError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class WebhookUrlRefused(ApplicationError):
    """The URL is not one we post to; the message says why, for the merchant."""

    code = "webhook_url_refused"


@dataclass(frozen=True)
class WebhookTarget:
    """A URL taken apart, with the addresses its host resolved to, all of them checked."""

    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]


def url_parse(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path of an acceptable webhook URL; refuses anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise WebhookUrlRefused(f"The webhook URL is not a valid URL: {exc}.") from exc
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_URLS
    allowed_schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in allowed_schemes:
        raise WebhookUrlRefused("The webhook URL must start with https://.")
    if not parts.hostname:
        raise WebhookUrlRefused("The webhook URL has no host name.")
    if parts.username or parts.password:
        raise WebhookUrlRefused(
            "The webhook URL must not contain a user name or password; check the signature "
            "instead (webhook-signature header)."
        )
    if parts.fragment:
        raise WebhookUrlRefused("The webhook URL must not contain a #fragment.")
    port = port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port, path


def url_check(url: str) -> WebhookTarget:
    """Parse the URL and resolve its host; refuse it if any address is not a public one."""
    scheme, host, port, path = url_parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookUrlRefused(
            f"The webhook URL's host {host!r} could not be resolved ({exc}).",
            code="webhook_host_unresolved",
        ) from exc
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]  # an IPv6 zone id is not part of it
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise WebhookUrlRefused(
            f"The webhook URL's host {host!r} has no address.", code="webhook_host_unresolved"
        )
    if not settings.WEBHOOKS_ALLOW_PRIVATE_URLS:
        for address in addresses:
            kind = address_kind_refused(ipaddress.ip_address(address))
            if kind:
                named = "" if host == address else f"{host!r} resolves to "
                raise WebhookUrlRefused(
                    f"The webhook URL is refused: {named}{address}, a {kind} address. Webhooks "
                    "are sent only to addresses on the public internet."
                )
    return WebhookTarget(scheme=scheme, host=host, port=port, path=path, addresses=tuple(addresses))


def address_kind_refused(address: IPAddress) -> str:
    """What kind of non-public address this is ("" for a public one)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 reaches 127.0.0.1.
        return address_kind_refused(address.ipv4_mapped)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        # Anything else the IANA registries do not call globally reachable (100.64.0.0/10
        # carrier-grade NAT, 192.0.0.0/24, documentation ranges, ...).
        ("non-public", not address.is_global),
    )
    return next((kind for kind, refused in checks if refused), "")
