"""Shopper photos through the API: the same intake as our pages (EXIF stripped, encrypted,
pixel budget, its refusals as problems), listing, the image by key, deletion, limits."""

import io
import uuid

import pytest
from PIL import Image

from privacy.sealed_files import private_storage
from shoppers.models import ShopperPhoto
from tests.storefront.merchant_api.conftest import client_for
from tests.storefront.merchant_api.shopper_world import (
    garment_of,
    job_succeed,
    photo_upload,
    rate_counters_reset,
    shopper_register,
    tryon_request,
)
from tests.support.hostile_files import bomb_png
from tryon.models import TryOnJob

PROBLEM = "application/problem+json"
GPS_IFD = 0x8825


def jpeg_with_location(jpeg: bytes) -> bytes:
    """The photo with a camera make and GPS position in its EXIF, as a phone writes them."""
    image = Image.open(io.BytesIO(jpeg))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(keys, shopper_id: str, content: bytes):
    return client_for(keys.write).post(
        f"/api/v1/shoppers/{shopper_id}/photos/",
        {"photo": io.BytesIO(content)},
        format="multipart",
    )


def test_upload_strips_exif_stores_encrypted_and_serves_by_key(shop_a, astronaut_jpeg):
    shopper_register(shop_a, "cust-1")
    original = jpeg_with_location(astronaut_jpeg)
    assert Image.open(io.BytesIO(original)).getexif().get(GPS_IFD) is not None

    response = upload(shop_a, "cust-1", original)
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == f"/api/v1/shoppers/cust-1/photos/{body['photo_id']}/"
    assert (body["width"], body["height"]) == (512, 512)
    assert body["image_url"] == f"/api/v1/shoppers/cust-1/photos/{body['photo_id']}/image/"

    photo = ShopperPhoto.objects.get(pk=body["photo_id"])
    with private_storage().open(photo.blob_name, "rb") as stored:
        at_rest = stored.read()
    assert b"PhoneMaker" not in at_rest and b"RIFF" not in at_rest[:16]  # ciphertext

    reader = client_for(shop_a.read)
    image = reader.get(body["image_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/webp"
    assert image["Cache-Control"] == "private, no-store"
    served = Image.open(io.BytesIO(image.content))
    assert served.size == (512, 512) and not served.getexif()
    assert b"PhoneMaker" not in image.content
    thumbnail = reader.get(body["thumbnail_url"])
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(thumbnail.content)).format == "WEBP"
    bad_size = reader.get(f"{body['image_url']}?size=huge")
    assert bad_size.status_code == 400 and bad_size.json()["errors"][0]["field"] == "size"
    assert client_for(None).get(body["image_url"]).status_code == 401

    detail = reader.get(f"/api/v1/shoppers/cust-1/photos/{body['photo_id']}/")
    assert detail.status_code == 200 and detail.json() == body


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.4 not a photo", "not_an_image"),
        (bomb_png(8000, 6000), "too_many_pixels"),  # 48 MP over the 24 MP budget
    ],
)
def test_the_intakes_refusal_is_a_problem_on_the_photo(shop_a, content, code):
    shopper_register(shop_a, "cust-1")
    response = upload(shop_a, "cust-1", content)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code and body["detail"]
    assert body["errors"] == [{"field": "photo", "code": code, "message": body["detail"]}]
    assert not ShopperPhoto.objects.exists()


def test_a_missing_or_empty_file_names_the_field(shop_a):
    shopper_register(shop_a, "cust-1")
    response = client_for(shop_a.write).post(
        "/api/v1/shoppers/cust-1/photos/", {}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "photo"
    response = upload(shop_a, "cust-1", b"")
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "photo",
        "code": "empty",
        "message": "The submitted file is empty.",
    }


