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
from merchant_api.resources.interactions import InteractionListApi
from merchant_api.resources.photos import PhotoDetailApi, PhotoImageApi, PhotoListApi
from merchant_api.resources.shoppers import ShopperDetailApi, ShopperListApi
from merchant_api.resources.suggestions import SizeApi, SuggestionListApi
from merchant_api.resources.tryons import (
    TryOnCancelApi,
    TryOnDetailApi,
    TryOnListApi,
    TryOnResultApi,
)
from merchant_api.resources.webhooks import (
    WebhookDeliveryListApi,
    WebhookDeliveryReplayApi,
    WebhookEndpointDetailApi,
    WebhookEndpointListApi,
    WebhookEndpointRotateApi,
    WebhookEndpointTestApi,
)
from merchant_api.resources.widget import (
    WidgetGarmentApi,
    WidgetPhotoListApi,
    WidgetPhotoThumbnailApi,
    WidgetSessionInfoApi,
    WidgetTryOnDetailApi,
    WidgetTryOnListApi,
    WidgetTryOnResultApi,
)
from merchant_api.resources.widget_sessions import WidgetSessionListApi

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_v1_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_v1_schema"), name="api_v1_docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(
            url_name="api_v1_schema", template_name="merchant_api/redoc.html"
        ),
        name="api_v1_redoc",
    ),
    path("shoppers/", ShopperListApi.as_view(), name="api_v1_shopper_list"),
    path("shoppers/<str:shopper_id>/", ShopperDetailApi.as_view(), name="api_v1_shopper_detail"),
    path(
        "shoppers/<str:shopper_id>/photos/",
        PhotoListApi.as_view(),
        name="api_v1_shopper_photo_list",
    ),
    path(
        "shoppers/<str:shopper_id>/photos/<str:photo_id>/",
        PhotoDetailApi.as_view(),
        name="api_v1_shopper_photo_detail",
    ),
    path(
        "shoppers/<str:shopper_id>/photos/<str:photo_id>/image/",
        PhotoImageApi.as_view(),
        name="api_v1_shopper_photo_image",
    ),
    path(
        "shoppers/<str:shopper_id>/suggestions/",
        SuggestionListApi.as_view(),
        name="api_v1_shopper_suggestions",
    ),
    path("shoppers/<str:shopper_id>/size/", SizeApi.as_view(), name="api_v1_shopper_size"),
    path(
        "shoppers/<str:shopper_id>/interactions/",
        InteractionListApi.as_view(),
        name="api_v1_shopper_interactions",
    ),
    path(
        "shoppers/<str:shopper_id>/widget-sessions/",
        WidgetSessionListApi.as_view(),
        name="api_v1_shopper_widget_sessions",
    ),
    path("tryons/", TryOnListApi.as_view(), name="api_v1_tryon_list"),
    path("tryons/<str:job_id>/", TryOnDetailApi.as_view(), name="api_v1_tryon_detail"),
    path("tryons/<str:job_id>/cancel/", TryOnCancelApi.as_view(), name="api_v1_tryon_cancel"),
    path("tryons/<str:job_id>/result/", TryOnResultApi.as_view(), name="api_v1_tryon_result"),
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
    # The embeddable widget's own endpoints (widget-session token, one shopper; CORS).
    path("widget/session/", WidgetSessionInfoApi.as_view(), name="api_v1_widget_session"),
    path("widget/garments/<str:sku>/", WidgetGarmentApi.as_view(), name="api_v1_widget_garment"),
    path("widget/photos/", WidgetPhotoListApi.as_view(), name="api_v1_widget_photo_list"),
    path(
        "widget/photos/<str:photo_id>/thumbnail/",
        WidgetPhotoThumbnailApi.as_view(),
        name="api_v1_widget_photo_thumbnail",
    ),
    path("widget/tryons/", WidgetTryOnListApi.as_view(), name="api_v1_widget_tryon_list"),
    path(
        "widget/tryons/<str:job_id>/",
        WidgetTryOnDetailApi.as_view(),
        name="api_v1_widget_tryon_detail",
    ),
    path(
        "widget/tryons/<str:job_id>/result/",
        WidgetTryOnResultApi.as_view(),
        name="api_v1_widget_tryon_result",
    ),
    path(
        "webhook-endpoints/", WebhookEndpointListApi.as_view(), name="api_v1_webhook_endpoint_list"
    ),
    path(
        "webhook-endpoints/<uuid:endpoint_id>/",
        WebhookEndpointDetailApi.as_view(),
        name="api_v1_webhook_endpoint_detail",
    ),
    path(
        "webhook-endpoints/<uuid:endpoint_id>/rotate-secret/",
        WebhookEndpointRotateApi.as_view(),
        name="api_v1_webhook_endpoint_rotate",
    ),
    path(
        "webhook-endpoints/<uuid:endpoint_id>/test/",
        WebhookEndpointTestApi.as_view(),
        name="api_v1_webhook_endpoint_test",
    ),
    path(
        "webhook-endpoints/<uuid:endpoint_id>/deliveries/",
        WebhookDeliveryListApi.as_view(),
        name="api_v1_webhook_delivery_list",
    ),
    path(
        "webhook-endpoints/<uuid:endpoint_id>/deliveries/<int:delivery_id>/replay/",
        WebhookDeliveryReplayApi.as_view(),
        name="api_v1_webhook_delivery_replay",
    ),
]
