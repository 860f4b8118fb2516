"""Production settings: everything from the environment, and refuse to start unsafely."""

from urllib.parse import urlsplit

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
if env.bool("FITTINGROOM_WEBHOOKS_ALLOW_PRIVATE_URLS", default=False):
    raise ImproperlyConfigured(
        "FITTINGROOM_WEBHOOKS_ALLOW_PRIVATE_URLS is for tests only: in production webhooks "
        "must never reach private addresses."
    )
if env("REDIS_URL", default="") == "":
    raise ImproperlyConfigured("REDIS_URL must point at the production Redis.")
if env("DATABASE_URL", default="") == "":
    raise ImproperlyConfigured("DATABASE_URL must point at the production database.")
# Links in e-mails are built from it: base.py's laptop default would send shoppers to
# 127.0.0.1, so production names its public address or does not start.
FITTINGROOM_BASE_URL = env("FITTINGROOM_BASE_URL", default="")
_base_url = urlsplit(FITTINGROOM_BASE_URL)
if _base_url.scheme not in ("http", "https") or not _base_url.netloc:
    raise ImproperlyConfigured(
        "FITTINGROOM_BASE_URL must be set to the shop's public address, e.g. "
        "https://shop.example: links in e-mails are built from it"
        + (f" (got {FITTINGROOM_BASE_URL!r})." if FITTINGROOM_BASE_URL else ".")
    )

SERVE_MEDIA = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Cookies: HTTPS only, out of reach of page scripts (no script of ours reads them: forms carry
# the CSRF token), not sent on cross-site subrequests. The __Secure- prefix makes browsers
# refuse them over plain HTTP or set by a page that is not HTTPS.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "__Secure-csrftoken"
# HSTS for a year. Subdomains only when the operator says every subdomain speaks HTTPS;
# preloading (hard to undo: browsers ship the list) only on an explicit opt-in, and the
# preload list requires includeSubDomains, so opting in turns that on too.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD or env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False
)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind HTTPS a page never loads anything over plain HTTP.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True  # noqa: F405
# Behind a reverse proxy every request comes from the proxy's address: tell django-axes how
# many proxies append to X-Forwarded-For so it throttles the client's address instead.
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_AXES_PROXY_COUNT", default=None)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
