from django.urls import path

from recommendations import views

app_name = "recommendations"

urlpatterns = [
    path("", views.suggestions_page, name="suggestions"),
    path("like/<int:garment_id>/", views.garment_like, name="garment_like"),
    path("api/", views.SuggestionListApi.as_view(), name="api_suggestions"),
]
