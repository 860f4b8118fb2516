"""``/api/v1/shoppers/{shopper_id}/photos/``: a shopper's photos, uploaded by the merchant.

Uploads go through the same intake as our own pages (``shoppers.services.shopper_photo_add``:
EXIF stripped, pixel budget, encrypted at rest), and whatever it refuses comes back as a
problem with the service's code and message. The image itself is only ever served decrypted
to the same API key's merchant, from ``.../image/``; it never has a public URL.
"""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import ApplicationError
from core.image_intake import CANONICAL_CONTENT_TYPE
from lifecycle.deletion import shopper_photo_delete
from merchant_api.endpoint import MerchantEndpoint
from merchant_api.pagination import NewestFirstCursor
from merchant_api.resources.shoppers import shopper_action_count, shopper_or_404
from merchant_api.schema import problems
from shoppers.models import Shopper, ShopperPhoto
from shoppers.selectors import shopper_photo_get, shopper_photo_list
from shoppers.services import shopper_photo_add, shopper_photo_read


class PhotoOutput(serializers.Serializer):
    photo_id = serializers.IntegerField()
    width = serializers.IntegerField(help_text="Of the stored image, in pixels.")
    height = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(help_text="When it is deleted by the retention.")
    image_url = serializers.CharField(
        help_text="GET with the same API key: the decrypted image (WebP)."
    )
    thumbnail_url = serializers.CharField()


def photo_output(photo: ShopperPhoto, shopper_id: str) -> dict[str, Any]:
    """The API's view of a photo: metadata and where its bytes are served (key required)."""
    image_url = reverse(
        "api_v1_shopper_photo_image", kwargs={"shopper_id": shopper_id, "photo_id": photo.pk}
    )
    return {
        "photo_id": photo.pk,
        "width": photo.width,
        "height": photo.height,
        "created_at": photo.created_at,
        "expires_at": photo.expires_at,
        "image_url": image_url,
        "thumbnail_url": f"{image_url}?size=thumbnail",
    }


def photo_or_404(shopper: Shopper, photo_id: str) -> ShopperPhoto:
    """The shopper's own photo, or 404 (also for another shopper's photo id)."""
    photo = shopper_photo_get(shopper=shopper, photo_id=photo_id)
    if photo is None:
        raise NotFound(f"This shopper has no photo {photo_id!r}.")
    return photo


class PhotoListApi(MerchantEndpoint):
    class PhotoUploadInput(serializers.Serializer):
        photo = serializers.FileField(
            help_text="A JPEG, PNG or WebP of the shopper, whole body in view, one person."
        )

    @extend_schema(
        operation_id="shopper_photos_create",
        request={"multipart/form-data": PhotoUploadInput},
        responses={201: PhotoOutput, **problems(400, 404, 409, 413, 422, 429)},
        summary="Upload a photo of the shopper",
        description=(
            "Stored encrypted, with its EXIF (location, camera) removed. Refused with a "
            "problem naming the reason (`code`) when it is not a usable photo. Counted against "
            "the shopper's hourly and daily upload limits (429 with Retry-After)."
        ),
    )
    def post(self, request: Request, shopper_id: str) -> Response:
        shopper = shopper_or_404(self, shopper_id)
        data = self.PhotoUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        shopper_action_count(self, shopper, "photo_upload")
        try:
            photo = shopper_photo_add(shopper=shopper, upload=data.validated_data["photo"])
        except ApplicationError as exc:
            # The service's own code and message, said to be about the upload.
            exc.extra.setdefault("field", "photo")
            raise
        location = reverse(
            "api_v1_shopper_photo_detail", kwargs={"shopper_id": shopper_id, "photo_id": photo.pk}
        )
        return Response(
            PhotoOutput(photo_output(photo, shopper_id)).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )

    @extend_schema(
        operation_id="shopper_photos_list",
        responses={200: PhotoOutput(many=True), **problems(404)},
        summary="List the shopper's photos, newest first",
    )
    def get(self, request: Request, shopper_id: str) -> Response:
        shopper = shopper_or_404(self, shopper_id)
        paginator = NewestFirstCursor()
        page = paginator.paginate_queryset(shopper_photo_list(shopper=shopper), request, view=self)
        items = [PhotoOutput(photo_output(photo, shopper_id)).data for photo in page]
        return paginator.get_paginated_response(items)


class PhotoDetailApi(MerchantEndpoint):
    class QuerySerializer(serializers.Serializer):
        with_tryons = serializers.BooleanField(
            default=False,
            help_text="Also delete every try-on made from this photo, with its picture "
            "(otherwise they stay, without the photo).",
        )

    @extend_schema(
        operation_id="shopper_photos_retrieve",
        responses={200: PhotoOutput, **problems(404)},
        summary="A photo's metadata",
    )
    def get(self, request: Request, shopper_id: str, photo_id: str) -> Response:
        photo = photo_or_404(shopper_or_404(self, shopper_id), photo_id)
        return Response(PhotoOutput(photo_output(photo, shopper_id)).data)

    @extend_schema(
        operation_id="shopper_photos_destroy",
        parameters=[QuerySerializer],
        responses={204: None, **problems(400, 404)},
        summary="Delete a photo (and optionally its try-ons)",
    )
    def delete(self, request: Request, shopper_id: str, photo_id: str) -> Response:
        photo = photo_or_404(shopper_or_404(self, shopper_id), photo_id)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        shopper_photo_delete(photo=photo, with_tryons=query.validated_data["with_tryons"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhotoImageApi(MerchantEndpoint):
    class QuerySerializer(serializers.Serializer):
        size = serializers.ChoiceField(
            choices=["full", "thumbnail"],
            default="full",
            help_text="`thumbnail` for the small copy.",
        )

    @extend_schema(
        operation_id="shopper_photos_image",
        parameters=[QuerySerializer],
        responses={
            (200, CANONICAL_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The decrypted image; never cached."
            ),
            **problems(400, 404),
        },
        summary="The photo's image bytes",
    )
    def get(self, request: Request, shopper_id: str, photo_id: str) -> HttpResponse:
        photo = photo_or_404(shopper_or_404(self, shopper_id), photo_id)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        thumbnail = query.validated_data["size"] == "thumbnail"
        content = shopper_photo_read(photo=photo, thumbnail=thumbnail)
        response = HttpResponse(content, content_type=CANONICAL_CONTENT_TYPE)
        response["Cache-Control"] = "private, no-store"
        return response
