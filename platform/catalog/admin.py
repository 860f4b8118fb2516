"""Merchant back office. Staff see and change only their own merchant's catalogue."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from catalog.forms import CatalogImportForm, GarmentAdminForm
from catalog.import_rows import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from catalog.models import (
    CatalogImport,
    Garment,
    GarmentImage,
    GarmentSize,
    Merchant,
    MerchantStaff,
)
from catalog.recommender_feed import garment_publish, garment_unpublish
from catalog.selectors import garment_list_for_staff, garment_stock_total, merchant_for_staff
from catalog.services import (
    catalog_import_run,
    garment_image_add,
    merchant_training_consent_set,
)
from catalog.signals import garment_stock_changed
from core.exceptions import ApplicationError


def _merchants_for(request: HttpRequest) -> QuerySet[Merchant]:
    if request.user.is_superuser:
        return Merchant.objects.all()
    merchant = merchant_for_staff(user=request.user)
    return Merchant.objects.filter(pk=merchant.pk) if merchant else Merchant.objects.none()


class MerchantScopedAdmin(admin.ModelAdmin):
    """Scopes list, change and delete to the logged-in staff member's merchant."""

    merchant_path = "merchant"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.merchant_path + "__in": _merchants_for(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "merchant":
            kwargs["queryset"] = _merchants_for(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or (
            merchant_for_staff(user=request.user) is not None
            and super().has_module_permission(request)
        )


class GarmentSizeInline(admin.TabularInline):
    model = GarmentSize
    extra = 0
    fields = ("label", "chest_cm", "waist_cm", "hips_cm", "length_cm", "stock")


class GarmentImageInline(admin.TabularInline):
    model = GarmentImage
    extra = 0
    fields = ("preview", "role", "position", "width", "height")
    readonly_fields = ("preview", "width", "height")

    @admin.display(description="Image")
    def preview(self, obj: GarmentImage) -> str:
        if not obj.thumbnail_small:
            return "-"
        return format_html('<img src="{}" style="height:80px">', obj.thumbnail_small.url)

    def has_add_permission(self, request: HttpRequest, obj: Garment | None = None) -> bool:
        return False  # new images go through the intake via the upload field on the garment form


@admin.register(Garment)
class GarmentAdmin(MerchantScopedAdmin):
    list_display = (
        "thumbnail",
        "name",
        "sku",
        "merchant",
        "category",
        "price",
        "stock",
        "is_active",
    )
    list_display_links = ("name",)
    list_filter = ("category", "is_active", "is_synthetic")
    search_fields = ("name", "sku", "colour", "material")
    inlines = [GarmentSizeInline, GarmentImageInline]
    change_list_template = "admin/catalog/garment/change_list.html"
    fields = (
        "merchant",
        "sku",
        "name",
        "category",
        "description",
        ("colour", "material"),
        "style_tags",
        ("price", "currency"),
        "is_active",
        "is_synthetic",
        "add_images",
    )
    readonly_fields = ("is_synthetic",)
    form = GarmentAdminForm

    def get_queryset(self, request: HttpRequest) -> QuerySet[Garment]:
        return garment_list_for_staff(user=request.user).prefetch_related("sizes", "images")

    @admin.display(description="")
    def thumbnail(self, obj: Garment) -> str:
        first = next(iter(obj.images.all()), None)
        if first is None:
            return "-"
        return format_html('<img src="{}" style="height:48px">', first.thumbnail_small.url)

    @admin.display(description="Stock")
    def stock(self, obj: Garment) -> int:
        return obj.total_stock

    def delete_model(self, request: HttpRequest, obj: Garment) -> None:
        garment_id = obj.pk
        super().delete_model(request, obj)
        garment_unpublish(garment_id=garment_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Garment]) -> None:
        garment_ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        for garment_id in garment_ids:
            garment_unpublish(garment_id=garment_id)

    def save_related(self, request, form, formsets, change) -> None:
        # The sizes' stock is saved by the inline formsets, within the request's transaction.
        stock_before = garment_stock_total(garment_id=form.instance.pk) if change else None
        super().save_related(request, form, formsets, change)
        garment = form.instance
        position = garment.images.count()
        for upload in form.cleaned_data.get("add_images", []):
            try:
                garment_image_add(
                    garment=garment,
                    upload=upload,
                    position=position,
                    label=f"Image {upload.name!r}",
                )
                position += 1
            except ApplicationError as exc:
                messages.error(request, exc.message)
        garment_publish(garment=garment)
        garment_stock_changed.send(sender=Garment, garment=garment, stock_before=stock_before)

    def get_urls(self):
        return [
            path(
                "import/",
                # Not one transaction for the whole request: the import commits garment by
                # garment (catalog_import_run), so it never holds SQLite's write lock for
                # the length of a large import while sign-ups and uploads wait on it.
                transaction.non_atomic_requests(self.admin_site.admin_view(self.import_view)),
                name="catalog_garment_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Bulk import: validate every row, import the good ones, report the rest."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        merchants = _merchants_for(request)
        form = CatalogImportForm(request.POST or None, request.FILES or None, merchants=merchants)
        result = None
        if request.method == "POST" and form.is_valid():
            try:
                result = catalog_import_run(
                    merchant=form.cleaned_data["merchant"],
                    csv_file=form.cleaned_data["csv_file"],
                    zip_file=form.cleaned_data["zip_file"],
                    user=request.user,
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                level = messages.WARNING if result.errors else messages.SUCCESS
                messages.add_message(
                    request,
                    level,
                    f"Imported: {result.created_count} new, {result.updated_count} updated, "
                    f"{result.unchanged_count} unchanged; {len(result.errors)} problems.",
                )
                if not result.errors:
                    return redirect(reverse("admin:catalog_catalogimport_change", args=[result.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import garments",
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "required_columns": REQUIRED_COLUMNS,
            "optional_columns": OPTIONAL_COLUMNS,
        }
        return TemplateResponse(request, "admin/catalog/garment/import.html", context)


@admin.register(CatalogImport)
class CatalogImportAdmin(MerchantScopedAdmin):
    list_display = (
        "created_at",
        "merchant",
        "csv_name",
        "status",
        "rows_total",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
    )
    list_filter = ("status",)
    readonly_fields = [f.name for f in CatalogImport._meta.fields]

    @admin.display(description="Problems")
    def error_count(self, obj: CatalogImport) -> int:
        return len(obj.errors)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CatalogImport | None = None) -> bool:
        return False


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    """Merchants are created by operators; staff do not see this page."""

    list_display = (
        "name",
        "slug",
        "tryon_training_consent",
        "tryon_training_consent_at",
        "created_at",
    )
    list_filter = ("tryon_training_consent",)
    fields = ("name", "slug", "tryon_training_consent", "tryon_training_consent_at")
    readonly_fields = ("tryon_training_consent_at",)
    prepopulated_fields = {"slug": ("name",)}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: Merchant, form, change: bool) -> None:
        """Save the other fields, then switch consent through the service, which dates it."""
        consent = obj.tryon_training_consent
        # The form has already put the new flag on the instance; saving it without its date would
        # break the merchant_training_consent_dated constraint. The date (not on the form) says
        # what the stored flag is, so restore that and let the service make the change.
        obj.tryon_training_consent = obj.tryon_training_consent_at is not None
        super().save_model(request, obj, form, change)
        merchant_training_consent_set(merchant=obj, consent=consent)


@admin.register(MerchantStaff)
class MerchantStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "merchant")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser
