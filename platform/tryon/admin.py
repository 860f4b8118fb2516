from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from privacy.selectors import staff_may_view_pii
from privacy.services import pii_access_record
from tryon.models import TryOnAttempt, TryOnJob
from tryon.selectors import tryon_edit_region_read


class TryOnAttemptInline(admin.TabularInline):
    model = TryOnAttempt
    extra = 0
    readonly_fields = ("run_id", "worker", "outcome", "created_at", "finished_at")
    can_delete = False


@admin.register(TryOnJob)
class TryOnJobAdmin(admin.ModelAdmin):
    """Operators' view of the queue: states, attempts, errors. No photos, no personal data,
    except a render's edit region (the outline of what it changed, so of a body), shown for
    debugging renderers to superusers granted ``shoppers.view_shopper_pii``, each view logged."""

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
    inlines = [TryOnAttemptInline]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: TryOnJob | None = None) -> list[str]:
        fields = [f.name for f in TryOnJob._meta.fields]
        # Decided per request, not per class: staff with a view permission on jobs must not
        # get the preview, which shows the outline of a shopper's body.
        if request.user.is_superuser and staff_may_view_pii(user=request.user):
            fields.append("edit_region")
        return fields

    @admin.display(description="Edit region")
    def edit_region(self, obj: TryOnJob) -> str:
        """A link to, and preview of, the pixels the renderer may have changed (white)."""
        if not obj.edit_region_blob_name:
            return "-"
        url = reverse("admin:tryon_tryonjob_edit_region", args=[obj.pk])
        return format_html(
            '<a href="{}"><img src="{}" alt="Edit region" style="max-height:256px"></a>', url, url
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/edit-region.png",
                self.admin_site.admin_view(self.edit_region_view),
                name="tryon_tryonjob_edit_region",
            ),
            *super().get_urls(),
        ]

    def edit_region_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """One job's decrypted edit region (admin_view: staff; logged, never cached)."""
        if not (request.user.is_superuser and staff_may_view_pii(user=request.user)):
            raise PermissionDenied
        job = get_object_or_404(TryOnJob.objects.exclude(edit_region_blob_name=""), pk=object_id)
        pii_access_record(
            staff=request.user, shopper_id=job.shopper_id, fields=["try-on edit region"]
        )
        response = HttpResponse(tryon_edit_region_read(job=job), content_type="image/png")
        response["Cache-Control"] = "private, no-store"
        return response
