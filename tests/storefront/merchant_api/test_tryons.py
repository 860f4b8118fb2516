"""Try-on jobs through the API: 202 with the job, one job per Idempotency-Key, status and
stage in the try-on app's own words, the result by key, cancel, delete, list and limits."""

import io
import json
import uuid

from django.core.management import call_command
from PIL import Image

from contracts.vocabulary import STAGES
from privacy.sealed_files import private_storage
from tests.storefront.merchant_api.conftest import client_for
from tests.storefront.merchant_api.shopper_world import (
    RESULT_PNG_SIZE,
    garment_of,
    job_event,
    job_succeed,
    photo_upload,
    rate_counters_reset,
    shopper_register,
    tryon_request,
)
from tryon.models import TryOnJob

PROBLEM = "application/problem+json"


def ready(keys, jpeg: bytes, shopper_id: str = "cust-1") -> int:
    """A registered shopper with a photo; the photo's id."""
    shopper_register(keys, shopper_id)
    return photo_upload(keys, shopper_id, jpeg)


def test_a_request_is_accepted_with_the_job_and_where_to_poll(shop_a, astronaut_jpeg):
    photo_id = ready(shop_a, astronaut_jpeg)
    garment = garment_of(shop_a)
    response = client_for(shop_a.write).post(
        "/api/v1/tryons/",
        {"shopper_id": "cust-1", "photo_id": photo_id, "sku": garment.sku},
        format="json",
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == f"/api/v1/tryons/{body['job_id']}/"
    assert body["status"] == "queued" and body["stage"] == STAGES[0] and body["progress"] == 0
    assert body["garment"] == {"id": garment.pk, "sku": garment.sku}
    assert body["photo_id"] == photo_id and body["error"] is None and body["result"] is None
    job = TryOnJob.objects.get()
    assert str(job.public_id) == body["job_id"] and job.garment == garment
    assert client_for(shop_a.read).get(response["Location"]).json() == body


def test_a_retried_request_with_its_key_never_makes_a_second_job(shop_a, astronaut_jpeg):
    photo_id = ready(shop_a, astronaut_jpeg)
    garment = garment_of(shop_a)
    client = client_for(shop_a.write)
    body = {"shopper_id": "cust-1", "photo_id": photo_id, "garment_id": garment.pk}
    first = client.post("/api/v1/tryons/", body, format="json", HTTP_IDEMPOTENCY_KEY="try-1")
    again = client.post("/api/v1/tryons/", body, format="json", HTTP_IDEMPOTENCY_KEY="try-1")
    assert first.status_code == again.status_code == 202
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["job_id"] == first.json()["job_id"]
    assert again["Location"] == first["Location"]
    assert TryOnJob.objects.count() == 1
    other = client.post(
        "/api/v1/tryons/", {**body, "sku": "X"}, format="json", HTTP_IDEMPOTENCY_KEY="try-1"
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert TryOnJob.objects.count() == 1


def test_bad_requests_are_problems_on_their_field(shop_a, shop_b, astronaut_jpeg):
    photo_id = ready(shop_a, astronaut_jpeg)
    mine = garment_of(shop_a)
    theirs = garment_of(shop_b, sku="B-TEE")
    client = client_for(shop_a.write)

    def post(**changes):
        body = {"shopper_id": "cust-1", "photo_id": photo_id, "garment_id": mine.pk, **changes}
        body = {k: v for k, v in body.items() if v is not None}
        return client.post("/api/v1/tryons/", body, format="json")

    cases = [
        (post(shopper_id="nobody"), 404, "shopper_id"),
        (post(photo_id=photo_id + 1000), 404, "photo_id"),
        (post(garment_id=theirs.pk), 404, "garment_id"),
        (post(garment_id=None, sku="B-TEE"), 404, "sku"),
        (post(sku="TEE-RED"), 400, "garment_id"),  # both
        (post(garment_id=None), 400, "garment_id"),  # neither
        (post(photo_id="abc"), 400, "photo_id"),
        (post(shopper_id=None), 400, "shopper_id"),
    ]
    for response, status, field in cases:
        assert response.status_code == status, (field, response.content)
        assert response["Content-Type"].startswith(PROBLEM)
        assert response.json()["errors"][0]["field"] == field
    mine.is_active = False
    mine.save()
    unavailable = post()
    assert unavailable.status_code == 400 and unavailable.json()["code"] == "garment_unavailable"
    assert not TryOnJob.objects.exists()
    assert client_for(shop_a.read).post("/api/v1/tryons/", {}, format="json").status_code == 403


def test_status_follows_the_stages_to_the_result(shop_a, astronaut_jpeg):
    photo_id = ready(shop_a, astronaut_jpeg)
    job_id = tryon_request(shop_a, "cust-1", photo_id, garment_of(shop_a))
    reader = client_for(shop_a.read)
    url = f"/api/v1/tryons/{job_id}/"
    not_yet = reader.get(f"{url}result/")
    assert not_yet.status_code == 409 and not_yet.json()["code"] == "tryon_not_succeeded"

    job_event(job_id, kind="stage", stage="fitting_garment")
    body = reader.get(url).json()
    assert (body["status"], body["stage"]) == ("running", "fitting_garment")
    assert body["progress"] == round(STAGES.index("fitting_garment") / (len(STAGES) - 1), 2)
    assert body["started_at"] is not None

    job_succeed(job_id)
    body = reader.get(url).json()
    assert (body["status"], body["stage"], body["progress"]) == ("succeeded", "done", 1.0)
    assert body["result"]["url"] == f"{url}result/"
    picture = reader.get(body["result"]["url"])
    assert picture.status_code == 200 and picture["Cache-Control"] == "private, no-store"
    assert Image.open(io.BytesIO(picture.content)).size == RESULT_PNG_SIZE
    assert client_for(None).get(body["result"]["url"]).status_code == 401
    finished = client_for(shop_a.write).post(f"{url}cancel/")
    assert finished.status_code == 409 and finished.json()["code"] == "tryon_finished"


def test_a_failure_says_what_went_wrong_and_what_to_do(shop_a, astronaut_jpeg):
    photo_id = ready(shop_a, astronaut_jpeg)
    job_id = tryon_request(shop_a, "cust-1", photo_id, garment_of(shop_a))
    advice = "We couldn't find a person in this photo. Use a photo of you, head to hips."
    job_event(job_id, kind="failed", error_code="no_person", error_message=advice)
    body = client_for(shop_a.read).get(f"/api/v1/tryons/{job_id}/").json()
    assert body["status"] == "failed" and body["progress"] is None and body["result"] is None
    assert body["error"] == {"code": "no_person", "message": advice}


def test_cancel_then_delete_removes_the_job_and_its_picture(
    shop_a, astronaut_jpeg, django_capture_on_commit_callbacks
):
    photo_id = ready(shop_a, astronaut_jpeg)
    garment = garment_of(shop_a)
    client = client_for(shop_a.write)
    queued = tryon_request(shop_a, "cust-1", photo_id, garment)
    cancelled = client.post(f"/api/v1/tryons/{queued}/cancel/")
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["stage"]) == ("cancelled", "cancelled")
    assert client.post(f"/api/v1/tryons/{queued}/cancel/").status_code == 200  # idempotent

    done = job_succeed(tryon_request(shop_a, "cust-1", photo_id, garment))
    assert private_storage().exists(done.result_blob_name)
    assert client_for(shop_a.read).delete(f"/api/v1/tryons/{done.public_id}/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete(f"/api/v1/tryons/{done.public_id}/")
    assert deleted.status_code == 204
    assert not private_storage().exists(done.result_blob_name)
    assert client.get(f"/api/v1/tryons/{done.public_id}/").status_code == 404
    assert list(TryOnJob.objects.values_list("public_id", flat=True)) == [uuid.UUID(queued)]


def test_the_list_filters_by_shopper_and_status_in_cursor_pages(shop_a, astronaut_jpeg):
    garment = garment_of(shop_a)
    first_photo = ready(shop_a, astronaut_jpeg, "cust-1")
    other_photo = ready(shop_a, astronaut_jpeg, "cust-2")
    a1 = tryon_request(shop_a, "cust-1", first_photo, garment)
    a2 = tryon_request(shop_a, "cust-1", first_photo, garment)
    b1 = tryon_request(shop_a, "cust-2", other_photo, garment)
    job_succeed(a1)
    reader = client_for(shop_a.read)

    def ids(query: str) -> list[str]:
        return [job["job_id"] for job in reader.get(f"/api/v1/tryons/{query}").json()["results"]]

    assert ids("") == [b1, a2, a1]
    assert ids("?shopper_id=cust-1") == [a2, a1]
    assert ids("?shopper_id=cust-1&status=succeeded") == [a1]
    assert ids("?status=queued") == [b1, a2]
    assert ids("?shopper_id=nobody") == []
    page = reader.get("/api/v1/tryons/?page_size=2").json()
    assert [job["job_id"] for job in page["results"]] == [b1, a2]
    assert [job["job_id"] for job in reader.get(page["next"]).json()["results"]] == [a1]
    bad = reader.get("/api/v1/tryons/?status=done")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "status"


def test_try_on_requests_count_against_the_shoppers_limit(shop_a, astronaut_jpeg, settings):
    rate_counters_reset()
    settings.TRYON_REQUESTS_PER_HOUR = 1
    photo_id = ready(shop_a, astronaut_jpeg)
    garment = garment_of(shop_a)
    tryon_request(shop_a, "cust-1", photo_id, garment)
    response = client_for(shop_a.write).post(
        "/api/v1/tryons/",
        {"shopper_id": "cust-1", "photo_id": photo_id, "garment_id": garment.pk},
        format="json",
    )
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 3600
    assert TryOnJob.objects.count() == 1


def test_job_ids_that_are_not_ids_are_404(shop_a):
    reader = client_for(shop_a.read)
    for job_id in ("not-a-uuid", str(uuid.uuid4()), "1"):
        assert reader.get(f"/api/v1/tryons/{job_id}/").status_code == 404


def test_the_schema_documents_the_shopper_endpoints_without_warnings(tmp_path):
    target = tmp_path / "schema.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
                 "--file", str(target))  # fmt: skip
    document = json.loads(target.read_text())
    paths = document["paths"]
    for path in (
        "/api/v1/shoppers/{shopper_id}/photos/",
        "/api/v1/shoppers/{shopper_id}/photos/{photo_id}/image/",
        "/api/v1/shoppers/{shopper_id}/suggestions/",
        "/api/v1/shoppers/{shopper_id}/size/",
        "/api/v1/shoppers/{shopper_id}/interactions/",
        "/api/v1/shoppers/{shopper_id}/widget-sessions/",
        "/api/v1/tryons/{job_id}/cancel/",
        "/api/v1/tryons/{job_id}/result/",
    ):
        assert path in paths, path
    created = paths["/api/v1/tryons/"]["post"]["responses"]
    assert "202" in created and "application/problem+json" in created["429"]["content"]
    schemas = document["components"]["schemas"]
    status_ref = schemas["TryOnOutput"]["properties"]["status"]["$ref"]
    states = schemas[status_ref.rsplit("/", 1)[1]]["enum"]
    assert states == list(TryOnJob.State.values)  # the try-on app's own vocabulary


def test_a_request_refused_for_a_limit_is_not_remembered_under_its_key(
    shop_a, astronaut_jpeg, settings
):
    """A 429 did no work: the same Idempotency-Key, once the limit allows, makes the job."""
    rate_counters_reset()
    settings.TRYON_REQUESTS_PER_HOUR = 0
    photo_id = ready(shop_a, astronaut_jpeg)
    garment = garment_of(shop_a)
    client = client_for(shop_a.write)
    body = {"shopper_id": "cust-1", "photo_id": photo_id, "garment_id": garment.pk}
    refused = client.post("/api/v1/tryons/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-429")
    assert refused.status_code == 429
    settings.TRYON_REQUESTS_PER_HOUR = 100
    retried = client.post("/api/v1/tryons/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-429")
    assert retried.status_code == 202 and "Idempotent-Replayed" not in retried
    assert TryOnJob.objects.count() == 1
