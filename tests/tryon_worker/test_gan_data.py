"""The try-on GAN's data readers parse their layouts; inputs are built consistently."""

from pathlib import Path

import numpy as np
import pytest
import torch

from tryon_worker.gan.data.conditioning import (
    SLOT,
    TorsoOutline,
    agnostic_mask,
    body_slots,
    garment_slots,
)
from tryon_worker.gan.data.dataset import TryOnDataset
from tryon_worker.gan.data.dress_code import DressCodeReader
from tryon_worker.gan.data.example import KP, keypoints_from_body_25, keypoints_from_coco_18
from tryon_worker.gan.data.layouts import layout_of, reader_open
from tryon_worker.gan.data.person_photos import PersonPhotoReader, worn_garment_example
from tryon_worker.gan.data.viton_hd import VitonHDReader
from tryon_worker.gan.options import ModelOptions
from tryon_worker.garment import garment_landmarks


def test_viton_hd_fixture_is_read_pair_by_pair(viton_hd_dir: Path) -> None:
    reader = VitonHDReader(viton_hd_dir)
    assert layout_of(viton_hd_dir) == "viton-hd"
    assert len(reader) == 6
    for example in reader:
        height, width = example.person.shape[:2]
        assert example.category == "top"
        assert example.garment_mask.any() and example.person_garment is not None
        # The parse gives the person's outline; the garment they wear lies inside it.
        assert example.silhouette is not None and 0.05 < example.silhouette.mean() < 0.9
        assert not (example.person_garment & ~example.silhouette).any()
        # The upper-clothes labels lie between the shoulders and the hips.
        ys, _ = np.nonzero(example.person_garment)
        shoulders_y = example.keypoints[[KP["left_shoulder"], KP["right_shoulder"]], 1].mean()
        assert ys.min() < shoulders_y + 0.1 * height
        seen = example.keypoints[:, 2] > 0
        assert seen[[KP["left_shoulder"], KP["right_shoulder"], KP["neck"]]].all()
        inside = example.keypoints[seen, :2]
        assert (inside >= 0).all() and (inside[:, 0] < width).all()
        # The person's left shoulder is on the right of the picture (they face us).
        assert (
            example.keypoints[KP["left_shoulder"], 0] > example.keypoints[KP["right_shoulder"], 0]
        )


def test_dress_code_fixture_covers_tops_bottoms_and_dresses(dress_code_dir: Path) -> None:
    reader = DressCodeReader(dress_code_dir)
    assert layout_of(dress_code_dir) == "dress-code"
    assert sorted({example.category for example in reader}) == ["bottom", "dress", "top"]
    for example in reader:
        assert example.person_garment is not None and example.person_garment.any()
        assert example.silhouette is not None
        assert not (example.person_garment & ~example.silhouette).any()
        assert example.garment_mask.mean() > 0.05  # our own segmentation found the garment
        # Keypoints were scaled from DressCode's 384x512 frame to the picture.
        hips = example.keypoints[[KP["left_hip"], KP["right_hip"]]]
        assert (hips[:, 2] > 0).all()
        assert hips[:, 1].max() < example.person.shape[0]


def test_keypoint_formats_map_to_the_same_joints() -> None:
    body_25 = np.zeros((25, 3), dtype=np.float32)
    body_25[5] = (30, 40, 0.9)  # LShoulder
    body_25[9] = (10, 90, 0.8)  # RHip
    coco = np.full((18, 4), -1.0, dtype=np.float32)
    coco[:, 2] = 0
    coco[5] = (30, 40, 0.9, 5)
    coco[8] = (10, 90, 0.8, 8)
    for points in (keypoints_from_body_25(body_25.ravel().tolist()), keypoints_from_coco_18(coco)):
        assert points[KP["left_shoulder"]].tolist() == pytest.approx([30, 40, 0.9])
        assert points[KP["right_hip"]].tolist() == pytest.approx([10, 90, 0.8])
        assert points[KP["left_knee"], 2] == 0


def test_self_supervised_pairs_come_from_person_photos(shared_images: Path, tmp_path: Path) -> None:
    reader = PersonPhotoReader(shared_images / "people", cache_dir=tmp_path)
    example = reader[
        [p.name for p in reader.paths].index("p12_woman_head_to_thigh_gray_tee_studio.jpg")
    ]
    # The pseudo product shot is the worn garment's own pixels on white.
    assert example.person_garment is not None
    worn = example.person[example.person_garment].astype(float).mean(axis=0)
    product = example.garment[example.garment_mask].astype(float).mean(axis=0)
    assert np.abs(worn - product).max() < 12
    assert (example.garment[~example.garment_mask] == 255).all()
    assert any(tmp_path.glob("*.npz"))  # MediaPipe ran once and was cached


def test_garment_landmarks_are_pinned_inside_the_body(viton_hd_dir: Path) -> None:
    example = VitonHDReader(viton_hd_dir)[0]
    landmarks, _ = garment_landmarks(example.garment_mask, category="top")
    points, valid = garment_slots(landmarks)
    targets, pinned = body_slots(example.keypoints, "top", points, valid)
    assert pinned[[SLOT["left_shoulder"], SLOT["right_shoulder"], SLOT["left_hem"]]].all()
    zone = agnostic_mask(example.keypoints, "top", example.person.shape[:2])
    for index in np.nonzero(pinned)[0]:
        x, y = np.round(targets[index]).astype(int)
        assert zone[y, x] > 0, f"{list(SLOT)[index]} pinned outside the try-on zone"


