"""Write paths for try-on jobs: request, dispatch to the worker, apply its events, reap."""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from catalog.models import Garment, GarmentImage
from contracts.blob_keys import is_worker_key_of, storefront_result_keys, worker_result_keys
from contracts.envelope import EDIT_REGION_CONTEXT, RESULT_CONTEXT
from contracts.queues import RENDER_QUEUE, RENDER_TASK, SEALED_REPRS
from contracts.sealing import edit_region_open, result_open
from contracts.tryon import RenderRequest, TryOnEvent
from core.exceptions import ApplicationError
from core.live_events import live_publish
from privacy.sealed_files import (
    private_storage,
    sealed_file_delete,
    sealed_file_read,
    sealed_file_save,
)
from privacy.worker_keys import blob_key_for_worker, data_key_from_worker
from recommendations.models import Interaction
from recommendations.services import interaction_record
from shoppers.models import Shopper, ShopperPhoto
from tryon.models import TryOnAttempt, TryOnJob
from tryon.signals import tryon_job_announced

logger = logging.getLogger(__name__)
MAX_ACTIVE_JOBS_PER_SHOPPER = 3
MAX_DISPATCHES = 3


def tryon_job_request(*, shopper: Shopper, garment: Garment, photo: ShopperPhoto) -> TryOnJob:
    """Create a job and queue it for a worker once the transaction commits."""
    if photo.shopper_id != shopper.pk:
        raise ApplicationError("That photo is not yours.", code="photo_not_found")
    if not garment.is_active:
        raise ApplicationError("This garment is no longer available.", code="garment_unavailable")
    if _garment_image(garment) is None:
        raise ApplicationError(
            "This garment has no product image to try on.", code="no_garment_image"
        )
    active = TryOnJob.objects.filter(
        shopper=shopper, state__in=[TryOnJob.State.QUEUED, TryOnJob.State.RUNNING]
    ).count()
    if active >= MAX_ACTIVE_JOBS_PER_SHOPPER:
        raise ApplicationError(
            f"You already have {active} pictures in progress; wait for one to finish.",
            code="too_many_jobs",
        )
    job = TryOnJob.objects.create(
        shopper=shopper, garment=garment, photo=photo, renderer=settings.TRYON_RENDERER
    )
    interaction_record(shopper=shopper, garment=garment, kind=Interaction.Kind.TRYON)
    job_id = job.pk
    transaction.on_commit(lambda: tryon_job_dispatch(job=TryOnJob.objects.get(pk=job_id)))
    return job


def tryon_job_dispatch(*, job: TryOnJob) -> None:
    """Send the job's render message to the `tryon` queue (pseudonymous, keys wrapped)."""
    if job.photo is None:
        _job_fail(job, "photo_deleted", "The photo for this picture was deleted.")
        return
    image = _garment_image(job.garment)
    job_id = str(job.public_id)
    message = RenderRequest(
        job_id=job_id,
        attempt=job.dispatches + 1,
        subject=job.shopper.pseudonym,
        person_blob=job.photo.blob_name,
        person_key=blob_key_for_worker(blob_name=job.photo.blob_name, bound_to=job_id),
        garment_image=image.image.name,
        garment_category=job.garment.category,
        renderer=job.renderer,
    )
    TryOnJob.objects.filter(pk=job.pk).update(
        dispatches=job.dispatches + 1, queued_at=timezone.now(), last_event_at=timezone.now()
    )
    # The headers would repeat the pseudonym and photo name readable (SEALED_REPRS).
    current_app.send_task(RENDER_TASK, kwargs=message.to_dict(), queue=RENDER_QUEUE, **SEALED_REPRS)
    logger.info("dispatched try-on %s (attempt %d)", job_id, message.attempt)


def tryon_event_apply(*, event: TryOnEvent) -> None:
    """Apply a worker event. Idempotent: redelivered or duplicate events change nothing.

    A succeeded event stores the result under names that follow from the job id
    (``tryon_result_names``), so the job row "points" at them before they exist: a retry of
    the event replaces the files instead of adding more, and an erasure finds them even when
    no row was ever saved with them. When applying fails after the files were written, the
    transaction rolls back and they are deleted at once, on the same failure path; the
    worker's own copies stay for the retry (and erasure deletes them by the job's id).
    """
    written: list[str] = []
    try:
        _event_apply(event=event, written=written)
    except BaseException:
        for name in written:
            try:
                sealed_file_delete(name)
            except Exception:  # the original error matters more; erasure deletes by name
                logger.exception("job %s: stored result not removed after a failure", event.job_id)
        raise


