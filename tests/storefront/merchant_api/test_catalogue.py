"""The catalogue through /api/v1/: garments, sizes, images, filters, pages, limits, isolation."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from catalog.models import Garment, GarmentImage, GarmentSize
from contracts.queues import GARMENT_REMOVE_TASK, GARMENT_UPSERT_TASK, RECOMMENDER_QUEUE
from contracts.recommender import GarmentDocument
from merchant_api.models import MerchantApiKey
from recommendations.models import Interaction
from recommendations.services import interaction_record
from tests.storefront.merchant_api.conftest import client_for
from tests.support.broker_queue import queue_client, queued_messages
from tests.support.factories import garment_png, shopper_create
from tests.support.hostile_files import bomb_png
from webhooks.models import WebhookEvent
from webhooks.services import endpoint_create

PROBLEM = "application/problem+json"
REPO = Path(__file__).resolve().parents[3]


def _garment_body(sku: str = "TEE-1", **overrides) -> dict:
    body = {
        "sku": sku,
        "name": "Linen tee",
        "category": "top",
        "price": "29.90",
        "currency": "EUR",
        "colour": "navy",
        "material": "linen",
        "style_tags": ["casual", "summer"],
        "sizes": [
            {"label": "S", "chest_cm": "88.0", "waist_cm": 72, "length_cm": 66, "stock": 4},
            {"label": "M", "chest_cm": 96, "hips_cm": 98.5, "stock": 0},
        ],
    }
    return {**body, **overrides}


def _create(key: str, sku: str = "TEE-1", **overrides) -> dict:
    response = client_for(key).post("/api/v1/garments/", _garment_body(sku, **overrides), "json")
    assert response.status_code == 201, response.content
    return response.json()


def _fields(response) -> dict[str, str]:
    assert response["Content-Type"].startswith(PROBLEM), response.content
    return {error["field"]: error["code"] for error in response.json().get("errors", [])}


def test_a_garment_is_created_read_changed_and_deleted(shop_a):
    client = client_for(shop_a.write)
    created = _create(shop_a.write)
    garment_id = created["id"]
    assert created["sku"] == "TEE-1" and created["price"] == "29.90"
    assert created["total_stock"] == 4 and created["style_tags"] == ["casual", "summer"]
    assert created["sizes"] == [
        {"label": "S", "chest_cm": "88.0", "waist_cm": "72.0", "hips_cm": None,
         "length_cm": "66.0", "stock": 4},
        {"label": "M", "chest_cm": "96.0", "waist_cm": None, "hips_cm": "98.5",
         "length_cm": None, "stock": 0},
    ]  # fmt: skip
    stored = Garment.objects.get(pk=garment_id)
    assert stored.merchant == shop_a.merchant and stored.sizes.count() == 2

    by_id = client.get(f"/api/v1/garments/{garment_id}/")
    by_sku = client.get("/api/v1/garments/by-sku/TEE-1/")
    assert by_id.status_code == by_sku.status_code == 200
    assert by_id.json() == by_sku.json() == created

    patched = client.patch(f"/api/v1/garments/{garment_id}/", {"price": "24.50"}, "json")
    assert patched.status_code == 200
    assert patched.json()["price"] == "24.50" and patched.json()["colour"] == "navy"
    assert len(patched.json()["sizes"]) == 2  # PATCH without sizes keeps them

    # PUT replaces every field: what it leaves out goes back to its default.
    put = client.put(
        "/api/v1/garments/by-sku/TEE-1/",
        {"sku": "TEE-1", "name": "Linen tee II", "category": "top", "price": "30.00",
         "sizes": [{"label": "L", "stock": 2}]},
        "json",
    )  # fmt: skip
    assert put.status_code == 200, put.content
    body = put.json()
    assert body["name"] == "Linen tee II" and body["colour"] == "" and body["style_tags"] == []
    assert [size["label"] for size in body["sizes"]] == ["L"]
    assert list(
        GarmentSize.objects.filter(garment_id=garment_id).values_list("label", flat=True)
    ) == ["L"]

    deleted = client.delete(f"/api/v1/garments/{garment_id}/")
    assert deleted.status_code == 200
    assert deleted.json() == {"id": garment_id, "deleted": True, "is_active": False}
    assert not Garment.objects.filter(pk=garment_id).exists()
    assert client.get(f"/api/v1/garments/{garment_id}/").status_code == 404


def test_every_write_keeps_the_recommender_in_step(shop_a, django_capture_on_commit_callbacks):
    """What the admin does: an upsert after each committed change, a removal after a delete."""
    queue_client().delete(RECOMMENDER_QUEUE)
    client = client_for(shop_a.write)
    with django_capture_on_commit_callbacks(execute=True):
        garment_id = _create(shop_a.write)["id"]
    with django_capture_on_commit_callbacks(execute=True):
        client.patch(f"/api/v1/garments/{garment_id}/sizes/S/", {"stock": 0}, "json")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/api/v1/garments/{garment_id}/images/",
            {"image": _file("tee.png", garment_png())},
            format="multipart",
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.put(f"/api/v1/garments/{garment_id}/sizes/", [{"label": "XL", "stock": 2}], "json")
    with django_capture_on_commit_callbacks(execute=True):
        client.patch(f"/api/v1/garments/{garment_id}/", {"is_active": False}, "json")
    with django_capture_on_commit_callbacks(execute=True):
        client.delete(f"/api/v1/garments/{garment_id}/")
    messages = queued_messages(RECOMMENDER_QUEUE)
    assert [m["task"] for m in messages] == [GARMENT_UPSERT_TASK] * 5 + [GARMENT_REMOVE_TASK]
    created, stock, image, sizes, inactive = (
        GarmentDocument.from_dict(m["kwargs"]) for m in messages[:5]
    )
    assert created.garment_id == garment_id and created.in_stock and created.price == 29.9
    assert [(size["label"], size["stock"]) for size in created.sizes] == [("S", 4), ("M", 0)]
    assert not stock.in_stock and stock.image_key == ""
    assert image.image_key.endswith(".webp")
    assert [(size["label"], size["stock"]) for size in sizes.sizes] == [("XL", 2)]
    assert inactive.active is False
    assert messages[5]["kwargs"]["garment_id"] == garment_id


def test_stock_changes_through_the_api_raise_the_stock_webhooks(shop_a):
    """The sold-out and back-in-stock events come from the API's writes as from the admin's."""
    endpoint_create(
        merchant=shop_a.merchant,
        url="http://127.0.0.1:9/hooks",  # never called: deliveries go after a commit
        event_types=["garment.out_of_stock", "garment.back_in_stock"],
    )
    garment_id = _create(shop_a.write)["id"]  # S: 4, M: 0
    client = client_for(shop_a.write)
    client.patch(f"/api/v1/garments/{garment_id}/sizes/S/", {"stock": 1}, "json")  # less
    client.patch(f"/api/v1/garments/{garment_id}/sizes/S/", {"stock": 0}, "json")  # none
    client.put(f"/api/v1/garments/{garment_id}/sizes/", [{"label": "L", "stock": 2}], "json")
    client.patch(f"/api/v1/garments/{garment_id}/", {"sizes": []}, "json")
    events = WebhookEvent.objects.filter(merchant=shop_a.merchant).order_by("created_at", "pk")
    assert [event.type for event in events] == [
        "garment.out_of_stock",
        "garment.back_in_stock",
        "garment.out_of_stock",
    ]


def test_a_garment_shoppers_know_is_deactivated_not_deleted(shop_a):
    created = _create(shop_a.write)
    garment = Garment.objects.get(pk=created["id"])
    interaction_record(shopper=shopper_create(), garment=garment, kind=Interaction.Kind.LIKE)
    client = client_for(shop_a.write)

    response = client.delete("/api/v1/garments/by-sku/TEE-1/")
    assert response.status_code == 200
    assert response.json() == {"id": garment.pk, "deleted": False, "is_active": False}
    garment.refresh_from_db()
    assert garment.is_active is False and garment.interactions.count() == 1
    # It stays readable, and can be brought back.
    back = client.patch(f"/api/v1/garments/{garment.pk}/", {"is_active": True}, "json")
    assert back.status_code == 200 and back.json()["is_active"] is True


def test_the_list_filters(shop_a):
    _create(shop_a.write, "TEE-1", name="Linen tee")
    _create(shop_a.write, "JEANS-1", name="Blue jeans", category="bottom", material="denim",
            sizes=[{"label": "M", "stock": 0}])  # fmt: skip
    _create(shop_a.write, "DRESS-1", name="Red dress", category="dress", is_active=False)
    Garment.objects.filter(sku="TEE-1").update(updated_at="2020-01-01T00:00:00Z")
    client = client_for(shop_a.read)

    def skus(query: str) -> list[str]:
        response = client.get(f"/api/v1/garments/?{query}")
        assert response.status_code == 200, response.content
        return [garment["sku"] for garment in response.json()["results"]]

    assert skus("") == ["DRESS-1", "JEANS-1", "TEE-1"]  # newest first
    assert skus("category=bottom") == ["JEANS-1"]
    assert skus("sku=TEE-1") == ["TEE-1"]
    assert skus("q=DENIM") == ["JEANS-1"]
    assert skus("q=red") == ["DRESS-1"]
    assert skus("is_active=false") == ["DRESS-1"]
    assert skus("is_active=true") == ["JEANS-1", "TEE-1"]
    assert skus("in_stock=true") == ["DRESS-1", "TEE-1"]
    assert skus("in_stock=false") == ["JEANS-1"]
    assert skus("updated_since=2025-01-01T00:00:00Z") == ["DRESS-1", "JEANS-1"]
    assert skus("category=top&in_stock=true&is_active=true") == ["TEE-1"]

    bad = client.get("/api/v1/garments/?category=hats&in_stock=perhaps&updated_since=soon")
    assert bad.status_code == 400
    assert set(_fields(bad)) == {"category", "in_stock", "updated_since"}


def test_cursor_pages_neither_repeat_nor_skip_when_a_garment_is_added(shop_a):
    for number in range(7):
        _create(shop_a.write, f"SKU-{number}")
    client = client_for(shop_a.read)
    seen: list[str] = []
    url = "/api/v1/garments/?page_size=3"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [garment["sku"] for garment in response.json()["results"]]
        url = response.json()["next"]
        assert url is None or url.startswith("http://testserver/api/v1/garments/?")
        pages += 1
        if pages == 1:
            _create(shop_a.write, "ADDED-BETWEEN-PAGES")
    assert seen == [f"SKU-{number}" for number in reversed(range(7))]
    assert pages == 3

    first = client.get("/api/v1/garments/?page_size=3").json()["results"]
    assert first[0]["sku"] == "ADDED-BETWEEN-PAGES"  # a new garment starts a fresh listing
    assert client.get("/api/v1/garments/?cursor=garbage").status_code == 404


def test_bad_input_is_a_problem_on_each_field(shop_a):
    client = client_for(shop_a.write)
    response = client.post(
        "/api/v1/garments/",
        _garment_body(price="-1.00", currency="euro", category="hat",
                      sizes=[{"label": "XM", "stock": -2}, {"label": "M", "chest_cm": "big"}]),
        "json",
    )  # fmt: skip
    assert response.status_code == 400
    assert _fields(response) == {
        "price": "min_value",
        "currency": "invalid",
        "category": "invalid_choice",
        "sizes.0.label": "invalid_choice",
        "sizes.0.stock": "min_value",
        "sizes.1.chest_cm": "invalid",
    }
    assert not Garment.objects.exists()

    missing = client.post("/api/v1/garments/", {"name": "No SKU"}, "json")
    assert set(_fields(missing)) == {"sku", "category", "price"}

    repeated = client.post(
        "/api/v1/garments/", _garment_body(sizes=[{"label": "M"}, {"label": "M"}]), "json"
    )
    assert repeated.status_code == 400 and _fields(repeated) == {"sizes": "garment_size_repeated"}

    # The model's own rule for SKUs (they name image files) comes back on its field too.
    unsafe = client.post("/api/v1/garments/", _garment_body(sku="../etc"), "json")
    assert unsafe.status_code == 400 and "sku" in _fields(unsafe)
    assert not Garment.objects.exists()


def test_a_taken_sku_is_a_409_on_the_sku_field(shop_a, shop_b):
    first = _create(shop_a.write, "TEE-1")
    again = client_for(shop_a.write).post("/api/v1/garments/", _garment_body("TEE-1"), "json")
    assert again.status_code == 409
    assert again.json()["code"] == "garment_sku_taken"
    assert _fields(again) == {"sku": "garment_sku_taken"}
    other = _create(shop_a.write, "TEE-2")
    renamed = client_for(shop_a.write).patch(
        f"/api/v1/garments/{other['id']}/", {"sku": "TEE-1"}, "json"
    )
    assert renamed.status_code == 409 and _fields(renamed) == {"sku": "garment_sku_taken"}
    # Another shop may use the same SKU for its own garment.
    assert _create(shop_b.write, "TEE-1")["id"] != first["id"]


def test_sizes_are_replaced_and_stock_changed_per_size(shop_a):
    garment_id = _create(shop_a.write)["id"]
    client = client_for(shop_a.write)
    sizes = client.put(
        f"/api/v1/garments/{garment_id}/sizes/",
        [{"label": "XL", "chest_cm": 110, "stock": 1}, {"label": "M", "stock": 5}],
        "json",
    )
    assert sizes.status_code == 200, sizes.content
    assert [(s["label"], s["stock"]) for s in sizes.json()] == [("M", 5), ("XL", 1)]
    assert sizes.json()[0]["chest_cm"] is None  # a replaced size keeps only what was sent

    stock = client.patch(f"/api/v1/garments/{garment_id}/sizes/XL/", {"stock": 0}, "json")
    assert stock.status_code == 200
    assert stock.json() == {"label": "XL", "chest_cm": "110.0", "waist_cm": None,
                            "hips_cm": None, "length_cm": None, "stock": 0}  # fmt: skip
    assert GarmentSize.objects.get(garment_id=garment_id, label="XL").stock == 0
    assert client.get(f"/api/v1/garments/{garment_id}/").json()["total_stock"] == 5

    negative = client.patch(f"/api/v1/garments/{garment_id}/sizes/M/", {"stock": -1}, "json")
    assert negative.status_code == 400 and _fields(negative) == {"stock": "min_value"}
    absent = client.patch(f"/api/v1/garments/{garment_id}/sizes/S/", {"stock": 1}, "json")
    assert absent.status_code == 404 and "M, XL" in absent.json()["detail"]
    unknown = client.put(f"/api/v1/garments/{garment_id}/sizes/", [{"label": "XM"}], "json")
    assert unknown.status_code == 400 and _fields(unknown) == {"0.label": "invalid_choice"}


def test_images_are_uploaded_through_the_intake_listed_and_deleted(
    shop_a, django_capture_on_commit_callbacks
):
    garment_id = _create(shop_a.write)["id"]
    client = client_for(shop_a.write)
    png = garment_png()
    uploaded = client.post(
        f"/api/v1/garments/{garment_id}/images/",
        {"image": _file("tee.png", png), "role": "on_model"},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content
    image = uploaded.json()
    assert image["role"] == "on_model" and (image["width"], image["height"]) == (300, 400)
    assert uploaded["Location"] == f"/api/v1/garments/{garment_id}/images/{image['id']}/"
    for name in ("url", "thumbnail_small_url", "thumbnail_medium_url"):
        assert image[name].startswith("http://testserver/"), image[name]
    served = client.get(image["url"].removeprefix("http://testserver"))
    assert served.status_code == 200
    assert b"".join(served.streaming_content)[8:12] == b"WEBP"
    second = client.post(
        f"/api/v1/garments/{garment_id}/images/",
        {"image": _file("front.png", garment_png(colour=(10, 20, 200)))},
        format="multipart",
    ).json()
    assert second["role"] == "product" and second["position"] == image["position"] + 1
    listed = client.get(f"/api/v1/garments/{garment_id}/images/").json()
    assert [i["id"] for i in listed] == [image["id"], second["id"]]

    again = client.post(
        f"/api/v1/garments/{garment_id}/images/", {"image": _file("tee.png", png)}, "multipart"
    )
    assert again.status_code == 409 and _fields(again) == {"image": "garment_image_duplicate"}

    stored = GarmentImage.objects.get(pk=image["id"])
    files = [Path(settings.MEDIA_ROOT) / f.name for f in (stored.image, stored.thumbnail_small)]
    assert all(path.exists() for path in files)
    with django_capture_on_commit_callbacks(execute=True):
        gone = client.delete(f"/api/v1/garments/{garment_id}/images/{image['id']}/")
    assert gone.status_code == 204
    assert not GarmentImage.objects.filter(pk=image["id"]).exists()
    assert not any(path.exists() for path in files)
    assert client.get(f"/api/v1/garments/{garment_id}/images/{image['id']}/").status_code == 404


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (bomb_png(10_000, 5_000), "too_many_pixels"),
        (b"%PDF-1.4 this is not a picture at all" * 10, "not_an_image"),
        (garment_png()[:400], "truncated"),
    ],
    ids=["50MP-bomb", "garbage", "truncated"],
)
def test_a_bad_image_is_a_clear_problem_and_nothing_is_stored(shop_a, content, code):
    garment_id = _create(shop_a.write)["id"]
    response = client_for(shop_a.write).post(
        f"/api/v1/garments/{garment_id}/images/", {"image": _file("x.png", content)}, "multipart"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["errors"][0]["field"] == "image"
    assert "x.png" in body["detail"]
    assert body["code"] == code, body
    assert not GarmentImage.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_read_key_cannot_write_anything(shop_a):
    garment_id = _create(shop_a.write)["id"]
    image_id = (
        client_for(shop_a.write)
        .post(
            f"/api/v1/garments/{garment_id}/images/",
            {"image": _file("tee.png", garment_png())},
            format="multipart",
        )
        .json()["id"]
    )
    client = client_for(shop_a.read)
    base = f"/api/v1/garments/{garment_id}"
    attempts = [
        ("post", "/api/v1/garments/", _garment_body("NEW")),
        ("put", f"{base}/", _garment_body()),
        ("patch", f"{base}/", {"price": "1.00"}),
        ("delete", f"{base}/", None),
        ("put", "/api/v1/garments/by-sku/TEE-1/", _garment_body()),
        ("patch", "/api/v1/garments/by-sku/TEE-1/", {"price": "1.00"}),
        ("delete", "/api/v1/garments/by-sku/TEE-1/", None),
        ("put", f"{base}/sizes/", [{"label": "XL"}]),
        ("patch", f"{base}/sizes/S/", {"stock": 99}),
        ("post", f"{base}/images/", {"image": _file("b.png", garment_png(colour=(1, 2, 3)))}),
        ("delete", f"{base}/images/{image_id}/", None),
    ]
    for method, url, body in attempts:
        fmt = "multipart" if url.endswith("/images/") else "json"
        response = getattr(client, method)(url, body, format=fmt)
        assert response.status_code == 403, (method, url, response.content)
        assert "read-only" in response.json()["detail"]
    garment = Garment.objects.get(pk=garment_id)
    assert str(garment.price) == "29.90" and garment.is_active
    assert garment.sizes.get(label="S").stock == 4
    assert Garment.objects.count() == 1 and GarmentImage.objects.count() == 1


def test_another_merchant_reaches_none_of_the_catalogue_by_any_id(shop_a, shop_b):
    """Every catalogue endpoint of shop_a, with both of shop_b's keys: 404, never data."""
    created = _create(shop_a.write, "SECRET-SKU", name="Secret garment")
    garment_id = created["id"]
    image_id = (
        client_for(shop_a.write)
        .post(
            f"/api/v1/garments/{garment_id}/images/",
            {"image": _file("tee.png", garment_png())},
            format="multipart",
        )
        .json()["id"]
    )
    base = f"/api/v1/garments/{garment_id}"
    reads = [
        f"{base}/",
        "/api/v1/garments/by-sku/SECRET-SKU/",
        f"{base}/sizes/",
        f"{base}/sizes/S/",
        f"{base}/images/",
        f"{base}/images/{image_id}/",
    ]
    writes = [
        ("put", f"{base}/", _garment_body("SECRET-SKU")),
        ("patch", f"{base}/", {"price": "0.01"}),
        ("delete", f"{base}/", None),
        ("put", "/api/v1/garments/by-sku/SECRET-SKU/", _garment_body("SECRET-SKU")),
        ("patch", "/api/v1/garments/by-sku/SECRET-SKU/", {"name": "Mine now"}),
        ("delete", "/api/v1/garments/by-sku/SECRET-SKU/", None),
        ("put", f"{base}/sizes/", [{"label": "XL"}]),
        ("patch", f"{base}/sizes/S/", {"stock": 0}),
        ("post", f"{base}/images/", {"image": _file("b.png", garment_png(colour=(1, 2, 3)))}),
        ("delete", f"{base}/images/{image_id}/", None),
    ]
    for key in (shop_b.read, shop_b.write):
        client = client_for(key)
        for url in reads:
            response = client.get(url)
            assert response.status_code == 404, (url, response.content)
            # The answer for an id the caller sent, exactly as for one that never existed.
            assert b"Secret garment" not in response.content
            assert set(response.json()) == {"type", "title", "status", "detail", "code", "instance"}
        listed = client.get("/api/v1/garments/?sku=SECRET-SKU")
        assert listed.status_code == 200 and listed.json()["results"] == []
        assert client.get("/api/v1/garments/?q=secret").json()["results"] == []
        for method, url, body in writes:
            fmt = "multipart" if url.endswith("/images/") else "json"
            response = getattr(client, method)(url, body, format=fmt)
            expected = 403 if key == shop_b.read else 404
            assert response.status_code == expected, (method, url, response.content)
            assert b"Secret garment" not in response.content

    after = client_for(shop_a.read).get(f"{base}/").json()
    for name in ("sku", "name", "price", "sizes", "is_active"):
        assert after[name] == created[name], name
    assert [image["id"] for image in after["images"]] == [image_id]
    assert Garment.objects.filter(merchant=shop_b.merchant).count() == 0


def test_each_key_is_throttled_on_its_own_with_a_429_problem(shop_a, settings):
    settings.API_RATE_PER_KEY = "3/min"
    client = client_for(shop_a.read)
    for _ in range(3):
        assert client.get("/api/v1/garments/").status_code == 200
    refused = client.get("/api/v1/garments/")
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith(PROBLEM)
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    # The merchant's other key has its own count.
    assert client_for(shop_a.write).get("/api/v1/garments/").status_code == 200
    assert MerchantApiKey.objects.filter(merchant=shop_a.merchant).count() == 2


def test_the_schema_generates_without_warnings():
    """``manage.py spectacular --validate --fail-on-warn``: every endpoint documented cleanly."""
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn"],
        cwd=REPO,
        env={**_env(), "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "/api/v1/garments/by-sku/{sku}/" in result.stdout
    assert "/api/v1/imports/{import_id}/" in result.stdout
    assert "Warning" not in result.stderr and "Error" not in result.stderr


def _env() -> dict[str, str]:
    import os

    return {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")
