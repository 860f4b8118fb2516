"""Read-only catalogue API."""

from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.serializers import GarmentOutput
from catalog.models import Category
from catalog.selectors import garment_list_public


class GarmentListApi(APIView):
    permission_classes = [AllowAny]

    class FilterSerializer(serializers.Serializer):
        category = serializers.ChoiceField(choices=Category.choices, required=False)
        q = serializers.CharField(required=False, max_length=100)

    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        garments = garment_list_public(
            category=filters.validated_data.get("category"),
            query=filters.validated_data.get("q", ""),
        )
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(garments, request, view=self)
        data = GarmentOutput(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class GarmentDetailApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request, garment_id: int) -> Response:
        garment = get_object_or_404(garment_list_public(), pk=garment_id)
        return Response(GarmentOutput(garment, context={"request": request}).data)
