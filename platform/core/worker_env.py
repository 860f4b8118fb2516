"""The environment of a worker process (try-on, recommender) started next to this storefront
on a laptop or in tests.

A worker gets the broker, where to read and write blobs, and the transport key: never the
master encryption keys, the database or the Django secret.
"""

import os

from django.conf import settings

WITHHELD = (
    "DJANGO_SECRET_KEY",
    "FITTINGROOM_ENCRYPTION_KEYS",
    "FITTINGROOM_PSEUDONYM_KEY",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
)


def worker_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment variables for a plain-Python worker on local storage."""
    env = {k: v for k, v in (base if base is not None else os.environ).items() if k not in WITHHELD}
    private_root = settings.STORAGES["private"].get("OPTIONS", {}).get("location")
    if private_root is None:
        raise RuntimeError("Local try-on workers need file storage; production uses S3 URLs.")
    env.update(
        REDIS_URL=settings.REDIS_URL,
        FITTINGROOM_WORKER_KEY=settings.WORKER_TRANSPORT_KEY,
        TRYON_PUBLIC_STORE_URL=f"file://{settings.MEDIA_ROOT}",
        TRYON_PRIVATE_STORE_URL=f"file://{private_root}",
        RECOMMENDER_DATA_DIR=str(settings.RECOMMENDER_DATA_DIR),
        PYTHONPATH=str(settings.BASE_DIR),
    )
    return env
