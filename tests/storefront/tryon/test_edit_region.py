"""A render's edit region: kept encrypted beside the result, gone with the job or the shopper,
shown to superusers only (the admin, for debugging), never to shoppers or merchant staff."""

import io
import logging
from dataclasses import replace

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from PIL import Image

from catalog.services import merchant_staff_group_ensure
from contracts.envelope import KeyRing
from lifecycle.services import encryption_keys_rotate, shopper_erase
from privacy.models import ErasureRecord, PiiAccess
from privacy.sealed_files import private_storage, sealed_file_key_id
from tests.support.shopper_footprint import stored_files
from tests.support.worker_results import EDIT_REGION, worker_result_event
from tryon.models import TryOnJob
from tryon.selectors import tryon_edit_region_read
from tryon.services import tryon_event_apply, tryon_job_payload, tryon_job_request

pytestmark = pytest.mark.usefixtures("storefront_tasks_eager", "empty_queues")


@pytest.fixture
def succeeded(shopper, garment, photo, django_capture_on_commit_callbacks) -> TryOnJob:
    """A job whose worker sent its result with an edit region, applied and committed."""
    with django_capture_on_commit_callbacks(execute=True):
        job = tryon_job_request(shopper=shopper, garment=garment, photo=photo)
    event = worker_result_event(job, "r1")
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=event)
    job.refresh_from_db()
    # The worker's copies went once the storefront had its own.
    assert not {event.result_blob, event.edit_region_blob} & stored_files()
    return job


def test_the_edit_region_is_stored_encrypted_under_the_storefronts_keys(
    succeeded: TryOnJob,
) -> None:
    name = succeeded.edit_region_blob_name
    assert name.startswith("results/") and name != succeeded.result_blob_name
    stored = private_storage().open(name, "rb").read()
    assert stored.startswith(b"FRE1") and b"\x89PNG" not in stored and b"IHDR" not in stored
    region = Image.open(io.BytesIO(tryon_edit_region_read(job=succeeded)))
    assert region.format == "PNG" and region.mode == "1" and region.size == (768, 1024)
    assert np.array_equal(np.asarray(region), EDIT_REGION)
    # Nothing of it reaches the shopper's page or live updates.
    assert "edit" not in str(tryon_job_payload(succeeded))


def test_key_rotation_moves_the_edit_region_to_the_new_key(succeeded: TryOnJob, settings) -> None:
    new_key = KeyRing.generate_spec("2027")
    settings.ENCRYPTION_KEYS = [new_key, *settings.ENCRYPTION_KEYS]
    assert encryption_keys_rotate().blobs_rewrapped >= 2  # the result and its edit region
    assert sealed_file_key_id(succeeded.edit_region_blob_name) == "2027"
    settings.ENCRYPTION_KEYS = [new_key]  # the old keys are retired
    assert tryon_edit_region_read(job=succeeded).startswith(b"\x89PNG")


def test_an_older_workers_result_has_no_edit_region(
    shopper, garment, photo, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = tryon_job_request(shopper=shopper, garment=garment, photo=photo)
        tryon_event_apply(event=worker_result_event(job, "r1", edit_region=False))
    job.refresh_from_db()
    assert job.state == "succeeded" and job.edit_region_blob_name == ""
    assert job.blob_names == [job.result_blob_name]


def test_duplicate_finishes_leave_no_edit_region_and_delete_only_worker_files(
    succeeded: TryOnJob, django_capture_on_commit_callbacks, caplog
) -> None:
    duplicate = worker_result_event(succeeded, "r2")
    assert duplicate.edit_region_blob in stored_files()
    # A finish that names a file not written for this job (here: the storefront's own
    # result) must not delete it.
    stray = replace(
        worker_result_event(succeeded, "r3", edit_region=False),
        edit_region_blob=succeeded.result_blob_name,
    )
    caplog.set_level(logging.WARNING, logger="tryon.services")
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=duplicate)
        tryon_event_apply(event=stray)
    assert not {duplicate.result_blob, duplicate.edit_region_blob} & stored_files()
    assert f"{succeeded.result_blob_name!r} is not its worker's file" in caplog.text
    results = {name for name in stored_files() if name.startswith("results/")}
    assert results == set(succeeded.blob_names)  # the storefront's two files, nothing else


