"""Suggestions for a merchant's shopper (its own garments only) and the size to pick."""

from django.utils import timezone

from recommendations.models import SuggestionSet
from shoppers.models import Shopper
from tests.storefront.merchant_api.conftest import client_for
from tests.storefront.merchant_api.shopper_world import (
    charted_garment,
    garment_of,
    shopper_register,
)


def test_suggestions_show_only_this_merchants_garments(shop_a, shop_b):
    shopper_register(shop_a, "cust-1")
    mine = garment_of(shop_a, sku="A-1", name="Linen shirt")
    other = garment_of(shop_a, sku="A-2", name="Wool coat")
    theirs = garment_of(shop_b, sku="B-1", name="Their shirt")
    SuggestionSet.objects.create(
        shopper=Shopper.objects.get(),
        items=[
            {"garment_id": theirs.pk, "score": 0.9, "size": "M", "reasons": ["theirs"]},
            {"garment_id": mine.pk, "score": 0.8, "size": "M", "reasons": ["your size: M"]},
        ],
        body_shape="hourglass",
        strategy="personal",
        generated_at=timezone.now(),
    )
    response = client_for(shop_a.read).get("/api/v1/shoppers/cust-1/suggestions/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["strategy"] == "personal" and body["body_shape"] == "hourglass"
    assert body["items"] == [
        {
            "garment_id": mine.pk,
            "sku": "A-1",
            "name": "Linen shirt",
            "size": "M",
            "reasons": ["your size: M"],
        }
    ]
    assert other.pk not in [item["garment_id"] for item in body["items"]]


def test_before_the_recommender_answers_popular_garments_of_the_merchant(shop_a, shop_b):
    shopper_register(shop_a, "cust-1", preferred_size="M")
    mine = {garment_of(shop_a, sku=f"A-{n}").pk for n in range(2)}
    garment_of(shop_b, sku="B-1")
    reader = client_for(shop_a.read)
    body = reader.get("/api/v1/shoppers/cust-1/suggestions/").json()
    assert body["strategy"] == "popular"
    assert {item["garment_id"] for item in body["items"]} == mine
    assert all(item["size"] == "M" for item in body["items"])
    assert len(reader.get("/api/v1/shoppers/cust-1/suggestions/?limit=1").json()["items"]) == 1
    bad = reader.get("/api/v1/shoppers/cust-1/suggestions/?limit=0")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "limit"


def test_the_size_is_chosen_from_the_chart_and_explained(shop_a):
    shopper_register(shop_a, "cust-1", chest_cm=93, waist_cm=79)
    garment = charted_garment(shop_a)
    response = client_for(shop_a.read).get(f"/api/v1/shoppers/cust-1/size/?sku={garment.sku}")
    assert response.status_code == 200, response.content
    body = response.json()
    # S (92/78) is smaller than the body: tight. M leaves 3 cm of room, within a top's ease.
    assert (body["label"], body["fits"], body["basis"]) == ("M", True, "measurements")
    assert 0.8 < body["confidence"] <= 1.0
    assert "M" in body["reason"]
    assert body["measurements"] == [
        {"measurement": "chest_cm", "body_cm": 93.0, "size_cm": 96.0, "room_cm": 3.0,
         "fit": "good"},
        {"measurement": "waist_cm", "body_cm": 79.0, "size_cm": 82.0, "room_cm": 3.0,
         "fit": "good"},
    ]  # fmt: skip

    client_for(shop_a.write).patch(
        "/api/v1/shoppers/cust-1/", {"measurements": {"chest_cm": 120}}, format="json"
    )
    big = client_for(shop_a.read).get(f"/api/v1/shoppers/cust-1/size/?garment_id={garment.pk}")
    body = big.json()
    assert (body["label"], body["fits"]) == ("L", False)
    assert body["measurements"][0]["fit"] == "tight" and body["confidence"] < 0.25


def test_without_measurements_the_usual_size_or_nothing(shop_a):
    garment = charted_garment(shop_a)
    shopper_register(shop_a, "usual", preferred_size="S")
    shopper_register(shop_a, "unknown")
    reader = client_for(shop_a.read)
    usual = reader.get(f"/api/v1/shoppers/usual/size/?garment_id={garment.pk}").json()
    assert (usual["label"], usual["basis"], usual["measurements"]) == ("S", "declared size", [])
    unknown = reader.get(f"/api/v1/shoppers/unknown/size/?garment_id={garment.pk}").json()
    assert (unknown["label"], unknown["basis"], unknown["confidence"]) == ("", "unknown", 0.5)
    assert "chest, waist or hips" in unknown["reason"]


def test_the_size_needs_one_garment_of_the_merchant(shop_a, shop_b):
    shopper_register(shop_a, "cust-1", chest_cm=93)
    theirs = charted_garment(shop_b)
    reader = client_for(shop_a.read)
    for query, status, field in (
        ("", 400, "garment_id"),
        ("?garment_id=1&sku=X", 400, "garment_id"),
        ("?garment_id=abc", 400, "garment_id"),
        (f"?garment_id={theirs.pk}", 404, "garment_id"),
        (f"?sku={theirs.sku}", 404, "sku"),
    ):
        response = reader.get(f"/api/v1/shoppers/cust-1/size/{query}")
        assert response.status_code == status, (query, response.content)
        assert response.json()["errors"][0]["field"] == field