def _standing_person(torso_half: float, arm_gap: float | None = None):
    """Keypoints of a frontal person (shoulder span 40 px, torso 60 px) and a silhouette
    whose torso is ``torso_half`` px either side of the centre line; with ``arm_gap``, the
    left arm hangs that far outside the torso's edge (0: touching it)."""
    keypoints = np.zeros((14, 3), dtype=np.float32)
    joints = {"left_shoulder": (95, 50), "right_shoulder": (55, 50), "neck": (75, 50),
              "left_hip": (88, 110), "right_hip": (62, 110),
              "right_elbow": (40, 80), "right_wrist": (36, 110)}  # fmt: skip
    silhouette = np.zeros((200, 150), dtype=bool)
    silhouette[40:140, round(75 - torso_half) : round(75 + torso_half) + 1] = True
    if arm_gap is not None:
        x = 75 + torso_half + arm_gap
        joints |= {"left_elbow": (x + 5, 85), "left_wrist": (x + 5, 120)}
        silhouette[50:125, round(x) : round(x) + 11] = True
    for name, point in joints.items():
        keypoints[KP[name]] = (*point, 0.9)
    return keypoints, silhouette


def test_a_tops_sides_are_pinned_just_outside_the_torso_outline() -> None:
    points, valid = garment_slots({
        "neck": (50, 10), "left_shoulder": (70, 15), "right_shoulder": (30, 15),
        "left_armpit": (72, 35), "right_armpit": (28, 35),
        "left_hem": (70, 70), "right_hem": (30, 70),
    })  # fmt: skip
    armpits = [SLOT["left_armpit"], SLOT["right_armpit"]]

    def armpit_halves(keypoints: np.ndarray, silhouette: np.ndarray | None) -> np.ndarray:
        targets, pinned = body_slots(keypoints, "top", points.copy(), valid, silhouette)
        assert pinned[armpits].all()
        return np.abs(targets[armpits, 0] - 75)

    slim, slim_outline = _standing_person(21)
    wide, wide_outline = _standing_person(24)
    # 4% outside the outline, on both sides, and following it when the body is wider.
    assert armpit_halves(slim, slim_outline) == pytest.approx([1.04 * 21.5] * 2, abs=1.5)
    assert armpit_halves(wide, wide_outline) == pytest.approx([1.04 * 24.5] * 2, abs=1.5)
    # An arm hanging against the body is not torso: the left side does not widen.
    armed, armed_outline = _standing_person(21, arm_gap=0)
    assert armpit_halves(armed, armed_outline)[0] <= 1.04 * 21.5 + 1.5
    # Without a silhouette the garment keeps its own similarity-scaled width.
    assert armpit_halves(slim, None) == pytest.approx([1.1 * 22] * 2, abs=0.5)
    outline = TorsoOutline.of(slim, slim_outline)
    assert outline is not None and outline.frame.torso == pytest.approx(60)
    assert TorsoOutline.of(slim, None) is None


def test_dataset_items_have_the_network_shapes(viton_hd_dir: Path, dress_code_dir: Path) -> None:
    options = ModelOptions(net_height=64, net_width=48)
    dataset = TryOnDataset(
        [reader_open(viton_hd_dir), reader_open(dress_code_dir)], options, swap_garments=True
    )
    item = dataset[0]
    assert item["person"].shape == (3, 64, 48)
    assert item["pose"].shape == (14, 64, 48)
    assert item["other_garment"].shape == (3, 64, 48)
    assert float(item["person"].min()) >= -1 and float(item["person"].max()) <= 1
    assert item["point_valid"].sum() >= 3
    # The agnostic person is grey exactly inside the zone.
    zone = item["zone"][0] > 0
    assert float(item["agnostic"][:, zone].abs().max()) < 0.01


def test_a_worn_garment_replaces_the_product_shot_when_asked(viton_hd_dir: Path) -> None:
    rng = np.random.default_rng(0)
    for example in VitonHDReader(viton_hd_dir):
        worn = worn_garment_example(example, rng)
        assert worn.person is example.person and worn.name == example.name
        # The "product shot" is the person's own garment: its pixels and (tilted, rescaled
        # by at most 10%) its area, not the separate product image's.
        area = worn.garment_mask.sum() / example.person_garment.sum()
        assert 0.75 < area < 1.3, example.name
        colour_cut = worn.garment[worn.garment_mask].mean(axis=0)
        colour_worn = example.person[example.person_garment].mean(axis=0)
        assert np.abs(colour_cut - colour_worn).max() < 6, example.name
        assert worn.garment.shape != example.garment.shape or not np.array_equal(
            worn.garment, example.garment
        )
    options = ModelOptions(net_height=64, net_width=48)
    product = TryOnDataset([VitonHDReader(viton_hd_dir)], options)
    cut = TryOnDataset([VitonHDReader(viton_hd_dir)], options, worn_garment_share=1.0)
    differ = [not torch.equal(product[i]["garment_mask"], cut[i]["garment_mask"]) for i in range(6)]
    assert all(differ)
