"""The try-on widget's endpoints (issue 13, item 5): a widget-session token reaches only its
own shopper's photos and try-ons, only from an origin its merchant registered, and only the
widget's endpoints; CORS answers the registered origins and nobody else."""

import gzip
import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from rest_framework.test import APIClient

from contracts.vocabulary import STAGES
from merchant_api.services import widget_origin_add
from merchant_api.widget_origins import widget_origin_normalize
from tests.storefront.merchant_api.conftest import client_for
from tests.storefront.merchant_api.shopper_world import (
    garment_of,
    job_event,
    job_succeed,
    rate_counters_reset,
    result_png,
    shopper_register,
)

SHOP = "https://shop.atelier.example"
OTHER_SHOP = "https://boutique.example"


@pytest.fixture(autouse=True)
def _fresh_limits():
    rate_counters_reset()


def token_for(keys, shopper_id: str) -> str:
    response = client_for(keys.write).post(f"/api/v1/shoppers/{shopper_id}/widget-sessions/")
    assert response.status_code == 201, response.content
    return response.json()["token"]


def widget(token: str | None, origin: str | None = SHOP) -> APIClient:
    """A client as the widget in a browser on ``origin``: the token, the Origin header."""
    client = APIClient()
    headers = {}
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if origin is not None:
        headers["HTTP_ORIGIN"] = origin
    client.credentials(**headers)
    return client


def upload(client: APIClient, jpeg: bytes):
    return client.post("/api/v1/widget/photos/", {"photo": io.BytesIO(jpeg)}, format="multipart")


@pytest.fixture
def world(shop_a, shop_b):
    """shop_a runs the widget on SHOP, shop_b on OTHER_SHOP; shop_a has shoppers ann and bea."""
    widget_origin_add(merchant=shop_a.merchant, origin=SHOP)
    widget_origin_add(merchant=shop_b.merchant, origin=OTHER_SHOP)
    for shopper_id in ("ann", "bea"):
        shopper_register(shop_a, shopper_id)
    shopper_register(shop_b, "ann")
    garment_of(shop_a, sku="TEE-1", name="Sage tee")
    garment_of(shop_b, sku="B-TEE", name="Their tee")
    return shop_a, shop_b


def test_the_whole_flow_for_one_shopper(world, astronaut_jpeg, settings):
    shop_a, _ = world
    ann = widget(token_for(shop_a, "ann"))

    info = ann.get("/api/v1/widget/session/")
    assert info.status_code == 200, info.content
    assert info.json()["merchant_name"] == shop_a.merchant.name
    assert info.json()["photo_retention_days"] == settings.PHOTO_RETENTION_DAYS
    assert [s["stage"] for s in info.json()["stages"]] == list(STAGES)
    assert info["Access-Control-Allow-Origin"] == SHOP
    assert info["Content-Security-Policy"].startswith("default-src 'none'")
    assert "private" in info["Cache-Control"]

    garment = ann.get("/api/v1/widget/garments/TEE-1/")
    assert garment.status_code == 200
    assert garment.json()["name"] == "Sage tee" and garment.json()["image_url"].startswith("http")
    assert ann.get("/api/v1/widget/garments/B-TEE/").status_code == 404  # shop_b's SKU

    assert ann.get("/api/v1/widget/photos/").json() == []
    created = upload(ann, astronaut_jpeg)
    assert created.status_code == 201, created.content
    photo_id = created.json()["photo_id"]
    [listed] = ann.get("/api/v1/widget/photos/").json()
    assert listed["photo_id"] == photo_id
    thumbnail = ann.get(listed["thumbnail_url"])
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(thumbnail.content)).width > 0

    job = ann.post("/api/v1/widget/tryons/", {"sku": "TEE-1", "photo_id": photo_id}, format="json")
    assert job.status_code == 202, job.content
    job_id = job.json()["job_id"]
    assert job.json()["stage"] == "queued" and job["Location"].endswith(f"/widget/tryons/{job_id}/")
    job_event(job_id, kind="stage", stage="fitting_garment")
    running = ann.get(f"/api/v1/widget/tryons/{job_id}/").json()
    assert running["stage"] == "fitting_garment" and 0 < running["progress"] < 1
    assert ann.get(f"/api/v1/widget/tryons/{job_id}/result/").status_code == 409

    job_succeed(job_id)
    done = ann.get(f"/api/v1/widget/tryons/{job_id}/").json()
    assert done["status"] == "succeeded"
    assert done["result"]["url"] == f"/api/v1/widget/tryons/{job_id}/result/"
    picture = ann.get(done["result"]["url"])
    assert picture.status_code == 200 and picture.content == result_png()


