"""``/api/v1/``: the schema and its documentation pages, then each resource's routes."""

from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from merchant_api.resources.shoppers import ShopperDetailApi, ShopperListApi

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_v1_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_v1_schema"), name="api_v1_docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api_v1_schema"), name="api_v1_redoc"),
    path("shoppers/", ShopperListApi.as_view(), name="api_v1_shopper_list"),
    path("shoppers/<str:shopper_id>/", ShopperDetailApi.as_view(), name="api_v1_shopper_detail"),
]
