"""Queued catalogue imports (the merchant API's ``POST /api/v1/imports/``), run by a worker."""

from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from catalog.services import CATALOG_IMPORT_TASK, catalog_import_fail, catalog_import_process
from core.task_retry import DatabaseTask

#: Under the broker's 15-minute visibility timeout: a longer task would be handed to a
#: second worker while the first still runs it.
IMPORT_SOFT_TIME_LIMIT_S = 12 * 60
IMPORT_TIME_LIMIT_S = 13 * 60


class CatalogImportTask(DatabaseTask):
    """Retried like every storefront task; once it has finally failed, the import says so."""

    def on_failure(
        self, exc: Exception, task_id: str, args: tuple, kwargs: dict[str, Any], einfo: Any
    ) -> None:
        if isinstance(exc, SoftTimeLimitExceeded):
            reason = (
                f"The import took longer than {IMPORT_SOFT_TIME_LIMIT_S // 60} minutes and was "
                "stopped; the garments imported until then are kept. Split the file and import "
                "the rest."
            )
        else:
            reason = (
                "The import stopped on an unexpected error; the garments imported until then "
                f"are kept. Send the same files again to finish it ({type(exc).__name__})."
            )
        catalog_import_fail(import_id=kwargs["import_id"], reason=reason)


@shared_task(
    base=CatalogImportTask,
    name=CATALOG_IMPORT_TASK,
    soft_time_limit=IMPORT_SOFT_TIME_LIMIT_S,
    time_limit=IMPORT_TIME_LIMIT_S,
)
def catalog_import_run_task(import_id: int) -> None:
    """Run one queued import."""
    catalog_import_process(import_id=import_id)
