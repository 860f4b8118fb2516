"""``/api/v1/tryons/``: try-on jobs for the merchant's shoppers, asynchronous like our pages'.

A request answers 202 with the job (``Location`` to poll; a webhook tells when it is done).
Status and stage are the try-on app's own: ``TryOnJob.State`` and the worker's ``STAGES``.
Jobs are the merchant's when the shopper is one it registered and the garment is its own.
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

from catalog.models import Garment
from catalog.selectors import garment_get_for_merchant
from contracts.vocabulary import STAGES
from core.exceptions import ApplicationError
from core.image_intake import CANONICAL_CONTENT_TYPE
from lifecycle.deletion import tryon_jobs_delete
from merchant_api.endpoint import MerchantEndpoint
from merchant_api.pagination import NewestFirstCursor
from merchant_api.resources.garment_reference import ROW_ID_MAX, GarmentByIdOrSku
from merchant_api.resources.shoppers import shopper_action_count
from merchant_api.schema import problems
from merchant_api.selectors import merchant_shopper_get
from shoppers.selectors import shopper_photo_get
from tryon.models import TryOnJob
from tryon.selectors import tryon_job_for_merchant, tryon_job_list_for_merchant, tryon_job_progress
from tryon.services import tryon_job_cancel, tryon_job_request, tryon_result_read

STAGE_HELP = (
    "Where the job is: " + ", ".join(f"`{stage}`" for stage in STAGES) + " while it runs; "
    "`failed` or `cancelled` when it stopped."
)


class GarmentReference(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()


class TryOnError(serializers.Serializer):
    code = serializers.CharField(help_text="Stable: e.g. `no_person`, `worker_lost`.")
    message = serializers.CharField(
        help_text="What went wrong and what to do about it (e.g. a better photo), written to "
        "be shown to the shopper as it is."
    )


class TryOnResult(serializers.Serializer):
    url = serializers.CharField(help_text="GET with the same API key: the picture (WebP).")
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class TryOnOutput(serializers.Serializer):
    job_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=TryOnJob.State.choices)
    stage = serializers.CharField(help_text=STAGE_HELP)
    progress = serializers.FloatField(
        allow_null=True, help_text="0 queued .. 1 done, by stage; null once failed or cancelled."
    )
    garment = GarmentReference()
    photo_id = serializers.IntegerField(
        allow_null=True, help_text="null once the photo was deleted."
    )
    error = TryOnError(allow_null=True)
    result = TryOnResult(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        help_text="When the job and its picture are deleted by the retention."
    )


def tryon_output(job: TryOnJob) -> dict[str, Any]:
    """The API's view of a job: never the shopper's ids (we keep only a digest of the
    merchant's) and never the photo or picture themselves, only where to fetch them."""
    result = None
    if job.state == TryOnJob.State.SUCCEEDED:
        result = {
            "url": reverse("api_v1_tryon_result", kwargs={"job_id": job.public_id}),
            "width": job.result_width,
            "height": job.result_height,
        }
    error = None
    if job.state == TryOnJob.State.FAILED:
        error = {"code": job.error_code, "message": job.error_message}
    return {
        "job_id": job.public_id,
        "status": job.state,
        "stage": job.stage,
        "progress": tryon_job_progress(job),
        "garment": {"id": job.garment_id, "sku": job.garment.sku},
        "photo_id": job.photo_id,
        "error": error,
        "result": result,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "expires_at": job.expires_at,
    }


def job_or_404(endpoint: MerchantEndpoint, job_id: str) -> TryOnJob:
    """The calling merchant's job, or 404 (also for another merchant's job id)."""
    job = tryon_job_for_merchant(merchant=endpoint.merchant, job_id=job_id)
    if job is None:
        raise NotFound(f"No try-on job {job_id!r}.")
    return job


def _not_found(message: str, field: str) -> ApplicationError:
    return ApplicationError(message, code="not_found", extra={"field": field, "status": 404})


class TryOnListApi(MerchantEndpoint):
    class TryOnRequestInput(GarmentByIdOrSku):
        shopper_id = serializers.CharField(help_text="Your id of the shopper.")
        photo_id = serializers.IntegerField(min_value=1, max_value=ROW_ID_MAX)

    class QuerySerializer(serializers.Serializer):
        shopper_id = serializers.CharField(required=False, help_text="Only this shopper's jobs.")
        status = serializers.ChoiceField(choices=TryOnJob.State.choices, required=False)

    @extend_schema(
        operation_id="tryons_create",
        request=TryOnRequestInput,
        responses={202: TryOnOutput, **problems(400, 404, 409, 422, 429)},
        summary="Ask for a try-on picture",
        description=(
            "Queues a job and answers at once (202) with it and its `Location`; poll it, or "
            "subscribe to the `tryon.succeeded` and `tryon.failed` webhooks. Send an "
            "`Idempotency-Key`: a retry with it never makes a second job. Counted against "
            "the shopper's hourly and daily try-on limits (429 with Retry-After); a shopper "
            "has at most a few jobs in progress at once (400 `too_many_jobs`)."
        ),
    )
    def post(self, request: Request) -> Response:
        data = self.TryOnRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        shopper = merchant_shopper_get(merchant=self.merchant, external_id=values["shopper_id"])
        if shopper is None:
            raise _not_found(f"No shopper with id {values['shopper_id']!r}.", "shopper_id")
        self.subject_shopper = shopper
        photo = shopper_photo_get(shopper=shopper, photo_id=values["photo_id"])
        if photo is None:
            raise _not_found("This shopper has no such photo.", "photo_id")
        garment = self._garment(values)
        shopper_action_count(self, shopper, "tryon_request")
        job = tryon_job_request(shopper=shopper, garment=garment, photo=photo)
        return Response(
            TryOnOutput(tryon_output(job)).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("api_v1_tryon_detail", kwargs={"job_id": job.public_id})},
        )

    def _garment(self, values: dict[str, Any]) -> Garment:
        if "garment_id" in values:
            garment = garment_get_for_merchant(
                merchant=self.merchant, garment_id=values["garment_id"]
            )
            if garment is None:
                raise _not_found(f"No garment with id {values['garment_id']}.", "garment_id")
        else:
            garment = garment_get_for_merchant(merchant=self.merchant, sku=values["sku"])
            if garment is None:
                raise _not_found(f"No garment with SKU {values['sku']!r}.", "sku")
        return garment

    @extend_schema(
        operation_id="tryons_list",
        parameters=[QuerySerializer],
        responses={200: TryOnOutput(many=True), **problems(400)},
        summary="List try-on jobs, newest first",
    )
    def get(self, request: Request) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        jobs = tryon_job_list_for_merchant(merchant=self.merchant)
        if "shopper_id" in query.validated_data:
            shopper_id = query.validated_data["shopper_id"]
            shopper = merchant_shopper_get(merchant=self.merchant, external_id=shopper_id)
            jobs = jobs.filter(shopper=shopper) if shopper is not None else jobs.none()
        if "status" in query.validated_data:
            jobs = jobs.filter(state=query.validated_data["status"])
        paginator = NewestFirstCursor()
        page = paginator.paginate_queryset(jobs, request, view=self)
        return paginator.get_paginated_response([TryOnOutput(tryon_output(j)).data for j in page])


