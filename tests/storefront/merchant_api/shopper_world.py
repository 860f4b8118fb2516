"""What the shopper-side API tests build on: a merchant's shopper with a photo, its garments
with size charts, and a job brought to an end the way a worker's events bring it."""

import io
from decimal import Decimal

import redis
from django.conf import settings
from PIL import Image
from rest_framework.test import APIClient

from catalog.models import Garment, GarmentSize
from contracts.tryon import TryOnEvent
from core.rate_limits import KEY_PREFIX
from core.redis_url import redis_cache_location
from tests.storefront.merchant_api.conftest import MerchantKeys, client_for
from tests.support.factories import garment_create
from tests.support.worker_results import worker_result_event
from tryon.models import TryOnJob
from tryon.services import tryon_event_apply

#: A real picture for a result, so the bytes served can be decoded and checked.
RESULT_PNG_SIZE = (48, 64)


def writer(keys: MerchantKeys) -> APIClient:
    return client_for(keys.write)


def shopper_register(keys: MerchantKeys, shopper_id: str, **measurements: float | str) -> None:
    body: dict = {"shopper_id": shopper_id}
    if measurements:
        body["measurements"] = measurements
    response = writer(keys).post("/api/v1/shoppers/", body, format="json")
    assert response.status_code == 201, response.content


def photo_upload(keys: MerchantKeys, shopper_id: str, jpeg: bytes) -> int:
    """Upload through the API; the new photo's id."""
    response = writer(keys).post(
        f"/api/v1/shoppers/{shopper_id}/photos/",
        {"photo": io.BytesIO(jpeg)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return response.json()["photo_id"]


def garment_of(keys: MerchantKeys, sku: str = "TEE-RED", name: str = "Red tee") -> Garment:
    """A top of this merchant in stock in M, with a product image (tests.support.factories)."""
    return garment_create(merchant_slug=keys.merchant.slug, sku=sku, name=name)


def charted_garment(keys: MerchantKeys, sku: str = "SHIRT-1") -> Garment:
    """A top with chest and waist for S, M and L (M made for a 96 cm chest), all in stock."""
    garment = garment_of(keys, sku=sku, name="Charted shirt")
    garment.sizes.all().delete()
    for label, chest, waist in (("S", 92, 78), ("M", 96, 82), ("L", 100, 86)):
        GarmentSize.objects.create(
            garment=garment, label=label, stock=2, chest_cm=Decimal(chest), waist_cm=Decimal(waist)
        )
    return garment


def tryon_request(keys: MerchantKeys, shopper_id: str, photo_id: int, garment: Garment) -> str:
    """A job through the API; its id."""
    response = writer(keys).post(
        "/api/v1/tryons/",
        {"shopper_id": shopper_id, "photo_id": photo_id, "garment_id": garment.pk},
        format="json",
    )
    assert response.status_code == 202, response.content
    return response.json()["job_id"]


def result_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", RESULT_PNG_SIZE, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def job_succeed(job_id: str) -> TryOnJob:
    """What a worker's success does to the job: its sealed result stored, the job succeeded."""
    job = TryOnJob.objects.get(public_id=job_id)
    tryon_event_apply(event=worker_result_event(job, "run-ok", picture=result_png()))
    return TryOnJob.objects.get(pk=job.pk)


def job_event(job_id: str, **fields: object) -> None:
    """A stage or failure event from a worker."""
    tryon_event_apply(
        event=TryOnEvent(job_id=job_id, attempt=1, run_id=f"run-{fields.get('kind')}", **fields)
    )


def rate_counters_reset() -> None:
    """Start the upload and try-on limits from zero: tests reuse user ids within the hour."""
    client = redis.Redis.from_url(redis_cache_location(settings.REDIS_URL))
    for key in client.scan_iter(f"{KEY_PREFIX}:*"):
        client.delete(key)
