"""Storefront tasks of privacy: finish erasures whose file deletions storage refused, and the
second Redis pass after an erasure. Thin."""

from celery import shared_task

import privacy.services
from core.task_retry import DatabaseTask
from privacy.services import (
    COMPACT_TASK,
    erasure_blobs_retry,
    redis_aof_rewrite,
    redis_aof_rewriting,
    redis_messages_pending,
)


@shared_task(base=DatabaseTask, name="storefront.privacy.erasure_files_retry")
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
        raise self.retry(countdown=privacy.services.REDIS_COMPACT_AFTER_S)
    return redis_aof_rewrite()
