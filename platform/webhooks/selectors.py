"""Read paths for webhooks."""

from datetime import datetime

from django.db.models import QuerySet

from accounts.models import User
from catalog.models import Merchant, MerchantStaff
from catalog.selectors import merchant_for_staff
from webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoint_list_subscribed(*, merchant: Merchant, event_type: str) -> list[WebhookEndpoint]:
    """The merchant's enabled endpoints that subscribed to this event type."""
    # Filtered here, not by a JSON lookup: SQLite has no "list contains", and a merchant has
    # a handful of endpoints.
    endpoints = WebhookEndpoint.objects.filter(merchant=merchant, is_enabled=True).order_by("pk")
    return [endpoint for endpoint in endpoints if event_type in endpoint.event_types]


def endpoint_signing_secrets(*, endpoint: WebhookEndpoint, at: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during its grace."""
    signing = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires and expires > at:
        signing.append(endpoint.previous_secret)
    return signing


def endpoint_list_for_merchant(*, merchant: Merchant) -> QuerySet[WebhookEndpoint]:
    """A merchant's endpoints (the merchant API lists these)."""
    return WebhookEndpoint.objects.filter(merchant=merchant).order_by("created_at", "pk")


def delivery_list_for_merchant(*, merchant: Merchant) -> QuerySet[WebhookDelivery]:
    """Deliveries to a merchant's endpoints, newest first, with their event and endpoint."""
    return (
        WebhookDelivery.objects.filter(endpoint__merchant=merchant)
        .select_related("event", "endpoint")
        .order_by("-created_at", "-pk")
    )


def endpoint_list_for_staff(*, user: User) -> QuerySet[WebhookEndpoint]:
    """Endpoints a login may manage: all for superusers, their merchant's for staff."""
    endpoints = WebhookEndpoint.objects.select_related("merchant")
    if user.is_superuser:
        return endpoints
    merchant = merchant_for_staff(user=user)
    return endpoints.filter(merchant=merchant) if merchant else endpoints.none()


def delivery_list_for_staff(*, user: User) -> QuerySet[WebhookDelivery]:
    """Deliveries a login may see and replay: all for superusers, their merchant's for staff."""
    deliveries = WebhookDelivery.objects.select_related("event", "endpoint__merchant")
    if user.is_superuser:
        return deliveries
    merchant = merchant_for_staff(user=user)
    return deliveries.filter(endpoint__merchant=merchant) if merchant else deliveries.none()


def merchant_staff_emails(*, merchant: Merchant) -> list[str]:
    """Where a notice to a merchant goes: its active staff logins that have an e-mail."""
    return sorted(
        MerchantStaff.objects.filter(merchant=merchant, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
