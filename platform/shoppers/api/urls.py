from django.urls import path

from shoppers.api.views import ShopperMeApi

urlpatterns = [path("me/", ShopperMeApi.as_view(), name="api_shopper_me")]
