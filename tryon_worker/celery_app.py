"""Celery app of the try-on worker, configured from the environment alone (no Django; see
tryon_worker/config.py).

Reliability: a job is acknowledged only after it finished (acks_late), a worker that dies
mid-job gives its message back (reject_on_worker_lost), and one killed outright has it handed
out again after the visibility timeout (contracts/limits.py: under a minute); each process
takes one job at a time (prefetch 1).
"""

from celery import Celery

from contracts.queues import RENDER_QUEUE
from transport.publish_retry import PUBLISH_RETRY_POLICY
from transport.sealed_headers import sealed_headers_connect
from tryon_worker.config import WorkerConfig

CONFIG = WorkerConfig.from_env()
REDIS_URL = CONFIG.redis_url
# The time limits, the visibility timeout and the restore sweep all come from one place (the
# storefront's reaper reads the same): a killed worker's job is handed out again within a
# minute, and never while it still runs.
LIMITS = CONFIG.limits

# fixups=[]: Celery would otherwise load Django whenever DJANGO_SETTINGS_MODULE is set
# (it is, in the shared production environment); this process must never import it.
app = Celery(
    "tryon_worker", broker=REDIS_URL, backend=None, fixups=[], include=["tryon_worker.tasks"]
)
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_default_queue=RENDER_QUEUE,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    task_acks_on_failure_or_timeout=True,
    worker_prefetch_multiplier=1,
    task_soft_time_limit=LIMITS.soft_limit_s,
    task_time_limit=LIMITS.hard_limit_s,
    broker_connection_retry_on_startup=True,
    task_publish_retry_policy=PUBLISH_RETRY_POLICY,
    broker_transport_options={
        "visibility_timeout": LIMITS.visibility_timeout_s,
        "unacked_restore_interval": LIMITS.restore_sweep_s,
        "unacked_restore_throttle": 1,  # kombu's default 10 makes a sweep every 100 s
        # Our own unacknowledged-message keys: a sweep restores every message older than
        # *its* visibility timeout, so sharing kombu's default keys would let this short one
        # hand out storefront and recommender tasks that are still running.
        "unacked_key": "unacked.tryon",
        "unacked_index_key": "unacked_index.tryon",
        "unacked_mutex_key": "unacked_mutex.tryon",
    },
    worker_hijack_root_logger=True,
)
# Retries too: no message of ours repeats its arguments as readable text in its headers.
sealed_headers_connect()
