"""Celery app of the recommender process, configured from the environment alone (no Django).

Recommendation work has its own queue ("recommender"), so it never waits behind GPU try-on
renders or storefront jobs. Reliability as for the try-on worker: a message is acknowledged
after its task ran (acks_late), a worker that dies mid-task gives it back
(reject_on_worker_lost), and each process takes one message at a time (prefetch 1). Every
task is idempotent (upserts, keyed interactions), so a redelivery is harmless.
"""

import logging
import os
import socket
import threading

from celery import Celery
from celery.signals import worker_process_init

from contracts.queues import RECOMMENDER_QUEUE
from transport.publish_retry import PUBLISH_RETRY_POLICY
from transport.sealed_headers import sealed_headers_connect

logger = logging.getLogger(__name__)

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# fixups=[]: Celery would otherwise load Django whenever DJANGO_SETTINGS_MODULE is set
# (it is, in the shared production environment); this process must never import it.
app = Celery(
    "recommender",
    broker=REDIS_URL,
    backend=REDIS_URL,
    fixups=[],
    include=["recommender.tasks"],
)
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    result_expires=3600,
    task_ignore_result=True,  # answers travel as events to the storefront, not as results
    task_default_queue=RECOMMENDER_QUEUE,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    # A suggestion takes milliseconds and a photo about a second; the limits leave room for
    # loading the models on a cold start and for compacting a large HNSW index.
    task_soft_time_limit=240,
    task_time_limit=300,
    broker_connection_retry_on_startup=True,
    task_publish_retry_policy=PUBLISH_RETRY_POLICY,
    broker_transport_options={
        "visibility_timeout": 15 * 60,
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
    },
)
# Retries too: no message of ours repeats its arguments as readable text in its headers.
sealed_headers_connect()


@app.task(name="recommender.ping", acks_late=False, ignore_result=False)
def ping(token: str) -> dict[str, str]:
    """Echo a token back with the worker's host name (readiness checks)."""
    return {"token": token, "worker": socket.gethostname()}


@worker_process_init.connect
def _warm_up(**_: object) -> None:
    """Load the sentence model and the index in the background as a worker process starts,
    so the first message after a deploy is answered in seconds, not after a model load."""
    from recommender.config import RecommenderSettings

    if not RecommenderSettings.from_env().warm_up:
        return

    def warm() -> None:
        from recommender.tasks import recommender

        try:
            service = recommender()
            service.sync()
            service.encoder.encode(["warm up"])
        except Exception:
            logger.exception("warm-up failed; the models load on the first task instead")

    threading.Thread(target=warm, name="recommender-warm-up", daemon=True).start()
