"""The outbox of worker messages in the admin: what waits to be sent, read only, for
operators (a row that keeps failing names its error here)."""

from django.contrib import admin
from django.http import HttpRequest

from core.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Pending messages, oldest first. The payload (pseudonyms, sealed fields) is not shown."""

    list_display = ("pk", "task", "queue", "created_at", "attempts", "next_attempt_at")
    list_filter = ("task", "queue")
    fields = readonly_fields = (
        "task", "queue", "created_at", "attempts", "next_attempt_at", "last_error",
    )  # fmt: skip

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False
