"""Write paths for webhooks: endpoints and their secrets, emitting events, delivering them.

Emitting writes the event and one delivery per subscribed endpoint in the caller's
transaction (a rolled-back try-on or import sends nothing) and queues the delivery task
once it commits. Delivering posts outside any transaction (no lock is held on the network),
records every attempt, and retries with exponential backoff and full jitter
(``webhooks.retry_policy``). An endpoint that keeps failing is disabled and its merchant's
staff are told by e-mail.

The domain apps never call this app: they send signals (``catalog.signals``,
``tryon.signals``), and ``webhooks.receivers`` calls the ``*_webhooks_emit`` functions here.
"""

import json
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from catalog.models import CatalogImport, Garment, GarmentSize, Merchant
from core.exceptions import ApplicationError
from tryon.models import TryOnJob
from webhooks import payloads
from webhooks.events import SUBSCRIBABLE, EventType
from webhooks.models import (
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookEndpoint,
    WebhookEvent,
)
from webhooks.retry_policy import backoff_s, status_retryable
from webhooks.selectors import (
    endpoint_list_subscribed,
    endpoint_signing_secrets,
    merchant_staff_emails,
)
from webhooks.signing import secret_generate, signature_headers
from webhooks.transport import PostResult, signed_post
from webhooks.url_policy import WebhookUrlRefused, url_check

logger = logging.getLogger(__name__)

#: A retry due sooner than this is sent at once with a countdown; a later one waits for the
#: sweep (Redis would hand a countdown message longer than its visibility timeout to a
#: second worker before it is due).
COUNTDOWN_MAX_S = 300
#: A message not claimed this long after it was due was lost; the sweep sends another.
LOST_AFTER_S = 300
#: How long past its timeout an attempt may still be running before the sweep retries it.
CLAIM_MARGIN_S = 60

TRYON_EVENTS = {
    TryOnJob.State.SUCCEEDED: EventType.TRYON_SUCCEEDED,
    TryOnJob.State.FAILED: EventType.TRYON_FAILED,
    TryOnJob.State.CANCELLED: EventType.TRYON_CANCELLED,
}


# --- Endpoints ----------------------------------------------------------------------------


