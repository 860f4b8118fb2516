from django.urls import path

from shoppers.api.views import ShopperExportApi, ShopperMeApi

urlpatterns = [
    path("me/", ShopperMeApi.as_view(), name="api_shopper_me"),
    path("me/export/", ShopperExportApi.as_view(), name="api_shopper_export"),
]
