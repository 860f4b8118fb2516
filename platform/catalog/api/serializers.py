from rest_framework import serializers

from catalog.models import Garment, GarmentImage, GarmentSize


class GarmentSizeOutput(serializers.ModelSerializer):
    class Meta:
        model = GarmentSize
        fields = ["label", "chest_cm", "waist_cm", "hips_cm", "length_cm", "stock"]


class GarmentImageOutput(serializers.ModelSerializer):
    class Meta:
        model = GarmentImage
        fields = ["image", "thumbnail_small", "thumbnail_medium", "width", "height", "role"]


class GarmentOutput(serializers.ModelSerializer):
    merchant = serializers.CharField(source="merchant.name")
    sizes = GarmentSizeOutput(many=True)
    images = GarmentImageOutput(many=True)

    class Meta:
        model = Garment
        fields = [
            "id",
            "sku",
            "name",
            "description",
            "merchant",
            "category",
            "colour",
            "material",
            "style_tags",
            "price",
            "currency",
            "is_synthetic",
            "sizes",
            "images",
        ]
