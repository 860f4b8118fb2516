"""``/api/v1/garments/``: the merchant's catalogue (garments, sizes with their size chart and
stock, images), read and written through the catalogue's own selectors and services.

A garment is addressed by our id (``/garments/{id}/``, returned on create) or by the
merchant's SKU (``/garments/by-sku/{sku}/``, the same operations). Its sizes and images
hang under the id.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.models import SIZE_LABELS, Category, Garment, GarmentImage, GarmentSize
from catalog.selectors import garment_get_for_merchant, garment_list_for_merchant
from catalog.services import (
    garment_create,
    garment_delete,
    garment_image_append,
    garment_image_remove,
    garment_size_update,
    garment_sizes_set,
    garment_update,
)
from core.exceptions import ApplicationError
from merchant_api.endpoint import MerchantEndpoint
from merchant_api.pagination import NewestFirstCursor
from merchant_api.schema import problems

#: Service refusals that are conflicts with what is stored, not bad input.
CONFLICT_CODES = frozenset({"garment_sku_taken", "garment_image_duplicate"})
MEASUREMENTS = ("chest_cm", "waist_cm", "hips_cm", "length_cm")


@contextmanager
def domain_errors() -> Iterator[None]:
    """Services' refusals as problems: a conflict is a 409; a model's own validation (its
    constraints, checked by full_clean) lists each field like the serializers do."""
    try:
        yield
    except ApplicationError as exc:
        if exc.code in CONFLICT_CODES:
            exc.extra.setdefault("status", status.HTTP_409_CONFLICT)
        raise
    except DjangoValidationError as exc:
        detail = getattr(exc, "message_dict", None) or {"": exc.messages}
        raise ValidationError(
            {("non_field_errors" if k == NON_FIELD_ERRORS else k): v for k, v in detail.items()}
        ) from exc


# --- Representations ------------------------------------------------------------------------


class SizeSerializer(serializers.Serializer):
    """A size: its body measurements in centimetres (the size chart) and its stock."""

    label = serializers.ChoiceField(
        choices=SIZE_LABELS, help_text=f"One of {', '.join(SIZE_LABELS)}."
    )
    chest_cm = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, allow_null=True, required=False
    )
    waist_cm = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, allow_null=True, required=False
    )
    hips_cm = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, allow_null=True, required=False
    )
    length_cm = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, allow_null=True, required=False
    )
    stock = serializers.IntegerField(min_value=0, required=False, help_text="Default 0.")


class SizePatchSerializer(SizeSerializer):
    label = None  # the URL names the size


class ImageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=GarmentImage.Role.choices)
    position = serializers.IntegerField()
    url = serializers.URLField(help_text="The cleaned image (WebP), absolute.")
    thumbnail_small_url = serializers.URLField()
    thumbnail_medium_url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class GarmentOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="Our id for the garment.")
    sku = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    colour = serializers.CharField()
    material = serializers.CharField()
    style_tags = serializers.ListField(child=serializers.CharField())
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    is_active = serializers.BooleanField()
    total_stock = serializers.IntegerField()
    sizes = SizeSerializer(many=True)
    images = ImageOutput(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class GarmentPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last.")
    previous = serializers.URLField(allow_null=True)
    results = GarmentOutput(many=True)


def size_output(size: GarmentSize) -> dict[str, Any]:
    return SizeSerializer(
        {
            "label": size.label,
            **{name: getattr(size, name) for name in MEASUREMENTS},
            "stock": size.stock,
        }
    ).data


def image_output(request: Request, image: GarmentImage) -> dict[str, Any]:
    """An image with absolute URLs (a storage that gives absolute ones keeps them)."""
    return ImageOutput(
        {
            "id": image.pk,
            "role": image.role,
            "position": image.position,
            "url": request.build_absolute_uri(image.image.url),
            "thumbnail_small_url": request.build_absolute_uri(image.thumbnail_small.url),
            "thumbnail_medium_url": request.build_absolute_uri(image.thumbnail_medium.url),
            "width": image.width,
            "height": image.height,
            "created_at": image.created_at,
        }
    ).data


def garment_output(request: Request, garment: Garment) -> dict[str, Any]:
    sizes = list(garment.sizes.all())
    return GarmentOutput(
        {
            "id": garment.pk,
            "sku": garment.sku,
            "name": garment.name,
            "description": garment.description,
            "category": garment.category,
            "colour": garment.colour,
            "material": garment.material,
            "style_tags": list(garment.style_tags),
            "price": garment.price,
            "currency": garment.currency,
            "is_active": garment.is_active,
            "total_stock": sum(size.stock for size in sizes),
            "sizes": [size_output(size) for size in sizes],
            "images": [image_output(request, image) for image in garment.images.all()],
            "created_at": garment.created_at,
            "updated_at": garment.updated_at,
        }
    ).data


def garment_location(garment: Garment) -> str:
    return reverse("api_v1_garment_detail", kwargs={"garment_id": garment.pk})


# --- Input ------------------------------------------------------------------------------------


class GarmentInput(serializers.Serializer):
    """A garment as the merchant sends it (POST and PUT: the required fields; PATCH: any)."""

    sku = serializers.CharField(max_length=64, help_text="Unique among your garments.")
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=Category.choices)
    colour = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    material = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    style_tags = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=30, required=False, default=list
    )
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    currency = serializers.RegexField(
        r"^[A-Z]{3}$",
        required=False,
        default="EUR",
        help_text="ISO 4217, upper case (EUR, GBP, USD ...).",
        error_messages={"invalid": "Use a three-letter ISO 4217 code in capitals, e.g. EUR."},
    )
    is_active = serializers.BooleanField(required=False, default=True)
    sizes = SizeSerializer(
        many=True,
        required=False,
        help_text="Every size of the garment; on PUT and PATCH it replaces the size list.",
    )


class GarmentPutInput(GarmentInput):
    sizes = SizeSerializer(many=True, help_text="Every size; sizes not listed are removed.")


def _garment_values(validated: dict[str, Any]) -> tuple[dict[str, Any], list | None]:
    values = dict(validated)
    sizes = values.pop("sizes", None)
    return values, sizes


class GarmentFilters(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    sku = serializers.CharField(required=False, help_text="Exactly this SKU.")
    q = serializers.CharField(
        required=False, help_text="Text in the name, SKU, description, colour or material."
    )
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
    in_stock = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="At least one size in stock."
    )
    updated_since = serializers.DateTimeField(
        required=False, help_text="Changed at or after this time (ISO 8601)."
    )


PAGE_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="From `next` or `previous`."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 100; default 50."),
]


# --- Views ------------------------------------------------------------------------------------


class GarmentListApi(MerchantEndpoint):
    """Your garments: list them (filters, cursor pages, newest first) and add new ones."""

    @extend_schema(
        operation_id="garments_list",
        summary="List your garments, newest first",
        parameters=[GarmentFilters, *PAGE_PARAMETERS],
        responses={200: GarmentPage, **problems(400, 404, 429)},
    )
    def get(self, request: Request) -> Response:
        filters = GarmentFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        criteria = filters.validated_data
        garments = garment_list_for_merchant(
            merchant=self.merchant,
            category=criteria.get("category"),
            sku=criteria.get("sku"),
            query=criteria.get("q", ""),
            is_active=criteria.get("is_active"),
            in_stock=criteria.get("in_stock"),
            updated_since=criteria.get("updated_since"),
        )
        paginator = NewestFirstCursor()
        page = paginator.paginate_queryset(garments, request, view=self)
        return paginator.get_paginated_response(
            [garment_output(request, garment) for garment in page]
        )

    @extend_schema(
        operation_id="garments_create",
        summary="Add a garment with its sizes",
        request=GarmentInput,
        responses={201: GarmentOutput, **problems(400, 409, 422, 429)},
    )
    def post(self, request: Request) -> Response:
        data = GarmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values, sizes = _garment_values(data.validated_data)
        with domain_errors():
            garment = garment_create(merchant=self.merchant, data=values, sizes=sizes or [])
        garment = garment_get_for_merchant(merchant=self.merchant, garment_id=garment.pk)
        return Response(
            garment_output(request, garment),
            status=status.HTTP_201_CREATED,
            headers={"Location": garment_location(garment)},
        )


def garment_or_404(
    endpoint: MerchantEndpoint, *, garment_id: int | None = None, sku: str | None = None
) -> Garment:
    """The calling merchant's garment by our id or by SKU, or 404 (also another merchant's)."""
    garment = garment_get_for_merchant(merchant=endpoint.merchant, garment_id=garment_id, sku=sku)
    if garment is None:
        raise NotFound(
            f"You have no garment with SKU {sku!r}."
            if garment_id is None
            else f"You have no garment with id {garment_id}."
        )
    return garment


class GarmentDetailApi(MerchantEndpoint):
    """One garment by our id (``/garments/by-sku/{sku}/`` offers the same by your SKU)."""

    def garment(self, **lookup: Any) -> Garment:
        return garment_or_404(self, **lookup)

    def _reread(self, garment: Garment) -> Garment:
        return garment_get_for_merchant(merchant=self.merchant, garment_id=garment.pk)

    @extend_schema(
        operation_id="garments_retrieve",
        summary="A garment",
        responses={200: GarmentOutput, **problems(404, 429)},
    )
    def get(self, request: Request, **lookup: Any) -> Response:
        return Response(garment_output(request, self.garment(**lookup)))

    @extend_schema(
        operation_id="garments_update",
        summary="Replace a garment (every field; sizes not listed are removed)",
        request=GarmentPutInput,
        responses={200: GarmentOutput, **problems(400, 404, 409, 429)},
    )
    def put(self, request: Request, **lookup: Any) -> Response:
        garment = self.garment(**lookup)
        data = GarmentPutInput(data=request.data)
        data.is_valid(raise_exception=True)
        values, sizes = _garment_values(data.validated_data)
        with domain_errors():
            garment = garment_update(garment=garment, data=values, sizes=sizes)
        return Response(garment_output(request, self._reread(garment)))

    @extend_schema(
        operation_id="garments_partial_update",
        summary="Change some fields of a garment",
        request=GarmentInput(partial=True),
        responses={200: GarmentOutput, **problems(400, 404, 409, 429)},
    )
    def patch(self, request: Request, **lookup: Any) -> Response:
        garment = self.garment(**lookup)
        data = GarmentInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values, sizes = _garment_values(data.validated_data)
        with domain_errors():
            garment = garment_update(garment=garment, data=values, sizes=sizes)
        return Response(garment_output(request, self._reread(garment)))

    @extend_schema(
        operation_id="garments_destroy",
        summary="Delete a garment (deactivated instead when shoppers have history with it)",
        description=(
            "A garment that shoppers have tried on or interacted with is kept, inactive "
            "(`deleted: false`, `is_active: false`): their pictures and history refer to it, and "
            "PATCH `is_active: true` brings it back. Any other garment is deleted with its images "
            "(`deleted: true`)."
        ),
        responses={
            200: inline_serializer(
                "GarmentDeleted",
                {
                    "id": serializers.IntegerField(),
                    "deleted": serializers.BooleanField(),
                    "is_active": serializers.BooleanField(),
                },
            ),
            **problems(404, 429),
        },
    )
    def delete(self, request: Request, **lookup: Any) -> Response:
        garment = self.garment(**lookup)
        garment_id = garment.pk
        deleted = garment_delete(garment=garment)
        return Response({"id": garment_id, "deleted": deleted, "is_active": False})


def _by_sku(operation: str, summary: str) -> Any:
    return extend_schema(
        operation_id=f"garments_by_sku_{operation}",
        summary=f"{summary} (by SKU)",
        parameters=[OpenApiParameter("sku", OpenApiTypes.STR, OpenApiParameter.PATH)],
    )


@extend_schema_view(
    get=_by_sku("retrieve", "A garment"),
    put=_by_sku("update", "Replace a garment"),
    patch=_by_sku("partial_update", "Change some fields of a garment"),
    delete=_by_sku("destroy", "Delete a garment"),
)
class GarmentBySkuApi(GarmentDetailApi):
    """One garment by your SKU (the same operations as ``/garments/{id}/``)."""


class GarmentSizeListApi(MerchantEndpoint):
    """A garment's sizes: each with its size chart (centimetres) and stock."""

    @extend_schema(
        operation_id="garment_sizes_list",
        summary="A garment's sizes",
        responses={200: SizeSerializer(many=True), **problems(404, 429)},
    )
    def get(self, request: Request, garment_id: int) -> Response:
        garment = garment_or_404(self, garment_id=garment_id)
        return Response([size_output(size) for size in garment.sizes.all()])

    @extend_schema(
        operation_id="garment_sizes_set",
        summary="Replace a garment's sizes (sizes not listed are removed)",
        request=SizeSerializer(many=True),
        responses={200: SizeSerializer(many=True), **problems(400, 404, 429)},
    )
    def put(self, request: Request, garment_id: int) -> Response:
        garment = garment_or_404(self, garment_id=garment_id)
        data = SizeSerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        with domain_errors():
            garment_sizes_set(garment=garment, sizes=data.validated_data)
        garment = garment_get_for_merchant(merchant=self.merchant, garment_id=garment_id)
        return Response([size_output(size) for size in garment.sizes.all()])


