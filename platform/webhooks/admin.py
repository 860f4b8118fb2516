"""Merchants' webhooks in the admin: their endpoints, the deliveries and every attempt.

Staff see and manage only their own merchant's endpoints (catalog's MerchantScopedAdmin).
A signing secret is shown once, on the page that answers its creation or rotation, and
never again (it is stored encrypted).
"""

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from catalog.admin import MerchantScopedAdmin
from catalog.selectors import merchant_for_staff
from core.exceptions import ApplicationError
from webhooks.forms import WebhookEndpointForm
from webhooks.models import WebhookDelivery, WebhookDeliveryAttempt, WebhookEndpoint
from webhooks.selectors import delivery_list_for_staff, endpoint_list_for_staff
from webhooks.services import (
    delivery_replay,
    endpoint_create,
    endpoint_disable,
    endpoint_enable,
    endpoint_secret_rotate,
    endpoint_test_send,
    endpoint_update,
)

SHOWN_ONCE_TEMPLATE = "admin/webhooks/webhookendpoint/secret.html"


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(MerchantScopedAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "merchant", "state", "events", "consecutive_failures", "created_at")
    list_filter = ("is_enabled",)
    search_fields = ("url", "description")
    readonly_fields = (
        "public_id",
        "disabled_reason",
        "disabled_at",
        "consecutive_failures",
        "failing_since",
        "secret_rotated_at",
        "previous_secret_expires_at",
        "deliveries_link",
    )
    actions = ["send_test_event", "rotate_secret", "enable_again"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookEndpoint]:
        return endpoint_list_for_staff(user=request.user)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        merchant = merchant_for_staff(user=request.user)
        if merchant is not None:  # staff work for one merchant: theirs is the only choice
            initial.setdefault("merchant", merchant.pk)
        return initial

    def get_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> list[str]:
        fields = ["merchant", "url", "description", "event_types"]
        if obj is None:
            return fields
        return [*fields, "enabled", *self.readonly_fields]

    @admin.display(description="State")
    def state(self, obj: WebhookEndpoint) -> str:
        if obj.is_enabled:
            return "enabled"
        return format_html(
            '<strong style="color:#ba2121">disabled</strong>: {}', obj.disabled_reason
        )

    @admin.display(description="Events")
    def events(self, obj: WebhookEndpoint) -> str:
        return ", ".join(obj.event_types)

    @admin.display(description="Deliveries")
    def deliveries_link(self, obj: WebhookEndpoint) -> str:
        url = reverse("admin:webhooks_webhookdelivery_changelist")
        url += f"?endpoint__id__exact={obj.pk}"
        return format_html('<a href="{}">Deliveries and their attempts</a>', url)

    def save_form(self, request: HttpRequest, form, change: bool) -> WebhookEndpoint:
        if change:
            return super().save_form(request, form, change)
        # A new endpoint is made by the service, which draws its secret; the page that
        # answers (response_add) shows that secret once.
        endpoint, secret = endpoint_create(
            merchant=form.cleaned_data["merchant"],
            url=form.cleaned_data["url"],
            event_types=form.cleaned_data["event_types"],
            description=form.cleaned_data["description"],
        )
        endpoint.new_secret = secret
        return endpoint

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form, change: bool) -> None:
        if not change:
            return  # saved by save_form
        endpoint_update(
            endpoint=obj,
            url=form.cleaned_data["url"],
            event_types=form.cleaned_data["event_types"],
            description=form.cleaned_data["description"],
        )
        enabled = form.cleaned_data["enabled"]
        if enabled and not obj.is_enabled:
            endpoint_enable(endpoint=obj)
        elif not enabled and obj.is_enabled:
            endpoint_disable(endpoint=obj, reason=f"Disabled in the admin by {request.user}.")

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        if change:  # a new endpoint has no relations; the service saved it whole
            super().save_related(request, form, formsets, change)

    def response_add(self, request: HttpRequest, obj: WebhookEndpoint, post_url_continue=None):
        return self._secret_page(request, obj, getattr(obj, "new_secret", ""), created=True)

    def _secret_page(
        self, request: HttpRequest, endpoint: WebhookEndpoint, secret: str, *, created: bool
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Webhook signing secret",
            "opts": self.model._meta,
            "endpoint": endpoint,
            "secret": secret,
            "created": created,
            "change_url": reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        }
        response = TemplateResponse(request, SHOWN_ONCE_TEMPLATE, context)
        response["Cache-Control"] = "no-store"  # the secret must not stay in any cache
        return response

    @admin.action(description="Send a test event", permissions=["change"])
    def send_test_event(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            try:
                endpoint_test_send(endpoint=endpoint)
            except ApplicationError as exc:
                messages.error(request, f"{endpoint.url}: {exc.message}")
            else:
                messages.success(request, f"A webhook.test event is on its way to {endpoint.url}.")

    @admin.action(description="Rotate the signing secret", permissions=["change"])
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]):
        if queryset.count() != 1:
            messages.error(request, "Rotate one endpoint's secret at a time.")
            return None
        endpoint = queryset.get()
        secret = endpoint_secret_rotate(endpoint=endpoint)
        endpoint.refresh_from_db()
        return self._secret_page(request, endpoint, secret, created=False)

    @admin.action(description="Enable again (after fixing the receiver)", permissions=["change"])
    def enable_again(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset.filter(is_enabled=False):
            try:
                endpoint_enable(endpoint=endpoint)
            except ApplicationError as exc:
                messages.error(request, f"{endpoint.url}: {exc.message}")
            else:
                messages.success(request, f"{endpoint.url} is enabled again.")


class WebhookDeliveryAttemptInline(admin.TabularInline):
    model = WebhookDeliveryAttempt
    extra = 0
    can_delete = False
    fields = (
        "number",
        "created_at",
        "outcome",
        "status_code",
        "duration_ms",
        "error",
        "response_excerpt",
        "retry_in_s",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(MerchantScopedAdmin):
    merchant_path = "endpoint__merchant"
    list_display = (
        "event_type",
        "event_id",
        "endpoint",
        "status",
        "attempt_count",
        "last_status_code",
        "created_at",
        "next_attempt_at",
    )
    list_filter = ("status", "event__type")
    search_fields = ("event__public_id", "endpoint__url")
    fields = (
        "event_type",
        "event_id",
        "endpoint",
        "status",
        "attempt_count",
        "attempts_allowed",
        "last_status_code",
        "next_attempt_at",
        "finished_at",
        "created_at",
        "payload",
    )
    readonly_fields = fields
    inlines = [WebhookDeliveryAttemptInline]
    actions = ["replay"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookDelivery]:
        return delivery_list_for_staff(user=request.user)

    @admin.display(description="Event", ordering="event__type")
    def event_type(self, obj: WebhookDelivery) -> str:
        return obj.event.type

    @admin.display(description="webhook-id")
    def event_id(self, obj: WebhookDelivery) -> str:
        return obj.event.public_id

    @admin.display(description="Body")
    def payload(self, obj: WebhookDelivery) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.event.payload, indent=2))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a record of what happened; replay is an action

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # goes with its endpoint (or its try-on job), never on its own

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("webhooks.change_webhookdelivery")

    @admin.action(description="Replay (send again now)", permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        replayed = 0
        for delivery in queryset:
            try:
                delivery_replay(delivery=delivery)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                replayed += 1
        if replayed:
            messages.success(request, f"{replayed} deliveries will be sent again.")
