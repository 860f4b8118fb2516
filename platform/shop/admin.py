"""Shoppers in the admin: operators see that a profile exists and can erase it. Name, e-mail,
measurements and photos are masked unless the staff member was granted
``shoppers.view_shopper_pii`` (superusers too); with it, every page or photo shown is logged
(``privacy.models.PiiAccess``). Nothing is edited or deleted here except through erasure."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from accounts.models import User
from core.exceptions import ApplicationError
from core.image_intake import CANONICAL_CONTENT_TYPE
from lifecycle.services import shopper_erase
from privacy.models import ErasureRecord
from privacy.selectors import staff_may_view_pii
from privacy.services import pii_access_record
from shoppers.models import Shopper, ShopperPhoto
from shoppers.selectors import shopper_photo_list
from shoppers.services import shopper_photo_read

#: The profile fields that name or describe the person, shown only with the permission.
PII_FIELDS = ["display_name", "contact_email", "measurements"]
MASKED = "Hidden (needs the permission “Can view shoppers' personal data and photos”)"


@admin.register(User)
class LoginAdmin(UserAdmin):
    """Logins. A shopper's username is often their name or e-mail: shoppers' logins are
    listed and opened only with ``shoppers.view_shopper_pii``, each opening logged; staff
    logins are managed as usual."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        logins = super().get_queryset(request)
        if staff_may_view_pii(user=request.user):
            return logins
        return logins.filter(shopper__isnull=True)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            shopper = Shopper.objects.filter(user_id=object_id).only("pk").first()
            if shopper is not None:
                pii_access_record(staff=request.user, shopper_id=shopper.pk, fields=["username"])
        return response


@admin.register(Shopper)
class ShopperAdmin(admin.ModelAdmin):
    """Operators (and staff given "Can view shopper"). A plain delete would leave photo files
    and the recommender's profile behind, so the only way out is the *Erase selected shoppers*
    action (operators only)."""

    list_display = ("__str__", "created_at", "photo_count", "tryon_count", "email_notifications")
    actions = ["erase_selected"]

    def get_fields(self, request: HttpRequest, obj: Shopper | None = None) -> list[str]:
        return self.get_readonly_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Shopper | None = None) -> list[str]:
        # Decided per request: the same page masks or shows, by the viewer's permission.
        if staff_may_view_pii(user=request.user):
            personal = ["shown_name", "shown_email", "shown_measurements", "shown_photos"]
        else:
            personal = ["masked_name", "masked_email", "masked_measurements", "masked_photos"]
        return ["created_at", "email_notifications", *personal]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        """The (read-only) shopper page; showing its personal fields is logged."""
        response = super().change_view(request, object_id, form_url, extra_context)
        shown = request.method == "GET" and response.status_code == 200
        if shown and staff_may_view_pii(user=request.user):
            pii_access_record(staff=request.user, shopper_id=int(object_id), fields=PII_FIELDS)
        return response

    @admin.display(description="Name")
    def shown_name(self, obj: Shopper) -> str:
        return obj.display_name or "-"

    @admin.display(description="Contact e-mail")
    def shown_email(self, obj: Shopper) -> str:
        return obj.contact_email or "-"

    @admin.display(description="Measurements")
    def shown_measurements(self, obj: Shopper) -> str:
        items = sorted((obj.measurements or {}).items())
        if not items:
            return "-"
        return format_html_join(", ", "{}: {}", ((k.removesuffix("_cm"), v) for k, v in items))

    @admin.display(description="Photos")
    def shown_photos(self, obj: Shopper) -> str:
        """Thumbnails linking to the full photos; each image fetched is logged on its own."""
        photos = list(shopper_photo_list(shopper=obj))
        if not photos:
            return "-"
        return format_html_join(
            " ",
            '<a href="{}"><img src="{}" alt="Photo #{}" style="max-height:160px"></a>',
            (
                (self._photo_url(obj, p, "full"), self._photo_url(obj, p, "thumbnail"), p.pk)
                for p in photos
            ),
        )

    @admin.display(description="Name")
    def masked_name(self, obj: Shopper) -> str:
        return MASKED

    @admin.display(description="Contact e-mail")
    def masked_email(self, obj: Shopper) -> str:
        return MASKED

    @admin.display(description="Measurements")
    def masked_measurements(self, obj: Shopper) -> str:
        return MASKED

    @admin.display(description="Photos")
    def masked_photos(self, obj: Shopper) -> str:
        return format_html("{} photo(s). {}", obj.photos.count(), MASKED)

    def _photo_url(self, obj: Shopper, photo: ShopperPhoto, variant: str) -> str:
        return reverse("admin:shoppers_shopper_photo", args=[obj.pk, photo.pk, variant])

    def get_urls(self):
        return [
            path(
                "<int:object_id>/photos/<int:photo_id>/<str:variant>.webp",
                self.admin_site.admin_view(self.photo_view),
                name="shoppers_shopper_photo",
            ),
            *super().get_urls(),
        ]

    def photo_view(
        self, request: HttpRequest, object_id: int, photo_id: int, variant: str
    ) -> HttpResponse:
        """One decrypted photo, to staff with the personal-data permission; logged."""
        if variant not in {"full", "thumbnail"}:
            raise Http404("No such image variant.")
        if not (self.has_view_permission(request) and staff_may_view_pii(user=request.user)):
            raise PermissionDenied
        photo = get_object_or_404(ShopperPhoto, pk=photo_id, shopper_id=object_id)
        pii_access_record(
            staff=request.user,
            shopper_id=photo.shopper_id,
            fields=[f"photo ({variant})"],
            photo_id=photo.pk,
        )
        content = shopper_photo_read(photo=photo, thumbnail=variant == "thumbnail")
        response = HttpResponse(content, content_type=CANONICAL_CONTENT_TYPE)
        response["Cache-Control"] = "private, no-store"
        return response

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
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Shopper | None = None) -> bool:
        # Operators, and staff given "Can view shopper" (masked unless also given the
        # personal-data permission).
        return request.user.is_superuser or request.user.has_perm("shoppers.view_shopper")

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
