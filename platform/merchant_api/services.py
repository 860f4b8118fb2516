"""Writes of the merchant API: keys, the merchant's shopper ids, idempotency records."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Merchant
from core.exceptions import ApplicationError
from merchant_api.models import (
    IdempotentRequest,
    KeyScope,
    MerchantApiKey,
    MerchantShopper,
    WidgetOrigin,
)
from shoppers.models import Shopper
from shoppers.services import shopper_profile_create

EXTERNAL_ID_MAX_LENGTH = 200


def api_key_create(
    *, merchant: Merchant, name: str, scope: str = KeyScope.READ
) -> tuple[MerchantApiKey, str]:
    """A new key for ``merchant``; the plain key is returned once and never stored."""
    return MerchantApiKey.objects.create_key(merchant=merchant, name=name, scope=scope)


def api_key_rotate(
    *, api_key: MerchantApiKey, grace: timedelta | None = None
) -> tuple[MerchantApiKey, str]:
    """Replace ``api_key`` with a new one of the same name and scope.

    The old key keeps working for ``grace`` (default ``API_KEY_ROTATION_GRACE_HOURS``) so the
    merchant can deploy the new one without downtime, then expires.
    """
    if grace is None:
        grace = timedelta(hours=settings.API_KEY_ROTATION_GRACE_HOURS)
    with transaction.atomic():
        new_key, plain = MerchantApiKey.objects.create_key(
            merchant=api_key.merchant, name=api_key.name, scope=api_key.scope
        )
        expires = timezone.now() + grace
        if api_key.expiry_date is None or api_key.expiry_date > expires:
            api_key.expiry_date = expires
            api_key.save(update_fields=["expiry_date"])
    return new_key, plain


def api_key_revoke(*, api_key: MerchantApiKey) -> None:
    """Stop ``api_key`` at once (cannot be undone)."""
    api_key.revoked = True
    api_key.save(update_fields=["revoked"])


def external_id_digest(*, merchant: Merchant, external_id: str) -> str:
    """Keyed digest of a merchant's shopper id: stable per merchant, not reversible."""
    subject = f"merchant:{merchant.pk}:shopper:{external_id}"
    return hmac.new(settings.PSEUDONYM_KEY.encode(), subject.encode(), hashlib.sha256).hexdigest()


def external_id_validate(external_id: str) -> str:
    """The merchant's id as given, or an error saying what is wrong with it."""
    if not external_id or len(external_id) > EXTERNAL_ID_MAX_LENGTH:
        raise ApplicationError(
            f"A shopper id must be 1 to {EXTERNAL_ID_MAX_LENGTH} characters.",
            code="invalid_shopper_id",
            extra={"field": "shopper_id"},
        )
    if not external_id.isprintable() or "/" in external_id:
        # It is a path segment of the API's URLs, so no slash either.
        raise ApplicationError(
            "A shopper id must not contain a slash or control characters.",
            code="invalid_shopper_id",
            extra={"field": "shopper_id"},
        )
    return external_id


def merchant_shopper_ensure(*, merchant: Merchant, external_id: str) -> Shopper:
    """The shopper profile behind ``merchant``'s id, made on first use.

    The profile's login has no usable password and a name derived from the digest: such a
    shopper exists for the merchant's calls only and cannot sign in to our pages.
    """
    digest = external_id_digest(merchant=merchant, external_id=external_id_validate(external_id))
    link = (
        MerchantShopper.objects.select_related("shopper")
        .filter(merchant=merchant, external_id_digest=digest)
        .first()
    )
    if link is not None:
        return link.shopper
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=f"m{merchant.pk}-{digest[:24]}", password=None
            )
            shopper = shopper_profile_create(user=user)
            MerchantShopper.objects.create(
                merchant=merchant, external_id_digest=digest, shopper=shopper
            )
            return shopper
    except IntegrityError:
        # A concurrent first call made it: use theirs.
        return MerchantShopper.objects.get(merchant=merchant, external_id_digest=digest).shopper


@dataclass(frozen=True)
class IdempotencyClaim:
    """The outcome of presenting an ``Idempotency-Key``: replay a stored answer or go on."""

    record: IdempotentRequest
    replay: bool


def idempotency_claim(*, merchant: Merchant, key: str, fingerprint: str) -> IdempotencyClaim:
    """Claim ``key`` for this request, or find the finished request that used it.

    Raises ApplicationError (409) while the first request with this key is still running,
    and (422) when the key was used for a different request.
    """
    if not key or len(key) > 255 or not key.isprintable():
        raise ApplicationError(
            "An Idempotency-Key must be 1 to 255 printable characters (a UUID is ideal).",
            code="invalid_idempotency_key",
            extra={"field": "Idempotency-Key"},
        )
    cutoff = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_TTL_HOURS)
    IdempotentRequest.objects.filter(merchant=merchant, key=key, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(
                merchant=merchant, key=key, fingerprint=fingerprint
            )
        return IdempotencyClaim(record=record, replay=False)
    except IntegrityError:
        record = IdempotentRequest.objects.get(merchant=merchant, key=key)
    if record.fingerprint != fingerprint:
        raise ApplicationError(
            "This Idempotency-Key was already used for a different request; "
            "use a new key for a new request.",
            code="idempotency_key_reused",
            extra={"status": 422},
        )
    if record.response_status is None:
        raise ApplicationError(
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            code="idempotency_in_progress",
            extra={"status": 409},
        )
    return IdempotencyClaim(record=record, replay=True)


def idempotency_complete(
    *,
    record: IdempotentRequest,
    status: int,
    body: object,
    location: str = "",
    shopper: Shopper | None = None,
) -> None:
    """Remember the answer, or forget the key after a server error or a 429 (a limit: no work
    was done, and the retry after Retry-After must run) so a retry runs again."""
    if status >= 500 or status == 429:
        record.delete()
        return
    record.response_status = status
    record.response_body = body
    record.response_location = location
    record.shopper = shopper
    record.save(update_fields=["response_status", "response_body", "response_location", "shopper"])


def idempotency_release(*, record: IdempotentRequest) -> None:
    """Forget a claim whose request crashed, so the merchant's retry is served."""
    IdempotentRequest.objects.filter(pk=record.pk, response_status__isnull=True).delete()


def idempotent_requests_purge() -> int:
    """Delete keys older than the retention (periodic)."""
    cutoff = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def widget_origin_add(*, merchant: Merchant, origin: str) -> WidgetOrigin:
    """Register ``origin`` (normalised; ValidationError when it is no https origin) as a
    place where ``merchant``'s pages run the try-on widget. Adding it twice is a no-op."""
    candidate = WidgetOrigin(merchant=merchant, origin=origin)
    candidate.clean()
    widget_origin, _ = WidgetOrigin.objects.get_or_create(
        merchant=merchant, origin=candidate.origin
    )
    return widget_origin
