"""Storefront tasks of privacy: finish erasures whose file deletions storage refused. Thin."""

from celery import shared_task

from core.task_retry import DatabaseTask
from privacy.services import erasure_blobs_retry


@shared_task(base=DatabaseTask, name="storefront.privacy.erasure_files_retry")
def erasure_files_retry() -> int:
    """Periodic: delete the files erasures left behind (storage was down); files still left."""
    return erasure_blobs_retry()
