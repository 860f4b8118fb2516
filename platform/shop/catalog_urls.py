from django.urls import path

from shop import catalog_views as views

app_name = "catalog"

urlpatterns = [
    path("", views.garment_list, name="garment_list"),
    path("garments/<int:garment_id>/", views.garment_detail, name="garment_detail"),
]
