"""Read paths for the catalogue."""

from accounts.models import User
from django.db.models import Prefetch, Q, QuerySet, Sum

from catalog.models import Garment, GarmentImage, Merchant


def merchant_for_staff(*, user: User) -> Merchant | None:
    """The merchant a staff login works for (None for operators and shoppers)."""
    staff = getattr(user, "merchant_staff", None)
    return staff.merchant if staff else None


def garment_list_for_staff(*, user: User) -> QuerySet[Garment]:
    """Garments a login may manage: all for superusers, their merchant's for staff, none else."""
    garments = Garment.objects.select_related("merchant")
    if user.is_superuser:
        return garments
    merchant = merchant_for_staff(user=user)
    if merchant is None:
        return garments.none()
    return garments.filter(merchant=merchant)


def garment_list_public(*, category: str | None = None, query: str = "") -> QuerySet[Garment]:
    """Active garments for the storefront, with their images and sizes loaded."""
    garments = (
        Garment.objects.filter(is_active=True)
        .select_related("merchant")
        .prefetch_related(
            Prefetch("images", queryset=GarmentImage.objects.order_by("position", "id")), "sizes"
        )
        .annotate(stock_total=Sum("sizes__stock"))
        .order_by("-created_at", "id")
    )
    if category:
        garments = garments.filter(category=category)
    if query:
        garments = garments.filter(
            Q(name__icontains=query) | Q(colour__icontains=query) | Q(material__icontains=query)
        )
    return garments
