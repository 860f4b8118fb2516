"""Storefront tasks of privacy: finish erasures whose file deletions storage refused, and the
second Redis pass after an erasure. Thin."""

from celery import shared_task

from core.task_retry import DatabaseTask
from privacy.services import erasure_blobs_retry, redis_aof_rewrite


@shared_task(base=DatabaseTask, name="storefront.privacy.erasure_files_retry")
def erasure_files_retry() -> int:
    """Periodic: delete the files erasures left behind (storage was down); files still left."""
    return erasure_blobs_retry()


# DatabaseTask although it writes no row: the one retry policy every storefront task follows.
@shared_task(base=DatabaseTask, name="storefront.privacy.erasure_redis_compact", ignore_result=True)
def erasure_redis_compact() -> bool:
    """A while after an erasure: rewrite Redis's append-only file once more, so the messages
    consumed since (the forget message, late try-on events) leave the disk too."""
    return redis_aof_rewrite()
