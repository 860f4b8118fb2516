"""The `tryon.render` task: thin. Validate the message, fetch, render, store, tell the storefront.

Input errors (no person, unreadable photo, ...) end the job with their code at once; transient
faults (storage or broker hiccups) are retried with backoff; a killed worker's job is
redelivered and the storefront applies whichever finish arrives first, exactly once.
"""

import logging
import socket
import uuid
from dataclasses import asdict
from functools import lru_cache

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded

from contracts.base import MessageError
from contracts.failures import TaskFailed
from contracts.limits import MAX_RETRIES, RETRY_BACKOFF_MAX_S, RETRY_BACKOFF_S
from contracts.queues import EVENT_QUEUE, EVENT_TASK, FAILED_EVENT_TASK, RENDER_TASK, SEALED_REPRS
from contracts.sealing import (
    SealingError,
    data_key_unwrap,
    data_key_wrap,
    photo_open,
    transport_key_load,
)
from contracts.tryon import RenderRequest, TryOnEvent
from transport.blob_store import BlobNotFound, BlobStore, blob_store_from_url
from tryon_worker.celery_app import app
from tryon_worker.config import WorkerConfig
from tryon_worker.pipeline import run_tryon
from tryon_worker.renderers.registry import renderer_create
from tryon_worker.result_files import result_files_store
from vision.errors import ImageInputError

logger = logging.getLogger(__name__)
TRANSIENT_ERRORS = (ConnectionError, TimeoutError, OSError)


@lru_cache(maxsize=1)
def _stores() -> tuple[BlobStore, BlobStore]:
    config = WorkerConfig.from_env()
    public_url, private_url = config.required_store_urls()
    return (
        blob_store_from_url(public_url, s3=config.s3),
        blob_store_from_url(private_url, s3=config.s3),
    )


@lru_cache(maxsize=1)
def _transport_key() -> bytes:
    return transport_key_load(WorkerConfig.from_env().required_worker_key())


def _emit(event: TryOnEvent) -> None:
    # The headers would repeat the job id and file names readable (SEALED_REPRS).
    app.send_task(EVENT_TASK, kwargs=event.to_dict(), queue=EVENT_QUEUE, **SEALED_REPRS)


def _refused(message: dict, exc: Exception, *, run_id: str, worker: str) -> None:
    """A render request that does not follow the contract ends, never waits for the reaper:
    its job fails (when the message still names one) or the storefront hears why."""
    logger.error("render request refused: %s", exc)
    job_id, attempt = message.get("job_id"), message.get("attempt")
    if isinstance(job_id, str) and job_id and isinstance(attempt, int):
        _emit(
            TryOnEvent(
                job_id=job_id,
                attempt=attempt,
                run_id=run_id,
                worker=worker,
                kind="failed",
                error_code="message_invalid",
                error_message="Something went wrong on our side. Please try again later.",
            )
        )
        return
    failed = TaskFailed(task=RENDER_TASK, error_code="message_invalid", error_message=str(exc))
    app.send_task(FAILED_EVENT_TASK, kwargs=failed.to_dict(), queue=EVENT_QUEUE, **SEALED_REPRS)


@app.task(
    name=RENDER_TASK,
    bind=True,
    autoretry_for=TRANSIENT_ERRORS,
    # From limits.py: a retry waits out its backoff holding the unacknowledged message, so
    # the visibility timeout is sized to cover the longest wait.
    retry_backoff=RETRY_BACKOFF_S,
    retry_backoff_max=RETRY_BACKOFF_MAX_S,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def render(self: Task, **message: object) -> None:
    """Render one try-on job and emit its stage, result or failure events."""
    run_id = uuid.uuid4().hex
    worker = socket.gethostname()
    try:
        request = RenderRequest.from_dict(message)
    except (MessageError, TypeError) as exc:
        _refused(message, exc, run_id=run_id, worker=worker)
        return
    base = {
        "job_id": request.job_id,
        "attempt": request.attempt,
        "run_id": run_id,
        "worker": worker,
    }
    logger.info(
        "job %s attempt %s run %s for %s", request.job_id, request.attempt, run_id, request.subject
    )
    public_store, private_store = _stores()
    try:
        garment_bytes = public_store.read(request.garment_image)
        data_key = data_key_unwrap(
            request.person_key, transport_key=_transport_key(), job_id=request.job_id
        )
        person_bytes = photo_open(private_store.read(request.person_blob), data_key=data_key)
        result = run_tryon(
            person_bytes,
            garment_bytes,
            category=request.garment_category,
            renderer=renderer_create(request.renderer),
            on_stage=lambda stage: _emit(TryOnEvent(kind="stage", stage=stage, **base)),
        )
    except ImageInputError as exc:
        _emit(TryOnEvent(kind="failed", error_code=exc.code, error_message=exc.message, **base))
        return
    except BlobNotFound as exc:
        _emit(
            TryOnEvent(
                kind="failed",
                error_code="input_missing",
                error_message="The photo or garment image is no longer available.",
                **base,
            )
        )
        logger.warning("job %s: missing blob %s", request.job_id, exc)
        return
    except SealingError:
        # A key that does not open is our fault, not the shopper's; no retry can fix it.
        logger.exception("job %s: keys do not open its blobs", request.job_id)
        _emit(
            TryOnEvent(
                kind="failed",
                error_code="internal_error",
                error_message="Something went wrong on our side. Please try again later.",
                **base,
            )
        )
        return
    except SoftTimeLimitExceeded:
        _emit(
            TryOnEvent(
                kind="failed",
                error_code="timeout",
                error_message="Rendering took too long. Please try again.",
                retryable=True,
                **base,
            )
        )
        return
    stored = result_files_store(private_store, result, job_id=request.job_id, run_id=run_id)
    _emit(
        TryOnEvent(
            kind="succeeded",
            result_blob=stored.result_blob,
            edit_region_blob=stored.edit_region_blob,
            result_key=data_key_wrap(
                stored.data_key, transport_key=_transport_key(), job_id=request.job_id
            ),
            width=result.width,
            height=result.height,
            timings=asdict(result.timings),
            **base,
        )
    )