def tryon_job_fail_unreadable(*, job_id: str) -> bool:
    """A worker's event about ``job_id`` did not follow the contract: the job ends failed
    (``message_invalid``) instead of waiting for the reaper. False if no such running job."""
    with transaction.atomic():
        job = TryOnJob.objects.select_for_update().filter(public_id=job_id).first()
        if job is None or job.is_final:
            return False
        _job_fail(job, "message_invalid", "Something went wrong on our side. Please try again.")
    return True


def tryon_result_names(*, job_id: str) -> tuple[str, str]:
    """The storefront's names for a job's result and edit region, from its public id alone.

    Not ``results/{job id}-...``: those names belong to the worker's copies
    (``_worker_result_discard``).
    """
    return storefront_result_keys(job_id=job_id)


@transaction.atomic
def _event_apply(*, event: TryOnEvent, written: list[str]) -> None:
    job = TryOnJob.objects.select_for_update().filter(public_id=event.job_id).first()
    if job is None:
        # Deleted, or its shopper erased: never re-create anything; drop the worker's file too.
        logger.warning("event for unknown job %s dropped (deleted or erased)", event.job_id)
        _worker_result_discard(event)
        return
    now = timezone.now()
    attempt, created = TryOnAttempt.objects.get_or_create(
        run_id=event.run_id, defaults={"job": job, "worker": event.worker}
    )
    if created:
        job.attempts += 1
    if job.is_final:
        # A late duplicate (e.g. a redelivered message that ran again): the first finish won.
        if event.kind != "stage" and not attempt.outcome:
            attempt.outcome, attempt.finished_at = "superseded", now
            attempt.save()
        _worker_result_discard(event)
        job.save(update_fields=["attempts", "updated_at"])
        return
    job.last_event_at = now
    if event.kind == "stage":
        job.state = TryOnJob.State.RUNNING
        job.started_at = job.started_at or now
        job.stage = event.stage
    elif event.kind == "succeeded":
        job.result_blob_name, job.edit_region_blob_name = _result_store(event, written=written)
        job.result_width, job.result_height = event.width, event.height
        job.state, job.stage, job.finished_at = TryOnJob.State.SUCCEEDED, "done", now
        job.timings = event.timings
        job.error_code = job.error_message = ""
    elif event.retryable and job.dispatches < MAX_DISPATCHES:
        job.state, job.stage = TryOnJob.State.QUEUED, "queued"
        transaction.on_commit(lambda: tryon_job_dispatch(job=TryOnJob.objects.get(pk=job.pk)))
    else:
        job.state, job.stage, job.finished_at = TryOnJob.State.FAILED, "failed", now
        job.error_code, job.error_message = event.error_code, event.error_message
    if job.is_final:
        _abandoned_runs_discard(job)
    if event.kind != "stage":
        attempt.outcome, attempt.finished_at = event.kind, now
        attempt.save()
    job.full_clean(exclude=["shopper", "photo", "garment"])
    job.save()
    _on_commit_announce(job)


def tryon_job_cancel(*, job: TryOnJob) -> TryOnJob:
    """Cancel a job that has not finished; its late result will be discarded."""
    with transaction.atomic():
        job = TryOnJob.objects.select_for_update().get(pk=job.pk)
        if job.is_final:
            return job
        job.state, job.stage, job.finished_at = (
            TryOnJob.State.CANCELLED,
            "cancelled",
            timezone.now(),
        )
        job.save()
        _on_commit_announce(job)
    return job


def tryon_jobs_reap(*, now: timezone.datetime | None = None) -> dict[str, int]:
    """Re-queue jobs whose worker went silent (or whose message was lost); fail them at last."""
    now = now or timezone.now()
    running_cutoff = now - timedelta(seconds=settings.TRYON_RUNNING_STALE_AFTER_S)
    queued_cutoff = now - timedelta(seconds=settings.TRYON_QUEUED_STALE_AFTER_S)
    stale = TryOnJob.objects.filter(
        state=TryOnJob.State.RUNNING, last_event_at__lt=running_cutoff
    ) | TryOnJob.objects.filter(state=TryOnJob.State.QUEUED, last_event_at__lt=queued_cutoff)
    counts = {"requeued": 0, "failed": 0}
    for job_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            job = TryOnJob.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.is_final:  # None: its shopper was erased meanwhile
                continue
            if job.dispatches >= MAX_DISPATCHES:
                _job_fail(
                    job,
                    "worker_lost",
                    "We could not finish this picture after several tries. Please try again.",
                )
                counts["failed"] += 1
            else:
                job.state, job.stage = TryOnJob.State.QUEUED, "queued"
                job.save()
                transaction.on_commit(lambda job=job: tryon_job_dispatch(job=job))
                counts["requeued"] += 1
    return counts


