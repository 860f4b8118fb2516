"""Suggestions end to end: catalogue and shopper signals through real worker processes."""

import time
from pathlib import Path

import pytest

from catalog.recommender_feed import garment_publish
from recommendations.models import SuggestionSet
from recommendations.services import interaction_record
from shoppers.services import shopper_photo_add, shopper_profile_update
from tests.support.factories import garment_create, shopper_create

pytestmark = pytest.mark.slow


def _wait_for_suggestions(shopper, newer_than: float = 0.0, timeout_s: float = 60) -> SuggestionSet:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        record = SuggestionSet.objects.filter(shopper=shopper).first()
        if record and record.generated_at and record.generated_at.timestamp() > newer_than:
            return record
        time.sleep(0.1)
    pytest.fail(f"no suggestions within {timeout_s}s")


def test_photo_and_interactions_update_suggestions_within_seconds(
    transactional_db,
    storefront_worker,
    recommender_worker,
    worker_processes,
    shared_images: Path,
) -> None:
    storefront_worker()
    recommender_worker()
    garments = [
        garment_create(sku="LINEN-1", name="Linen summer shirt", colour=(230, 220, 200)),
        garment_create(sku="LINEN-2", name="Linen camp shirt", colour=(220, 210, 190)),
        garment_create(sku="WOOL-1", name="Wool winter coat", colour=(40, 40, 46)),
    ]
    for garment in garments:
        garment_publish(garment=garment)
    shopper = shopper_create()
    shopper_profile_update(
        shopper=shopper, measurements={"chest_cm": 92, "waist_cm": 74, "hips_cm": 100}
    )

    started = time.time()
    photo = (shared_images / "people" / "p11_woman_head_to_thigh_jeans_studio.jpg").read_bytes()
    shopper_photo_add(shopper=shopper, upload=photo)
    first = _wait_for_suggestions(shopper)
    assert first.items, first.notice
    assert all(item["reasons"] for item in first.items)
    assert first.body_shape  # from the declared measurements (they take precedence)

    before = first.generated_at.timestamp()
    interaction_record(shopper=shopper, garment=garments[0], kind="like")
    second = _wait_for_suggestions(shopper, newer_than=before)
    assert time.time() - started < 60
    assert second.generated_at > first.generated_at
    log = worker_processes.log("recommender")
    for secret in ("Ada Lovelace", "Lovelace", "@example.org"):
        assert secret not in log
