"""Shoppers in the admin: operators see that a profile exists and can erase it; nothing personal
is shown, and nothing is edited or deleted here except through erasure."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from core.exceptions import ApplicationError
from privacy.models import ErasureRecord
from privacy.services import shopper_erase
from shoppers.models import Shopper


@admin.register(Shopper)
class ShopperAdmin(admin.ModelAdmin):
    """Operators only. A plain delete would leave photo files and the recommender's profile
    behind, so the only way out is the *Erase selected shoppers* action."""

    list_display = ("__str__", "created_at", "photo_count", "tryon_count", "email_notifications")
    fields = ("created_at", "email_notifications")
    readonly_fields = ("created_at", "email_notifications")
    actions = ["erase_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Shopper]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                photo_total=Count("photos", distinct=True),
                tryon_total=Count("tryon_jobs", distinct=True),
            )
        )

    @admin.display(description="Photos")
    def photo_count(self, obj: Shopper) -> int:
        return obj.photo_total

    @admin.display(description="Try-ons")
    def tryon_count(self, obj: Shopper) -> int:
        return obj.tryon_total

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Shopper | None = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Shopper | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Shopper | None = None) -> bool:
        return False

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    @admin.action(description="Erase selected shoppers", permissions=["erase"])
    def erase_selected(
        self, request: HttpRequest, queryset: QuerySet[Shopper]
    ) -> HttpResponse | None:
        """Ask once (it cannot be undone), then erase each shopper through the service."""
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Erase shoppers?",
                "opts": self.model._meta,
                "shoppers": list(queryset),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(
                request, "admin/shoppers/shopper/erase_selected_confirmation.html", context
            )
        erased = 0
        for shopper in queryset:
            try:
                record = shopper_erase(
                    shopper=shopper, channel=ErasureRecord.Channel.ADMIN, requested_by=request.user
                )
            except ApplicationError as exc:
                self.message_user(request, f"{shopper}: {exc.message}", messages.ERROR)
                continue
            erased += record is not None
        self.message_user(request, f"Erased {erased} shopper(s) and all their data.")
        return None