class GarmentSizeDetailApi(MerchantEndpoint):
    """One size of a garment, named by its label (S, M, ...)."""

    def size(self, garment_id: int, label: str) -> GarmentSize:
        garment = garment_or_404(self, garment_id=garment_id)
        size = next((s for s in garment.sizes.all() if s.label == label), None)
        if size is None:
            raise NotFound(
                f"Garment {garment_id} has no size {label!r}; its sizes are "
                f"{', '.join(s.label for s in garment.sizes.all()) or 'none'} (add one with "
                f"PUT /api/v1/garments/{garment_id}/sizes/)."
            )
        return size

    @extend_schema(
        operation_id="garment_sizes_retrieve",
        summary="One size of a garment",
        responses={200: SizeSerializer, **problems(404, 429)},
    )
    def get(self, request: Request, garment_id: int, label: str) -> Response:
        return Response(size_output(self.size(garment_id, label)))

    @extend_schema(
        operation_id="garment_sizes_partial_update",
        summary="Change a size's stock or size chart",
        request=SizePatchSerializer,
        responses={200: SizeSerializer, **problems(400, 404, 429)},
    )
    def patch(self, request: Request, garment_id: int, label: str) -> Response:
        size = self.size(garment_id, label)
        data = SizePatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with domain_errors():
            size = garment_size_update(size=size, data=data.validated_data)
        return Response(size_output(size))


