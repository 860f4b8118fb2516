"""``/api/v1/shoppers/``: the merchant's shoppers, known by the merchant's own ids."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import ApplicationError
from merchant_api.endpoint import MerchantEndpoint
from merchant_api.schema import problems
from merchant_api.selectors import merchant_shopper_get
from merchant_api.services import EXTERNAL_ID_MAX_LENGTH, merchant_shopper_ensure
from shoppers.models import Shopper
from shoppers.services import shopper_profile_update


class MeasurementsSerializer(serializers.Serializer):
    """Body measurements in centimetres, and the size the shopper usually buys."""

    height_cm = serializers.FloatField(required=False, allow_null=True)
    chest_cm = serializers.FloatField(required=False, allow_null=True)
    waist_cm = serializers.FloatField(required=False, allow_null=True)
    hips_cm = serializers.FloatField(required=False, allow_null=True)
    inseam_cm = serializers.FloatField(required=False, allow_null=True)
    preferred_size = serializers.CharField(required=False, allow_null=True, max_length=8)


class ShopperOutput(serializers.Serializer):
    shopper_id = serializers.CharField(help_text="The merchant's own id for this shopper.")
    measurements = MeasurementsSerializer()
    created_at = serializers.DateTimeField()


def shopper_output(shopper: Shopper, external_id: str) -> dict[str, object]:
    """The API's view of a shopper: the merchant's id (as sent), never our internal ids."""
    return {
        "shopper_id": external_id,
        "measurements": shopper.measurements,
        "created_at": shopper.created_at,
    }


def shopper_or_404(endpoint: MerchantEndpoint, external_id: str) -> Shopper:
    """The calling merchant's shopper, or 404 (also for another merchant's id)."""
    shopper = merchant_shopper_get(merchant=endpoint.merchant, external_id=external_id)
    if shopper is None:
        raise NotFound(
            f"No shopper with id {external_id!r}; create it with POST /api/v1/shoppers/."
        )
    return shopper


class ShopperListApi(MerchantEndpoint):
    class InputSerializer(serializers.Serializer):
        shopper_id = serializers.CharField(max_length=EXTERNAL_ID_MAX_LENGTH)
        measurements = MeasurementsSerializer(required=False)

    @extend_schema(
        operation_id="shoppers_create",
        request=InputSerializer,
        responses={201: ShopperOutput, **problems(400, 409, 422)},
        summary="Register a shopper under your own id",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        external_id = data.validated_data["shopper_id"]
        if merchant_shopper_get(merchant=self.merchant, external_id=external_id) is not None:
            raise ApplicationError(
                f"A shopper with id {external_id!r} exists already; change it with PATCH.",
                code="shopper_exists",
                extra={"status": status.HTTP_409_CONFLICT, "field": "shopper_id"},
            )
        shopper = merchant_shopper_ensure(merchant=self.merchant, external_id=external_id)
        if "measurements" in data.validated_data:
            shopper = shopper_profile_update(
                shopper=shopper, measurements=data.validated_data["measurements"]
            )
        location = reverse("api_v1_shopper_detail", kwargs={"shopper_id": external_id})
        return Response(
            ShopperOutput(shopper_output(shopper, external_id)).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class ShopperDetailApi(MerchantEndpoint):
    @extend_schema(
        operation_id="shoppers_retrieve", responses={200: ShopperOutput, **problems(404)}
    )
    def get(self, request: Request, shopper_id: str) -> Response:
        shopper = shopper_or_404(self, shopper_id)
        return Response(ShopperOutput(shopper_output(shopper, shopper_id)).data)