class TryOnDetailApi(MerchantEndpoint):
    @extend_schema(
        operation_id="tryons_retrieve",
        responses={200: TryOnOutput, **problems(404)},
        summary="A try-on job: status, stage, progress, error or result",
    )
    def get(self, request: Request, job_id: str) -> Response:
        return Response(TryOnOutput(tryon_output(job_or_404(self, job_id))).data)

    @extend_schema(
        operation_id="tryons_destroy",
        responses={204: None, **problems(404)},
        summary="Delete a try-on job and its picture",
        description="A job still running is stopped: its late result is discarded.",
    )
    def delete(self, request: Request, job_id: str) -> Response:
        job = job_or_404(self, job_id)
        tryon_jobs_delete(jobs=TryOnJob.objects.filter(pk=job.pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TryOnCancelApi(MerchantEndpoint):
    @extend_schema(
        operation_id="tryons_cancel",
        request=None,
        responses={200: TryOnOutput, **problems(404, 409)},
        summary="Cancel a try-on job that has not finished",
    )
    def post(self, request: Request, job_id: str) -> Response:
        job = job_or_404(self, job_id)
        if job.is_final and job.state != TryOnJob.State.CANCELLED:
            raise ApplicationError(
                f"This try-on has already {job.state}; there is nothing to cancel.",
                code="tryon_finished",
                extra={"status": status.HTTP_409_CONFLICT},
            )
        job = tryon_job_cancel(job=job)
        return Response(TryOnOutput(tryon_output(job)).data)


class TryOnResultApi(MerchantEndpoint):
    @extend_schema(
        operation_id="tryons_result",
        responses={
            (200, CANONICAL_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The decrypted picture; never cached."
            ),
            **problems(404, 409),
        },
        summary="The try-on picture's bytes",
    )
    def get(self, request: Request, job_id: str) -> HttpResponse:
        job = job_or_404(self, job_id)
        if job.state != TryOnJob.State.SUCCEEDED:
            raise ApplicationError(
                f"This try-on has no picture: it is {job.state}.",
                code="tryon_not_succeeded",
                extra={"status": status.HTTP_409_CONFLICT},
            )
        response = HttpResponse(tryon_result_read(job=job), content_type=CANONICAL_CONTENT_TYPE)
        response["Cache-Control"] = "private, no-store"
        return response
