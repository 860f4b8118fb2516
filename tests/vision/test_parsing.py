"""Person parsing against hand-drawn labels of real photos, and the scoring it relies on."""

import functools
import json
from pathlib import Path

import numpy as np
import pytest

from tests.support.assets import shared_images_dir
from vision.image_decode import decode_image
from vision.parsing import LABEL, LABELS, PersonParsing, _to_full_resolution, parse_person
from vision.parsing_eval import IGNORE, HandLabels, IouTally, hand_labels_load
from vision.pose import detect_faces, estimate_pose, segment_person

REPO = Path(__file__).resolve().parents[2]
LABELS_DIR = REPO / "tests" / "fixtures" / "person_parsing"
PEOPLE = REPO.parent / "shared" / "images" / "people"
#: The parser's IoU per class over all labelled photos must reach these (measured values
#: minus a margin; see bench/person_parsing.py for the figures).
MIN_IOU = {
    "background": 0.95,
    "hair": 0.55,
    "face": 0.7,
    "arms": 0.7,
    "legs": 0.75,
    "upper": 0.78,
    "lower": 0.82,
    "shoes": 0.55,
}


def test_hand_labels_paint_in_order_and_ignore(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    square = [[2, 2], [8, 2], [8, 8], [2, 8]]
    inner = [[4, 4], [6, 4], [6, 6], [4, 6]]
    path.write_text(
        json.dumps(
            {
                "image": "p.png",
                "width": 10,
                "height": 10,
                "regions": [
                    {"label": "upper", "polygon": square},
                    {"label": "ignore", "polygon": inner},
                ],
            }
        )
    )
    labels = hand_labels_load(path).labels
    assert labels[0, 0] == LABEL["background"]
    assert labels[3, 3] == LABEL["upper"]
    assert labels[5, 5] == IGNORE


def test_hand_labels_refuse_an_unknown_class(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            {
                "image": "p.png",
                "width": 4,
                "height": 4,
                "regions": [{"label": "hat", "polygon": [[0, 0], [3, 0], [3, 3]]}],
            }
        )
    )
    with pytest.raises(ValueError, match="hat"):
        hand_labels_load(path)


def test_iou_tally_sums_over_photos_and_skips_ignored_pixels() -> None:
    tally = IouTally()
    truth = np.array([[LABEL["upper"], LABEL["upper"], IGNORE, 0]], dtype=np.uint8)
    predicted = np.array([[LABEL["upper"], 0, LABEL["upper"], 0]], dtype=np.uint8)
    own = tally.add(predicted, truth)
    assert own["upper"] == pytest.approx(0.5)  # the ignored pixel counts for nothing
    assert own["background"] == pytest.approx(0.5)
    tally.add(truth.copy(), truth)  # a perfect second photo
    assert tally.iou()["upper"] == pytest.approx(3 / 4)
    assert np.isnan(tally.iou()["shoes"])


def test_every_fixture_is_a_valid_labelling_of_its_photo() -> None:
    files = sorted(LABELS_DIR.glob("*.json"))
    assert len(files) >= 10, "at least ten hand-labelled photos"
    for path in files:
        labels = hand_labels_load(path)
        assert path.stem == Path(labels.image).stem
        present = set(np.unique(labels.labels)) - {IGNORE}
        # Every photo shows a person in clothes: background, upper or lower, and skin.
        assert LABEL["background"] in present
        assert present & {LABEL["upper"], LABEL["lower"]}
        assert present & {LABEL[name] for name in ("face", "arms", "legs")}


@pytest.fixture(scope="module")
def scored() -> IouTally:
    shared_images_dir("people")
    tally = IouTally()
    for path in sorted(LABELS_DIR.glob("*.json")):
        truth = hand_labels_load(path)
        image = decode_image((PEOPLE / truth.image).read_bytes(), role="person")
        assert image.shape[:2] == truth.labels.shape, truth.image
        pose = estimate_pose(image)
        assert pose.landmarks is not None, truth.image
        parsing = parse_person(
            image, pose.landmarks, segment_person(image, pose), detect_faces(image)
        )
        tally.add(parsing.labels, truth.labels)
    return tally


@pytest.mark.parametrize("name", sorted(MIN_IOU))
def test_parser_matches_the_hand_labels(scored: IouTally, name: str) -> None:
    iou = scored.iou()[name]
    assert iou >= MIN_IOU[name], f"{name}: IoU {iou:.3f} < {MIN_IOU[name]}"


def test_parser_mean_iou_over_person_classes(scored: IouTally) -> None:
    assert scored.mean_iou(LABELS[1:]) >= 0.68


@functools.cache
def _parsed(name: str) -> tuple[HandLabels, PersonParsing]:
    """A hand-labelled photo's labels and the parser's, from every stage run on the photo
    (once per test process: several tests read the same photo)."""
    shared_images_dir("people")
    truth = hand_labels_load(LABELS_DIR / f"{name}.json")
    image = decode_image((PEOPLE / truth.image).read_bytes(), role="person")
    pose = estimate_pose(image)
    parsing = parse_person(image, pose.landmarks, segment_person(image, pose), detect_faces(image))
    return truth, parsing


