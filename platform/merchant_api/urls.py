"""``/api/v1/``: the schema and its documentation pages, then each resource's routes."""

from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from merchant_api.resources.catalogue import (
    GarmentBySkuApi,
    GarmentDetailApi,
    GarmentImageDetailApi,
    GarmentImageListApi,
    GarmentListApi,
    GarmentSizeDetailApi,
    GarmentSizeListApi,
)
from merchant_api.resources.imports import ImportDetailApi, ImportListApi
from merchant_api.resources.shoppers import ShopperDetailApi, ShopperListApi

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_v1_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_v1_schema"), name="api_v1_docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api_v1_schema"), name="api_v1_redoc"),
    path("shoppers/", ShopperListApi.as_view(), name="api_v1_shopper_list"),
    path("shoppers/<str:shopper_id>/", ShopperDetailApi.as_view(), name="api_v1_shopper_detail"),
    path("garments/", GarmentListApi.as_view(), name="api_v1_garment_list"),
    path("garments/<int:garment_id>/", GarmentDetailApi.as_view(), name="api_v1_garment_detail"),
    path("garments/by-sku/<str:sku>/", GarmentBySkuApi.as_view(), name="api_v1_garment_by_sku"),
    path(
        "garments/<int:garment_id>/sizes/",
        GarmentSizeListApi.as_view(),
        name="api_v1_garment_size_list",
    ),
    path(
        "garments/<int:garment_id>/sizes/<str:label>/",
        GarmentSizeDetailApi.as_view(),
        name="api_v1_garment_size_detail",
    ),
    path(
        "garments/<int:garment_id>/images/",
        GarmentImageListApi.as_view(),
        name="api_v1_garment_image_list",
    ),
    path(
        "garments/<int:garment_id>/images/<int:image_id>/",
        GarmentImageDetailApi.as_view(),
        name="api_v1_garment_image_detail",
    ),
    path("imports/", ImportListApi.as_view(), name="api_v1_import_list"),
    path("imports/<int:import_id>/", ImportDetailApi.as_view(), name="api_v1_import_detail"),
]