def test_photos_are_listed_newest_first_in_cursor_pages(shop_a, astronaut_jpeg):
    shopper_register(shop_a, "cust-1")
    ids = [photo_upload(shop_a, "cust-1", astronaut_jpeg) for _ in range(3)]
    reader = client_for(shop_a.read)
    first = reader.get("/api/v1/shoppers/cust-1/photos/?page_size=2").json()
    assert [p["photo_id"] for p in first["results"]] == ids[::-1][:2]
    second = reader.get(first["next"]).json()
    assert [p["photo_id"] for p in second["results"]] == ids[:1]
    assert second["next"] is None


def test_delete_keeps_or_takes_the_tryons_made_from_it(shop_a, astronaut_jpeg):
    shopper_register(shop_a, "cust-1")
    garment = garment_of(shop_a)
    client = client_for(shop_a.write)
    kept_photo = photo_upload(shop_a, "cust-1", astronaut_jpeg)
    kept_job = tryon_request(shop_a, "cust-1", kept_photo, garment)
    gone_photo = photo_upload(shop_a, "cust-1", astronaut_jpeg)
    gone_job = job_succeed(tryon_request(shop_a, "cust-1", gone_photo, garment))

    bad = client.delete(f"/api/v1/shoppers/cust-1/photos/{kept_photo}/?with_tryons=perhaps")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "with_tryons"
    assert client.delete(f"/api/v1/shoppers/cust-1/photos/{kept_photo}/").status_code == 204
    job = client.get(f"/api/v1/tryons/{kept_job}/").json()
    assert job["photo_id"] is None and job["status"] == "queued"

    response = client.delete(f"/api/v1/shoppers/cust-1/photos/{gone_photo}/?with_tryons=true")
    assert response.status_code == 204
    assert not ShopperPhoto.objects.exists()
    assert list(TryOnJob.objects.values_list("public_id", flat=True)) == [uuid.UUID(kept_job)]
    assert client.get(f"/api/v1/tryons/{gone_job.public_id}/").status_code == 404
    assert client.get(f"/api/v1/shoppers/cust-1/photos/{gone_photo}/").status_code == 404


def test_uploads_count_against_the_shoppers_limit(shop_a, astronaut_jpeg, settings):
    rate_counters_reset()
    settings.PHOTO_UPLOADS_PER_HOUR = 1
    shopper_register(shop_a, "cust-1")
    shopper_register(shop_a, "cust-2")
    photo_upload(shop_a, "cust-1", astronaut_jpeg)
    response = upload(shop_a, "cust-1", astronaut_jpeg)
    assert response.status_code == 429 and response["Content-Type"].startswith(PROBLEM)
    assert response.json()["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "at most 1 per hour" in response.json()["detail"]
    # Another shopper of the same merchant has their own allowance.
    photo_upload(shop_a, "cust-2", astronaut_jpeg)
    assert ShopperPhoto.objects.count() == 2


def test_photo_ids_are_scoped_and_malformed_ones_are_404(shop_a, astronaut_jpeg):
    shopper_register(shop_a, "cust-1")
    reader = client_for(shop_a.read)
    for photo_id in ("0", "-1", "abc", "99999999999999999999999"):
        response = reader.get(f"/api/v1/shoppers/cust-1/photos/{photo_id}/")
        assert response.status_code == 404, photo_id
    assert reader.get("/api/v1/shoppers/nobody/photos/").status_code == 404


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("groups/g05_four_women_standing.jpg", "several_people"),
        ("no_person/n02_coffee_cup.png", "no_person"),
    ],
)
def test_the_person_check_refuses_in_try_ons_words(shop_a, shared_images, name, code):
    """Real photos (../shared; skipped with the reason without them): the upload's person
    check answers with its own code and sentence, on the photo field, and stores nothing."""
    shopper_register(shop_a, "cust-1")
    response = upload(shop_a, "cust-1", (shared_images / name).read_bytes())
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code and body["detail"].startswith("We ")
    assert body["errors"] == [{"field": "photo", "code": code, "message": body["detail"]}]
    assert not ShopperPhoto.objects.exists()
    storage = private_storage()
    assert not storage.exists("photos") or storage.listdir("photos")[1] == []