def test_erasure_removes_the_edit_region(
    succeeded: TryOnJob, django_capture_on_commit_callbacks
) -> None:
    files = set(succeeded.blob_names)
    assert len(files) == 2 and files <= stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        record = shopper_erase(shopper=succeeded.shopper, channel=ErasureRecord.Channel.COMMAND)
    assert not files & stored_files()
    assert record.counts["blobs"] == 4  # the photo, its thumbnail, the result, the edit region


def test_a_job_deleted_by_cascade_takes_its_files_along(
    succeeded: TryOnJob, garment, django_capture_on_commit_callbacks
) -> None:
    files = set(succeeded.blob_names)
    with django_capture_on_commit_callbacks(execute=True):
        garment.delete()  # as a merchant deleting the garment in the admin does
    assert not TryOnJob.objects.filter(pk=succeeded.pk).exists()
    assert not files & stored_files()


def test_only_superusers_see_or_fetch_the_edit_region(
    client, succeeded: TryOnJob, operator
) -> None:
    url = reverse("admin:tryon_tryonjob_edit_region", args=[succeeded.pk])
    change = reverse("admin:tryon_tryonjob_change", args=[succeeded.pk])

    # The outline of a body is personal data: a superuser needs the PII permission too.
    client.force_login(operator)
    assert client.get(url).status_code == 403
    assert url not in client.get(change).content.decode()
    operator.user_permissions.add(Permission.objects.get(codename="view_shopper_pii"))
    operator = get_user_model().objects.get(pk=operator.pk)  # permission cache
    client.force_login(operator)
    response = client.get(url)
    access = PiiAccess.objects.get()
    assert access.shopper_id == succeeded.shopper_id and access.staff_user_id == operator.pk
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert Image.open(io.BytesIO(response.content)).size == (768, 1024)
    assert url in client.get(change).content.decode()

    # Merchant staff, even one given the view permission on jobs: no preview, no file.
    staff = get_user_model().objects.create_user(
        username="alice", password="pw-123456789", is_staff=True
    )
    staff.groups.add(merchant_staff_group_ensure())
    staff.user_permissions.add(Permission.objects.get(codename="view_tryonjob"))
    client.force_login(staff)
    page = client.get(change)
    assert page.status_code == 200 and url not in page.content.decode()
    assert client.get(url).status_code == 403

    # The shopper who owns the job: their result, never the edit region.
    client.force_login(succeeded.shopper.user)
    assert client.get(url).status_code == 302  # to the admin's login
    detail = client.get(reverse("tryon:job_detail", args=[succeeded.public_id]))
    assert detail.status_code == 200 and "edit-region" not in detail.content.decode()
    result = client.get(reverse("tryon:result_image", args=[succeeded.public_id]))
    assert result.status_code == 200 and result.content.startswith(b"RIFF")

    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("finish", ["succeeded", "failed"])
def test_a_killed_runs_unreported_files_go_when_the_job_finishes(
    shopper, garment, photo, django_capture_on_commit_callbacks, finish: str
) -> None:
    """A worker SIGKILLed between storing its picture and sending the finish leaves sealed
    copies no event names (bench/fault_suite.py found them); the redelivered run's finish
    must take them along."""
    with django_capture_on_commit_callbacks(execute=True):
        job = tryon_job_request(shopper=shopper, garment=garment, photo=photo)
    killed = worker_result_event(job, "killed")  # stored; its finish is never sent
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=replace(killed, kind="stage", stage="rendering", result_blob=""))
    assert {killed.result_blob, killed.edit_region_blob} <= stored_files()
    redelivered = worker_result_event(job, "again", edit_region=False)
    if finish == "failed":
        redelivered = replace(
            redelivered, kind="failed", result_blob="", error_code="no_person",
            error_message="No one is in this photo.",
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=redelivered)
    job.refresh_from_db()
    assert job.state == finish
    results = {name for name in stored_files() if name.startswith("results/")}
    assert results == set(job.blob_names)  # the storefront's own, nothing of either run
