"""Laptop settings: embedded defaults (SQLite, embedded Redis, local media), debug on.

`bin/up` writes random secrets to .env on its first run; base.py reads that file.
"""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import (
    ENCRYPTION_KEYS,
    PSEUDONYM_KEY,
    SECRET_KEY,
    VAR_DIR,
    WORKER_TRANSPORT_KEY,
    env,
)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SERVE_MEDIA = True
if not (SECRET_KEY and ENCRYPTION_KEYS and PSEUDONYM_KEY and WORKER_TRANSPORT_KEY):
    raise ImproperlyConfigured(
        "Local secrets are missing: run bin/up once (it writes .env), or set DJANGO_SECRET_KEY, "
        "FITTINGROOM_ENCRYPTION_KEYS, FITTINGROOM_PSEUDONYM_KEY and FITTINGROOM_WORKER_KEY."
    )
# var/ holds the database, Redis' socket and append-only file, media and the recommender's
# data: the owner's alone (bin/up also runs everything under umask 077).
VAR_DIR.mkdir(mode=0o700, exist_ok=True)
VAR_DIR.chmod(0o700)
# Serve static files straight from the source folders; no collectstatic on a laptop.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# A laptop may point webhooks at a receiver on localhost over plain http.
WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("FITTINGROOM_WEBHOOKS_ALLOW_PRIVATE_URLS", default=True)
