"""Celery app of the try-on worker, configured from the environment alone (no Django).

Reliability: a job is acknowledged only after it finished (acks_late), a worker that dies
mid-job gives its message back (reject_on_worker_lost) and is redelivered after the
visibility timeout; each process takes one job at a time (prefetch 1).
"""

import os

from celery import Celery

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# A render takes seconds on a GPU and under a minute on a CPU; the limits leave room for a
# cold start but stop a stuck process. The visibility timeout must exceed the hard limit, or
# Redis would hand a job that is still running to a second worker.
TASK_SOFT_LIMIT_S = int(os.environ.get("TRYON_TASK_SOFT_LIMIT_S", "240"))
TASK_HARD_LIMIT_S = int(os.environ.get("TRYON_TASK_HARD_LIMIT_S", "300"))
VISIBILITY_TIMEOUT_S = int(os.environ.get("TRYON_VISIBILITY_TIMEOUT_S", "600"))
# How often a worker looks for messages whose worker died (older than the visibility timeout)
# and puts them back on the queue. One cheap sorted-set query per sweep.
RESTORE_SWEEP_S = int(os.environ.get("TRYON_RESTORE_SWEEP_S", "10"))

# fixups=[]: Celery would otherwise load Django whenever DJANGO_SETTINGS_MODULE is set
# (it is, in the shared production environment); this process must never import it.
app = Celery(
    "tryon_worker", broker=REDIS_URL, backend=None, fixups=[], include=["tryon_worker.tasks"]
)
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_default_queue="tryon",
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    task_acks_on_failure_or_timeout=True,
    worker_prefetch_multiplier=1,
    task_soft_time_limit=TASK_SOFT_LIMIT_S,
    task_time_limit=TASK_HARD_LIMIT_S,
    broker_connection_retry_on_startup=True,
    broker_transport_options={
        "visibility_timeout": VISIBILITY_TIMEOUT_S,
        "unacked_restore_interval": RESTORE_SWEEP_S,
        "unacked_restore_throttle": 1,  # kombu's default 10 makes a sweep every 100 s
    },
    worker_hijack_root_logger=True,
)
