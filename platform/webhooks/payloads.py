"""The ``data`` of every webhook event, built in one place.

Ids and pseudonyms only: never a shopper's name, e-mail, measurements or photo. A shopper
is named by a pseudonym scoped to the merchant (``psm_...``: the same shopper gets another
one at another merchant, and it is not the pseudonym our workers see).
"""

from datetime import datetime
from typing import Any

from catalog.models import CatalogImport, Garment, Merchant
from privacy.pseudonyms import pseudonym_for
from tryon.models import TryOnJob

JSONDict = dict[str, Any]
#: Refused rows listed in an import.finished event; a body stays small whatever the file.
MAX_IMPORT_ERRORS = 100


def shopper_reference(*, merchant: Merchant, shopper_id: int) -> JSONDict:
    """How an event names a shopper to a merchant.

    The merchant API may add the merchant's own shopper id here once it keeps one.
    """
    digest = pseudonym_for(subject=f"merchant:{merchant.pk}:shopper:{shopper_id}")
    return {"pseudonym": "psm_" + digest.removeprefix("psn_")}


def garment_reference(garment: Garment) -> JSONDict:
    return {"id": garment.pk, "sku": garment.sku}


def tryon_job_data(job: TryOnJob) -> JSONDict:
    """tryon.succeeded / tryon.failed / tryon.cancelled."""
    merchant = job.garment.merchant
    data: JSONDict = {
        "job_id": str(job.public_id),
        "status": job.state,
        "garment": garment_reference(job.garment),
        "shopper": shopper_reference(merchant=merchant, shopper_id=job.shopper_id),
        "created_at": _iso(job.created_at),
        "finished_at": _iso(job.finished_at),
    }
    if job.state == TryOnJob.State.SUCCEEDED:
        data["result"] = {"width": job.result_width, "height": job.result_height}
    if job.state == TryOnJob.State.FAILED:
        # The code is stable for programs; the reason is the advice the shopper was shown.
        data["error"] = {"code": job.error_code, "reason": job.error_message}
    return data


def catalog_import_data(catalog_import: CatalogImport) -> JSONDict:
    """import.finished: the counts, and the refused rows (row, column, reason; the first
    MAX_IMPORT_ERRORS of them; the admin and the API hold the whole report)."""
    if catalog_import.status == CatalogImport.Status.FAILED:
        # The import itself could not run (e.g. an unreadable file): nothing or part imported.
        status = "failed"
    else:
        status = "completed_with_errors" if catalog_import.errors else "completed"
    data: JSONDict = {
        "import_id": catalog_import.pk,
        "status": status,
        "rows_total": catalog_import.rows_total,
        "garments_created": catalog_import.created_count,
        "garments_updated": catalog_import.updated_count,
        "garments_unchanged": catalog_import.unchanged_count,
        "errors_total": len(catalog_import.errors),
        "errors": list(catalog_import.errors[:MAX_IMPORT_ERRORS]),
        "finished_at": _iso(catalog_import.updated_at or catalog_import.created_at),
    }
    if status == "failed":
        data["failure"] = catalog_import.failure
    return data


def garment_stock_data(garment: Garment) -> JSONDict:
    """garment.out_of_stock / garment.back_in_stock: the garment and its stock per size."""
    sizes = [{"label": size.label, "stock": size.stock} for size in garment.sizes.all()]
    return {
        "garment": garment_reference(garment),
        "stock_total": sum(size["stock"] for size in sizes),
        "sizes": sizes,
    }


def webhook_test_data(*, endpoint_id: str) -> JSONDict:
    """webhook.test: sent from the admin to check a receiver."""
    return {
        "endpoint_id": endpoint_id,
        "message": "This is a test event from Fitting Room.",
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None
