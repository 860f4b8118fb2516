"""The recommender's Celery tasks: thin. Validate the message, fetch pictures, call the service.

After a profile update or an interaction the shopper's suggestions are computed at once and
sent to the storefront's event queue (``SUGGESTIONS_EVENT_TASK``), so they change within
seconds; ``suggest`` does the same on request; ``forget`` drops an erased shopper's profile.
A message that breaks the contract is logged and dropped (retrying cannot fix it); storage
and broker hiccups are retried with backoff.
"""

import logging
import threading
from dataclasses import replace

from contracts.base import MessageError
from contracts.failures import TaskFailed
from contracts.queues import (
    EVENT_QUEUE,
    FAILED_EVENT_TASK,
    FORGET_TASK,
    GARMENT_REMOVE_TASK,
    GARMENT_UPSERT_TASK,
    INTERACTION_TASK,
    PROFILE_UPDATE_TASK,
    SEALED_REPRS,
    SUGGEST_TASK,
    SUGGESTIONS_EVENT_TASK,
)
from contracts.recommender import (
    Forget,
    GarmentDocument,
    GarmentRemoval,
    Interaction,
    ProfileUpdate,
    SuggestionSet,
    SuggestRequest,
)
from contracts.sealing import (
    SealingError,
    data_key_unwrap,
    fields_open,
    photo_open,
    transport_key_load,
)
from recommender.celery_app import app
from recommender.config import RecommenderSettings
from recommender.profile_store import SubjectError, profile_key_derive
from recommender.service import Recommender
from transport.blob_store import BlobNotFound, BlobStore, blob_store_from_url

logger = logging.getLogger(__name__)
TRANSIENT_ERRORS = (ConnectionError, TimeoutError)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": 5,
}
PHOTO_MISSING = "We couldn't find your latest photo, so we could not estimate your body shape."
PHOTO_SEALED = "We couldn't open your latest photo, so we could not estimate your body shape."

_lock = threading.Lock()
_service: Recommender | None = None
_stores: dict[str, BlobStore] = {}


def recommender() -> Recommender:
    """The process's Recommender over RECOMMENDER_DATA_DIR (created on first use)."""
    global _service
    with _lock:
        if _service is None:
            settings = RecommenderSettings.from_env()
            key = None
            if settings.worker_key:  # bin/up and production set it; measurements go sealed
                key = profile_key_derive(transport_key_load(settings.worker_key))
            _service = Recommender(settings.data_dir, exact_max=settings.exact_max, profile_key=key)
        return _service


def _store(which: str) -> BlobStore | None:
    settings = RecommenderSettings.from_env()
    url = settings.public_store_url if which == "public" else settings.private_store_url
    if not url:
        return None
    with _lock:
        if which not in _stores:
            _stores[which] = blob_store_from_url(url, s3=settings.s3)
        return _stores[which]


def _emit(suggestions: SuggestionSet) -> None:
    # The headers would repeat the pseudonym readable (SEALED_REPRS): only the body names it.
    app.send_task(
        SUGGESTIONS_EVENT_TASK,
        kwargs=suggestions.to_dict(),
        queue=EVENT_QUEUE,
        **SEALED_REPRS,
    )
    logger.info(
        "sent %d suggestions (%s) for %s",
        len(suggestions.items),
        suggestions.strategy,
        suggestions.subject,
    )


def _refused(task: str, exc: Exception, message: dict) -> None:
    """A message this worker cannot act on: logged, and the storefront is told (no retry
    would change the answer)."""
    logger.error("%s: message refused: %s", task, exc)
    subject = message.get("subject")
    failed = TaskFailed(
        task=task,
        error_code="message_invalid",
        error_message=str(exc),
        subject=subject if isinstance(subject, str) else "",
    )
    try:
        app.send_task(FAILED_EVENT_TASK, kwargs=failed.to_dict(), queue=EVENT_QUEUE, **SEALED_REPRS)
    except Exception:  # the broker is down: the log line above is all there can be
        logger.exception("%s: the refusal was not reported", task)


@app.task(name=GARMENT_UPSERT_TASK, **RETRY)
def garment_upsert(**message: object) -> None:
    """Store a created or changed garment (stock included) and update the index."""
    try:
        document = GarmentDocument.from_dict(message)
    except (MessageError, TypeError) as exc:
        return _refused(GARMENT_UPSERT_TASK, exc, message)
    service = recommender()
    image = None
    if service.needs_image(document):
        store = _store("public")
        try:
            image = store.read(document.image_key) if store is not None else None
        except (BlobNotFound, ValueError):
            # The words still place the garment; the image joins on its next change.
            logger.warning("image of garment %s not found", document.garment_id)
    service.garment_upsert(document, image)


