from django.urls import path

from shop.account_api import ShopperExportApi, ShopperMeApi

urlpatterns = [
    path("me/", ShopperMeApi.as_view(), name="api_shopper_me"),
    path("me/export/", ShopperExportApi.as_view(), name="api_shopper_export"),
]