def test_a_shoppers_token_never_reaches_another_shopper(world, astronaut_jpeg):
    shop_a, shop_b = world
    ann = widget(token_for(shop_a, "ann"))
    bea = widget(token_for(shop_a, "bea"))
    ann_b = widget(token_for(shop_b, "ann"), origin=OTHER_SHOP)  # same id, other merchant
    photo_id = upload(ann, astronaut_jpeg).json()["photo_id"]
    job = ann.post("/api/v1/widget/tryons/", {"sku": "TEE-1", "photo_id": photo_id}, format="json")
    job_id = job.json()["job_id"]
    job_succeed(job_id)

    for other in (bea, ann_b):
        assert other.get("/api/v1/widget/photos/").json() == []
        for path in (
            f"/api/v1/widget/tryons/{job_id}/",
            f"/api/v1/widget/tryons/{job_id}/result/",
            f"/api/v1/widget/photos/{photo_id}/thumbnail/",
        ):
            refused = other.get(path)
            assert refused.status_code == 404, (path, refused.content)
            assert refused["Content-Type"] == "application/problem+json"
    # Nor may another shopper try on ann's photo.
    stolen = bea.post(
        "/api/v1/widget/tryons/", {"sku": "TEE-1", "photo_id": photo_id}, format="json"
    )
    assert stolen.status_code == 404 and stolen.json()["errors"][0]["field"] == "photo_id"


def test_a_token_works_only_from_its_merchants_origins(world):
    shop_a, _ = world
    token = token_for(shop_a, "ann")
    assert widget(token).get("/api/v1/widget/session/").status_code == 200
    for origin in (OTHER_SHOP, "https://evil.example", None):
        refused = widget(token, origin=origin).get("/api/v1/widget/session/")
        assert refused.status_code == 403, origin
        assert refused.json()["code"] == "origin_not_allowed"


def test_the_widget_reaches_only_the_widget_endpoints(world):
    shop_a, _ = world
    token = token_for(shop_a, "ann")
    for path in ("/api/v1/garments/", "/api/v1/shoppers/ann/", "/api/v1/tryons/"):
        assert widget(token).get(path).status_code == 401, path
    # And an API key (or nothing) is no widget token.
    for credential in (shop_a.write, None, "not-a-token"):
        assert widget(credential).get("/api/v1/widget/photos/").status_code == 401


def test_an_upload_the_intake_refuses_comes_back_in_words(world):
    shop_a, _ = world
    ann = widget(token_for(shop_a, "ann"))
    refused = upload(ann, b"not an image at all")
    assert refused.status_code == 400
    body = refused.json()
    assert body["errors"][0]["field"] == "photo" and body["detail"]
    assert ann.get("/api/v1/widget/photos/").json() == []


def test_cors_preflight_answers_registered_origins_on_widget_paths_only(world):
    client = APIClient()
    preflight = {
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization,content-type",
    }
    allowed = client.options("/api/v1/widget/tryons/", HTTP_ORIGIN=SHOP, **preflight)
    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == SHOP
    assert "authorization" in allowed["Access-Control-Allow-Headers"]
    assert "POST" in allowed["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in allowed
    stranger = client.options(
        "/api/v1/widget/tryons/", HTTP_ORIGIN="https://evil.example", **preflight
    )
    assert "Access-Control-Allow-Origin" not in stranger
    # The merchant-level API is not for browsers on any origin.
    merchant_level = client.options("/api/v1/tryons/", HTTP_ORIGIN=SHOP, **preflight)
    assert "Access-Control-Allow-Origin" not in merchant_level


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://Shop.Example/", "https://shop.example"),
        ("https://shop.example:443", "https://shop.example"),
        ("https://shop.example:8443", "https://shop.example:8443"),
        (" https://xn--bcher-kva.example ", "https://xn--bcher-kva.example"),
    ],
)
def test_origins_are_stored_as_a_browser_sends_them(given, stored):
    assert widget_origin_normalize(given) == stored


@pytest.mark.parametrize(
    "given",
    [
        "http://shop.example",
        "https://shop.example/products",
        "https://shop.example?x=1",
        "shop.example",
        "ftp://shop.example",
        "https://user@shop.example",
        "http://localhost:8000",
        "",
    ],
)
def test_anything_but_an_https_origin_is_refused(given, settings):
    settings.WIDGET_ALLOW_HTTP_LOCALHOST = False
    with pytest.raises(ValidationError):
        widget_origin_normalize(given)


def test_http_localhost_only_when_allowed(settings):
    settings.WIDGET_ALLOW_HTTP_LOCALHOST = True
    assert widget_origin_normalize("http://localhost:8000/") == "http://localhost:8000"
    assert widget_origin_normalize("http://127.0.0.1:5000") == "http://127.0.0.1:5000"
    with pytest.raises(ValidationError):
        widget_origin_normalize("http://shop.example")


def test_the_script_is_served_cacheable_at_its_versioned_path(client, db):
    response = client.get("/widget/v1/tryon.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=86400" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert b"attachShadow" in response.content and len(response.content) < 40_000
    again = client.get("/widget/v1/tryon.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    small = client.get("/widget/v1/tryon.js", HTTP_ACCEPT_ENCODING="gzip, br")
    assert small["Content-Encoding"] == "gzip" and len(small.content) < 12_000
    assert gzip.decompress(small.content) == response.content


def test_staff_register_origins_in_the_admin_as_browsers_send_them(shop_a, admin_client):
    add = "/admin/merchant_api/widgetorigin/add/"
    response = admin_client.post(
        add, {"merchant": shop_a.merchant.pk, "origin": "https://Shop.Example/"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(shop_a.merchant.widget_origins.values_list("origin", flat=True)) == [
        "https://shop.example"
    ]
    refused = admin_client.post(
        add, {"merchant": shop_a.merchant.pk, "origin": "http://shop.example"}
    )
    assert refused.status_code == 200
    assert "only on https pages" in refused.content.decode()
    assert shop_a.merchant.widget_origins.count() == 1
