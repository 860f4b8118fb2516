"""``/api/v1/shoppers/{shopper_id}/suggestions/`` and ``.../size/``: what to show a shopper,
and which size of a garment to pick.

Suggestions are what our own suggestions page shows (``recommendations.selectors``), limited
to the calling merchant's garments. The size is the shared fit rule (``sizing.fit``)
applied to the garment's size chart and the shopper's declared measurements.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.selectors import garment_get_for_merchant
from core.exceptions import ApplicationError
from merchant_api.endpoint import MerchantEndpoint
from merchant_api.resources.garment_reference import GarmentByIdOrSku
from merchant_api.resources.shoppers import shopper_or_404
from merchant_api.schema import problems
from recommendations.selectors import size_choice_for, suggestions_for


class SuggestedGarment(serializers.Serializer):
    garment_id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    size = serializers.CharField(help_text="The size to pick ('' when unknown).")
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text='Readable, e.g. "your size: M".'
    )


class SuggestionsOutput(serializers.Serializer):
    strategy = serializers.CharField(help_text="`personal`, or `popular` before we know them.")
    body_shape = serializers.CharField(help_text="The body shape assumed ('' when unknown).")
    body_shape_reason = serializers.CharField()
    notice = serializers.CharField(help_text="E.g. why their photo could not be used.")
    items = SuggestedGarment(many=True)


class SuggestionListApi(MerchantEndpoint):
    class QuerySerializer(serializers.Serializer):
        limit = serializers.IntegerField(min_value=1, max_value=48, default=12)

    @extend_schema(
        operation_id="shopper_suggestions_list",
        parameters=[QuerySerializer],
        responses={200: SuggestionsOutput, **problems(400, 404)},
        summary="Garments of yours to suggest to the shopper, best first",
    )
    def get(self, request: Request, shopper_id: str) -> Response:
        shopper = shopper_or_404(self, shopper_id)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        view = suggestions_for(
            shopper=shopper, merchant=self.merchant, limit=query.validated_data["limit"]
        )
        items = [
            {
                "garment_id": item.garment.pk,
                "sku": item.garment.sku,
                "name": item.garment.name,
                "size": item.size,
                "reasons": item.reasons,
            }
            for item in view.items
        ]
        body = {
            "strategy": view.strategy,
            "body_shape": view.body_shape,
            "body_shape_reason": view.body_shape_reason,
            "notice": view.notice,
            "items": items,
        }
        return Response(SuggestionsOutput(body).data)


class MeasurementFit(serializers.Serializer):
    measurement = serializers.CharField(help_text="`chest_cm`, `waist_cm` or `hips_cm`.")
    body_cm = serializers.FloatField(help_text="The shopper's.")
    size_cm = serializers.FloatField(help_text="The chosen size's, from the size chart.")
    room_cm = serializers.FloatField(help_text="size - body: negative is smaller than the body.")
    fit = serializers.ChoiceField(choices=["tight", "good", "loose"])


class SizeOutput(serializers.Serializer):
    garment_id = serializers.IntegerField()
    sku = serializers.CharField()
    label = serializers.CharField(help_text="The size to pick; '' when none can be advised.")
    fits = serializers.BooleanField(
        help_text="false when the shopper's size is known but nothing in stock fits well."
    )
    confidence = serializers.FloatField(
        help_text="0..1: the chosen size's fit score (1 perfect, ~0.6 one size step off; "
        "0.8 from the usual size label alone, 0.5 unknown)."
    )
    basis = serializers.ChoiceField(choices=["measurements", "declared size", "unknown"])
    reason = serializers.CharField()
    measurements = MeasurementFit(many=True)


class SizeApi(MerchantEndpoint):
    class QuerySerializer(GarmentByIdOrSku):
        pass

    @extend_schema(
        operation_id="shopper_size_retrieve",
        parameters=[QuerySerializer],
        responses={200: SizeOutput, **problems(400, 404)},
        summary="The size of a garment the shopper should pick",
        description=(
            "Of the sizes in stock, the one whose chart girths (chest, waist, hips) fit the "
            "shopper's measurements best: a size up to the garment's ease larger than the "
            "body is a good fit, smaller (tight) counts more against it than larger (loose). "
            "Without measurements the shopper's usual size is used when the chart has it."
        ),
    )
    def get(self, request: Request, shopper_id: str) -> Response:
        shopper = shopper_or_404(self, shopper_id)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        garment = garment_get_for_merchant(
            merchant=self.merchant, garment_id=values.get("garment_id"), sku=values.get("sku")
        )
        if garment is None:
            field = "garment_id" if "garment_id" in values else "sku"
            raise ApplicationError(
                f"No garment with {field} {values[field]!r}.",
                code="not_found",
                extra={"field": field, "status": 404},
            )
        choice = size_choice_for(shopper=shopper, garment=garment)
        body = {
            "garment_id": garment.pk,
            "sku": garment.sku,
            "label": choice.label,
            "fits": choice.fits,
            "confidence": choice.confidence,
            "basis": choice.basis,
            "reason": choice.reason,
            "measurements": [vars(fit) for fit in choice.measurements],
        }
        return Response(SizeOutput(body).data)
