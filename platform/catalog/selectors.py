"""Read paths for the catalogue."""

from dataclasses import dataclass
from enum import StrEnum

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
