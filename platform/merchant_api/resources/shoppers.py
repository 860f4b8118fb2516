"""``/api/v1/shoppers/``: the merchant's shoppers, known by the merchant's own ids."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import ApplicationError
from core.rate_limits import rate_limit_consume
from lifecycle.services import shopper_erase
from merchant_api.authentication import MerchantClient
from merchant_api.endpoint import MerchantEndpoint
from merchant_api.schema import problems
from merchant_api.selectors import merchant_shopper_get
from merchant_api.services import EXTERNAL_ID_MAX_LENGTH, merchant_shopper_ensure
from privacy.models import ErasureRecord
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
    endpoint.subject_shopper = shopper
    return shopper


def shopper_action_count(endpoint: MerchantEndpoint, shopper: Shopper, action: str) -> None:
    """Count one costly ``action`` ("photo_upload", "tryon_request") by the merchant's shopper
    against the same limits our own pages use; over one, RateLimited (a 429 with Retry-After).

    The shopper's limits are theirs whichever way they come; the per-address limit counts
    per API key here (the caller is the merchant's server, not the shopper's device).
    """
    client = endpoint.request.user
    key_id = client.key_id if isinstance(client, MerchantClient) else ""
    rate_limit_consume(action=action, user_id=shopper.user_id, address=f"api-key:{key_id}")


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
        self.subject_shopper = shopper
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
    class PatchSerializer(serializers.Serializer):
        measurements = MeasurementsSerializer(
            help_text="Only the measurements sent change; null removes one."
        )

    @extend_schema(
        operation_id="shoppers_retrieve", responses={200: ShopperOutput, **problems(404)}
    )
    def get(self, request: Request, shopper_id: str) -> Response:
        shopper = shopper_or_404(self, shopper_id)
        return Response(ShopperOutput(shopper_output(shopper, shopper_id)).data)

    @extend_schema(
        operation_id="shoppers_partial_update",
        request=PatchSerializer,
        responses={200: ShopperOutput, **problems(400, 404)},
        summary="Change a shopper's measurements or usual size",
    )
    def patch(self, request: Request, shopper_id: str) -> Response:
        shopper = shopper_or_404(self, shopper_id)
        data = self.PatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # A merge: what is not sent stays; null (dropped by the service's cleaning) removes.
        measurements = {**(shopper.measurements or {}), **data.validated_data["measurements"]}
        shopper = shopper_profile_update(shopper=shopper, measurements=measurements)
        return Response(ShopperOutput(shopper_output(shopper, shopper_id)).data)

    @extend_schema(
        operation_id="shoppers_destroy",
        responses={204: None, **problems(404)},
        summary="Erase a shopper and everything stored about them",
        description=(
            "The same erasure a shopper asks for on our own pages: photos, try-ons and their "
            "pictures, interactions, suggestions and the recommender's profile. Cannot be "
            "undone; afterwards the id is unknown (404) until registered again."
        ),
    )
    def delete(self, request: Request, shopper_id: str) -> Response:
        shopper = shopper_or_404(self, shopper_id)
        shopper_erase(shopper=shopper, channel=ErasureRecord.Channel.API)
        return Response(status=status.HTTP_204_NO_CONTENT)
