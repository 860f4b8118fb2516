"""How a request names one of the merchant's garments: our id or the merchant's SKU."""

from typing import Any

from rest_framework import serializers

#: Row ids are 64-bit; a larger number is refused as input, not passed to the database.
ROW_ID_MAX = 2**63 - 1


class GarmentByIdOrSku(serializers.Serializer):
    """``garment_id`` or ``sku``, exactly one (inputs that name a garment extend this)."""

    garment_id = serializers.IntegerField(
        required=False, min_value=1, max_value=ROW_ID_MAX, help_text="Our garment id; or:"
    )
    sku = serializers.CharField(required=False, help_text="Your SKU of the garment.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("garment_id" in attrs) == ("sku" in attrs):
            raise serializers.ValidationError(
                {"garment_id": "Give the garment as either garment_id or sku (one of them)."}
            )
        return attrs
