"""Expiry: photos and try-on pictures older than their configured periods are deleted (rows
and files) by the periodic task; newer ones, running try-ons and other shoppers' stay. The
shopper is told how long on upload."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from lifecycle.tasks import expired_data_delete_task
from shoppers.models import ShopperPhoto
from tests.support.assets import REPO
from tests.support.shopper_footprint import Footprint, small_photo, stored_files
from tryon.models import TryOnJob

pytestmark = pytest.mark.usefixtures("empty_queues", "storefront_tasks_eager")


@pytest.fixture
def ada(footprint_of) -> Footprint:
    return footprint_of("ada-expires")


@pytest.fixture
def grace(footprint_of) -> Footprint:
    return footprint_of("grace-fresh")


def _age(queryset, days: float) -> None:
    queryset.update(created_at=timezone.now() - timedelta(days=days))


def test_expiry_deletes_old_photos_and_tryons_and_keeps_the_rest(
    ada: Footprint, grace: Footprint, django_capture_on_commit_callbacks
) -> None:
    done = TryOnJob.objects.get(shopper=ada.shopper, state="succeeded")
    running = TryOnJob.objects.get(shopper=ada.shopper, state="running")
    old_photo = done.photo
    new_photo = ShopperPhoto.objects.filter(shopper=ada.shopper).exclude(pk=old_photo.pk).get()
    _age(ShopperPhoto.objects.filter(pk=old_photo.pk), 30.1)
    _age(ShopperPhoto.objects.filter(pk=new_photo.pk), 29.9)
    _age(TryOnJob.objects.filter(pk__in=[done.pk, running.pk]), 31)
    before = stored_files()

    with django_capture_on_commit_callbacks(execute=True):
        counts = expired_data_delete_task.delay().get()

    assert counts == {"photos": 1, "tryon_jobs": 1}
    gone = {old_photo.blob_name, old_photo.thumbnail_blob_name, *done.blob_names}
    assert len(gone) == 4
    assert stored_files() == before - gone
    assert not ShopperPhoto.objects.filter(pk=old_photo.pk).exists()
    assert not TryOnJob.objects.filter(pk=done.pk).exists()
    # The newer photo stays, and so does a try-on still running (it goes once finished).
    assert ShopperPhoto.objects.filter(pk=new_photo.pk).exists()
    assert TryOnJob.objects.filter(pk=running.pk).exists()
    assert ShopperPhoto.objects.filter(shopper=grace.shopper).count() == 2
    assert TryOnJob.objects.filter(shopper=grace.shopper).count() == 2


def test_photo_and_picture_periods_are_separate_settings(
    ada: Footprint, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PHOTO_RETENTION_DAYS = 2
    settings.RESULT_RETENTION_DAYS = 10
    done = TryOnJob.objects.get(shopper=ada.shopper, state="succeeded")
    _age(ShopperPhoto.objects.filter(shopper=ada.shopper), 3)
    _age(TryOnJob.objects.filter(pk=done.pk), 3)
    with django_capture_on_commit_callbacks(execute=True):
        counts = expired_data_delete_task.delay().get()
    # Both photos went; the picture made from one of them has its own, longer, period.
    assert counts == {"photos": 2, "tryon_jobs": 0}
    done.refresh_from_db()
    assert done.photo is None and done.result_blob_name in stored_files()


def test_upload_says_how_long_photos_and_pictures_are_kept(ada: Footprint, settings) -> None:
    settings.PHOTO_RETENTION_DAYS = 14
    settings.RESULT_RETENTION_DAYS = 21
    browser = ada.clients[0]
    profile = browser.get("/account/profile/").content.decode()
    assert "We keep each photo for 14 days and\n      each try-on picture for 21 days" in profile
    response = browser.post(
        "/account/photos/", {"photo": _upload(small_photo((10, 120, 10)))}, follow=True
    )
    newest = ShopperPhoto.objects.filter(shopper=ada.shopper).order_by("-created_at").first()
    expected = date_format(newest.created_at + timedelta(days=14), "j F Y")
    assert (
        f"Photo added. It is kept for 14 days and deleted automatically on {expected}."
        in response.content.decode()
    )
    listing = browser.get("/tryon/").content.decode()
    assert "deleted automatically 21 days" in listing


def test_retention_periods_come_from_the_environment() -> None:
    def setting(env: dict[str, str]) -> subprocess.CompletedProcess:
        code = (
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.PHOTO_RETENTION_DAYS, s.RESULT_RETENTION_DAYS, "
            "s.CELERY_BEAT_SCHEDULE['retention-expiry'])"
        )
        return subprocess.run(
            [sys.executable, "-c", code],
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings.base",
                "PYTHONPATH": os.pathsep.join([str(REPO / "platform"), str(REPO)]),
                "DJANGO_READ_DOT_ENV_FILE": "false",
                "DJANGO_SECRET_KEY": "x" * 50,
                **env,
            },
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
        )

    defaults = setting({})
    assert defaults.stdout.startswith("30 30 {'task': 'storefront.privacy.expired_data_delete'")
    assert "'schedule': 3600.0" in defaults.stdout
    chosen = setting(
        {
            "FITTINGROOM_PHOTO_RETENTION_DAYS": "7",
            "FITTINGROOM_RESULT_RETENTION_DAYS": "90",
            "FITTINGROOM_RETENTION_SWEEP_S": "600",
        }
    )
    assert chosen.stdout.startswith("7 90 ") and "'schedule': 600.0" in chosen.stdout
    refused = setting({"FITTINGROOM_PHOTO_RETENTION_DAYS": "0"})
    assert refused.returncode != 0 and "at least 1 day" in refused.stderr


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("me.jpg", content, content_type="image/jpeg")
