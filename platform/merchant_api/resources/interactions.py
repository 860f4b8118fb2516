"""``/api/v1/shoppers/{shopper_id}/interactions/``: what the shopper did in the merchant's shop
(viewed, liked, put in the cart, bought, returned), which feeds the recommender.

The kinds are ``recommendations.models.Interaction.Kind`` (the recommender's own list), less
``tryon``: try-ons are recorded by the try-on jobs themselves.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.models import Garment
from catalog.selectors import garment_get_for_merchant
from core.exceptions import ApplicationError
from merchant_api.endpoint import MerchantEndpoint
from merchant_api.resources.garment_reference import GarmentByIdOrSku
from merchant_api.resources.shoppers import shopper_or_404
from merchant_api.schema import problems
from recommendations.models import Interaction
from recommendations.services import interaction_record

BATCH_MAX = 100
#: How far ahead of our clock ``occurred_at`` may be (the merchant's clock may run fast).
CLOCK_SKEW = timedelta(minutes=5)
REPORTED_KINDS = [(k.value, k.label) for k in Interaction.Kind if k != Interaction.Kind.TRYON]


class InteractionInput(GarmentByIdOrSku):
    kind = serializers.ChoiceField(choices=REPORTED_KINDS)
    occurred_at = serializers.DateTimeField(
        required=False, help_text="When it happened (ISO 8601); default: now."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        occurred_at = attrs.get("occurred_at")
        if occurred_at is not None and occurred_at > timezone.now() + CLOCK_SKEW:
            raise serializers.ValidationError({"occurred_at": "This is in the future."})
        return attrs


class BatchInput(serializers.Serializer):
    interactions = InteractionInput(many=True, help_text=f"1 to {BATCH_MAX}, stored together.")

    def validate_interactions(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not 1 <= len(value) <= BATCH_MAX:
            raise serializers.ValidationError(f"Send 1 to {BATCH_MAX} interactions at a time.")
        return value


class RecordedInteraction(serializers.Serializer):
    garment_id = serializers.IntegerField()
    sku = serializers.CharField()
    kind = serializers.ChoiceField(choices=REPORTED_KINDS)
    occurred_at = serializers.DateTimeField()


class InteractionsOutput(serializers.Serializer):
    recorded = serializers.IntegerField()
    interactions = RecordedInteraction(many=True)


class InteractionListApi(MerchantEndpoint):
    @extend_schema(
        operation_id="shopper_interactions_create",
        request=PolymorphicProxySerializer(
            component_name="InteractionReport",
            serializers=[InteractionInput, BatchInput],
            resource_type_field_name=None,
        ),
        responses={201: InteractionsOutput, **problems(400, 404, 409, 422)},
        summary="Report what the shopper did with your garments",
        description=(
            'One interaction, or `{"interactions": [...]}` for up to '
            f"{BATCH_MAX} at once: all are stored or, when one is refused, none. A return "
            "steers their suggestions away from the garment. Send an `Idempotency-Key` so a "
            "retried report is not counted twice."
        ),
    )
    def post(self, request: Request, shopper_id: str) -> Response:
        shopper = shopper_or_404(self, shopper_id)
        batch = isinstance(request.data, dict) and "interactions" in request.data
        if batch:
            data = BatchInput(data=request.data)
            data.is_valid(raise_exception=True)
            entries = data.validated_data["interactions"]
        else:
            data = InteractionInput(data=request.data)
            data.is_valid(raise_exception=True)
            entries = [data.validated_data]
        # Every garment is found before anything is stored: a batch goes in whole or not at all.
        garments = [
            self._garment(entry, f"interactions.{n}." if batch else "")
            for n, entry in enumerate(entries)
        ]
        recorded = [
            interaction_record(
                shopper=shopper,
                garment=garment,
                kind=entry["kind"],
                occurred_at=entry.get("occurred_at"),
            )
            for entry, garment in zip(entries, garments, strict=True)
        ]
        body = {
            "recorded": len(recorded),
            "interactions": [
                {
                    "garment_id": garment.pk,
                    "sku": garment.sku,
                    "kind": interaction.kind,
                    "occurred_at": interaction.created_at,
                }
                for interaction, garment in zip(recorded, garments, strict=True)
            ],
        }
        return Response(InteractionsOutput(body).data, status=status.HTTP_201_CREATED)

    def _garment(self, entry: dict[str, Any], prefix: str) -> Garment:
        field = "garment_id" if "garment_id" in entry else "sku"
        garment = garment_get_for_merchant(
            merchant=self.merchant, garment_id=entry.get("garment_id"), sku=entry.get("sku")
        )
        if garment is None:
            raise ApplicationError(
                f"No garment with {field} {entry[field]!r}.",
                code="not_found",
                extra={"field": f"{prefix}{field}", "status": 404},
            )
        return garment
