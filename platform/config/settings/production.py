"""Production settings: everything from the environment, and refuse to start unsafely."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import (
    DEBUG,
    ENCRYPTION_KEYS,
    PSEUDONYM_KEY,
    SECRET_KEY,
    WORKER_TRANSPORT_KEY,
    env,
)

if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 40:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 40 characters."
    )
if not ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FITTINGROOM_ENCRYPTION_KEYS must be set (kid:base64key,...).")
if not PSEUDONYM_KEY or len(PSEUDONYM_KEY) < 32:
    raise ImproperlyConfigured("FITTINGROOM_PSEUDONYM_KEY must be at least 32 characters.")
if len(WORKER_TRANSPORT_KEY) != 44:
    raise ImproperlyConfigured("FITTINGROOM_WORKER_KEY must be base64 of 32 random bytes.")
if env("REDIS_URL", default="") == "":
    raise ImproperlyConfigured("REDIS_URL must point at the production Redis.")
if env("DATABASE_URL", default="") == "":
    raise ImproperlyConfigured("DATABASE_URL must point at the production database.")

SERVE_MEDIA = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60)
SECURE_CONTENT_TYPE_NOSNIFF = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
