from django.contrib import admin

from tryon.models import TryOnAttempt, TryOnJob


class TryOnAttemptInline(admin.TabularInline):
    model = TryOnAttempt
    extra = 0
    readonly_fields = ("run_id", "worker", "outcome", "created_at", "finished_at")
    can_delete = False


@admin.register(TryOnJob)
class TryOnJobAdmin(admin.ModelAdmin):
    """Operators' view of the queue: states, attempts, errors. No photos, no personal data."""

    list_display = (
        "public_id",
        "garment",
        "state",
        "stage",
        "attempts",
        "dispatches",
        "error_code",
        "created_at",
    )
    list_filter = ("state", "error_code")
    readonly_fields = [f.name for f in TryOnJob._meta.fields]
    inlines = [TryOnAttemptInline]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False
