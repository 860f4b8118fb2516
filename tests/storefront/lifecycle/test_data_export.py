"""A shopper's data download: one ZIP with everything stored about them, decrypted and in
formats anyone opens, and nothing about anyone else; counted against its own limits; built
without a decrypted file ever having a name on disk."""

import io
import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image

from core.redis_url import redis_cache_location
from shoppers.models import ShopperPhoto
from tests.support.shopper_footprint import Footprint
from tests.support.worker_results import worker_result_event
from tryon.models import TryOnJob
from tryon.services import tryon_event_apply, tryon_job_request

pytestmark = pytest.mark.usefixtures("empty_queues", "storefront_tasks_eager")

#: The try-on picture the worker sends back: a real WebP, a green square on grey.
RESULT_SIZE = (96, 128)


def _result_webp() -> bytes:
    image = Image.new("RGB", RESULT_SIZE, (128, 128, 128))
    image.paste((20, 180, 60), (20, 30, 70, 90))
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", lossless=True)
    return buffer.getvalue()


@pytest.fixture
def ada(footprint_of, garment, django_capture_on_commit_callbacks) -> Footprint:
    """Ada with everything, plus one try-on whose picture is a real image."""
    footprint = footprint_of("ada-exports")
    photo = ShopperPhoto.objects.filter(shopper=footprint.shopper).first()
    with django_capture_on_commit_callbacks(execute=True):
        job = tryon_job_request(shopper=footprint.shopper, garment=garment, photo=photo)
    with django_capture_on_commit_callbacks(execute=True):
        tryon_event_apply(event=worker_result_event(job, "ada-real", picture=_result_webp()))
    footprint.job_public_ids.append(str(job.public_id))
    return footprint


@pytest.fixture
def grace(footprint_of) -> Footprint:
    return footprint_of("grace-not-in-it")


@pytest.fixture
def limits_reset(settings) -> None:
    """The data-export counters start at zero (user ids repeat between tests)."""
    import redis

    client = redis.Redis.from_url(redis_cache_location(settings.REDIS_URL))
    for key in client.scan_iter("ratelimit:data_export:*"):
        client.delete(key)


def _zip_of(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _json(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def test_export_holds_everything_of_the_shopper_decrypted_and_nothing_of_another(
    ada: Footprint, grace: Footprint, limits_reset
) -> None:
    browser = ada.clients[0]
    archive = _zip_of(browser.post("/account/export/"))

    profile = _json(archive, "profile.json")
    assert profile["username"] == ada.username
    assert profile["display_name"] == "Ada Lovelace"
    assert profile["contact_email"] == f"{ada.username}@example.org"
    assert profile["email_notifications"] is True
    assert _json(archive, "measurements.json") == {"chest_cm": 91.5}

    # Both photos, decrypted and converted to JPEG: the colours she uploaded.
    photos = _json(archive, "photos.json")
    assert len(photos) == 2
    colours = []
    for entry in photos:
        assert entry["file"].endswith(".jpg") and entry["deleted_automatically_at"]
        with Image.open(io.BytesIO(archive.read(entry["file"]))) as image:
            assert image.format == "JPEG" and image.size == (240, 240)
            colours.append(image.convert("RGB").getpixel((8, 8)))  # small_photo's mark
    assert _close(colours[0], (200, 40, 40)) and _close(colours[1], (40, 40, 200))

    # Every try-on's history; the real picture decrypted to PNG pixel for pixel.
    tryons = {entry["id"]: entry for entry in _json(archive, "tryons.json")}
    assert set(tryons) == set(ada.job_public_ids)
    real = tryons[ada.job_public_ids[-1]]
    assert real["state"] == "succeeded" and real["garment"]["name"] == "Red tee"
    with Image.open(io.BytesIO(archive.read(real["picture"]))) as picture:
        assert picture.format == "PNG" and picture.size == RESULT_SIZE
        assert picture.convert("RGB").getpixel((40, 50)) == (20, 180, 60)
    running = tryons[ada.job_public_ids[1]]
    assert running["state"] == "running" and running["picture"] is None

    interactions = _json(archive, "interactions.json")
    assert sorted(i["kind"] for i in interactions) == ["like", "tryon", "tryon", "tryon"]
    assert _json(archive, "suggestions.json")["items"][0]["size"] == "M"
    assert [e["kind"] for e in _json(archive, "emails.json")] == ["tryon_ready", "tryon_ready"]
    assert "README.txt" in archive.namelist()

    # Nothing of Grace anywhere in it, and none of the pseudonyms the workers know.
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for marker in (grace.username, grace.pseudonym, ada.pseudonym, *grace.job_public_ids):
        assert marker.encode() not in everything
    assert not any(name in everything.decode(errors="ignore") for name in grace.blobs)


def test_export_api_gives_the_same_zip_and_refuses_visitors(ada: Footprint, limits_reset) -> None:
    page = _zip_of(ada.clients[0].post("/account/export/"))
    api = _zip_of(ada.clients[0].get("/api/shoppers/me/export/"))
    assert sorted(api.namelist()) == sorted(page.namelist())
    assert Client().get("/api/shoppers/me/export/").status_code == 403
    # The page's button is a POST with CSRF; a GET is not a download.
    assert ada.clients[0].get("/account/export/").status_code == 405
    anonymous = Client().post("/account/export/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_export_is_rate_limited_on_the_page_and_the_api(
    ada: Footprint, settings, limits_reset
) -> None:
    settings.DATA_EXPORTS_PER_HOUR = 2
    browser = ada.clients[0]
    assert browser.post("/account/export/").status_code == 200
    assert browser.get("/api/shoppers/me/export/").status_code == 200
    page = browser.post("/account/export/")
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert "Too many data downloads" in page.content.decode()
    api = browser.get("/api/shoppers/me/export/")
    assert api.status_code == 429 and api.json()["code"] == "rate_limited"


def test_export_leaves_no_named_file_on_disk(
    ada: Footprint, tmp_path: Path, monkeypatch, limits_reset
) -> None:
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))
    response = ada.clients[0].post("/account/export/")
    assert response.status_code == 200
    # While the download is still open, and after: no file by any name.
    assert list(spool_dir.iterdir()) == []
    assert len(_zip_of(response).namelist()) > 5
    response.close()
    assert list(spool_dir.iterdir()) == []


def test_export_keeps_going_when_a_picture_does_not_decode(ada: Footprint, limits_reset) -> None:
    """The footprint's first result is a stand-in no decoder opens: it goes in as stored."""
    archive = _zip_of(ada.clients[0].post("/account/export/"))
    done = TryOnJob.objects.get(public_id=ada.job_public_ids[0])
    entry = next(e for e in _json(archive, "tryons.json") if e["id"] == str(done.public_id))
    assert entry["picture"].endswith(".webp")
    assert archive.read(entry["picture"]).startswith(b"RIFF")


def _close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    """JPEG moves colours a little."""
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))
