"""Interactions a merchant reports feed the recommender, in its one vocabulary of kinds."""

from datetime import UTC, datetime
from typing import get_args

from contracts.queues import INTERACTION_TASK, RECOMMENDER_QUEUE
from contracts.vocabulary import InteractionKind
from recommendations.models import Interaction
from recommender.ranking import _VERBS
from recommender.style import INTERACTION_WEIGHTS
from shoppers.models import Shopper
from tests.storefront.merchant_api.conftest import client_for
from tests.storefront.merchant_api.shopper_world import garment_of, shopper_register
from tests.support.broker_queue import queued_messages

URL = "/api/v1/shoppers/cust-1/interactions/"


def test_the_storefront_and_the_recommender_share_one_list_of_kinds():
    assert list(get_args(InteractionKind)) == list(Interaction.Kind.values)
    assert set(INTERACTION_WEIGHTS) == set(Interaction.Kind.values)
    # Every kind that counts for a garment can be named in a reason; a return never is.
    assert {k for k, w in INTERACTION_WEIGHTS.items() if w > 0} == set(_VERBS)


def test_one_interaction_is_stored_and_sent_by_pseudonym(
    shop_a, empty_queues, django_capture_on_commit_callbacks
):
    shopper_register(shop_a, "cust-1")
    garment = garment_of(shop_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(shop_a.write).post(
            URL,
            {"sku": garment.sku, "kind": "return", "occurred_at": "2026-11-02T10:30:00Z"},
            format="json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["recorded"] == 1
    assert body["interactions"] == [
        {
            "garment_id": garment.pk,
            "sku": garment.sku,
            "kind": "return",
            "occurred_at": "2026-11-02T10:30:00Z",
        }
    ]
    stored = Interaction.objects.get()
    assert stored.kind == Interaction.Kind.RETURN
    assert stored.created_at == datetime(2026, 11, 2, 10, 30, tzinfo=UTC)
    sent = [
        m["kwargs"] for m in queued_messages(RECOMMENDER_QUEUE) if m["task"] == INTERACTION_TASK
    ]
    assert sent == [
        {
            "subject": Shopper.objects.get().pseudonym,
            "garment_id": garment.pk,
            "kind": "return",
            "at": "2026-11-02T10:30:00+00:00",
            "schema_version": 1,
        }
    ]


def test_a_batch_is_stored_whole_or_not_at_all(shop_a, shop_b):
    shopper_register(shop_a, "cust-1")
    tee = garment_of(shop_a)
    coat = garment_of(shop_a, sku="COAT-1", name="Coat")
    theirs = garment_of(shop_b, sku="B-1")
    client = client_for(shop_a.write)
    batch = [
        {"garment_id": tee.pk, "kind": "view"},
        {"sku": "COAT-1", "kind": "add_to_cart"},
        {"garment_id": coat.pk, "kind": "purchase"},
    ]
    refused = client.post(
        URL, {"interactions": [*batch, {"garment_id": theirs.pk, "kind": "like"}]}, format="json"
    )
    assert refused.status_code == 404
    assert refused.json()["errors"][0]["field"] == "interactions.3.garment_id"
    assert not Interaction.objects.exists()

    response = client.post(URL, {"interactions": batch}, format="json")
    assert response.status_code == 201 and response.json()["recorded"] == 3
    kinds = sorted(Interaction.objects.values_list("kind", flat=True))
    assert kinds == ["add_to_cart", "purchase", "view"]


def test_bad_reports_are_problems_on_their_field(shop_a):
    shopper_register(shop_a, "cust-1")
    garment = garment_of(shop_a)
    client = client_for(shop_a.write)
    cases = [
        ({"garment_id": garment.pk, "kind": "tryon"}, "kind"),  # our try-on jobs record those
        ({"garment_id": garment.pk, "kind": "stare"}, "kind"),
        ({"garment_id": garment.pk, "kind": "view", "occurred_at": "2999-01-01T00:00:00Z"},
         "occurred_at"),
        ({"garment_id": garment.pk, "kind": "view", "occurred_at": "yesterday"}, "occurred_at"),
        ({"kind": "view"}, "garment_id"),
        ({"interactions": []}, "interactions"),
        ({"interactions": [{"garment_id": garment.pk, "kind": "view"}] * 101}, "interactions"),
        ({"interactions": [{"garment_id": garment.pk}]}, "interactions.0.kind"),
    ]  # fmt: skip
    for body, field in cases:
        response = client.post(URL, body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert response.json()["errors"][0]["field"] == field
    unknown = client.post(URL, {"sku": "NOPE", "kind": "like"}, format="json")
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["field"] == "sku"
    assert not Interaction.objects.exists()
    assert client_for(shop_a.read).post(URL, {}, format="json").status_code == 403
