"""Body shape: classes from measurements, declared over estimated, real photos."""

from pathlib import Path

import numpy as np
import pytest

from recommender.body_shape import (
    BODY_VECTOR_DIM,
    SHAPES,
    BodyPhotoError,
    EstimatedBody,
    body_shape_from,
    shape_label,
)

# Declared girths (cm) typical of each class.
MEASUREMENTS = {
    "hourglass": {"chest_cm": 94, "waist_cm": 68, "hips_cm": 96},
    "triangle": {"chest_cm": 86, "waist_cm": 70, "hips_cm": 102},
    "inverted triangle": {"chest_cm": 104, "waist_cm": 80, "hips_cm": 94},
    "rectangle": {"chest_cm": 92, "waist_cm": 80, "hips_cm": 94},
    "oval": {"chest_cm": 104, "waist_cm": 102, "hips_cm": 104},
}
STUDIO_PHOTOS = (
    "p09_woman_fullbody_red_skirt_press.jpg",
    "p11_woman_head_to_thigh_jeans_studio.jpg",
    "p12_woman_head_to_thigh_gray_tee_studio.jpg",
    "p14_woman_head_to_thigh_navy_sweater_studio.jpg",
)


@pytest.mark.parametrize("shape", SHAPES)
def test_each_class_is_reached_from_declared_measurements(shape: str) -> None:
    found = body_shape_from(MEASUREMENTS[shape], None)
    assert found is not None
    assert found.shape == shape
    assert found.source == "declared"
    assert found.reason.startswith("From your measurements:")
    assert found.vector.shape == (BODY_VECTOR_DIM,)
    assert np.isfinite(found.vector).all()
    assert found.vector[-len(SHAPES) + SHAPES.index(shape)] == 1.0


def test_explanations_say_what_decided_the_class() -> None:
    assert "waist 29% narrower" in body_shape_from(MEASUREMENTS["hourglass"], None).reason
    assert "hips 19% wider than the bust" in body_shape_from(MEASUREMENTS["triangle"], None).reason
    assert "as wide as the bust and hips" in body_shape_from(MEASUREMENTS["oval"], None).reason
    assert shape_label("hourglass") == "an hourglass shape"
    assert shape_label("rectangle") == "a rectangle shape"


def test_too_few_measurements_give_no_class() -> None:
    assert body_shape_from({}, None) is None
    assert body_shape_from({"height_cm": 170, "waist_cm": 70}, None) is None


def test_declared_measurements_override_the_photo_estimate() -> None:
    # A photo that looks like a triangle ...
    photo = EstimatedBody(
        shoulder_to_hip=0.95, bust_to_hip=0.85, waist_to_hip=0.7, leg_to_height=0.47
    )
    assert body_shape_from({}, photo).shape == "triangle"
    # ... but the shopper's own tape measure says hourglass: the declared girths win, the
    # photo still supplies what was not declared (leg length).
    merged = body_shape_from(MEASUREMENTS["hourglass"], photo)
    assert merged.shape == "hourglass"
    assert merged.source == "declared and photo"
    assert merged.ratios["bust_to_hip"] == pytest.approx(94 / 96, abs=1e-3)
    assert merged.ratios["leg_to_height"] == pytest.approx(0.47)


def test_girths_from_a_photo_need_the_shoppers_height() -> None:
    photo = EstimatedBody(
        shoulder_to_hip=1.1,
        bust_to_hip=0.95,
        waist_to_hip=0.75,
        leg_to_height=0.46,
        widths_px={"bust": 300.0, "waist": 250.0, "hips": 330.0},
        full_length=True,
        stature_px=1700.0,
    )
    assert photo.girths_cm(None) == {}
    girths = photo.girths_cm(170.0)
    assert set(girths) == {"chest_cm", "waist_cm", "hips_cm"}
    assert 80 < girths["chest_cm"] < 110 and 60 < girths["waist_cm"] < 90


@pytest.mark.parametrize("name", STUDIO_PHOTOS)
def test_real_photos_give_a_class(name: str, shared_images: Path, body_photos) -> None:
    estimate = body_photos.estimate(shared_images / "people" / name)
    assert {"shoulders", "bust", "waist", "hips"} <= estimate.widths_px.keys()
    # Plausible human proportions, whatever the clothes.
    assert 0.6 < estimate.bust_to_hip < 1.4
    assert 0.45 < estimate.waist_to_hip < 1.1
    assert 0.7 < estimate.shoulder_to_hip < 1.6
    shape = body_shape_from({}, estimate)
    assert shape is not None and shape.shape in SHAPES
    assert shape.source == "photo"
    assert shape.reason.startswith("Estimated from your photo:")


def test_a_full_length_photo_also_gives_leg_proportion(shared_images: Path, body_photos) -> None:
    estimate = body_photos.estimate(shared_images / "people" / STUDIO_PHOTOS[0])
    assert estimate.full_length
    assert 0.38 < estimate.leg_to_height < 0.55
    waist_up = body_photos.estimate(shared_images / "people" / STUDIO_PHOTOS[1])
    assert waist_up.leg_to_height is None


@pytest.mark.parametrize(
    ("folder", "name", "code"),
    [
        ("no_person", "n01_cat_chelsea.png", "no_person"),
        ("no_person", "n07_building.jpg", "no_person"),
        ("groups", "g05_four_women_standing.jpg", "several_people"),
    ],
)
def test_unusable_photos_give_a_clear_error(
    folder: str, name: str, code: str, shared_images: Path, body_photos
) -> None:
    with pytest.raises(BodyPhotoError) as caught:
        body_photos.estimate(shared_images / folder / name)
    assert caught.value.code == code
    assert "body shape" in caught.value.message or "which one is you" in caught.value.message
