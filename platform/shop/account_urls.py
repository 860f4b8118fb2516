from django.contrib.auth import views as auth_views
from django.urls import path

from shop import account_views as views

app_name = "shoppers"

urlpatterns = [
    path("sign-up/", views.sign_up, name="sign_up"),
    path("login/", auth_views.LoginView.as_view(template_name="shoppers/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("erase/", views.account_erase, name="erase"),
    path("export/", views.account_export, name="export"),
    path("photos/", views.photo_upload, name="photo_upload"),
    path("photos/<int:photo_id>/<str:variant>.webp", views.photo_image, name="photo_image"),
    path("photos/<int:photo_id>/delete/", views.photo_delete, name="photo_delete"),
]
