"""Storefront tasks of the data lifecycle: finish erasures whose file deletions storage
refused, the second Redis pass after an erasure, expiry of old photos and try-on pictures.
Thin.

Their names keep the ``storefront.privacy.`` prefix they had when these lived in the privacy
app: messages queued before a deploy must still find their task, and beat names them.
"""

from celery import shared_task

import lifecycle.services
from contracts.queues import ERASURE_FILES_RETRY_TASK, EXPIRED_DATA_DELETE_TASK
from core.task_retry import DatabaseTask
from lifecycle.deletion import FILES_RETRY_AFTER_S, stored_files_delete
from lifecycle.retention import expired_data_delete
from lifecycle.services import (
    COMPACT_TASK,
    erasure_blobs_retry,
    redis_aof_rewrite,
    redis_aof_rewriting,
    redis_messages_pending,
)


@shared_task(base=DatabaseTask, name=ERASURE_FILES_RETRY_TASK)
def erasure_files_retry() -> int:
    """Periodic: delete the files erasures left behind (storage was down); files still left."""
    return erasure_blobs_retry()


# DatabaseTask although it writes no row: the one retry policy every storefront task follows.
@shared_task(base=DatabaseTask, bind=True, name=COMPACT_TASK, ignore_result=True, max_retries=20)
def erasure_redis_compact(self) -> bool:
    """A while after an erasure: rewrite Redis's append-only file once more, so the messages
    consumed since (the forget message, suggestions, late try-on events) leave the disk too.
    While such messages still wait, or a rewrite that may predate their acknowledgement still
    runs (Redis would refuse this one), try later (up to ten minutes), then rewrite anyway."""
    busy = redis_messages_pending() or redis_aof_rewriting()
    if busy and self.request.retries < self.max_retries:
        raise self.retry(countdown=lifecycle.services.REDIS_COMPACT_AFTER_S)
    return redis_aof_rewrite()


@shared_task(base=DatabaseTask, name=EXPIRED_DATA_DELETE_TASK)
def expired_data_delete_task() -> dict[str, int]:
    """Periodic (Celery beat): delete photos and try-on pictures past their retention."""
    return expired_data_delete()


@shared_task(
    base=DatabaseTask,
    bind=True,
    name="storefront.privacy.stored_files_delete_retry",
    ignore_result=True,
    max_retries=10,
)
def stored_files_delete_retry(self, names: list[str]) -> None:
    """Delete files whose deletion storage refused after a committed delete; retry a while."""
    left = stored_files_delete(names)
    if left:
        raise self.retry(kwargs={"names": left}, countdown=FILES_RETRY_AFTER_S)