class ImageUploadInput(serializers.Serializer):
    image = serializers.FileField(
        help_text="JPEG, PNG, WebP, GIF, BMP or TIFF; cleaned (metadata removed) and stored "
        "as WebP with thumbnails."
    )
    role = serializers.ChoiceField(
        choices=GarmentImage.Role.choices,
        default=GarmentImage.Role.PRODUCT,
        help_text="`product`: the garment alone; `on_model`: worn by a model.",
    )


class GarmentImageListApi(MerchantEndpoint):
    """A garment's images: list them, upload one."""

    @extend_schema(
        operation_id="garment_images_list",
        summary="A garment's images, in display order",
        responses={200: ImageOutput(many=True), **problems(404, 429)},
    )
    def get(self, request: Request, garment_id: int) -> Response:
        garment = garment_or_404(self, garment_id=garment_id)
        return Response([image_output(request, image) for image in garment.images.all()])

    @extend_schema(
        operation_id="garment_images_create",
        summary="Upload an image of a garment (multipart)",
        request={"multipart/form-data": ImageUploadInput},
        responses={
            201: ImageOutput,
            **problems(400, 404, 409, 413, 422, 429),
        },
    )
    def post(self, request: Request, garment_id: int) -> Response:
        garment = garment_or_404(self, garment_id=garment_id)
        data = ImageUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["image"]
        with domain_errors():
            try:
                image = garment_image_append(
                    garment=garment,
                    upload=upload,
                    role=data.validated_data["role"],
                    label=f"The image {upload.name!r}",
                )
            except ApplicationError as exc:
                exc.extra.setdefault("field", "image")
                raise
        location = reverse(
            "api_v1_garment_image_detail", kwargs={"garment_id": garment.pk, "image_id": image.pk}
        )
        return Response(
            image_output(request, image),
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class GarmentImageDetailApi(MerchantEndpoint):
    """One image of a garment."""

    def image(self, garment_id: int, image_id: int) -> GarmentImage:
        garment = garment_or_404(self, garment_id=garment_id)
        image = next((i for i in garment.images.all() if i.pk == image_id), None)
        if image is None:
            raise NotFound(f"Garment {garment_id} has no image {image_id}.")
        return image

    @extend_schema(
        operation_id="garment_images_retrieve",
        summary="One image of a garment",
        responses={200: ImageOutput, **problems(404, 429)},
    )
    def get(self, request: Request, garment_id: int, image_id: int) -> Response:
        return Response(image_output(request, self.image(garment_id, image_id)))

    @extend_schema(
        operation_id="garment_images_destroy",
        summary="Delete an image of a garment",
        responses={204: OpenApiResponse(description="Deleted."), **problems(404, 429)},
    )
    def delete(self, request: Request, garment_id: int, image_id: int) -> Response:
        garment_image_remove(image=self.image(garment_id, image_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
