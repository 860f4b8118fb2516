"""Top-level URL map: storefront pages, the REST API, the admin and health checks."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from core.views import health, public_media
from merchant_api.widget_script import widget_script
from notifications.live_stream import live_events

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("api/v1/", include("merchant_api.urls")),
    path("widget/v1/tryon.js", widget_script, name="widget_script_v1"),
    path("api/catalog/", include("catalog.api.urls")),
    path("api/shoppers/", include("shop.account_api_urls")),
    path("account/", include("shop.account_urls")),
    path("tryon/", include("shop.tryon_urls")),
    path("live/", live_events, name="live_events"),
    path("suggestions/", include("recommendations.urls")),
    path("", include("shop.catalog_urls")),
]

if getattr(settings, "SERVE_MEDIA", False):
    # Public catalogue images only; private blobs live in another storage and are never served.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", public_media, name="media"),
    ]
