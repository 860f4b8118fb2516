"""Style vectors: words and pictures place similar garments close; taste decays over time."""

import math

import numpy as np
import pytest

from contracts.recommender import GarmentDocument
from recommender.style import (
    IMAGE_DIM,
    STYLE_DIM,
    TASTE_HALF_LIFE_DAYS,
    TasteVector,
    decay,
    garment_text,
    garment_vector,
    image_features,
    neutral_vector,
)
from tests.recommender.catalogue import garment, product_image

DAY = 86400.0


def vectors(recommender, documents, images=None):
    return recommender.garment_vectors(documents, images or [None] * len(documents))


def test_similar_garments_are_closer_than_dissimilar_ones(recommender) -> None:
    shirt, summer_shirt, coat = vectors(
        recommender,
        [
            garment(1, "Linen shirt", material="linen"),
            garment(2, "Linen summer shirt", material="linen", tags=("summer",)),
            garment(3, "Wool winter coat", category="outerwear", material="wool"),
        ],
    )
    assert np.linalg.norm(shirt) == pytest.approx(1.0, abs=1e-5)
    assert float(shirt @ summer_shirt) > float(shirt @ coat) + 0.15
    assert float(summer_shirt @ shirt) > float(summer_shirt @ coat)


def test_pictures_bring_same_coloured_garments_closer(recommender) -> None:
    documents = [garment(i, "Cotton shirt") for i in (1, 2, 3)]
    red_shirt, red_tee, blue_shirt = vectors(
        recommender,
        documents,
        [
            product_image("top", "shirt", (190, 30, 40)),
            product_image("top", "t-shirt", (200, 35, 45)),
            product_image("top", "shirt", (40, 60, 170)),
        ],
    )
    # Same words: only the picture tells them apart, and colour weighs more than cut.
    assert float(red_tee @ red_shirt) > float(red_tee @ blue_shirt)


def test_image_features_tell_patterns_and_colours_apart() -> None:
    solid = image_features(product_image("top", "t-shirt", (40, 60, 170)))
    stripes = image_features(product_image("top", "t-shirt", (40, 60, 170), "stripes"))
    solid_red = image_features(product_image("top", "t-shirt", (190, 30, 40)))
    assert solid.shape == (IMAGE_DIM,) and np.isfinite(solid).all()
    assert float(solid @ solid_red) < float(solid @ stripes) < 0.999
    # A blank picture shows no garment: no image block rather than noise.
    assert image_features(np.full((200, 150, 3), 250, dtype=np.uint8)) is None


def test_real_product_photos_embed(shared_images) -> None:
    from vision.image_decode import decode_image

    folder = shared_images / "garments"
    jeans = decode_image((folder / "c07_trousers_jeans_ripped.jpg").read_bytes(), role="garment")
    chino = decode_image((folder / "c08_trousers_beige_chino.jpg").read_bytes(), role="garment")
    for picture in (jeans, chino):
        features = image_features(picture)
        assert features is not None and np.isfinite(features).all()


def test_a_garment_with_no_attributes_still_gets_a_vector(recommender) -> None:
    bare = GarmentDocument(garment_id=9, category="", name="")
    assert garment_text(category="", name="") == ""
    only_words, only_picture, nothing = vectors(
        recommender,
        [garment(8, "Shirt"), bare, bare],
        [None, product_image("top", "shirt", (40, 60, 170)), None],
    )
    for vector in (only_words, only_picture, nothing):
        assert vector.shape == (STYLE_DIM,)
        assert np.isfinite(vector).all()
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(nothing, neutral_vector())
    assert garment_vector(None, None).shape == (STYLE_DIM,)


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(STYLE_DIM).astype(np.float32)
    return vector / np.linalg.norm(vector)


def test_taste_weights_purchases_over_views_and_decays_with_time() -> None:
    bought, viewed = unit(1), unit(2)
    now = 1_800_000_000.0
    same_day = TasteVector.empty()
    same_day.add(viewed, kind="view", at=now)
    same_day.add(bought, kind="purchase", at=now)
    direction = same_day.direction()
    assert float(direction @ bought) > float(direction @ viewed)
    # The purchase long ago has decayed below a view today.
    old_purchase = TasteVector.empty()
    old_purchase.add(bought, kind="purchase", at=now - 5 * TASTE_HALF_LIFE_DAYS * DAY)
    old_purchase.add(viewed, kind="view", at=now)
    direction = old_purchase.direction()
    assert float(direction @ viewed) > float(direction @ bought)
    assert decay(TASTE_HALF_LIFE_DAYS * DAY) == pytest.approx(0.5)
    assert old_purchase.mass_at(now + TASTE_HALF_LIFE_DAYS * DAY) == pytest.approx(
        old_purchase.mass_at(now) / 2
    )


def test_incremental_taste_equals_the_batch_sum_whatever_the_arrival_order() -> None:
    signals = [(unit(i), kind, 1_800_000_000.0 + i * 3 * DAY) for i, kind in
               enumerate(["view", "like", "tryon", "purchase", "view"])]  # fmt: skip
    end = signals[-1][2]
    weights = {"view": 1.0, "tryon": 3.0, "like": 4.0, "purchase": 6.0}
    expected = sum(
        weights[kind] * 0.5 ** ((end - at) / (TASTE_HALF_LIFE_DAYS * DAY)) * vector
        for vector, kind, at in signals
    )
    for order in (signals, signals[::-1], signals[2:] + signals[:2]):
        taste = TasteVector.empty()
        for vector, kind, at in order:
            taste.add(vector, kind=kind, at=at)
        np.testing.assert_allclose(taste.total, expected, rtol=1e-4, atol=1e-5)
        assert taste.at == end
    assert math.isclose(TasteVector.empty().mass_at(end), 0.0)
    assert TasteVector.empty().direction() is None