def endpoint_create(
    *, merchant: Merchant, url: str, event_types: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret (shown to the merchant once)."""
    url_check(url)
    secret = secret_generate()
    endpoint = WebhookEndpoint(
        merchant=merchant,
        url=url.strip(),
        description=description,
        event_types=_event_types_clean(event_types),
        secret=secret,
    )
    endpoint.full_clean()
    endpoint.save()
    logger.info("webhook endpoint %s registered for %s", endpoint.public_id, merchant.slug)
    return endpoint, secret


def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
) -> WebhookEndpoint:
    """Change an endpoint's URL (checked again), events or description."""
    if url is not None and url.strip() != endpoint.url:
        url_check(url)
        endpoint.url = url.strip()
    if event_types is not None:
        endpoint.event_types = _event_types_clean(event_types)
    if description is not None:
        endpoint.description = description
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def endpoint_secret_rotate(*, endpoint: WebhookEndpoint, grace: timedelta | None = None) -> str:
    """Give the endpoint a new secret; the current one keeps signing beside it for ``grace``
    (WEBHOOK_SECRET_GRACE_HOURS by default). Returns the new secret (shown once)."""
    grace = grace if grace is not None else timedelta(hours=settings.WEBHOOK_SECRET_GRACE_HOURS)
    now = timezone.now()
    secret = secret_generate()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        # Only two secrets at a time: one still in its grace period from an earlier
        # rotation stops signing now.
        endpoint.previous_secret = endpoint.secret if grace > timedelta(0) else None
        endpoint.previous_secret_expires_at = now + grace if grace > timedelta(0) else None
        endpoint.secret = secret
        endpoint.secret_rotated_at = now
        endpoint.save()
    logger.info("webhook endpoint %s: secret rotated", endpoint.public_id)
    return secret


def endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Turn a disabled endpoint on again, its failure count cleared (replay what it missed)."""
    url_check(endpoint.url)
    endpoint.is_enabled = True
    endpoint.disabled_reason = ""
    endpoint.disabled_at = endpoint.disabled_notice_sent_at = endpoint.failing_since = None
    endpoint.consecutive_failures = 0
    endpoint.save()
    return endpoint


def endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> WebhookEndpoint:
    """Turn an endpoint off; deliveries still owed to it are marked disabled, not sent."""
    endpoint.is_enabled = False
    endpoint.disabled_reason = reason[:300] or "Disabled by the merchant."
    endpoint.disabled_at = timezone.now()
    endpoint.save()
    WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.DISABLED,
        finished_at=endpoint.disabled_at,
        next_attempt_at=None,
    )
    return endpoint


def endpoint_secrets_reencrypt() -> int:
    """Write every endpoint's secrets again, under the primary encryption key (the privacy
    app's key rotation calls this). Returns how many endpoints were written."""
    count = 0
    for endpoint in WebhookEndpoint.objects.iterator(chunk_size=200):
        with transaction.atomic():
            endpoint.save(update_fields=["secret", "previous_secret"])
        count += 1
    return count


def endpoint_test_send(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a ``webhook.test`` event to this endpoint alone."""
    if not endpoint.is_enabled:
        raise ApplicationError(
            "This endpoint is disabled; enable it before sending it a test event.",
            code="webhook_endpoint_disabled",
        )
    event = event_emit(
        merchant=endpoint.merchant,
        event_type=EventType.WEBHOOK_TEST,
        data=payloads.webhook_test_data(endpoint_id=str(endpoint.public_id)),
        endpoints=[endpoint],
    )
    assert event is not None
    return event.deliveries.get()


def _event_types_clean(event_types: list[str]) -> list[str]:
    known = {choice.value for choice in SUBSCRIBABLE}
    unknown = sorted(set(event_types) - known)
    if unknown:
        raise ApplicationError(
            f"Unknown event type(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.",
            code="webhook_event_type_unknown",
        )
    if not event_types:
        raise ApplicationError(
            "Pick at least one event type to send to this endpoint.",
            code="webhook_event_types_empty",
        )
    # In the vocabulary's order, each once.
    return [choice.value for choice in SUBSCRIBABLE if choice.value in set(event_types)]


# --- Emitting: one line in each domain service ---------------------------------------------


def tryon_job_webhooks_emit(*, job: TryOnJob) -> WebhookEvent | None:
    """A try-on job reached a final state: tryon.succeeded / .failed / .cancelled."""
    event_type = TRYON_EVENTS.get(job.state)
    if event_type is None:
        return None
    return event_emit(
        merchant=job.garment.merchant,
        event_type=event_type,
        data=payloads.tryon_job_data(job),
        tryon_job=job,
    )


def catalog_import_webhooks_emit(*, catalog_import: CatalogImport) -> WebhookEvent | None:
    """A catalogue import finished: import.finished."""
    return event_emit(
        merchant=catalog_import.merchant,
        event_type=EventType.IMPORT_FINISHED,
        data=payloads.catalog_import_data(catalog_import),
    )


def garment_stock_webhooks_emit(*, garment: Garment, stock_before: int | None) -> None:
    """A garment's stock was changed from ``stock_before`` (None: the garment is new):
    garment.out_of_stock when its last size sold out, garment.back_in_stock when a sold-out
    garment has stock again. Nothing for any other change."""
    if stock_before is None:
        return
    stock_after = sum(GarmentSize.objects.filter(garment=garment).values_list("stock", flat=True))
    if stock_before > 0 and stock_after == 0:
        event_type = EventType.GARMENT_OUT_OF_STOCK
    elif stock_before == 0 and stock_after > 0:
        event_type = EventType.GARMENT_BACK_IN_STOCK
    else:
        return
    event_emit(
        merchant=garment.merchant,
        event_type=event_type,
        data=payloads.garment_stock_data(garment),
    )


def event_emit(
    *,
    merchant: Merchant,
    event_type: str,
    data: dict,
    endpoints: list[WebhookEndpoint] | None = None,
    tryon_job: TryOnJob | None = None,
) -> WebhookEvent | None:
    """Record an event and a delivery for each endpoint (by default the merchant's enabled
    endpoints subscribed to it) in the current transaction; queue them after the commit.
    Returns None when no endpoint wants it (nothing is stored). An event about a try-on job
    names it, so that the event is deleted with the job."""
    if endpoints is None:
        endpoints = endpoint_list_subscribed(merchant=merchant, event_type=event_type)
    if not endpoints:
        return None
    now = timezone.now()
    with transaction.atomic():
        event = WebhookEvent.objects.create(
            merchant=merchant,
            type=event_type,
            payload={"type": event_type, "timestamp": _iso(now), "data": data},
            tryon_job=tryon_job,
        )
        for endpoint in endpoints:
            delivery = WebhookDelivery.objects.create(
                event=event,
                endpoint=endpoint,
                attempts_allowed=settings.WEBHOOK_MAX_ATTEMPTS,
                next_attempt_at=now,
            )
            _dispatch(delivery)
    logger.info("webhook %s %s for %d endpoint(s)", event_type, event.public_id, len(endpoints))
    return event


# --- Delivering ---------------------------------------------------------------------------


def delivery_attempt(*, delivery_id: int, seq: int) -> None:
    """Make one attempt of a delivery, for the message numbered ``seq``.

    A message that is not the delivery's latest, or was already claimed (a redelivery), or
    whose delivery is no longer pending, does nothing.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("event", "endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if (
            delivery is None  # its endpoint was deleted
            or delivery.status != WebhookDelivery.Status.PENDING
            or delivery.dispatch_seq != seq
            or delivery.claimed_seq >= seq
        ):
            return
        endpoint = delivery.endpoint
        if not endpoint.is_enabled:
            delivery.status, delivery.finished_at = WebhookDelivery.Status.DISABLED, now
            delivery.save(update_fields=["status", "finished_at", "updated_at"])
            return
        delivery.claimed_seq = seq
        delivery.attempt_count += 1
        # Until then the attempt may still be running; after it, the sweep tries again.
        delivery.next_attempt_at = now + timedelta(
            seconds=settings.WEBHOOK_TIMEOUT_S + CLAIM_MARGIN_S
        )
        delivery.save(update_fields=["claimed_seq", "attempt_count", "next_attempt_at"])
        number, url = delivery.attempt_count, endpoint.url
        signing_secrets = endpoint_signing_secrets(endpoint=endpoint, at=now)
        msg_id, payload = delivery.event.public_id, delivery.event.payload

    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    try:
        target = url_check(url)  # again now: the name may point elsewhere since registration
    except WebhookUrlRefused as exc:
        result, retryable = PostResult(status_code=None, duration_ms=0, error=exc.message), False
    else:
        headers = signature_headers(
            msg_id=msg_id, timestamp=timezone.now(), body=body, signing_secrets=signing_secrets
        )
        result = signed_post(
            target=target, body=body, headers=headers, timeout_s=settings.WEBHOOK_TIMEOUT_S
        )
        retryable = status_retryable(result.status_code)
    _attempt_record(
        delivery_id=delivery_id, seq=seq, number=number, url=url, result=result,
        retryable=retryable,
    )  # fmt: skip


def _attempt_record(
    *, delivery_id: int, seq: int, number: int, url: str, result: PostResult, retryable: bool
) -> None:
    """Keep the attempt and decide: done, retry after a backoff, or give up."""
    now = timezone.now()
    succeeded = result.status_code is not None and 200 <= result.status_code < 300
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return
        # A replay while this attempt ran sent a newer message; that one decides what follows.
        superseded = delivery.dispatch_seq != seq or delivery.status != "pending"
        attempt = WebhookDeliveryAttempt(
            delivery=delivery,
            number=number,
            url=url,
            status_code=result.status_code,
            duration_ms=result.duration_ms,
            error=result.error[:2000],
            response_excerpt=result.response_excerpt,
        )
        delivery.last_status_code = result.status_code
        if succeeded:
            attempt.outcome = WebhookDeliveryAttempt.Outcome.SUCCEEDED
            delivery.status, delivery.finished_at = WebhookDelivery.Status.SUCCEEDED, now
            delivery.next_attempt_at = None
            _endpoint_success(delivery.endpoint)
        elif superseded:
            attempt.outcome = WebhookDeliveryAttempt.Outcome.RETRY
        elif retryable and number < delivery.attempts_allowed:
            delay = backoff_s(
                retry_number=number,
                base_s=settings.WEBHOOK_BACKOFF_BASE_S,
                max_s=settings.WEBHOOK_BACKOFF_MAX_S,
            )
            attempt.outcome = WebhookDeliveryAttempt.Outcome.RETRY
            attempt.retry_in_s = round(delay, 3)
            delivery.next_attempt_at = now + timedelta(seconds=delay)
            if delay <= COUNTDOWN_MAX_S:
                _dispatch(delivery, countdown=delay)
        else:
            attempt.outcome = WebhookDeliveryAttempt.Outcome.FAILED
            delivery.status, delivery.finished_at = WebhookDelivery.Status.FAILED, now
            delivery.next_attempt_at = None
            _endpoint_failure(delivery.endpoint, attempt=attempt)
        attempt.save()
        delivery.save()
    logger.info(
        "webhook delivery %s attempt %d: %s %s",
        delivery_id,
        number,
        attempt.outcome,
        result.status_code or result.error[:200],
    )


def delivery_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now, with a fresh set of attempts, whatever its state.

    It keeps its event's id (``webhook-id``), so a receiver that already processed it can
    tell; the timestamp and signature are new.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .get(pk=delivery.pk)
        )
        if not delivery.endpoint.is_enabled:
            raise ApplicationError(
                f"The endpoint {delivery.endpoint.url} is disabled; enable it before "
                "replaying its deliveries.",
                code="webhook_endpoint_disabled",
            )
        delivery.status, delivery.finished_at = WebhookDelivery.Status.PENDING, None
        delivery.attempts_allowed = delivery.attempt_count + settings.WEBHOOK_MAX_ATTEMPTS
        delivery.next_attempt_at = timezone.now()
        delivery.save()
        _dispatch(delivery)
    logger.info("webhook delivery %s replayed", delivery.pk)
    return delivery


def deliveries_due_dispatch(*, now: datetime | None = None) -> int:
    """Sweep (Celery beat): send deliveries whose retry is due and no message is on its way
    (long backoffs), or whose message was lost (not claimed long after it was due), or whose
    attempt died with its worker. Returns how many were sent."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).values_list("pk", flat=True)
    sent = 0
    for delivery_id in list(due[:1000]):
        with transaction.atomic():
            delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
            if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
                continue
            waiting_for_sweep = delivery.claimed_seq == delivery.dispatch_seq
            lost = delivery.next_attempt_at <= now - timedelta(seconds=LOST_AFTER_S)
            if waiting_for_sweep or lost:
                # Counted from now: a message still stuck behind a busy queue is sent again
                # only after another LOST_AFTER_S, not at every sweep.
                delivery.next_attempt_at = now
                _dispatch(delivery)
                sent += 1
    return sent


def _dispatch(delivery: WebhookDelivery, *, countdown: float = 0.0) -> None:
    """Number a new message for the delivery and send it once the transaction commits.

    A broker fault must not undo the event's cause: the message is then sent by the sweep.
    """
    delivery.dispatch_seq += 1
    delivery.save(update_fields=["dispatch_seq", "next_attempt_at", "status", "updated_at"])
    delivery_id, seq = delivery.pk, delivery.dispatch_seq
    transaction.on_commit(lambda: _message_send(delivery_id, seq, countdown), robust=True)


def _message_send(delivery_id: int, seq: int, countdown: float) -> None:
    from webhooks.tasks import webhook_deliver  # the task module imports this one

    webhook_deliver.apply_async(
        kwargs={"delivery_id": delivery_id, "seq": seq}, countdown=countdown or None
    )


# --- Endpoint health -----------------------------------------------------------------------


def _endpoint_success(endpoint: WebhookEndpoint) -> None:
    if endpoint.consecutive_failures or endpoint.failing_since:
        endpoint.consecutive_failures, endpoint.failing_since = 0, None
        endpoint.save(update_fields=["consecutive_failures", "failing_since", "updated_at"])


def _endpoint_failure(endpoint: WebhookEndpoint, *, attempt: WebhookDeliveryAttempt) -> None:
    """Count a failed delivery; disable the endpoint once it has failed
    WEBHOOK_DISABLE_AFTER_FAILURES deliveries in a row over WEBHOOK_DISABLE_AFTER_HOURS."""
    now = timezone.now()
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.consecutive_failures += 1
    endpoint.failing_since = endpoint.failing_since or now
    endpoint.save(update_fields=["consecutive_failures", "failing_since", "updated_at"])
    failing_for = now - endpoint.failing_since
    if not endpoint.is_enabled or endpoint.consecutive_failures < (
        settings.WEBHOOK_DISABLE_AFTER_FAILURES
    ):
        return
    if failing_for < timedelta(hours=settings.WEBHOOK_DISABLE_AFTER_HOURS):
        return
    last = f"HTTP {attempt.status_code}" if attempt.status_code else attempt.error[:120]
    endpoint_disable(
        endpoint=endpoint,
        reason=(
            f"Disabled automatically: {endpoint.consecutive_failures} deliveries in a row "
            f"failed since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC (last: {last})."
        ),
    )
    endpoint_id = endpoint.pk
    logger.warning("webhook endpoint %s disabled: %s", endpoint.public_id, endpoint.disabled_reason)
    transaction.on_commit(lambda: _notice_send(endpoint_id), robust=True)


def _notice_send(endpoint_id: int) -> None:
    from webhooks.tasks import webhook_disabled_notice

    webhook_disabled_notice.delay(endpoint_id)


def endpoint_disabled_notice_deliver(*, endpoint_id: int) -> int:
    """E-mail the merchant's staff that an endpoint was disabled and why (once per disabling).
    Returns how many people were written to."""
    endpoint = (
        WebhookEndpoint.objects.select_related("merchant")
        .filter(pk=endpoint_id, is_enabled=False, disabled_notice_sent_at__isnull=True)
        .first()
    )
    if endpoint is None:  # deleted, enabled again, or already told
        return 0
    recipients = merchant_staff_emails(merchant=endpoint.merchant)
    if not recipients:
        logger.warning("webhook endpoint %s disabled; no staff e-mail to tell", endpoint_id)
        return 0
    context = {
        "merchant": endpoint.merchant.name,
        "url": endpoint.url,
        "reason": endpoint.disabled_reason,
        "link": settings.FITTINGROOM_BASE_URL.rstrip("/")
        + reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
    }
    message = EmailMultiAlternatives(
        subject=f"Webhook endpoint disabled: {endpoint.url}",
        body=render_to_string("webhooks/endpoint_disabled.txt", context),
        to=recipients,
    )
    message.attach_alternative(
        render_to_string("webhooks/endpoint_disabled.html", context), "text/html"
    )
    # Sent outside any transaction (no database lock held while the mail server answers);
    # a fault raises, and the task retries.
    message.send(fail_silently=False)
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(disabled_notice_sent_at=timezone.now())
    return len(recipients)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint with its deliveries (the events stay for the merchant's others)."""
    logger.info("webhook endpoint %s deleted", endpoint.public_id)
    endpoint.delete()
