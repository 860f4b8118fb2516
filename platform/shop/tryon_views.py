"""Try-on pages: request a job, watch its progress live, see the result."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from catalog.selectors import garment_list_public
from core.exceptions import ApplicationError
from core.image_intake import CANONICAL_CONTENT_TYPE
from core.rate_limits import rate_limited
from lifecycle.deletion import tryon_jobs_delete
from shoppers.models import ShopperPhoto
from shoppers.selectors import shopper_or_404
from tryon.models import TryOnJob
from tryon.selectors import tryon_job_list
from tryon.services import tryon_job_cancel, tryon_job_payload, tryon_job_request, tryon_result_read
from tryon.stage_labels import STAGE_LABELS


@login_required
@require_POST
@rate_limited("tryon_request")
def job_create(request: HttpRequest) -> HttpResponse:
    shopper = shopper_or_404(request)
    garment = get_object_or_404(garment_list_public(), pk=request.POST.get("garment"))
    photo = ShopperPhoto.objects.filter(shopper=shopper, pk=request.POST.get("photo")).first()
    if photo is None:
        messages.error(request, "Choose one of your photos first (add one in your profile).")
        return redirect("catalog:garment_detail", garment_id=garment.pk)
    try:
        job = tryon_job_request(shopper=shopper, garment=garment, photo=photo)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("catalog:garment_detail", garment_id=garment.pk)
    return redirect("tryon:job_detail", job_id=job.public_id)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = tryon_job_list(shopper=shopper_or_404(request))[:50]
    return render(
        request,
        "tryon/job_list.html",
        {"jobs": jobs, "result_retention_days": settings.RESULT_RETENTION_DAYS},
    )


@login_required
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = get_object_or_404(
        TryOnJob.objects.select_related("garment"),
        public_id=job_id,
        shopper=shopper_or_404(request),
    )
    context = {
        "job": job,
        "payload": tryon_job_payload(job),
        "stages": list(STAGE_LABELS.items()),
        "stage_order": list(STAGE_LABELS),
    }
    return render(request, "tryon/job_detail.html", context)


@login_required
@require_POST
def job_cancel(request: HttpRequest, job_id: str) -> HttpResponse:
    job = get_object_or_404(TryOnJob, public_id=job_id, shopper=shopper_or_404(request))
    tryon_job_cancel(job=job)
    return redirect("tryon:job_detail", job_id=job.public_id)


@login_required
@require_POST
def job_delete(request: HttpRequest, job_id: str) -> HttpResponse:
    """Delete one try-on with its picture (from its page or the list)."""
    job = get_object_or_404(TryOnJob, public_id=job_id, shopper=shopper_or_404(request))
    tryon_jobs_delete(jobs=TryOnJob.objects.filter(pk=job.pk))
    messages.success(request, f"Try-on picture of {job.garment.name} deleted.")
    return redirect("tryon:job_list")


@login_required
@never_cache
def result_image(request: HttpRequest, job_id: str) -> HttpResponse:
    """The decrypted result, to its owner only."""
    job = get_object_or_404(
        TryOnJob, public_id=job_id, shopper=shopper_or_404(request), state=TryOnJob.State.SUCCEEDED
    )
    response = HttpResponse(tryon_result_read(job=job), content_type=CANONICAL_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
