"""The merchant API's contract: keys and scopes, problem details, idempotent POSTs, schema."""

import re
import threading

import pytest
from django.db import connection

from merchant_api.models import IdempotentRequest, MerchantApiKey, MerchantShopper
from merchant_api.services import api_key_revoke, api_key_rotate, idempotency_claim
from tests.storefront.merchant_api.conftest import client_for

PROBLEM = "application/problem+json"


def test_no_key_is_a_401_problem_with_a_challenge(shop_a):
    response = client_for(None).get("/api/v1/shoppers/x/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith(PROBLEM)
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401 and body["code"] == "not_authenticated"
    assert body["type"] == "urn:fitting-room:problem:not_authenticated"
    assert body["instance"] == "/api/v1/shoppers/x/"


@pytest.mark.parametrize("header", ["Bearer nonsense.key", "Bearer", "Bearer a b"])
def test_a_bad_key_says_so(shop_a, header):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/shoppers/x/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_keys_are_stored_hashed(shop_a):
    stored = MerchantApiKey.objects.filter(merchant=shop_a.merchant)
    assert stored.count() == 2
    for api_key in stored:
        assert shop_a.write.split(".")[1] not in api_key.hashed_key
        assert shop_a.read.split(".")[1] not in api_key.hashed_key


def test_a_read_key_cannot_write(shop_a):
    response = client_for(shop_a.read).post(
        "/api/v1/shoppers/", {"shopper_id": "s1"}, format="json"
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert not MerchantShopper.objects.exists()


def test_a_revoked_key_stops_and_a_rotated_one_keeps_working_for_the_grace(shop_a):
    api_key = MerchantApiKey.objects.get(merchant=shop_a.merchant, name="write")
    new_key, plain = api_key_rotate(api_key=api_key)
    assert client_for(shop_a.write).get("/api/v1/shoppers/nobody/").status_code == 404
    assert client_for(plain).get("/api/v1/shoppers/nobody/").status_code == 404
    api_key_revoke(api_key=api_key)
    assert client_for(shop_a.write).get("/api/v1/shoppers/nobody/").status_code == 401
    assert new_key.scope == api_key.scope and new_key.merchant_id == api_key.merchant_id


def test_validation_errors_name_each_field(shop_a):
    response = client_for(shop_a.write).post(
        "/api/v1/shoppers/",
        {"measurements": {"height_cm": "tall", "waist_cm": 70}},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith(PROBLEM)
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"shopper_id", "measurements.height_cm"}


def test_a_service_refusal_is_a_problem_on_its_field(shop_a):
    response = client_for(shop_a.write).post(
        "/api/v1/shoppers/",
        {"shopper_id": "s1", "measurements": {"height_cm": 20}},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_measurement" and "between 100 and 230" in body["detail"]


def test_a_merchant_sees_only_its_own_shoppers(shop_a, shop_b):
    created = client_for(shop_a.write).post(
        "/api/v1/shoppers/", {"shopper_id": "cust-1"}, format="json"
    )
    assert created.status_code == 201
    assert created["Location"] == "/api/v1/shoppers/cust-1/"
    assert client_for(shop_a.read).get("/api/v1/shoppers/cust-1/").status_code == 200
    assert client_for(shop_b.read).get("/api/v1/shoppers/cust-1/").status_code == 404
    # The same id at another merchant is another person.
    assert (
        client_for(shop_b.write)
        .post("/api/v1/shoppers/", {"shopper_id": "cust-1"}, format="json")
        .status_code
        == 201
    )
    assert MerchantShopper.objects.count() == 2
    # The merchant's id itself is not stored, only its keyed digest.
    assert not MerchantShopper.objects.filter(external_id_digest__contains="cust-1").exists()


def test_a_retried_post_with_its_key_is_answered_once(shop_a):
    client = client_for(shop_a.write)
    body = {"shopper_id": "cust-9", "measurements": {"height_cm": 170}}
    first = client.post("/api/v1/shoppers/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/shoppers/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and again["Location"] == first["Location"]
    assert MerchantShopper.objects.count() == 1
    # Without the key the retry is a new request, refused because the shopper exists.
    assert client.post("/api/v1/shoppers/", body, format="json").status_code == 409
    other = client.post(
        "/api/v1/shoppers/", {"shopper_id": "cust-10"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_keys_are_per_merchant(shop_a, shop_b):
    body = {"shopper_id": "cust-1"}
    for shop in (shop_a, shop_b):
        response = client_for(shop.write).post(
            "/api/v1/shoppers/", body, format="json", HTTP_IDEMPOTENCY_KEY="same"
        )
        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_retry_waits_for_the_first(shop_a):
    """Claims race through the database's unique constraint: one wins, the other hears 409."""
    outcomes: list[str] = []

    def claim() -> None:
        try:
            result = idempotency_claim(merchant=shop_a.merchant, key="race", fingerprint="f")
            outcomes.append("replay" if result.replay else "claimed")
        except Exception as exc:  # the loser's ApplicationError
            outcomes.append(getattr(exc, "code", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["claimed"] + ["idempotency_in_progress"] * 3
    assert IdempotentRequest.objects.filter(key="race").count() == 1


def test_the_schema_documents_the_api_offline(shop_a, client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    assert "/api/v1/shoppers/" in document["paths"]
    assert document["components"]["securitySchemes"]["merchantApiKey"]["scheme"] == "bearer"
    for page in ("/api/v1/docs/", "/api/v1/redoc/"):
        html = client.get(page).content.decode()
        # Every script and stylesheet is served here (the page also carries a random
        # token, which once spelt "cdn": look at the addresses, not at the whole text).
        sources = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
        assert sources and not [s for s in sources if re.match(r"(?i)(https?:)?//", s)]
        assert "unpkg" not in html.lower() and "jsdelivr" not in html.lower()
        assert "/static/drf_spectacular_sidecar/" in html


def test_erasing_a_shopper_forgets_the_answers_that_named_them(shop_a):
    """A stored POST answer holds the merchant's id for the shopper: it goes with them."""
    client = client_for(shop_a.write)
    body = {"shopper_id": "cust-erase"}
    client.post("/api/v1/shoppers/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-erase")
    assert IdempotentRequest.objects.filter(response_body__shopper_id="cust-erase").exists()
    assert client.delete("/api/v1/shoppers/cust-erase/").status_code == 204
    assert not IdempotentRequest.objects.filter(response_body__shopper_id="cust-erase").exists()
    assert not IdempotentRequest.objects.filter(key="k-erase").exists()