@app.task(name=GARMENT_REMOVE_TASK, **RETRY)
def garment_remove(**message: object) -> None:
    """Forget a deleted garment."""
    try:
        removal = GarmentRemoval.from_dict(message)
    except (MessageError, TypeError) as exc:
        return _refused(GARMENT_REMOVE_TASK, exc, message)
    recommender().garment_remove(removal.garment_id)


@app.task(name=PROFILE_UPDATE_TASK, **RETRY)
def profile_update(**message: object) -> None:
    """Update a shopper's measurements and body shape (from their photo), then suggest."""
    try:
        update = _unsealed(ProfileUpdate.from_dict(message))
        service = recommender()
        photo, problem = _photo(update)
        service.profile_update(update, photo, photo_problem=problem)
        _emit(service.suggest(update.subject))
    except (MessageError, SubjectError, SealingError, TypeError, ValueError) as exc:
        return _refused(PROFILE_UPDATE_TASK, exc, message)


def _unsealed(update: ProfileUpdate) -> ProfileUpdate:
    """The update with its sealed measurements and preferred size opened (see ProfileUpdate)."""
    if not update.sealed:
        return update
    settings = RecommenderSettings.from_env()
    if not settings.worker_key:
        raise SealingError("FITTINGROOM_WORKER_KEY is not set: sealed measurements unreadable")
    fields = fields_open(
        update.sealed, transport_key=transport_key_load(settings.worker_key), subject=update.subject
    )
    measurements = fields.get("measurements") or {}
    if not isinstance(measurements, dict):
        raise MessageError("sealed measurements are not an object")
    return replace(
        update,
        measurements={str(k): float(v) for k, v in measurements.items()},
        preferred_size=str(fields.get("preferred_size") or ""),
        sealed="",
    )


def _photo(update: ProfileUpdate) -> tuple[bytes | None, str]:
    """The decrypted photo bytes, or a sentence saying why there are none."""
    if not update.photo_blob:
        return None, ""
    store = _store("private")
    settings = RecommenderSettings.from_env()
    if store is None or not settings.worker_key:
        logger.error("TRYON_PRIVATE_STORE_URL or FITTINGROOM_WORKER_KEY is not set")
        return None, PHOTO_SEALED
    try:
        blob = store.read(update.photo_blob)
    except (BlobNotFound, ValueError):
        return None, PHOTO_MISSING
    try:
        # The pseudonym plays the job id's part: the key opens for this shopper only.
        data_key = data_key_unwrap(
            update.photo_key,
            transport_key=transport_key_load(settings.worker_key),
            job_id=update.subject,
        )
        return photo_open(blob, data_key=data_key), ""
    except SealingError as exc:
        logger.warning("photo of %s does not open: %s", update.subject, exc)
        return None, PHOTO_SEALED


@app.task(name=INTERACTION_TASK, **RETRY)
def interaction(**message: object) -> None:
    """Fold a view, try-on, like or purchase into the shopper's taste, then suggest."""
    try:
        event = Interaction.from_dict(message)
        service = recommender()
        service.interaction(event)
        _emit(service.suggest(event.subject))
    except (MessageError, SubjectError, TypeError, ValueError) as exc:
        return _refused(INTERACTION_TASK, exc, message)


@app.task(name=SUGGEST_TASK, **RETRY)
def suggest(**message: object) -> None:
    """Compute a shopper's suggestions on request and send them to the storefront."""
    try:
        request = SuggestRequest.from_dict(message)
        _emit(recommender().suggest(request.subject, request.limit))
    except (MessageError, SubjectError, TypeError) as exc:
        return _refused(SUGGEST_TASK, exc, message)


@app.task(name=FORGET_TASK, **RETRY)
def forget(**message: object) -> None:
    """Erase everything held about an erased shopper (their profile and interactions)."""
    try:
        request = Forget.from_dict(message)
        recommender().forget(request.subject)
    except (MessageError, SubjectError, TypeError) as exc:
        return _refused(FORGET_TASK, exc, message)
    # Not the pseudonym: logs outlive the erasure and must not list who was erased.
    logger.info("forgot a shopper")
