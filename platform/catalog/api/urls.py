from django.urls import path

from catalog.api.views import GarmentDetailApi, GarmentListApi

urlpatterns = [
    path("garments/", GarmentListApi.as_view(), name="api_garment_list"),
    path("garments/<int:garment_id>/", GarmentDetailApi.as_view(), name="api_garment_detail"),
]
