"""The recommender end to end, in process: catalogue events, profiles, interactions,
suggestions with reasons, cold start, bad input, several processes and the rebuild command."""

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from contracts.recommender import Interaction, ProfileUpdate, SuggestionSet
from recommender.profile_store import SubjectError
from recommender.rebuild import main as rebuild_main
from recommender.service import EMPTY_CATALOGUE_NOTICE, Recommender
from tests.recommender.catalogue import garment, shop_documents, stock_shop

HOURGLASS = {"chest_cm": 92.0, "waist_cm": 70.0, "hips_cm": 96.0}
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def at(minutes: float = 0) -> str:
    return (NOW + timedelta(minutes=minutes)).isoformat()


def ids(suggestions: SuggestionSet) -> list[int]:
    return [item["garment_id"] for item in suggestions.items]


def assert_reasons(suggestions: SuggestionSet) -> None:
    assert suggestions.items
    for item in suggestions.items:
        assert 1 <= len(item["reasons"]) <= 3, item
        assert all(isinstance(r, str) and r for r in item["reasons"])


def test_empty_catalogue_gives_a_notice_not_a_crash(recommender: Recommender) -> None:
    answer = recommender.suggest("psn_new")
    assert answer.items == [] and answer.notice == EMPTY_CATALOGUE_NOTICE
    assert SuggestionSet.from_dict(answer.to_dict()) == answer  # JSON-safe for the storefront


def test_cold_start_gives_popular_in_stock_garments_in_the_declared_size(
    recommender: Recommender,
) -> None:
    stock_shop(recommender, **{"7": {"stock": {"S": 2, "L": 1}}})  # the t-shirt: no M left
    for minute, (subject, garment_id, kind) in enumerate(
        [("psn_a", 2, "purchase"), ("psn_b", 2, "like"), ("psn_c", 9, "tryon"),
         ("psn_a", 7, "purchase"), ("psn_b", 7, "purchase")]
    ):  # fmt: skip
        recommender.interaction(Interaction(subject, garment_id, kind, at(minute)))
    recommender.profile_update(ProfileUpdate(subject="psn_cold", preferred_size="M"))
    answer = recommender.suggest("psn_cold", limit=4, now=NOW.timestamp() + 3600)
    assert answer.strategy == "popular" and answer.body_shape == ""
    assert_reasons(answer)
    assert ids(answer)[:2] == [2, 9]  # most popular first; the t-shirt has no M in stock
    assert 7 not in ids(answer)
    assert all(item["size"] == "M" for item in answer.items)
    assert answer.items[0]["reasons"] == ["popular right now", "your size: M"]
    # With no size and no history at all: still popular, in-stock garments.
    anonymous = recommender.suggest("psn_nobody", limit=3)
    assert ids(anonymous)[0] == 7 and anonymous.strategy == "popular"
    assert_reasons(anonymous)


def test_body_shape_and_taste_make_personal_suggestions_with_reasons(
    recommender: Recommender,
) -> None:
    stock_shop(recommender)
    recommender.profile_update(ProfileUpdate(subject="psn_h", measurements=HOURGLASS))
    answer = recommender.suggest("psn_h", limit=5)
    assert (answer.body_shape, answer.strategy) == ("hourglass", "personal")
    assert answer.body_shape_reason.startswith("From your measurements:")
    assert_reasons(answer)
    wrap = next(item for item in answer.items if item["garment_id"] == 4)
    assert wrap["reasons"][0] == "suits an hourglass shape: wrap waist"
    assert wrap["size"] == "M" and "your size: M" in wrap["reasons"]
    assert ids(answer)[0] == 4

    recommender.interaction(Interaction("psn_h", 1, "tryon", at()))
    answer = recommender.suggest("psn_h", limit=5)
    assert_reasons(answer)
    assert 1 not in ids(answer)  # they know it already
    summer = next(item for item in answer.items if item["garment_id"] == 2)
    assert "close to the linen shirt you tried on" in summer["reasons"]
    shown = ids(answer)
    assert 3 not in shown or shown.index(2) < shown.index(3)  # a shirt before a winter coat


