"""Celery app of the tryon_worker process, configured from the environment alone (no Django)."""

import os
import socket

from celery import Celery

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# fixups=[]: Celery would otherwise load Django whenever DJANGO_SETTINGS_MODULE is set
# (it is, in the shared production environment); this process must never import it.
app = Celery("tryon_worker", broker=REDIS_URL, backend=REDIS_URL, fixups=[])
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    result_expires=3600,
    task_default_queue="tryon",
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    broker_transport_options={"visibility_timeout": 15 * 60},
)


@app.task(name="tryon.ping", acks_late=False)
def ping(token: str) -> dict[str, str]:
    """Echo a token back with the worker's host name (readiness checks)."""
    return {"token": token, "worker": socket.gethostname()}
