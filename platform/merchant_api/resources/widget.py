"""``/api/v1/widget/``: what the embeddable try-on widget calls from the shopper's browser.

Authenticated by a widget-session token (``merchant_api.widget_endpoint``), so every view acts
for the token's one shopper of its one merchant: the shop's public garment by SKU, the
shopper's own photos (list, upload, thumbnail), and their try-ons (create, status, picture).
Nothing else of the API is reachable with a token. Reads and writes go through the same
services and selectors, and answer in the same shapes, as the API-key endpoints.
"""

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.models import Garment
from catalog.selectors import garment_get_for_merchant
from core.exceptions import ApplicationError
from core.image_intake import CANONICAL_CONTENT_TYPE
from merchant_api.resources.garment_reference import ROW_ID_MAX
from merchant_api.resources.photos import PhotoListApi, photo_or_404
from merchant_api.resources.tryons import TryOnOutput, tryon_output
from merchant_api.schema import problems
from merchant_api.widget_endpoint import WidgetEndpoint
from shoppers.models import ShopperPhoto
from shoppers.selectors import shopper_photo_get, shopper_photo_list
from shoppers.services import shopper_photo_add, shopper_photo_read
from tryon.models import TryOnJob
from tryon.selectors import tryon_job_for_merchant
from tryon.services import tryon_job_request, tryon_result_read
from tryon.stage_labels import STAGE_LABELS

RECENT_PHOTOS = 4


# --- Session ---------------------------------------------------------------------------------


