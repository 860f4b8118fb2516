"""Finding the shopper: real MediaPipe on the real photos in ../shared/images."""

import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.tryon_worker.helpers import Photos
from vision import pose as pose_module
from vision.errors import ImageInputError
from vision.pose import LM, analyse_person, estimate_pose, segment_person

# What each people/ photo gives for a top, decided by looking at them (see SOURCES.md).
TOP_OUTCOMES = {
    "p01_astronaut.png": "ok",  # waist-up; hips just below the frame are allowed for tops
    "p02_messi5.jpg": "ok",
    "p03_man_torso_white_tee.jpg": "body_part_not_visible",  # chest only: hips far below
    "p04_man_head_shoulders.jpg": "body_part_not_visible",  # shoulders cut by the frame
    "p05_man_standing_fullbody_gray_crop.png": "ok",
    "p06_pedestrian_woman_lowres_crop.png": "person_too_small",  # ~140 px tall
    "p07_pedestrian_man_lowres_crop.png": "person_too_small",  # ~110 px tall
    "p08_face_only_closeup.png": "face_only",  # a 112 px face fills the picture
    "p09_woman_fullbody_red_skirt_press.jpg": "ok",
    "p10_man_head_to_thigh_cardigan.jpg": "ok",
    "p11_woman_head_to_thigh_jeans_studio.jpg": "ok",
    "p12_woman_head_to_thigh_gray_tee_studio.jpg": "ok",
    "p14_woman_head_to_thigh_navy_sweater_studio.jpg": "ok",
    "p15_man_fullbody_face_cropped_white_tee.jpg": "ok",  # no face: Pose counts him
    "p17_woman_fullbody_face_cropped_lilac_tee.jpg": "ok",
    "p18_woman_fullbody_face_cropped_sequin_dress.jpg": "ok",
    # Side views: one shoulder hides behind the other (shoulders < 0.35 torso lengths apart).
    "p19_tennis_player_fullbody_serving.jpg": "body_part_not_visible",
    "p21_boy_fullbody_crouching_baseball.jpg": "body_part_not_visible",
    "p22_woman_walking_street_frame200_crop.png": "body_part_not_visible",
    "p23_man_laughing_waist_up_rgba.png": "body_part_not_visible",  # a quarter of the torso
}
# Bottoms need hips and knees; dresses shoulders, hips and knees.
OTHER_OUTCOMES = {
    ("p01_astronaut.png", "bottom"): ("body_part_not_visible", "hips"),
    ("p09_woman_fullbody_red_skirt_press.jpg", "bottom"): ("ok", None),
    ("p11_woman_head_to_thigh_jeans_studio.jpg", "bottom"): ("body_part_not_visible", "knees"),
    ("p12_woman_head_to_thigh_gray_tee_studio.jpg", "dress"): ("body_part_not_visible", "knees"),
    ("p15_man_fullbody_face_cropped_white_tee.jpg", "bottom"): ("ok", None),
    ("p17_woman_fullbody_face_cropped_lilac_tee.jpg", "bottom"): ("ok", None),
    ("p18_woman_fullbody_face_cropped_sequin_dress.jpg", "dress"): ("ok", None),
    ("p21_boy_fullbody_crouching_baseball.jpg", "bottom"): ("body_part_not_visible", "knees"),
    ("p22_woman_walking_street_frame200_crop.png", "dress"): ("body_part_not_visible", "shoulders"),
    # Trousers fit legs seen from the side; bystanders (far smaller) are not counted.
    ("p22_woman_walking_street_frame200_crop.png", "bottom"): ("ok", None),
    ("p19_tennis_player_fullbody_serving.jpg", "bottom"): ("ok", None),
    ("p04_man_head_shoulders.jpg", "dress"): ("body_part_not_visible", "shoulders"),
}
# Groups with visible faces. Left out: g03 (the second man has his back to the camera and
# no face shows: counted as one person, a known limit) and g08 (tiny CCTV pedestrians that
# neither Pose nor the face detectors find: no_person, tested below).
GROUPS = {
    "g01_bus.jpg": 2,  # four people; two faces are large enough to be found
    "g02_zidane.jpg": 2,
    "g04_tv_cast_table.jpg": 3,
    "g05_four_women_standing.jpg": 4,
    "g07_three_men_portrait.jpg": 3,
    "g09_five_friends_outdoors.jpg": 5,
}
NO_PERSON = [
    "n01_cat_chelsea.png",  # selfie segmentation would call this cat a person
    "n02_coffee_cup.png",
    "n03_rocket_launch.jpg",
    "n04_pagoda_china.jpg",
    "n05_flower.jpg",
    "n06_fruits.jpg",
    "n07_building.jpg",
    "n08_squirrel.jpg",
    "n09_bird_robin.jpg",
    "n10_lake.jpg",
    "n11_tree_field.jpg",
]


def test_every_people_photo_has_its_outcome_for_a_top(photos: Photos, shared_images: Path) -> None:
    found = sorted(p.name for p in (shared_images / "people").iterdir())
    assert found == sorted(TOP_OUTCOMES), "people/ changed: decide the new photos' outcomes"
    outcomes = {name: photos.outcome(shared_images / "people" / name, "top") for name in found}
    assert outcomes == TOP_OUTCOMES


