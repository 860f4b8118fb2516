"""The storefront's Celery app: Django-aware tasks on the `default` and `storefront_events` queues.

The try-on and recommender workers have their own Celery apps (``tryon_worker.celery_app``,
``recommender.celery_app``) that never import Django; the storefront reaches them by task name.
"""

import os

from celery import Celery

from transport.sealed_headers import sealed_headers_connect

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("fittingroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Retries too: no message of ours repeats its arguments as readable text in its headers.
sealed_headers_connect()
