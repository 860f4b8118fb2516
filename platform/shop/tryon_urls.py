from django.urls import path

from shop import tryon_views as views

app_name = "tryon"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("new/", views.job_create, name="job_create"),
    path("<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("<uuid:job_id>/cancel/", views.job_cancel, name="job_cancel"),
    path("<uuid:job_id>/delete/", views.job_delete, name="job_delete"),
    path("<uuid:job_id>/result.webp", views.result_image, name="result_image"),
]
