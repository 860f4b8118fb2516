"""Deleting a photo asks about the try-on pictures made from it; a single try-on picture can
be deleted from its page or the list. Rows and files go (the worker's copies too), nothing of
another photo, try-on or shopper does."""

import pytest
from django.core.files.base import ContentFile

from contracts.queues import PROFILE_UPDATE_TASK, RECOMMENDER_QUEUE
from lifecycle.deletion import shopper_photo_delete
from privacy.sealed_files import private_storage
from shoppers.models import ShopperPhoto
from tests.support.broker_queue import queue_client, queued_messages
from tests.support.shopper_footprint import Footprint, stored_files
from tryon.models import TryOnJob

pytestmark = pytest.mark.usefixtures("empty_queues", "storefront_tasks_eager")


@pytest.fixture
def ada(footprint_of) -> Footprint:
    return footprint_of("ada-deletes")


@pytest.fixture
def grace(footprint_of) -> Footprint:
    return footprint_of("grace-keeps")


def _photo_with_result(footprint: Footprint) -> tuple[ShopperPhoto, TryOnJob]:
    done = TryOnJob.objects.get(shopper=footprint.shopper, state="succeeded")
    return done.photo, done


def _photo_files(photo: ShopperPhoto) -> set[str]:
    return {photo.blob_name, photo.thumbnail_blob_name}


def test_photo_delete_asks_about_its_tryons(ada: Footprint) -> None:
    photo, _done = _photo_with_result(ada)
    other = ShopperPhoto.objects.filter(shopper=ada.shopper).exclude(pk=photo.pk).get()
    page = ada.clients[0].get(f"/account/photos/{photo.pk}/delete/").content.decode()
    assert "You made 1 try-on picture from this photo." in page
    assert "Delete photo and its 1 try-on picture" in page
    assert "Delete photo only" in page
    # The running try-on of the other photo has no picture: nothing to ask about.
    page = ada.clients[0].get(f"/account/photos/{other.pk}/delete/").content.decode()
    assert "Delete photo only" in page and "try-on picture" not in page
    # The profile links to the question, it does not delete at once.
    profile = ada.clients[0].get("/account/profile/").content.decode()
    assert f'href="/account/photos/{photo.pk}/delete/"' in profile


def test_photo_only_keeps_its_tryon_pictures(
    ada: Footprint, django_capture_on_commit_callbacks
) -> None:
    photo, done = _photo_with_result(ada)
    with django_capture_on_commit_callbacks(execute=True):
        response = ada.clients[0].post(
            f"/account/photos/{photo.pk}/delete/", {"tryons": "keep"}, follow=True
        )
    assert "Photo deleted." in response.content.decode()
    assert not ShopperPhoto.objects.filter(pk=photo.pk).exists()
    assert not _photo_files(photo) & stored_files()
    done.refresh_from_db()
    assert done.photo is None and done.result_blob_name in stored_files()


def test_photo_and_its_tryons_go_together(
    ada: Footprint, grace: Footprint, django_capture_on_commit_callbacks
) -> None:
    photo, done = _photo_with_result(ada)
    running = TryOnJob.objects.get(shopper=ada.shopper, state="running")
    before = stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        response = ada.clients[0].post(
            f"/account/photos/{photo.pk}/delete/", {"tryons": "delete"}, follow=True
        )
    assert "Photo and 1 try-on(s) made from it deleted." in response.content.decode()
    assert not ShopperPhoto.objects.filter(pk=photo.pk).exists()
    assert not TryOnJob.objects.filter(pk=done.pk).exists()
    gone = _photo_files(photo) | set(done.blob_names)
    assert len(gone) == 4 and not gone & stored_files()
    assert stored_files() == before - gone  # nothing else: her other photo, Grace's files
    assert TryOnJob.objects.filter(pk=running.pk).exists()
    # Someone else's photo is not found, let alone deleted.
    grace_photo = ShopperPhoto.objects.filter(shopper=grace.shopper).first()
    refused = ada.clients[0].post(f"/account/photos/{grace_photo.pk}/delete/", {"tryons": "delete"})
    assert refused.status_code == 404
    assert ShopperPhoto.objects.filter(pk=grace_photo.pk).exists()


def test_single_tryon_delete_removes_its_files_and_worker_copies(
    ada: Footprint, grace: Footprint, django_capture_on_commit_callbacks
) -> None:
    photo, done = _photo_with_result(ada)
    # A copy the worker left for this job (an event that failed for good).
    stray = private_storage().save(f"results/{done.public_id}-lost-run.bin", ContentFile(b"x"))
    listing = ada.clients[0].get("/tryon/").content.decode()
    assert f'action="/tryon/{done.public_id}/delete/"' in listing
    detail = ada.clients[0].get(f"/tryon/{done.public_id}/").content.decode()
    assert "Delete this try-on picture" in detail
    before = stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        response = ada.clients[0].post(f"/tryon/{done.public_id}/delete/", follow=True)
    assert "Try-on picture of Red tee deleted." in response.content.decode()
    assert not TryOnJob.objects.filter(pk=done.pk).exists()
    gone = {*done.blob_names, stray}
    assert stored_files() == before - gone
    assert ShopperPhoto.objects.filter(pk=photo.pk).exists()
    # Grace's try-on is not Ada's to delete; a GET deletes nothing.
    grace_job = TryOnJob.objects.filter(shopper=grace.shopper).first()
    assert ada.clients[0].post(f"/tryon/{grace_job.public_id}/delete/").status_code == 404
    assert grace.clients[0].get(f"/tryon/{grace_job.public_id}/delete/").status_code == 405
    assert TryOnJob.objects.filter(pk=grace_job.pk).exists()


def test_the_recommender_hears_which_photo_is_left(
    ada: Footprint, django_capture_on_commit_callbacks
) -> None:
    """After a photo goes the recommender re-estimates from the newest one left; after the
    last one it is told none is left, so it forgets what it estimated from them."""
    photos = list(ShopperPhoto.objects.filter(shopper=ada.shopper).order_by("created_at"))
    assert len(photos) == 2
    for photo, removed in ((photos[0], False), (photos[1], True)):
        queue_client().delete(RECOMMENDER_QUEUE)
        with django_capture_on_commit_callbacks(execute=True):
            shopper_photo_delete(photo=photo)
        updates = [
            m for m in queued_messages(RECOMMENDER_QUEUE) if m["task"] == PROFILE_UPDATE_TASK
        ]
        assert len(updates) == 1
        assert updates[0]["kwargs"]["photo_removed"] is removed
        assert bool(updates[0]["kwargs"]["photo_blob"]) is not removed
