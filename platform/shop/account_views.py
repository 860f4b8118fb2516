"""Shopper pages: sign-up, profile, photos, data download. Thin: parse, call a service, render."""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.image_intake import CANONICAL_CONTENT_TYPE
from core.rate_limits import rate_limited
from lifecycle.data_export import shopper_data_export_write
from lifecycle.deletion import shopper_photo_delete
from lifecycle.services import shopper_erase
from privacy.models import ErasureRecord
from shoppers.forms import (
    AccountEraseForm,
    MeasurementsForm,
    PhotoUploadForm,
    ProfileForm,
    SignUpForm,
)
from shoppers.models import Shopper, ShopperPhoto
from shoppers.selectors import shopper_or_404, shopper_photo_list
from shoppers.services import (
    shopper_photo_add,
    shopper_photo_read,
    shopper_profile_update,
    shopper_sign_up,
)
from tryon.selectors import shopper_photo_tryon_count


def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shopper = shopper_sign_up(**form.cleaned_data)
        except ApplicationError as exc:
            # Shown on the field it is about, where the person will look for it.
            field = {
                "invalid_username": "username",
                "username_taken": "username",
                "weak_password": "password",
            }.get(exc.code)
            form.add_error(field, exc.message)
        else:
            login(request, shopper.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome! Add a photo of yourself to try garments on.")
            return redirect("shoppers:profile")
    return render(request, "shoppers/sign_up.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    shopper = shopper_or_404(request)
    profile_form = ProfileForm(
        request.POST if request.POST.get("form") == "profile" else None,
        initial={
            "display_name": shopper.display_name,
            "contact_email": shopper.contact_email,
            "email_notifications": shopper.email_notifications,
        },
    )
    measurements_form = MeasurementsForm(
        request.POST if request.POST.get("form") == "measurements" else None,
        initial=shopper.measurements,
    )
    if request.method == "POST":
        form = profile_form if request.POST.get("form") == "profile" else measurements_form
        if form.is_valid():
            try:
                if form is profile_form:
                    shopper_profile_update(shopper=shopper, **form.cleaned_data)
                else:
                    shopper_profile_update(shopper=shopper, measurements=form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Saved.")
                return redirect("shoppers:profile")
    return render(
        request,
        "shoppers/profile.html",
        {
            "shopper": shopper,
            "profile_form": profile_form,
            "measurements_form": measurements_form,
            "photo_form": PhotoUploadForm(),
            "photos": shopper_photo_list(shopper=shopper),
            "photo_retention_days": settings.PHOTO_RETENTION_DAYS,
            "result_retention_days": settings.RESULT_RETENTION_DAYS,
            "erase_form": AccountEraseForm(username=request.user.username),
        },
    )


# Decoding, the person check and encryption take seconds: outside ATOMIC_REQUESTS' transaction,
# which on SQLite (IMMEDIATE) would hold the one write lock all along; the service writes the
# row in a short transaction of its own.
@transaction.non_atomic_requests
@login_required
@require_POST
@rate_limited("photo_upload")
def photo_upload(request: HttpRequest) -> HttpResponse:
    shopper = shopper_or_404(request)
    form = PhotoUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a photo to upload.")
    else:
        try:
            photo = shopper_photo_add(shopper=shopper, upload=form.cleaned_data["photo"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"Photo added. It is kept for {settings.PHOTO_RETENTION_DAYS} days and deleted "
                f"automatically on {date_format(photo.expires_at, 'j F Y')}.",
            )
    return redirect("shoppers:profile")


@login_required
@never_cache
def photo_image(request: HttpRequest, photo_id: int, variant: str) -> HttpResponse:
    """The decrypted photo, to its owner only, never cached by browsers or proxies."""
    if variant not in {"full", "thumbnail"}:
        raise Http404("No such image variant.")
    photo = get_object_or_404(ShopperPhoto, pk=photo_id, shopper=shopper_or_404(request))
    content = shopper_photo_read(photo=photo, thumbnail=variant == "thumbnail")
    response = HttpResponse(content, content_type=CANONICAL_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def photo_delete(request: HttpRequest, photo_id: int) -> HttpResponse:
    """GET: ask whether the try-on pictures made from the photo go too. POST: delete.

    The POST's ``tryons`` says which button was pressed: "delete" takes the try-on pictures
    made from the photo with it, anything else (or none) deletes the photo only.
    """
    photo = get_object_or_404(ShopperPhoto, pk=photo_id, shopper=shopper_or_404(request))
    if request.method != "POST":
        return render(
            request,
            "shoppers/photo_delete.html",
            {"photo": photo, "tryon_count": shopper_photo_tryon_count(photo=photo)},
        )
    with_tryons = request.POST.get("tryons") == "delete"
    counts = shopper_photo_delete(photo=photo, with_tryons=with_tryons)
    pictures = counts.get("tryon_jobs", 0)
    if with_tryons and pictures:
        messages.success(request, f"Photo and {pictures} try-on(s) made from it deleted.")
    else:
        messages.success(request, "Photo deleted.")
    return redirect("shoppers:profile")


@login_required
@require_POST
@rate_limited("data_export")
def account_export(request: HttpRequest) -> FileResponse:
    """The "Download my data" button: a ZIP of everything stored about the shopper."""
    return shopper_data_export_response(shopper_or_404(request))


def shopper_data_export_response(shopper: Shopper) -> FileResponse:
    """The ZIP download of a shopper's data (the page's button and the API).

    Built in an unnamed temporary file: it has no name on disk, and the operating system
    frees it when the response closes it, whatever happens to the process.
    """
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    try:
        shopper_data_export_write(shopper=shopper, destination=spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    filename = f"fitting-room-data-{timezone.now():%Y-%m-%d}.zip"
    response = FileResponse(
        spool, as_attachment=True, filename=filename, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def account_erase(request: HttpRequest) -> HttpResponse:
    """The "Delete my account and data" button: erase everything, log out, back to the shop."""
    shopper = shopper_or_404(request)
    form = AccountEraseForm(request.POST, username=request.user.username)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["confirm_username"]))
        return redirect(reverse("shoppers:profile") + "#erase")
    try:
        shopper_erase(shopper=shopper, channel=ErasureRecord.Channel.SELF_SERVICE)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("shoppers:profile") + "#erase")
    logout(request)
    messages.success(request, "Your account and all your data have been deleted.")
    return redirect("catalog:garment_list")
