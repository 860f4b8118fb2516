"""No key reaches another merchant's shoppers, photos, jobs, suggestions or interactions, by
any id; no shopper's URL reaches another shopper's photos. Every answer is a 404, never data,
and nothing changes."""

import io

import pytest

from recommendations.models import Interaction
from shoppers.models import Shopper, ShopperPhoto
from tests.storefront.merchant_api.conftest import client_for
from tests.storefront.merchant_api.shopper_world import (
    garment_of,
    job_succeed,
    photo_upload,
    shopper_register,
    tryon_request,
)
from tryon.models import TryOnJob

PROBLEM = "application/problem+json"


@pytest.fixture
def world(shop_a, shop_b, astronaut_jpeg) -> dict:
    """shop_a: cust-1 and cust-2, each with a photo and a job (cust-1's succeeded);
    shop_b: cust-b with a photo, and a garment of its own."""
    ids: dict = {"garment_a": garment_of(shop_a).pk, "garment_b": garment_of(shop_b, sku="B").pk}
    for shop, shopper_id in ((shop_a, "cust-1"), (shop_a, "cust-2"), (shop_b, "cust-b")):
        shopper_register(shop, shopper_id, chest_cm=92)
        ids[f"photo:{shopper_id}"] = photo_upload(shop, shopper_id, astronaut_jpeg)
    ids["job:cust-1"] = job_succeed(
        tryon_request(shop_a, "cust-1", ids["photo:cust-1"], garment_of(shop_a, sku="A2"))
    ).public_id
    ids["job:cust-2"] = tryon_request(
        shop_a, "cust-2", ids["photo:cust-2"], TryOnJob.objects.get().garment
    )
    return ids


def requests_for(shopper: str, photo: int, job: object, own: str, own_photo: int, ids: dict):
    """(method, path, body) for every shopper-side endpoint, aimed at ``shopper``'s ``photo``
    and ``job``, also through the caller's own shopper ``own`` and its ``own_photo``."""
    g_own, g_other = ids["garment_b"], ids["garment_a"]
    s, p = f"/api/v1/shoppers/{shopper}", f"/api/v1/shoppers/{shopper}/photos/{photo}"
    mine = f"/api/v1/shoppers/{own}"
    return [
        ("get", f"{s}/", None),
        ("patch", f"{s}/", {"measurements": {"chest_cm": 100}}),
        ("delete", f"{s}/", None),
        ("get", f"{s}/photos/", None),
        ("post", f"{s}/photos/", "photo"),
        ("get", f"{p}/", None),
        ("get", f"{p}/image/", None),
        ("get", f"{p}/image/?size=thumbnail", None),
        ("delete", f"{p}/?with_tryons=true", None),
        ("get", f"{mine}/photos/{photo}/", None),
        ("get", f"{mine}/photos/{photo}/image/", None),
        ("delete", f"{mine}/photos/{photo}/", None),
        ("get", f"{s}/suggestions/", None),
        ("get", f"{s}/size/?garment_id={g_own}", None),
        ("get", f"{mine}/size/?garment_id={g_other}", None),
        ("post", f"{s}/interactions/", {"garment_id": g_own, "kind": "like"}),
        ("post", f"{mine}/interactions/", {"garment_id": g_other, "kind": "like"}),
        ("post", f"{mine}/interactions/",
         {"interactions": [{"garment_id": g_own, "kind": "view"},
                           {"garment_id": g_other, "kind": "view"}]}),
        ("post", f"{s}/widget-sessions/", None),
        ("post", "/api/v1/tryons/",
         {"shopper_id": shopper, "photo_id": photo, "garment_id": g_own}),
        ("post", "/api/v1/tryons/", {"shopper_id": own, "photo_id": photo, "garment_id": g_own}),
        ("post", "/api/v1/tryons/",
         {"shopper_id": own, "photo_id": own_photo, "garment_id": g_other}),
        ("get", f"/api/v1/tryons/{job}/", None),
        ("get", f"/api/v1/tryons/{job}/result/", None),
        ("post", f"/api/v1/tryons/{job}/cancel/", None),
        ("delete", f"/api/v1/tryons/{job}/", None),
    ]  # fmt: skip


