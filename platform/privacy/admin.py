from django.contrib import admin
from django.http import HttpRequest

from privacy.models import ErasureRecord


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    """The audit trail of erasures: read only, for operators."""

    list_display = ("created_at", "channel", "requested_by_staff_id", "blobs_deleted_at")
    list_filter = ("channel",)
    search_fields = ("subject_digest",)
    readonly_fields = [f.name for f in ErasureRecord._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: ErasureRecord | None = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ErasureRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ErasureRecord | None = None) -> bool:
        return False