def _iou(name: str) -> dict[str, float]:
    """The parser's IoU per class on one hand-labelled photo."""
    truth, parsing = _parsed(name)
    tally = IouTally()
    tally.add(parsing.labels, truth.labels)
    return tally.iou()


def test_no_upper_clothes_beside_a_hanging_hand() -> None:
    """p11's arms hang beside her jeans: shadows by the hand once came out as "upper" (a top
    then replaced them with invented skin); only the torso's garment is upper clothes."""
    iou = _iou("p11_woman_head_to_thigh_jeans_studio")
    assert iou["upper"] >= 0.8  # 0.68 before
    assert iou["arms"] >= 0.8  # 0.69 before


def test_shaded_knees_below_a_skirt_are_legs() -> None:
    """p09's knees and shins turned from the flash are darker than her face's skin model
    allows: they fell to the lower clothes, and a new dress replaced them with blotches of
    invented skin."""
    iou = _iou("p09_woman_fullbody_red_skirt_press")
    assert iou["legs"] >= 0.85  # 0.70 before
    assert iou["lower"] >= 0.85  # 0.75 before


def test_a_shaded_neck_below_a_cropped_face_is_skin() -> None:
    """p15's and p17's faces are cut off at the nose (no face found): the neck in its own
    shade, more saturated than the lit skin, passed for hair and ran down p15's V-neck,
    kept in front of every new top as a wedge through its collar."""
    assert _iou("p15_man_fullbody_face_cropped_white_tee")["face"] >= 0.85  # 0.44 before
    assert _iou("p17_woman_fullbody_face_cropped_lilac_tee")["face"] >= 0.8  # 0.53 before


def test_a_high_waistband_is_the_skirts() -> None:
    """p09's red skirt is worn at her natural waist, above the line where position alone
    made clothes the top's: its waistband under her hand was "upper", and a new skirt left
    it behind as a red sliver beside her wrist."""
    assert _iou("p09_woman_fullbody_red_skirt_press")["upper"] >= 0.89  # 0.87 before


def test_labels_come_back_to_full_resolution_without_steps() -> None:
    # A boundary between two labels at a slant, parsed at a quarter of the photo's size:
    # brought back pixel by pixel it would run in steps four pixels high and wide, which
    # the mattes built on the labels trace along an arm in front of a garment.
    rows, columns = np.mgrid[0:64, 0:64]
    work = np.where(columns < rows * 0.7 + 8, LABEL["arms"], LABEL["upper"]).astype(np.uint8)
    full = _to_full_resolution(work, np.ones((256, 256), dtype=bool))
    edge = np.argmax(full == LABEL["upper"], axis=1)[8:248]
    assert set(np.unique(full)) == {LABEL["arms"], LABEL["upper"]}
    # The boundary moves about 0.7 px per row: never a jump of a whole work pixel.
    assert np.abs(np.diff(edge)).max() <= 2, np.abs(np.diff(edge)).max()


def test_a_crew_neck_under_the_chin_is_not_hair() -> None:
    """p10's pink tee rises above his shoulder joints under an open hoodie: its neckband,
    near the head and above the shoulders, seeded the hair model, and the whole collar came
    out as hair (kept in front of any new top: the old tee's collar stayed on)."""
    truth, parsing = _parsed("p10_man_head_to_thigh_cardigan")
    upper = truth.labels == LABEL["upper"]
    hair_on_upper = (parsing.labels == LABEL["hair"]) & upper
    assert hair_on_upper.sum() < 0.01 * upper.sum(), (int(hair_on_upper.sum()), int(upper.sum()))


def test_long_hair_beside_the_neck_stays_hair() -> None:
    """p12's black hair hangs beside her neck, under her chin's level, over a grey tee:
    it is hair, like the hair above (the crew-neck rule above must not take it for the
    tee, or a new top is drawn over it as a block)."""
    truth, parsing = _parsed("p12_woman_head_to_thigh_gray_tee_studio")
    hair = truth.labels == LABEL["hair"]
    as_clothes = (parsing.labels == LABEL["upper"]) & hair
    # 2.8% of it when every seed under the chin was refused, whatever its colour.
    assert as_clothes.sum() < 0.01 * hair.sum(), (int(as_clothes.sum()), int(hair.sum()))


def test_hair_tips_hanging_onto_the_shoulders_are_hair() -> None:
    """The lit tips of p18's dark hair, hanging onto her shoulder, looked like her dark
    sequin dress and were parsed as it (243 pixels of her hand-labelled hair; a new top
    rose into her hair there as a block)."""
    truth, parsing = _parsed("p18_woman_fullbody_face_cropped_sequin_dress")
    hair = truth.labels == LABEL["hair"]
    as_clothes = np.isin(parsing.labels, [LABEL["upper"], LABEL["lower"]]) & hair
    assert as_clothes.sum() < 120, int(as_clothes.sum())
