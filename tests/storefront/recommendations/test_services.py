"""Recommendation signals leave the storefront pseudonymously; answers are applied and shown."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.queues import RECOMMENDER_QUEUE
from contracts.recommender import GarmentDocument, ProfileUpdate
from contracts.recommender import SuggestionSet as Answer
from contracts.sealing import data_key_unwrap, fields_open, photo_open, transport_key_load
from recommendations.models import Interaction, SuggestionSet
from recommendations.selectors import suggestions_for
from recommendations.services import interaction_record, suggestion_set_apply
from shoppers.services import shopper_photo_add, shopper_profile_update
from tests.support.broker_queue import queue_client, queued_messages
from tests.support.factories import garment_create, shopper_create


@pytest.fixture(autouse=True)
def _empty_queue() -> None:
    queue_client().delete(RECOMMENDER_QUEUE)


def test_catalogue_and_profile_signals_are_pseudonymous(
    db, astronaut_jpeg: bytes, django_capture_on_commit_callbacks, settings
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        shopper = shopper_create()
        garment = garment_create()
        from catalog.recommender_feed import garment_publish

        garment_publish(garment=garment)
        shopper_profile_update(
            shopper=shopper, measurements={"chest_cm": 90, "preferred_size": "M"}
        )
        photo = shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)
        interaction_record(shopper=shopper, garment=garment, kind="like")
    messages = queued_messages(RECOMMENDER_QUEUE)
    assert [m["task"] for m in messages] == [
        "recommender.garment_upsert",
        "recommender.profile_update",
        "recommender.profile_update",
        "recommender.interaction",
    ]
    document = GarmentDocument.from_dict(messages[0]["kwargs"])
    assert document.garment_id == garment.pk and document.in_stock
    assert document.sizes[0]["label"] == "M" and document.image_key.endswith(".webp")
    declared = ProfileUpdate.from_dict(messages[1]["kwargs"])
    # Sealed for the workers (the broker's append-only file keeps messages on disk): nothing
    # readable in the message, and only this pseudonym's worker key opens it.
    assert declared.measurements == {} and declared.preferred_size == ""
    assert "chest_cm" not in messages[1]["raw"] and "90.0" not in messages[1]["raw"]
    assert fields_open(
        declared.sealed,
        transport_key=transport_key_load(settings.WORKER_TRANSPORT_KEY),
        subject=shopper.pseudonym,
    ) == {"measurements": {"chest_cm": 90.0}, "preferred_size": "M"}
    with_photo = ProfileUpdate.from_dict(messages[2]["kwargs"])
    assert with_photo.photo_blob == photo.blob_name
    # The wrapped key opens this photo, for this pseudonym only.
    key = data_key_unwrap(
        with_photo.photo_key, transport_key=transport_key_load(settings.WORKER_TRANSPORT_KEY),
        job_id=shopper.pseudonym,
    )  # fmt: skip
    from privacy.sealed_files import private_storage

    assert photo_open(private_storage().open(photo.blob_name).read(), data_key=key)[8:12] == b"WEBP"
    for message in messages:
        # Spaces, "@" and "." never occur in the ids, hex and base64 a message carries, so
        # these can only match real personal data.
        for secret in (
            "Ada Lovelace",
            "ada@example.org",
            "@example.org",
            f'"shopper": {shopper.pk}',
        ):
            assert secret not in message["raw"]
        assert message["kwargs"].get("subject", shopper.pseudonym) == shopper.pseudonym
        # Only the (base64) body carries the pseudonym: Celery's text copy of the arguments
        # in the headers would put it readable in the append-only file.
        assert shopper.pseudonym not in message["raw"]
        assert json.loads(message["raw"])["headers"]["kwargsrepr"] == "<sealed>"


def test_answers_are_applied_newest_wins_and_shown_with_reasons(client, db) -> None:
    shopper = shopper_create()
    garment = garment_create()
    sold_out = garment_create(name="Gone tee", sku="GONE")
    sold_out.sizes.update(stock=0)
    newer = Answer(
        subject=shopper.pseudonym,
        items=[
            {"garment_id": sold_out.pk, "score": 0.9, "size": "M", "reasons": ["x"]},
            {
                "garment_id": garment.pk,
                "score": 0.8,
                "size": "M",
                "reasons": ["suits an hourglass shape: wrap waist", "your size: M"],
            },
        ],
        body_shape="hourglass",
        body_shape_reason="Shoulders and hips are balanced with a defined waist.",
        strategy="personal",
        generated_at=timezone.now().isoformat(),
    )
    suggestion_set_apply(event=newer)
    older = Answer(subject=shopper.pseudonym, items=[], generated_at="2020-01-01T00:00:00+00:00")
    suggestion_set_apply(event=older)
    assert SuggestionSet.objects.get().items == newer.items
    view = suggestions_for(shopper=shopper)
    assert [item.garment for item in view.items] == [garment]  # out of stock dropped
    client.force_login(shopper.user)
    page = client.get(reverse("recommendations:suggestions")).content.decode()
    assert "suits an hourglass shape: wrap waist" in page and "hourglass" in page
    api = client.get("/suggestions/api/").json()
    assert api["items"][0]["reasons"][0].startswith("suits an hourglass")
    assert suggestion_set_apply(event=Answer(subject="psn_unknown", items=[])) is None


def test_cold_start_suggests_popular_in_stock_in_the_declared_size(db) -> None:
    shopper = shopper_create()
    shopper.measurements = {"preferred_size": "M"}
    shopper.save()
    popular, quiet = garment_create(sku="POP"), garment_create(sku="QUIET")
    small_only = garment_create(sku="SMALL")
    small_only.sizes.update(label="S")
    other = shopper_create(username="bob")
    for _ in range(3):
        Interaction.objects.create(shopper=other, garment=popular, kind="tryon")
    view = suggestions_for(shopper=shopper)
    assert view.strategy == "popular"
    assert [item.garment for item in view.items] == [popular, quiet]
    assert "in your size M" in view.items[0].reasons[0]
