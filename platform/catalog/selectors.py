"""Read paths for the catalogue."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from accounts.models import User
from catalog.models import CatalogImport, Garment, GarmentImage, GarmentSize, Merchant


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


def garment_stock_total(*, garment_id: int) -> int:
    """Pieces in stock over all sizes of a garment, as stored now."""
    return Garment.objects.filter(pk=garment_id).aggregate(total=Sum("sizes__stock"))["total"] or 0


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


class TrainingSkipReason(StrEnum):
    """Why a garment is not a try-on training pair; one reason per garment, checked in order."""

    NO_CONSENT = "merchant has not consented to try-on training"
    NO_ON_MODEL_IMAGE = "no on-model image"
    NO_PRODUCT_IMAGE = "no product image"
    # Found by the export (catalog.services.tryon_training_pairs_export), not by the selector.
    SKU_NOT_A_FILE_NAME = "SKU cannot be part of a file name"
    ID_CLASH = "export id clashes with another garment's"
    IMAGE_UNREADABLE = "image file could not be read from storage"


@dataclass(frozen=True)
class TrainingPair:
    """One garment's training example: the person wearing it and the garment on its own."""

    garment: Garment
    on_model: GarmentImage  # the first on-model photo by position
    product: GarmentImage  # the first product shot by position


@dataclass(frozen=True)
class SkippedGarment:
    merchant_slug: str
    sku: str
    reason: str


@dataclass(frozen=True)
class TrainingPairList:
    """The exportable pairs, the garments left out and the consenting merchants they came from."""

    merchants: list[Merchant]
    pairs: list[TrainingPair]
    skipped: list[SkippedGarment]


def tryon_training_pair_list(*, merchant_slug: str | None = None) -> TrainingPairList:
    """Garments of consenting merchants that have both a product and an on-model image.

    Every garment in scope (all merchants, or the one named by `merchant_slug`) is either a pair
    or listed in `skipped` with its reason, so an export can say what it left out and why.
    Pairs and skips are ordered by merchant slug, then SKU.
    """
    garments = Garment.objects.select_related("merchant").order_by("merchant__slug", "sku", "id")
    merchants = Merchant.objects.filter(tryon_training_consent=True).order_by("slug")
    if merchant_slug is not None:
        garments = garments.filter(merchant__slug=merchant_slug)
        merchants = merchants.filter(slug=merchant_slug)

    # Without consent the images are never looked at, so only the names are loaded.
    skipped = [
        SkippedGarment(merchant_slug=slug, sku=sku, reason=TrainingSkipReason.NO_CONSENT)
        for slug, sku in garments.filter(merchant__tryon_training_consent=False).values_list(
            "merchant__slug", "sku"
        )
    ]
    consenting = garments.filter(merchant__tryon_training_consent=True).prefetch_related(
        Prefetch(
            "images",
            queryset=GarmentImage.objects.order_by("position", "id"),
            to_attr="images_by_position",
        )
    )
    pairs: list[TrainingPair] = []
    for garment in consenting:
        first = {}
        for image in garment.images_by_position:
            first.setdefault(image.role, image)
        on_model = first.get(GarmentImage.Role.ON_MODEL)
        product = first.get(GarmentImage.Role.PRODUCT)
        if on_model is None or product is None:
            reason = (
                TrainingSkipReason.NO_ON_MODEL_IMAGE
                if on_model is None
                else TrainingSkipReason.NO_PRODUCT_IMAGE
            )
            skipped.append(
                SkippedGarment(merchant_slug=garment.merchant.slug, sku=garment.sku, reason=reason)
            )
            continue
        pairs.append(TrainingPair(garment=garment, on_model=on_model, product=product))
    skipped.sort(key=lambda skip: (skip.merchant_slug, skip.sku))
    return TrainingPairList(merchants=list(merchants), pairs=pairs, skipped=skipped)


# --- The merchant API's reads: always one merchant's own rows ------------------------------


def garment_list_for_merchant(
    *,
    merchant: Merchant,
    category: str | None = None,
    sku: str | None = None,
    query: str = "",
    is_active: bool | None = None,
    in_stock: bool | None = None,
    updated_since: datetime | None = None,
) -> QuerySet[Garment]:
    """A merchant's garments (inactive ones too), filtered, with sizes and images loaded.

    ``query`` looks in the name, SKU, description, colour and material; ``in_stock`` means
    at least one size has stock.
    """
    garments = garment_for_merchant_qs(merchant=merchant)
    if category:
        garments = garments.filter(category=category)
    if sku:
        garments = garments.filter(sku=sku)
    if query:
        garments = garments.filter(
            Q(name__icontains=query)
            | Q(sku__icontains=query)
            | Q(description__icontains=query)
            | Q(colour__icontains=query)
            | Q(material__icontains=query)
        )
    if is_active is not None:
        garments = garments.filter(is_active=is_active)
    if in_stock is not None:
        stocked = GarmentSize.objects.filter(garment=OuterRef("pk"), stock__gt=0)
        garments = garments.filter(Exists(stocked) if in_stock else ~Exists(stocked))
    if updated_since is not None:
        garments = garments.filter(updated_at__gte=updated_since)
    return garments


def garment_for_merchant_qs(*, merchant: Merchant) -> QuerySet[Garment]:
    """The merchant's garments with what the API shows of them loaded (sizes, images)."""
    return (
        Garment.objects.filter(merchant=merchant)
        .select_related("merchant")
        .prefetch_related(
            "sizes", Prefetch("images", queryset=GarmentImage.objects.order_by("position", "id"))
        )
    )


def garment_get_for_merchant(
    *, merchant: Merchant, garment_id: int | None = None, sku: str | None = None
) -> Garment | None:
    """One of the merchant's garments by our id or by its SKU; None for anyone else's."""
    garments = garment_for_merchant_qs(merchant=merchant)
    if garment_id is not None:
        return garments.filter(pk=garment_id).first()
    return garments.filter(sku=sku).first()


def catalog_import_get_for_merchant(*, merchant: Merchant, import_id: int) -> CatalogImport | None:
    """One of the merchant's imports; None for another merchant's."""
    return CatalogImport.objects.filter(merchant=merchant, pk=import_id).first()


def catalog_import_list_for_merchant(*, merchant: Merchant) -> QuerySet[CatalogImport]:
    """The merchant's imports (admin and API alike)."""
    return CatalogImport.objects.filter(merchant=merchant)
