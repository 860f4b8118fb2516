from django.contrib import admin
from django.http import HttpRequest

from privacy.models import ErasureRecord, PiiAccess


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


@admin.register(PiiAccess)
class PiiAccessAdmin(admin.ModelAdmin):
    """Who looked at which shopper's personal data or photo, when: read only, for operators,
    and never deleted here (the trail of staff's access must not be editable by staff)."""

    list_display = ("created_at", "staff_username", "shopper_id", "kind", "photo_id", "what")
    list_filter = ("kind",)
    search_fields = ("staff_username", "=shopper_id", "=staff_user_id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in PiiAccess._meta.fields]

    @admin.display(description="Shown")
    def what(self, obj: PiiAccess) -> str:
        return ", ".join(obj.fields)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: PiiAccess | None = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PiiAccess | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PiiAccess | None = None) -> bool:
        return False
