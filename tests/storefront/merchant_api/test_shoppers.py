"""PATCH and DELETE of a merchant's shopper: measurements merge; erasure leaves nothing."""

from merchant_api.models import MerchantShopper
from privacy.models import ErasureRecord
from recommendations.models import Interaction
from shoppers.models import Shopper, ShopperPhoto
from tests.storefront.merchant_api.conftest import client_for
from tests.storefront.merchant_api.shopper_world import (
    garment_of,
    photo_upload,
    shopper_register,
    tryon_request,
)
from tryon.models import TryOnJob

PROBLEM = "application/problem+json"


def test_patch_changes_only_the_measurements_sent(shop_a):
    shopper_register(shop_a, "cust-1", height_cm=170, chest_cm=90, preferred_size="M")
    client = client_for(shop_a.write)
    response = client.patch(
        "/api/v1/shoppers/cust-1/",
        {"measurements": {"chest_cm": 94, "height_cm": None, "waist_cm": 76}},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["shopper_id"] == "cust-1"
    measurements = {k: v for k, v in body["measurements"].items() if v is not None}
    assert measurements == {"chest_cm": 94.0, "waist_cm": 76.0, "preferred_size": "M"}
    assert client.get("/api/v1/shoppers/cust-1/").json()["measurements"] == body["measurements"]


def test_patch_refuses_bad_measurements_on_their_field(shop_a):
    shopper_register(shop_a, "cust-1", chest_cm=90)
    client = client_for(shop_a.write)
    response = client.patch(
        "/api/v1/shoppers/cust-1/", {"measurements": {"waist_cm": "wide"}}, format="json"
    )
    assert response.status_code == 400 and response["Content-Type"].startswith(PROBLEM)
    assert response.json()["errors"][0]["field"] == "measurements.waist_cm"
    response = client.patch(
        "/api/v1/shoppers/cust-1/", {"measurements": {"waist_cm": 500}}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "bad_measurement"
    response = client.patch(
        "/api/v1/shoppers/cust-1/", {"measurements": {"preferred_size": "XM"}}, format="json"
    )
    assert response.status_code == 400 and "Unknown size" in response.json()["detail"]
    assert response.json()["code"] == "bad_measurement"
    assert client.patch("/api/v1/shoppers/cust-1/", {}, format="json").status_code == 400
    assert Shopper.objects.get().measurements == {"chest_cm": 90.0}
    assert (
        client_for(shop_a.read)
        .patch("/api/v1/shoppers/cust-1/", {"measurements": {"chest_cm": 95}}, format="json")
        .status_code
        == 403
    )
    missing = client.patch("/api/v1/shoppers/nobody/", {"measurements": {}}, format="json")
    assert missing.status_code == 404


def test_delete_erases_the_shopper_with_everything(shop_a, astronaut_jpeg):
    shopper_register(shop_a, "cust-1", chest_cm=90)
    photo_id = photo_upload(shop_a, "cust-1", astronaut_jpeg)
    garment = garment_of(shop_a)
    tryon_request(shop_a, "cust-1", photo_id, garment)
    client = client_for(shop_a.write)
    liked = client.post(
        "/api/v1/shoppers/cust-1/interactions/",
        {"garment_id": garment.pk, "kind": "like"},
        format="json",
    )
    assert liked.status_code == 201
    assert client_for(shop_a.read).delete("/api/v1/shoppers/cust-1/").status_code == 403

    response = client.delete("/api/v1/shoppers/cust-1/")
    assert response.status_code == 204 and response.content == b""
    for model in (Shopper, ShopperPhoto, TryOnJob, Interaction, MerchantShopper):
        assert not model.objects.exists(), model
    record = ErasureRecord.objects.get()
    assert record.channel == ErasureRecord.Channel.API and record.counts["photos"] == 1
    assert client.get("/api/v1/shoppers/cust-1/").status_code == 404
    assert client.get(f"/api/v1/shoppers/cust-1/photos/{photo_id}/").status_code == 404
    assert client.delete("/api/v1/shoppers/cust-1/").status_code == 404
    # The id can be used again: for a new person, with nothing of the old one.
    shopper_register(shop_a, "cust-1")
    again = client.get("/api/v1/shoppers/cust-1/").json()["measurements"]
    assert set(again.values()) == {None}