def footprint() -> tuple:
    """Everything the attempts could have changed."""
    return (
        sorted(ShopperPhoto.objects.values_list("pk", "shopper_id")),
        sorted(TryOnJob.objects.values_list("public_id", "state", "photo_id")),
        Interaction.objects.filter(kind__in=["like", "view"]).count(),
        sorted((str(s.pk), s.measurements.get("chest_cm")) for s in Shopper.objects.all()),
    )


def attempt(client, method: str, path: str, body, jpeg: bytes):
    if body == "photo":
        return client.post(path, {"photo": io.BytesIO(jpeg)}, format="multipart")
    send = getattr(client, method)
    return send(path, body, format="json") if body else send(path)


def assert_404_without_data(response, secrets: list[str], what: str) -> None:
    assert response.status_code == 404, (what, response.status_code, response.content)
    assert response["Content-Type"].startswith(PROBLEM), what
    text = response.content.decode()
    for secret in secrets:
        assert secret not in text, (what, secret)


def test_another_merchants_keys_reach_nothing_by_any_id(shop_a, shop_b, world, astronaut_jpeg):
    before = footprint()
    # What an answer with data would hold (ids the caller sent may be echoed in the message).
    secrets = ["Red tee", "succeeded", '"width"', '"stage"', '"token"', '"measurements"']
    for key in (shop_b.write, shop_b.read):
        client = client_for(key)
        for shopper in ("cust-1", "cust-2"):
            for method, path, body in requests_for(
                shopper, world[f"photo:{shopper}"], world[f"job:{shopper}"], "cust-b",
                world["photo:cust-b"], world,
            ):  # fmt: skip
                response = attempt(client, method, path, body, astronaut_jpeg)
                if key == shop_b.read and method != "get":
                    assert response.status_code == 403, (method, path)  # before any lookup
                    continue
                assert_404_without_data(response, secrets, f"{method} {path} {body}")
        listed = client.get("/api/v1/tryons/?shopper_id=cust-1").json()
        assert listed["results"] == []
        assert client.get("/api/v1/tryons/").json()["results"] == []
    assert footprint() == before


def test_one_shopper_cannot_reach_another_shoppers_photos_or_jobs(shop_a, world, astronaut_jpeg):
    before = footprint()
    client = client_for(shop_a.write)
    other_photo = world["photo:cust-2"]
    for method, path, body in [
        ("get", f"/api/v1/shoppers/cust-1/photos/{other_photo}/", None),
        ("get", f"/api/v1/shoppers/cust-1/photos/{other_photo}/image/", None),
        ("delete", f"/api/v1/shoppers/cust-1/photos/{other_photo}/?with_tryons=true", None),
        ("post", "/api/v1/tryons/",
         {"shopper_id": "cust-1", "photo_id": other_photo, "garment_id": world["garment_a"]}),
    ]:  # fmt: skip
        response = attempt(client, method, path, body, astronaut_jpeg)
        assert_404_without_data(response, [str(world["job:cust-2"]), '"width"'], path)
    listed = client.get("/api/v1/shoppers/cust-1/photos/").json()["results"]
    assert [photo["photo_id"] for photo in listed] == [world["photo:cust-1"]]
    jobs = client.get("/api/v1/tryons/?shopper_id=cust-1").json()["results"]
    assert [job["job_id"] for job in jobs] == [str(world["job:cust-1"])]
    assert footprint() == before


def test_the_same_id_at_another_merchant_is_another_person(shop_a, shop_b, world, astronaut_jpeg):
    shopper_register(shop_b, "cust-1")
    client = client_for(shop_b.write)
    assert client.get("/api/v1/shoppers/cust-1/photos/").json()["results"] == []
    response = client.get(f"/api/v1/shoppers/cust-1/photos/{world['photo:cust-1']}/")
    assert_404_without_data(response, [], "a's photo under b's cust-1")
    assert client.get("/api/v1/tryons/?shopper_id=cust-1").json()["results"] == []
    assert client.get("/api/v1/shoppers/cust-1/").json()["measurements"].get("chest_cm") is None
