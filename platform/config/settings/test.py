"""Test settings: fast hashing, fixed keys, a SQLite file or DATABASE_URL, real Redis.

Each pytest-xdist process gets its own Redis: a database number on REDIS_URL when one is
given, else its own embedded server (started by tests/conftest.py) on this socket.
"""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, DATABASES, VAR_DIR
from core.redis_url import redis_cache_location, redis_url_with_db

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
DEBUG = False
SERVE_MEDIA = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ENCRYPTION_KEYS = [
    "test-2026:" + "dGVzdC1rZXktMjAyNi0zMi1ieXRlcy1sb25nLSEhISE=",
    "test-2025:" + "b2xkLXRlc3Qta2V5LTIwMjUtMzItYnl0ZXMtbG9uZyE=",
]
PSEUDONYM_KEY = "test-pseudonym-key"
WORKER_TRANSPORT_KEY = "dGVzdC13b3JrZXIta2V5LTMyLWJ5dGVzLWxvbmchISE="
if not os.environ.get("EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
# One id per test run, set by the first process that loads these settings (the xdist
# controller) and inherited by its workers and every process a test starts: two test runs
# on one machine never share a Redis or a database file.
TEST_RUN = os.environ.setdefault("FITTINGROOM_TEST_RUN", str(os.getpid()))
if os.environ.get("REDIS_URL", "").startswith("redis+socket://"):
    # A test's own embedded server, handed to a worker process verbatim.
    REDIS_URL = os.environ["REDIS_URL"]
    TEST_EMBEDDED_REDIS_SOCKET = None
elif os.environ.get("REDIS_URL"):
    REDIS_URL = redis_url_with_db(
        os.environ["REDIS_URL"], 1 + int(XDIST_WORKER.removeprefix("gw") or 0)
    )
    TEST_EMBEDDED_REDIS_SOCKET = None
else:
    TEST_EMBEDDED_REDIS_SOCKET = VAR_DIR / f"test-redis-{TEST_RUN}-{XDIST_WORKER}" / "redis.sock"
    REDIS_URL = f"redis+socket://{TEST_EMBEDDED_REDIS_SOCKET}"
CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
CACHES["default"]["LOCATION"] = redis_cache_location(REDIS_URL)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that a real Celery worker process sees the test database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test-db-{TEST_RUN}-{XDIST_WORKER}.sqlite3")
    }
VAR_DIR.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The whole suite posts from 127.0.0.1 and reuses user ids between tests within the hour;
# tests of the limits themselves set small ones (tests/storefront/core/test_rate_limits.py).
PHOTO_UPLOADS_PER_HOUR = PHOTO_UPLOADS_PER_DAY = PHOTO_UPLOADS_PER_HOUR_PER_ADDRESS = 100_000
TRYON_REQUESTS_PER_HOUR = TRYON_REQUESTS_PER_DAY = TRYON_REQUESTS_PER_HOUR_PER_ADDRESS = 100_000
DATA_EXPORTS_PER_HOUR = DATA_EXPORTS_PER_DAY = DATA_EXPORTS_PER_HOUR_PER_ADDRESS = 100_000
# Tests post webhooks to receivers on 127.0.0.1 over plain http (tests of the address
# policy turn it off).
WEBHOOKS_ALLOW_PRIVATE_URLS = True
