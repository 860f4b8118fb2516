"""Widget sessions: short-lived signed tokens that let a browser act for one shopper.

The merchant's server asks for one (``POST /api/v1/shoppers/{id}/widget-sessions/``) and hands
it to its page; the embeddable widget sends it instead of an API key, which must never reach
a browser. A token names the merchant, the keyed digest of its shopper id and a digest of the
person's pseudonym (never the id, never the shopper's row id), is signed with the project's
secret under its own salt, and expires after ``WIDGET_SESSION_TTL_S``. Nothing is stored: an
erased shopper's tokens stop at once, and never reach a new person later registered under the
same id.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.utils import timezone

from catalog.models import Merchant
from core.exceptions import ApplicationError
from merchant_api.models import MerchantShopper
from shoppers.models import Shopper

WIDGET_SESSION_TTL_S = 30 * 60
_SALT = "merchant_api.widget_session"
_SCOPE = "shopper"


@dataclass(frozen=True)
class WidgetSession:
    """What a valid token allows: acting for ``shopper`` of ``merchant``, until ``expires_at``."""

    merchant: Merchant
    shopper: Shopper
    expires_at: datetime


def widget_session_issue(*, merchant: Merchant, shopper: Shopper) -> tuple[str, datetime]:
    """A new token for ``merchant``'s ``shopper`` and when it expires."""
    link = MerchantShopper.objects.get(merchant=merchant, shopper=shopper)
    expires_at = (timezone.now() + timedelta(seconds=WIDGET_SESSION_TTL_S)).replace(microsecond=0)
    payload = {
        "m": merchant.pk,
        "s": link.external_id_digest,
        "p": _person(shopper),
        "scope": _SCOPE,
        "exp": int(expires_at.timestamp()),  # for the answer; the signer's clock decides
    }
    token = signing.TimestampSigner(salt=_SALT).sign_object(payload, compress=True)
    return token, expires_at


def widget_session_verify(token: str) -> WidgetSession:
    """The session a token grants; ApplicationError (401) when it is forged, expired, or its
    shopper is gone."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        payload = signer.unsign_object(token, max_age=WIDGET_SESSION_TTL_S)
    except signing.SignatureExpired as exc:
        raise ApplicationError(
            "This widget session has expired; ask your server for a new one.",
            code="widget_session_expired",
            extra={"status": 401},
        ) from exc
    except signing.BadSignature as exc:
        raise ApplicationError(
            "This is not a valid widget session token.",
            code="widget_session_invalid",
            extra={"status": 401},
        ) from exc
    link = (
        MerchantShopper.objects.select_related("merchant", "shopper")
        .filter(merchant_id=payload.get("m"), external_id_digest=payload.get("s"))
        .first()
        if payload.get("scope") == _SCOPE
        else None
    )
    if link is None or payload.get("p") != _person(link.shopper):
        raise ApplicationError(
            "This widget session's shopper no longer exists.",
            code="widget_session_invalid",
            extra={"status": 401},
        )
    expires_at = datetime.fromtimestamp(int(payload["exp"]), tz=UTC)
    return WidgetSession(merchant=link.merchant, shopper=link.shopper, expires_at=expires_at)


def _person(shopper: Shopper) -> str:
    """Which person a token was made for: a digest of their pseudonym (a new profile under the
    same merchant id has another)."""
    return hashlib.sha256(f"widget:{shopper.pseudonym}".encode()).hexdigest()[:24]