@pytest.mark.parametrize(("name", "category"), sorted(OTHER_OUTCOMES))
def test_bottoms_and_dresses_need_the_knees(
    photos: Photos, shared_images: Path, name: str, category: str
) -> None:
    code, part = OTHER_OUTCOMES[(name, category)]
    path = shared_images / "people" / name
    assert photos.outcome(path, category) == code
    if part:
        with pytest.raises(ImageInputError) as caught:
            photos.person(path, category)
        assert caught.value.details["part"] == part
        assert f"your {part}" in caught.value.message


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_group_photos_are_refused_with_the_count(
    photos: Photos, shared_images: Path, name: str
) -> None:
    with pytest.raises(ImageInputError) as caught:
        photos.person(shared_images / "groups" / name, "top")
    assert caught.value.code == "several_people"
    assert caught.value.details["people"] == GROUPS[name]
    assert f"We can see {GROUPS[name]} people" in caught.value.message


def test_no_person_photos_including_the_cat(photos: Photos, shared_images: Path) -> None:
    paths = [shared_images / "no_person" / n for n in NO_PERSON]
    paths.append(shared_images / "groups" / "g08_pedestrians_cctv_frame200.jpg")
    assert {p.name: photos.outcome(p, "top") for p in paths} == {p.name: "no_person" for p in paths}
    with pytest.raises(ImageInputError) as caught:
        photos.person(paths[0], "top")
    assert "couldn't find a person" in caught.value.message


def test_analysis_of_a_studio_photo(photos: Photos, shared_images: Path) -> None:
    path = shared_images / "people" / "p11_woman_head_to_thigh_jeans_studio.jpg"
    analysis = photos.person(path, "top")
    height, width = analysis.image.shape[:2]
    assert analysis.landmarks.shape == (33, 3) and analysis.landmarks.dtype == np.float32
    assert analysis.segmentation.shape == (height, width)
    assert analysis.segmentation.dtype == np.float32
    assert analysis.segmentation.min() >= 0.0 and analysis.segmentation.max() <= 1.0
    assert analysis.people_count == 1 and len(analysis.faces) == 1
    x0, y0, x1, y1 = analysis.bbox
    assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height and y1 - y0 > 0.9 * height
    # Facing the camera: the person's left shoulder is on the right of the picture.
    assert analysis.point("left_shoulder")[0] > analysis.point("right_shoulder")[0]
    assert analysis.visible("left_hip") and not analysis.visible("left_ankle")
    # The studio backdrop is not the person; the middle of the torso is.
    seg = analysis.segmentation
    for corner in (seg[:40, :40], seg[:40, -40:], seg[-40:, :40], seg[-40:, -40:]):
        assert corner.max() < 0.1
    chest = ((analysis.point("left_shoulder") + analysis.point("right_hip")) / 2).astype(int)
    assert seg[chest[1], chest[0]] > 0.9
    # The person mask follows the silhouette: about half of this head-to-thigh shot.
    assert 0.3 < (seg > 0.5).mean() < 0.6


def test_faces_cut_off_by_the_frame_still_count_as_one_person(
    photos: Photos, shared_images: Path
) -> None:
    analysis = photos.person(
        shared_images / "people" / "p15_man_fullbody_face_cropped_white_tee.jpg", "bottom"
    )
    assert analysis.faces == () and analysis.people_count == 1
    # MediaPipe claims the nose is visible at the top edge; it is not what counts.
    assert analysis.landmarks[LM["nose"], 1] < 0.03 * analysis.image.shape[0]


def test_large_photos_are_downscaled_for_inference(photos: Photos, shared_images: Path) -> None:
    image = photos.image(shared_images / "people" / "p12_woman_head_to_thigh_gray_tee_studio.jpg")
    small = estimate_pose(image)
    big_image = cv2.resize(image, (image.shape[1] * 3, image.shape[0] * 3))  # 2304x3072
    big = estimate_pose(big_image)
    assert small.landmarks is not None and big.landmarks is not None
    assert big.inference_scale == pytest.approx(1024 / 3072)
    shoulders = [LM["left_shoulder"], LM["right_shoulder"], LM["left_hip"], LM["right_hip"]]
    span = np.linalg.norm(small.landmarks[LM["left_shoulder"], :2] - small.landmarks[12, :2])
    # Landmarks come back in the big photo's pixels, at the same places (within 3% of the
    # shoulder span).
    error = np.abs(big.landmarks[shoulders, :2] / 3 - small.landmarks[shoulders, :2]).max()
    assert error < 0.03 * span
    mask = segment_person(big_image, big)
    assert mask.shape == big_image.shape[:2]


def test_models_are_loaded_once_and_shared_by_threads(photos: Photos, shared_images: Path) -> None:
    path = shared_images / "people" / "p14_woman_head_to_thigh_navy_sweater_studio.jpg"
    image = photos.image(path)
    expected = estimate_pose(image).landmarks
    model = pose_module._models["pose"][0]
    results: list[np.ndarray] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(3):
                landmarks = estimate_pose(image).landmarks
                assert landmarks is not None
                results.append(landmarks)
        except BaseException as exc:  # surfaced by the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 12
    for landmarks in results:
        assert np.allclose(landmarks, expected, atol=1e-3)
    assert pose_module._models["pose"][0] is model
    assert {"pose", "face_full", "face_short"} <= set(pose_module._models)


def test_analyse_person_runs_every_stage(photos: Photos, shared_images: Path) -> None:
    image = photos.image(shared_images / "people" / "p17_woman_fullbody_face_cropped_lilac_tee.jpg")
    analysis = analyse_person(image, category="dress")
    assert analysis.people_count == 1
    assert analysis.visible("left_knee") and analysis.visible("right_knee")
    with pytest.raises(ValueError, match="unknown garment category 'hat'"):
        analyse_person(image, category="hat")