class StageOutput(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()


class WidgetSessionInfoOutput(serializers.Serializer):
    merchant_name = serializers.CharField()
    photo_retention_days = serializers.IntegerField(
        help_text="After this many days the shopper's photo is deleted."
    )
    result_retention_days = serializers.IntegerField()
    privacy_url = serializers.CharField(
        allow_blank=True, help_text="Our privacy notice (the shop may show its own instead)."
    )
    stages = StageOutput(many=True, help_text="Each stage a try-on goes through, in order.")


class WidgetSessionInfoApi(WidgetEndpoint):
    @extend_schema(
        operation_id="widget_session_retrieve",
        responses={200: WidgetSessionInfoOutput, **problems()},
        summary="Widget: what the consent text and the progress need to say",
        tags=["widget"],
    )
    def get(self, request: Request) -> Response:
        body = {
            "merchant_name": self.merchant.name,
            "photo_retention_days": settings.PHOTO_RETENTION_DAYS,
            "result_retention_days": settings.RESULT_RETENTION_DAYS,
            "privacy_url": settings.PRIVACY_NOTICE_URL,
            "stages": [{"stage": s, "label": label} for s, label in STAGE_LABELS.items()],
        }
        return Response(WidgetSessionInfoOutput(body).data)


# --- Garment ---------------------------------------------------------------------------------


class WidgetGarmentOutput(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    colour = serializers.CharField()
    image_url = serializers.CharField(allow_null=True, help_text="A public thumbnail.")


def _garment_or_404(endpoint: WidgetEndpoint, sku: str) -> Garment:
    garment = garment_get_for_merchant(merchant=endpoint.merchant, sku=sku)
    if garment is None or not garment.is_active:
        raise ApplicationError(
            f"This shop has no garment {sku!r} to try on.",
            code="not_found",
            extra={"field": "sku", "status": status.HTTP_404_NOT_FOUND},
        )
    return garment


class WidgetGarmentApi(WidgetEndpoint):
    @extend_schema(
        operation_id="widget_garment_retrieve",
        responses={200: WidgetGarmentOutput, **problems(404)},
        summary="Widget: a garment's public details by the shop's SKU",
        tags=["widget"],
    )
    def get(self, request: Request, sku: str) -> Response:
        garment = _garment_or_404(self, sku)
        image = next(iter(garment.images.all()), None)
        body = {
            "sku": garment.sku,
            "name": garment.name,
            "colour": garment.colour,
            "image_url": request.build_absolute_uri(image.thumbnail_medium.url) if image else None,
        }
        return Response(WidgetGarmentOutput(body).data)


# --- Photos ----------------------------------------------------------------------------------


class WidgetPhotoOutput(serializers.Serializer):
    photo_id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    thumbnail_url = serializers.CharField(help_text="GET with the same token.")


def _photo_output(photo: ShopperPhoto) -> dict[str, Any]:
    return {
        "photo_id": photo.pk,
        "created_at": photo.created_at,
        "expires_at": photo.expires_at,
        "thumbnail_url": reverse("api_v1_widget_photo_thumbnail", kwargs={"photo_id": photo.pk}),
    }


class WidgetPhotoListApi(WidgetEndpoint):
    PhotoUploadInput = PhotoListApi.PhotoUploadInput  # the one upload contract

    @extend_schema(
        operation_id="widget_photos_list",
        responses={200: WidgetPhotoOutput(many=True), **problems()},
        summary=f"Widget: the shopper's {RECENT_PHOTOS} newest photos",
        tags=["widget"],
    )
    def get(self, request: Request) -> Response:
        photos = shopper_photo_list(shopper=self.shopper)[:RECENT_PHOTOS]
        return Response([WidgetPhotoOutput(_photo_output(p)).data for p in photos])

    @extend_schema(
        operation_id="widget_photos_create",
        request={"multipart/form-data": PhotoUploadInput},
        responses={201: WidgetPhotoOutput, **problems(400, 413, 429)},
        summary="Widget: upload a photo of the shopper",
        description="The same checks, limits and encryption as the API's photo upload; a "
        "refusal's `detail` is written for the shopper (e.g. no person in the photo).",
        tags=["widget"],
    )
    def post(self, request: Request) -> Response:
        data = self.PhotoUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        self.count_action("photo_upload")
        try:
            photo = shopper_photo_add(shopper=self.shopper, upload=data.validated_data["photo"])
        except ApplicationError as exc:
            exc.extra.setdefault("field", "photo")
            raise
        return Response(WidgetPhotoOutput(_photo_output(photo)).data, status=201)


class WidgetPhotoThumbnailApi(WidgetEndpoint):
    @extend_schema(
        operation_id="widget_photos_thumbnail",
        responses={
            (200, CANONICAL_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
            **problems(404),
        },
        summary="Widget: a small copy of one of the shopper's photos",
        tags=["widget"],
    )
    def get(self, request: Request, photo_id: str) -> HttpResponse:
        photo = photo_or_404(self.shopper, photo_id)
        content = shopper_photo_read(photo=photo, thumbnail=True)
        return HttpResponse(content, content_type=CANONICAL_CONTENT_TYPE)


# --- Try-ons ---------------------------------------------------------------------------------


def _widget_tryon_output(job: TryOnJob) -> dict[str, Any]:
    """The API's view of a job, its picture at the widget's own address."""
    body = tryon_output(job)
    if body["result"] is not None:
        url = reverse("api_v1_widget_tryon_result", kwargs={"job_id": job.public_id})
        body["result"] = {**body["result"], "url": url}
    return body


def _job_or_404(endpoint: WidgetEndpoint, job_id: str) -> TryOnJob:
    """The token's shopper's job; 404 for anyone else's, even the same merchant's."""
    job = tryon_job_for_merchant(merchant=endpoint.merchant, job_id=job_id)
    if job is None or job.shopper_id != endpoint.shopper.pk:
        raise NotFound(f"No try-on job {job_id!r}.")
    return job


class WidgetTryOnListApi(WidgetEndpoint):
    class TryOnInput(serializers.Serializer):
        sku = serializers.CharField(max_length=64)
        photo_id = serializers.IntegerField(min_value=1, max_value=ROW_ID_MAX)

    @extend_schema(
        operation_id="widget_tryons_create",
        request=TryOnInput,
        responses={202: TryOnOutput, **problems(400, 404, 429)},
        summary="Widget: try a garment on one of the shopper's photos",
        tags=["widget"],
    )
    def post(self, request: Request) -> Response:
        data = self.TryOnInput(data=request.data)
        data.is_valid(raise_exception=True)
        garment = _garment_or_404(self, data.validated_data["sku"])
        photo = shopper_photo_get(shopper=self.shopper, photo_id=data.validated_data["photo_id"])
        if photo is None:
            raise ApplicationError(
                "This photo is no longer here; upload it again.",
                code="not_found",
                extra={"field": "photo_id", "status": status.HTTP_404_NOT_FOUND},
            )
        self.count_action("tryon_request")
        job = tryon_job_request(shopper=self.shopper, garment=garment, photo=photo)
        location = reverse("api_v1_widget_tryon_detail", kwargs={"job_id": job.public_id})
        return Response(
            TryOnOutput(_widget_tryon_output(job)).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )


class WidgetTryOnDetailApi(WidgetEndpoint):
    @extend_schema(
        operation_id="widget_tryons_retrieve",
        responses={200: TryOnOutput, **problems(404)},
        summary="Widget: a try-on's status, stage, error or picture",
        tags=["widget"],
    )
    def get(self, request: Request, job_id: str) -> Response:
        return Response(TryOnOutput(_widget_tryon_output(_job_or_404(self, job_id))).data)


class WidgetTryOnResultApi(WidgetEndpoint):
    @extend_schema(
        operation_id="widget_tryons_result",
        responses={
            (200, CANONICAL_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
            **problems(404, 409),
        },
        summary="Widget: the try-on picture's bytes",
        tags=["widget"],
    )
    def get(self, request: Request, job_id: str) -> HttpResponse:
        job = _job_or_404(self, job_id)
        if job.state != TryOnJob.State.SUCCEEDED:
            raise ApplicationError(
                f"This try-on has no picture: it is {job.state}.",
                code="tryon_not_succeeded",
                extra={"status": status.HTTP_409_CONFLICT},
            )
        return HttpResponse(tryon_result_read(job=job), content_type=CANONICAL_CONTENT_TYPE)