def test_catalogue_events_update_suggestions_without_a_rebuild(
    recommender: Recommender,
) -> None:
    stock_shop(recommender)
    index = recommender.sync()
    assert index.kind == "exact" and len(index) == 10
    documents = dict((d.garment_id, d) for d, _ in shop_documents())
    recommender.garment_upsert(
        replace(documents[4], sizes=[{**s, "stock": 0} for s in documents[4].sizes])
    )
    recommender.garment_upsert(replace(documents[6], active=False))
    recommender.garment_remove(9)
    recommender.garment_upsert(garment(11, "Belted wrap dress", category="dress", tags=("wrap",),
                                       at_m={"chest_cm": 92.0, "waist_cm": 74.0}))  # fmt: skip
    assert recommender.sync() is index, "changes apply to the same index"
    assert len(index) == 8 and 4 not in index and 11 in index
    recommender.profile_update(ProfileUpdate(subject="psn_h", measurements=HOURGLASS))
    shown = ids(recommender.suggest("psn_h", limit=10))
    assert {4, 6, 9}.isdisjoint(shown) and 11 in shown
    recommender.garment_upsert(documents[4])  # back in stock
    assert 4 in ids(recommender.suggest("psn_h", limit=10))


def test_an_approximate_index_above_the_threshold(tmp_path: Path, text_encoder) -> None:
    service = Recommender(tmp_path / "rec", encoder=text_encoder, exact_max=6)
    stock_shop(service)
    assert service.sync().kind == "hnsw"
    service.garment_remove(1)
    service.interaction(Interaction("psn_x", 2, "like", at()))
    answer = service.suggest("psn_x", limit=5)
    assert_reasons(answer)
    assert 1 not in ids(answer) and 2 not in ids(answer)


def test_a_photo_without_a_person_keeps_the_declared_measurements(
    recommender: Recommender, shared_images: Path
) -> None:
    stock_shop(recommender)
    cat = (shared_images / "no_person" / "n01_cat_chelsea.png").read_bytes()
    recommender.profile_update(ProfileUpdate(subject="psn_p", measurements=HOURGLASS), cat)
    answer = recommender.suggest("psn_p")
    assert answer.body_shape == "hourglass"
    assert answer.notice.startswith("We couldn't find a person in your photo")
    assert "measurements you gave us" in answer.notice
    assert_reasons(answer)
    garbage = recommender.profile_update(ProfileUpdate(subject="psn_q"), b"not a picture")
    assert garbage.body_shape == "" and "couldn't read your photo" in garbage.photo_notice
    assert recommender.suggest("psn_q").strategy == "popular"


def test_a_photo_of_the_shopper_gives_their_body_shape(
    recommender: Recommender, shared_images: Path
) -> None:
    stock_shop(recommender)
    photo = (shared_images / "people" / "p11_woman_head_to_thigh_jeans_studio.jpg").read_bytes()
    profile = recommender.profile_update(ProfileUpdate(subject="psn_photo"), photo)
    assert profile.body_shape and profile.estimate is not None and profile.photo_notice == ""
    answer = recommender.suggest("psn_photo")
    assert answer.body_shape == profile.body_shape and answer.strategy == "personal"
    assert answer.body_shape_reason.startswith("Estimated from your photo")
    assert_reasons(answer)
    # Declared measurements given later take precedence over the photo's estimate.
    update = ProfileUpdate(subject="psn_photo", measurements=HOURGLASS)
    assert recommender.profile_update(update).body_shape == "hourglass"


def test_deleting_the_last_photo_forgets_its_estimate(
    recommender: Recommender, shared_images: Path
) -> None:
    photo = (shared_images / "people" / "p11_woman_head_to_thigh_jeans_studio.jpg").read_bytes()
    assert recommender.profile_update(ProfileUpdate(subject="psn_gone"), photo).estimate
    # Measurements saved later keep the photo's estimate; the last photo deleted drops it.
    assert recommender.profile_update(ProfileUpdate(subject="psn_gone")).estimate is not None
    profile = recommender.profile_update(ProfileUpdate(subject="psn_gone", photo_removed=True))
    assert profile.estimate is None and profile.body_shape == ""
    assert recommender.profiles.get("psn_gone").estimate is None


def test_bad_messages_are_refused_cleanly(recommender: Recommender) -> None:
    with pytest.raises(SubjectError):
        recommender.suggest("alice@example.com")
    with pytest.raises(SubjectError):
        recommender.profile_update(ProfileUpdate(subject="Alice Smith"))
    with pytest.raises(ValueError, match="unknown interaction kind"):
        recommender.interaction(Interaction("psn_a", 1, "stare", at()))  # type: ignore[arg-type]
    # An interaction with a garment the recommender has not seen yet is kept, not a crash.
    assert recommender.interaction(Interaction("psn_a", 404, "view", at()))