def tryon_result_read(*, job: TryOnJob) -> bytes:
    """The decrypted result picture of a succeeded job."""
    return sealed_file_read(job.result_blob_name, context=RESULT_CONTEXT)


def _job_fail(job: TryOnJob, code: str, message: str) -> None:
    job.state, job.stage, job.finished_at = TryOnJob.State.FAILED, "failed", timezone.now()
    job.error_code, job.error_message = code, message
    job.save()
    _on_commit_announce(job)


def _on_commit_announce(job: TryOnJob) -> None:
    payload = tryon_job_payload(job)
    shopper_id = job.shopper_id
    transaction.on_commit(lambda: live_publish(shopper_id=shopper_id, payload=payload))
    # The shopper's e-mail, then the merchant's webhook event: receivers in
    # notifications and webhooks, recording in this transaction.
    tryon_job_announced.send(sender=TryOnJob, job=job)


def tryon_job_payload(job: TryOnJob) -> dict[str, object]:
    """What a shopper's page needs to show a job's progress (no personal data)."""
    return {
        "type": "tryon",
        "job": str(job.public_id),
        "state": job.state,
        "stage": job.stage,
        "error_code": job.error_code,
        "error_message": job.error_message,
        "result_url": reverse("tryon:result_image", args=[job.public_id])
        if job.result_blob_name
        else "",
        "updated": job.updated_at.isoformat() if job.updated_at else "",
    }


def _result_store(event: TryOnEvent, *, written: list[str]) -> tuple[str, str]:
    """Move the worker's sealed result, and its edit region if it sent one, into the
    storefront's own encrypted storage; return both storage names ("" for no edit region).

    Each name is noted in ``written`` before its file is written, so a failure anywhere after
    it (even half-way through a save) knows what to delete.
    """
    data_key = data_key_from_worker(event.result_key, bound_to=event.job_id)
    picture = result_open(_worker_blob_read(event.result_blob), data_key=data_key)
    result_name, region_name = tryon_result_names(job_id=event.job_id)
    written.append(result_name)
    sealed_file_save(content=picture, folder="results", context=RESULT_CONTEXT, name=result_name)
    if not event.edit_region_blob:
        region_name = ""
    else:
        region = edit_region_open(_worker_blob_read(event.edit_region_blob), data_key=data_key)
        written.append(region_name)
        sealed_file_save(
            content=region, folder="results", context=EDIT_REGION_CONTEXT, name=region_name
        )
    _worker_result_discard(event)
    return result_name, region_name


def _worker_blob_read(name: str) -> bytes:
    with private_storage().open(name, "rb") as handle:
        return handle.read()


def _abandoned_runs_discard(job: TryOnJob) -> None:
    """Once a job is final, delete what its other runs may have stored and never reported: a
    worker killed between storing its picture and sending the finish leaves its sealed copies
    under this run's names, and the redelivered run that finished does not know of them.

    A run still going (a duplicate delivery) writes its files later; its late finish is
    discarded with them (``_worker_result_discard``). Deleting a name nobody wrote is a no-op.
    """
    job_id = str(job.public_id)
    names = [
        name
        for run_id in job.attempt_log.values_list("run_id", flat=True)
        for name in worker_result_keys(job_id=job_id, run_id=run_id)
    ]
    if names:
        transaction.on_commit(lambda: [sealed_file_delete(name) for name in names])


def _worker_result_discard(event: TryOnEvent) -> None:
    """Delete the worker's copies of a result (and edit region) once the transaction commits.

    Only names a worker writes for this job (``results/{job id}-...``) are deleted: a finish
    that is dropped unread must not be able to delete any other private file.
    """
    blobs = []
    for name in filter(None, (event.result_blob, event.edit_region_blob)):
        if is_worker_key_of(name, event.job_id):
            blobs.append(name)
        else:
            logger.warning("job %s: %r is not its worker's file; not deleted", event.job_id, name)
    if blobs:
        transaction.on_commit(lambda: [sealed_file_delete(blob) for blob in blobs])


def _garment_image(garment: Garment) -> GarmentImage | None:
    images = garment.images.all()
    product = [i for i in images if i.role == GarmentImage.Role.PRODUCT]
    return (product or list(images) or [None])[0]
