"""Merchant API keys in the admin: staff create, rotate and revoke their merchant's keys.

A key is shown once, in the message after it is made; only its hash is stored.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from catalog.admin import MerchantScopedAdmin
from merchant_api.models import MerchantApiKey, WidgetOrigin
from merchant_api.services import api_key_revoke, api_key_rotate


@admin.register(MerchantApiKey)
class MerchantApiKeyAdmin(MerchantScopedAdmin):
    list_display = (
        "name",
        "merchant",
        "scope",
        "prefix",
        "created",
        "last_used_at",
        "expiry_date",
        "revoked",
    )
    list_filter = ("scope", "revoked")
    readonly_fields = ("prefix", "created", "last_used_at")
    actions = ("rotate_keys", "revoke_keys")

    def get_readonly_fields(self, request: HttpRequest, obj: MerchantApiKey | None = None):
        # A key's owner and scope are what the merchant's systems were given; change by rotating.
        fields = tuple(self.readonly_fields)
        return fields + ("merchant", "scope", "revoked") if obj else fields

    def save_model(self, request: HttpRequest, obj: MerchantApiKey, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        plain = MerchantApiKey.objects.assign_key(obj)
        obj.save()
        self._show_once(request, obj, plain)

    @admin.action(description="Rotate: new key now, old one expires after the grace period")
    def rotate_keys(self, request: HttpRequest, queryset: QuerySet[MerchantApiKey]) -> None:
        for api_key in queryset.filter(revoked=False):
            new_key, plain = api_key_rotate(api_key=api_key)
            self._show_once(request, new_key, plain)

    @admin.action(description="Revoke now (cannot be undone)")
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[MerchantApiKey]) -> None:
        for api_key in queryset.filter(revoked=False):
            api_key_revoke(api_key=api_key)
        self.message_user(request, "Revoked.", messages.SUCCESS)

    def _show_once(self, request: HttpRequest, api_key: MerchantApiKey, plain: str) -> None:
        self.message_user(
            request,
            f"The key {api_key.name!r} is {plain} — copy it now: it is shown only this once.",
            messages.WARNING,
        )


@admin.register(WidgetOrigin)
class WidgetOriginAdmin(MerchantScopedAdmin):
    """Where the merchant's pages run the try-on widget: only these origins may use it."""

    list_display = ("origin", "merchant", "created_at")
    search_fields = ("origin",)