def test_a_redelivered_interaction_counts_once(recommender: Recommender) -> None:
    stock_shop(recommender)
    message = Interaction("psn_r", 2, "purchase", at())
    assert recommender.interaction(message)
    before = recommender.profiles.get("psn_r").taste.total.copy()
    assert not recommender.interaction(message)
    np.testing.assert_array_equal(recommender.profiles.get("psn_r").taste.total, before)


def test_processes_sharing_a_data_dir_see_each_others_changes_and_the_rebuild(
    tmp_path: Path, text_encoder
) -> None:
    data = tmp_path / "shared"
    first = Recommender(data, encoder=text_encoder)
    second = Recommender(data, encoder=text_encoder)
    stock_shop(first)
    assert len(second.sync()) == 10  # loaded the snapshot or replayed the change log
    first.garment_remove(3)
    assert 3 not in second.sync()
    assert rebuild_main(["--data-dir", str(data)]) == 0
    assert (data / "index" / "garments.npz").is_file()
    old = second._index
    assert len(second.sync()) == 9 and second._index is not old  # picked up the rebuild
    # A lost index file is rebuilt from the stored garments.
    (data / "index" / "garments.npz").unlink()
    third = Recommender(data, encoder=text_encoder)
    assert len(third.sync()) == 9


def test_stored_state_holds_pseudonyms_and_garment_ids_only(
    recommender: Recommender, shared_images: Path
) -> None:
    stock_shop(recommender)
    photo = shared_images / "people" / "p14_woman_head_to_thigh_navy_sweater_studio.jpg"
    recommender.profile_update(
        ProfileUpdate(subject="psn_0a1b", measurements=HOURGLASS, preferred_size="M"),
        photo.read_bytes(),
    )
    recommender.interaction(Interaction("psn_0a1b", 2, "like", at()))
    recommender.suggest("psn_0a1b")
    recommender.sync().save(recommender.index_path)
    data = recommender.data_dir
    profiles = sqlite3.connect(data / "profiles.sqlite3")
    columns = {row[1] for row in profiles.execute("PRAGMA table_info(profiles)")}
    assert columns.isdisjoint({"name", "email", "user_id", "photo"})
    subjects = {row[0] for row in profiles.execute("SELECT subject FROM profiles")}
    subjects |= {row[0] for row in profiles.execute("SELECT subject FROM interactions")}
    assert subjects == {"psn_0a1b"}
    estimate = json.loads(profiles.execute("SELECT estimate FROM profiles").fetchone()[0])
    assert set(estimate) <= {"shoulder_to_hip", "bust_to_hip", "waist_to_hip", "leg_to_height",
                             "widths_px", "full_length", "stature_px"}  # fmt: skip
    catalogue = sqlite3.connect(data / "catalogue.sqlite3")
    for table in ("garments", "changes", "popularity"):
        names = {row[1] for row in catalogue.execute(f"PRAGMA table_info({table})")}
        assert not any("subject" in n or "shopper" in n for n in names)
    assert sorted(recommender.sync().ids().tolist()) == list(range(1, 11))
    # The catalogue and the index never learn who looked at what.
    for path in [*data.glob("catalogue.sqlite3*"), *data.glob("index/*")]:
        assert b"psn_" not in path.read_bytes(), path


def test_rebuild_with_reembed_reads_images_from_the_store(
    recommender: Recommender, tmp_path: Path
) -> None:
    from tests.recommender.catalogue import png_bytes, product_image
    from transport.blob_store import FolderBlobStore

    document = garment(1, "Linen shirt", image_key="garments/1.png")
    recommender.garment_upsert(document)  # the image was not readable at the time
    words_only = recommender.catalogue.garments([1])[1].vector
    assert not words_only[-32:].any()
    store = FolderBlobStore(tmp_path / "public")
    store.write("garments/1.png", png_bytes(product_image("top", "shirt", (190, 30, 40))))
    index = recommender.rebuild(reembed=True, images=store)
    with_image = recommender.catalogue.garments([1])[1].vector
    assert with_image[-32:].any() and len(index) == 1
    assert index.search(with_image, 1)[0][0] == 1
