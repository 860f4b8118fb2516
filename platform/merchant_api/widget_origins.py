"""Which web origins a merchant may run the try-on widget on: the one rule for their form.

An origin is a scheme, a host and a port (``https://shop.example``, ``https://shop.example:8443``),
what a browser sends in ``Origin``. Only https is accepted, except ``http://localhost`` (and
127.0.0.1, [::1]) for a merchant's development when ``WIDGET_ALLOW_HTTP_LOCALHOST`` is on
(by default only with DEBUG).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def widget_origin_normalize(value: str) -> str:
    """``value`` as the browser would send it in ``Origin``; ValidationError with a sentence
    saying what is wrong when it is no https origin."""
    text = (value or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(f"{text!r} is not a web address.", code="invalid") from exc
    host = (parts.hostname or "").lower()
    if not host or parts.scheme.lower() not in ("https", "http"):
        raise ValidationError(
            "Give the shop's origin like https://shop.example (scheme and host).", code="invalid"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValidationError(
            "An origin has no path, query or login: give only https://host[:port].",
            code="invalid",
        )
    scheme = parts.scheme.lower()
    if scheme == "http" and not (host in LOCAL_HOSTS and settings.WIDGET_ALLOW_HTTP_LOCALHOST):
        raise ValidationError(
            "The widget runs only on https pages (http://localhost only in development).",
            code="insecure",
        )
    default_port = 443 if scheme == "https" else 80
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != default_port:
        netloc += f":{port}"
    return f"{scheme}://{netloc}"
