"""ASGI entry point (uvicorn in development and production)."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

django_application = get_asgi_application()

from core.request_limits import RequestBodyLimit  # noqa: E402  (needs the apps loaded)

# Outermost: a body over the limit is refused before Django spools any of it to disk.
application = RequestBodyLimit(
    django_application,
    max_bytes=settings.REQUEST_MAX_BYTES,
    admin_max_bytes=settings.ADMIN_REQUEST_MAX_BYTES,
    path_limits={"/api/v1/imports/": settings.API_IMPORT_MAX_BYTES},
)
