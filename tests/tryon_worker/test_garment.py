"""Cutting garments out of product shots: the real ones in ../shared and procedural ones."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from synthetic.garments import KINDS, GarmentArtSpec, render_garment_mask
from tests.support.assets import shared_images_dir
from tests.tryon_worker.helpers import RED, procedural_image
from tryon_worker.garment import (
    GarmentAnalysis,
    analyse_garment,
    garment_landmarks,
    garment_mask,
)
from vision.errors import ImageInputError
from vision.image_decode import decode_image

# Real product shots (garments/README.md), their category, and whether they have sleeves.
REAL = {
    "c01_tshirt_lilac_logo.jpg": ("top", True),
    "c03_longsleeve_top_striped.jpg": ("top", True),  # white stripes run out to the edges
    "c04_polo_shirt_navy_lightblue.jpg": ("top", True),
    "c05_shirt_longsleeve_pink_henley.jpg": ("top", True),  # sleeves hang below the hem
    "c06_shirt_shortsleeve_printed.jpg": ("top", True),
    "c07_trousers_jeans_ripped.jpg": ("bottom", None),  # holes show the backdrop
    "c08_trousers_beige_chino.jpg": ("bottom", None),  # beige on white
    "c10_trousers_patterned_wide.jpg": ("bottom", None),
    "c11_dress_blue_floral.jpg": ("dress", True),
    "c13_dress_green_gown.jpg": ("dress", None),  # tulle, tiny cap sleeves
    "c14_cardigan_gray_knit.jpg": ("outerwear", True),  # sleeves lie against the body
    "c15_dress_knit_cream_polo.jpg": ("dress", True),
    "c16_jersey_top_brown_95.jpg": ("top", True),  # white panels on white
    "c17_tshirt_black_stussy_gray_bg.jpg": ("top", True),  # grey backdrop
}

SLEEVED = {"t-shirt", "long-sleeve", "shirt", "jacket", "coat"}
SLEEVELESS = {"tank-top", "a-line-dress", "maxi-dress"}  # the shift dress has cap sleeves


@pytest.fixture(scope="module")
def real(shared_images_root: Path) -> dict[str, GarmentAnalysis]:
    analyses = {}
    for name, (category, _) in REAL.items():
        image = decode_image((shared_images_root / name).read_bytes(), role="garment")
        analyses[name] = analyse_garment(image, category=category)
    return analyses


@pytest.fixture(scope="module")
def shared_images_root() -> Path:
    # Module-scoped twin of the shared_images fixture (which is per test).
    return shared_images_dir("garments")


def test_every_real_product_shot_is_listed(shared_images: Path) -> None:
    found = sorted(p.name for p in (shared_images / "garments").glob("*.jpg"))
    assert found == sorted(REAL), "garments/ changed: add the new shots here"


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_product_shots_are_cut_out(real: dict[str, GarmentAnalysis], name: str) -> None:
    analysis = real[name]
    category, sleeves = REAL[name]
    mask = analysis.mask
    assert analysis.category == category
    assert analysis.rgba.shape[:2] == mask.shape and analysis.rgba.shape[2] == 4
    assert max(mask.shape) <= 1024
    assert 0.15 < mask.mean() < 0.75, "a garment fills a plausible share of a product shot"
    assert (analysis.rgba[..., 3][~mask] == 0).all(), "nothing outside the garment is opaque"
    # One garment, in one piece, away from the corners (the backdrop).
    count, _ = cv2.connectedComponents(mask.astype(np.uint8))
    assert count == 2
    assert not mask[:10, :10].any() and not mask[:10, -10:].any()
    marks = analysis.landmarks
    for point in marks.values():
        assert 0 <= point[0] < mask.shape[1] and 0 <= point[1] < mask.shape[0]
    if category == "bottom":
        assert analysis.has_legs
        assert set(analysis.parts) == {"left_leg", "right_leg"}
        # The wearer's left is on the right of a front view.
        assert marks["left_waist"][0] > marks["crotch"][0] > marks["right_waist"][0]
        assert marks["left_hem"][0] > marks["right_hem"][0]
        assert marks["left_waist"][1] < marks["crotch"][1] < marks["left_hem"][1]
        return
    assert marks["left_shoulder"][0] > marks["neck"][0] > marks["right_shoulder"][0]
    for side in ("left", "right"):
        # A gown's back may be cut below the armpits: its neck is above the hem only.
        assert marks["neck"][1] < marks[f"{side}_hem"][1]
        assert marks[f"{side}_shoulder"][1] < marks[f"{side}_armpit"][1] < marks[f"{side}_hem"][1]
    if category == "dress":
        assert marks["left_armpit"][1] < marks["left_waist"][1] < marks["left_hem"][1]
    if sleeves:
        assert {"left_sleeve", "right_sleeve"} <= set(analysis.parts)
        # Sleeves end outside the armpits, on their own side.
        assert marks["left_sleeve_end"][0] > marks["left_armpit"][0] - 0.05 * mask.shape[1]
        assert marks["right_sleeve_end"][0] < marks["right_armpit"][0] + 0.05 * mask.shape[1]
    torso = analysis.parts["torso"]
    assert torso.sum() > 0.4 * mask.sum()
    assert not (torso & analysis.parts.get("left_sleeve", np.zeros_like(mask))).any()


def test_white_stripes_and_white_panels_stay_in_the_garment(
    real: dict[str, GarmentAnalysis],
) -> None:
    # The striped top's body is one solid piece: no backdrop-coloured stripe holes.
    striped = real["c03_longsleeve_top_striped.jpg"]
    x0, x1 = int(striped.landmarks["right_armpit"][0]), int(striped.landmarks["left_armpit"][0])
    y0, y1 = int(striped.landmarks["left_armpit"][1]), int(striped.landmarks["left_hem"][1])
    assert striped.mask[y0:y1, x0 + 10 : x1 - 10].mean() > 0.98
    # The jersey's white shoulder panels are inside the silhouette, up to its shoulders.
    jersey = real["c16_jersey_top_brown_95.jpg"]
    for side in ("left", "right"):
        x, y = jersey.landmarks[f"{side}_shoulder"]
        assert jersey.mask[int(y) + 8, int(x)]


def _shot_at_work_size(root: Path, name: str, analysis: GarmentAnalysis) -> np.ndarray:
    """The product shot itself, at its analysis's size."""
    source = decode_image((root / name).read_bytes(), role="garment")
    return cv2.resize(source, analysis.mask.shape[::-1], interpolation=cv2.INTER_AREA)


def _pale_near_armpits(analysis: GarmentAnalysis, source: np.ndarray | None = None) -> int:
    """Backdrop-pale pixels shown (alpha > half) just above and below each armpit."""
    rgb = (analysis.rgba[..., :3] if source is None else source).astype(int)
    pale = (rgb.min(axis=2) > 225) & (np.ptp(rgb, axis=2) < 20) & (analysis.rgba[..., 3] > 127)
    side = max(pale.shape)
    count = 0
    for name in ("left_armpit", "right_armpit"):
        x, y = (round(v) for v in analysis.landmarks[name])
        reach, half = round(0.1 * side), round(0.03 * side)
        count += int(pale[max(0, y - reach) : y + reach, max(0, x - half) : x + half].sum())
    return count


@pytest.mark.parametrize(
    "name",
    [
        "c01_tshirt_lilac_logo.jpg",
        "c04_polo_shirt_navy_lightblue.jpg",
        "c05_shirt_longsleeve_pink_henley.jpg",
    ],
)
def test_the_backdrop_between_sleeve_and_body_is_not_shown(
    real: dict[str, GarmentAnalysis], shared_images_root: Path, name: str
) -> None:
    # A ghost mannequin's sleeve parts from the body just above the armpit: a thin slit of
    # backdrop the mask takes in. Warped, it was a white wedge where sleeve and body meet.
    analysis = real[name]
    source = _shot_at_work_size(shared_images_root, name, analysis)
    assert _pale_near_armpits(analysis, source) > 20  # the slit is there in the shot
    assert _pale_near_armpits(analysis) == 0


@pytest.mark.parametrize(
    ("category", "kind"),
    [("top", "shirt"), ("top", "long-sleeve"), ("outerwear", "jacket"), ("outerwear", "coat")],
)
def test_the_demo_catalogues_sleeve_gaps_are_cloth(category: str, kind: str) -> None:
    """The demo catalogue's sleeves hang beside the body with a pale shadow between them,
    which the mask takes in: every pixel of it was shown, a white sliver down each side of
    the shopper's body. Most now take the colour of the cloth beside them."""
    colour = (112, 28, 44)
    image = procedural_image(category, kind, colour)
    analysis = analyse_garment(image, category=category)
    truth = np.asarray(render_garment_mask(GarmentArtSpec(category, kind, colour, "solid"))) > 127
    shot = image.astype(int)
    gap = (analysis.rgba[..., 3] > 127) & ~truth
    gap &= (shot.min(axis=2) > 150) & (np.ptp(shot, axis=2) < 20)  # backdrop and its shadow
    assert gap.sum() > 1000
    rgb = analysis.rgba[..., :3].astype(int)
    pale = gap & (rgb.min(axis=2) > 150) & (np.ptp(rgb, axis=2) < 20)
    assert pale.sum() < 0.2 * gap.sum(), (int(pale.sum()), int(gap.sum()))


@pytest.mark.parametrize(
    ("category", "kind", "pattern"),
    [
        ("top", "shirt", "solid"),
        ("top", "long-sleeve", "stripes"),
        ("outerwear", "jacket", "solid"),
        ("outerwear", "coat", "dots"),
    ],
)
def test_a_flat_lays_armpits_are_where_its_sleeves_part_from_the_body(
    category: str, kind: str, pattern: str
) -> None:
    """The shaded gap between a hanging sleeve and the body narrows up to the armpit; the
    mask takes its grey in, and the pocket it leaves open starts far lower. Marked there,
    the sleeves were joined to the body a hand's width too low: worn short, with a grey
    stripe down the wearer's sides."""
    colour = (112, 28, 44)
    image = procedural_image(category, kind, colour, pattern)
    analysis = analyse_garment(image, category=category)
    accent = (245, 245, 240) if pattern in ("stripes", "dots") else None
    spec = GarmentArtSpec(category, kind, colour, pattern, accent=accent)
    truth = np.asarray(render_garment_mask(spec)) > 127
    true_marks, _ = garment_landmarks(truth, category=category)
    ys = np.nonzero(truth.any(axis=1))[0]
    height = ys.max() - ys.min() + 1
    for side in ("left", "right"):
        found, true = analysis.landmarks[f"{side}_armpit"], true_marks[f"{side}_armpit"]
        assert abs(found[1] - true[1]) < 0.04 * height, (side, found, true)


def test_white_stripes_at_the_armpits_keep_their_colour(
    real: dict[str, GarmentAnalysis], shared_images_root: Path
) -> None:
    name = "c03_longsleeve_top_striped.jpg"
    analysis = real[name]
    source = _shot_at_work_size(shared_images_root, name, analysis)
    assert _pale_near_armpits(analysis) > 0.9 * _pale_near_armpits(analysis, source)


# Every kind once, alternately solid red and ecru with white stripes: ecru on the near-white
# backdrop is the demo catalogue's low-contrast case, white stripes its hardest pattern.
PROCEDURAL = [
    (category, kind, (RED, "solid") if index % 2 else ((226, 214, 190), "stripes"))
    for index, (category, kind) in enumerate((c, k) for c, kinds in KINDS.items() for k in kinds)
]


@pytest.mark.parametrize(("category", "kind", "look"), PROCEDURAL)
def test_procedural_garments_match_their_true_silhouettes(
    category: str, kind: str, look: tuple[tuple[int, int, int], str]
) -> None:
    colour, pattern = look
    image = procedural_image(category, kind, colour, pattern)
    analysis = analyse_garment(image, category=category)
    accent = (245, 245, 240) if pattern == "stripes" else None
    spec = GarmentArtSpec(category, kind, colour, pattern, accent=accent)
    truth = np.asarray(render_garment_mask(spec)) > 127
    iou = (analysis.mask & truth).sum() / (analysis.mask | truth).sum()
    assert iou > 0.88, iou
    if category == "bottom":
        assert analysis.has_legs == (kind != "skirt")
        return
    assert analysis.landmarks["left_shoulder"][0] > analysis.landmarks["right_shoulder"][0]
    if kind in SLEEVED:
        assert {"left_sleeve", "right_sleeve"} <= set(analysis.parts)
    elif kind in SLEEVELESS:
        assert not {"left_sleeve", "right_sleeve"} & set(analysis.parts)


@pytest.mark.parametrize("kind", ["shorts", "trousers"])
def test_a_legs_hem_mark_is_the_middle_of_its_opening(kind: str) -> None:
    """The demo shorts' hems are cut lower on the inside: only the inner corner reached the
    lowest rows, and the mark taken there sat a quarter of the leg's width off its middle,
    so the leg was warped along a slanted axis and its print sheared into streaks."""
    analysis = analyse_garment(procedural_image("bottom", kind, RED), category="bottom")
    for side in ("left", "right"):
        leg = analysis.parts[f"{side}_leg"]
        rows = np.nonzero(leg.any(axis=1))[0]
        hem_rows = leg[rows.max() - int(0.1 * (rows.max() - rows.min())) :]
        columns = np.nonzero(hem_rows.any(axis=0))[0]
        middle, width = (columns.min() + columns.max()) / 2, columns.max() - columns.min()
        assert abs(analysis.landmarks[f"{side}_hem"][0] - middle) < 0.08 * width, side


def test_a_hem_just_above_the_shots_edge_stands_on_no_backdrop() -> None:
    """The knit dress's scalloped hem ends a few pixels above its shot's bottom edge: the
    closings took the outside for garment and grew a white band of backdrop below it, which
    every try-on wore under the hem."""
    height, width = 800, 600
    image = np.full((height, width, 3), 247, dtype=np.uint8)
    xs = np.arange(width)
    hem = height - 6 - np.round(16 * np.abs(np.sin(xs * np.pi / 40))).astype(int)
    ys = np.arange(height)[:, None]
    dress = (ys > 120) & (ys <= hem[None, :]) & (xs[None, :] > 140) & (xs[None, :] < 460)
    image[dress] = RED
    below = (ys > hem[None, :] + 4) & (xs[None, :] > 140) & (xs[None, :] < 460)
    assert garment_mask(image)[below].sum() < 50


def test_real_product_shots_stand_on_no_backdrop(real: dict[str, GarmentAnalysis]) -> None:
    dress = real["c15_dress_knit_cream_polo.jpg"]
    rows = np.nonzero(dress.mask.any(axis=1))[0]
    # Its scallops end ~1% of the shot's height above the edge; the band reached the edge.
    assert rows.max() < dress.mask.shape[0] - 2


def test_the_cut_out_has_no_pale_fringe() -> None:
    analysis = analyse_garment(procedural_image("top", "t-shirt", RED), category="top")
    rgb = analysis.rgba[..., :3].astype(int)
    visible = analysis.rgba[..., 3] > 25
    reddish = (rgb[..., 0] > 120) & (rgb[..., 0] > 2 * rgb[..., 1])
    # The collar's inside and the label are not red; everything else that shows is.
    assert reddish[visible].mean() > 0.97


def test_no_garment_is_refused() -> None:
    blank = np.full((800, 600, 3), 247, dtype=np.uint8)
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, size=(800, 600, 3), dtype=np.uint8)
    full = np.full((800, 600, 3), 247, dtype=np.uint8)
    full[12:-12, 12:-12] = RED  # fabric right up to a thin frame of backdrop
    for image, reason in ((blank, "empty"), (noise, "busy_backdrop"), (full, "whole_image")):
        with pytest.raises(ImageInputError) as caught:
            garment_mask(image)
        assert caught.value.code == "garment_not_found"
        assert caught.value.details["reason"] == reason
        assert "garment" in caught.value.message


def test_unknown_category_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown garment category 'hat'"):
        analyse_garment(procedural_image("top", "t-shirt", RED), category="hat")


def test_armpits_and_shoulders_follow_the_sleeves(real: dict[str, GarmentAnalysis]) -> None:
    height = {name: np.ptp(np.nonzero(a.mask.any(axis=1))[0]) for name, a in real.items()}
    # The flared knit dress: its armpits are under the short sleeves, not at its waist.
    knit = real["c15_dress_knit_cream_polo.jpg"]
    top = np.nonzero(knit.mask.any(axis=1))[0][0]
    for side in ("left", "right"):
        assert (
            knit.landmarks[f"{side}_armpit"][1] - top
            < 0.3 * height["c15_dress_knit_cream_polo.jpg"]
        )
    # The cardigan's sleeves lie against its body: they are still found, outside the armpits.
    cardigan = real["c14_cardigan_gray_knit.jpg"]
    marks = cardigan.landmarks
    assert {"left_sleeve", "right_sleeve"} <= set(cardigan.parts)
    assert marks["right_armpit"][0] < marks["neck"][0] < marks["left_armpit"][0]
    assert marks["left_sleeve_end"][0] > marks["left_armpit"][0]
    # The puffed sleeves of the floral dress are both sleeves, on their own sides.
    floral = real["c11_dress_blue_floral.jpg"]
    assert {"left_sleeve", "right_sleeve"} <= set(floral.parts)


def test_the_inside_of_the_back_is_cut_out_of_the_torso(
    real: dict[str, GarmentAnalysis],
) -> None:
    # Through the striped top's neckline the inside of its back shows: not part of the
    # torso any more, while the front just under the neckline is.
    striped = real["c03_longsleeve_top_striped.jpg"]
    cx, neck_y = (round(v) for v in striped.landmarks["neck"])
    front_y = round(striped.landmarks["neck_front"][1])
    assert front_y > neck_y + 10
    inside = slice(neck_y + 3, front_y - 3)
    assert striped.mask[inside, cx].all()
    assert not striped.parts["torso"][inside, cx].any()
    assert striped.parts["torso"][front_y + 15 : front_y + 40, cx].all()
    # Nothing shows behind the floral dress's gathered neckline: nothing is cut.
    floral = real["c11_dress_blue_floral.jpg"]
    assert "neck_front" not in floral.landmarks
    cx, neck_y = (round(v) for v in floral.landmarks["neck"])
    top = (slice(0, neck_y + 40), slice(cx - 40, cx + 41))
    assert (floral.parts["torso"] | ~floral.mask)[top].all()


def test_a_polos_collar_loses_its_inside_behind_a_light_yoke(
    real: dict[str, GarmentAnalysis],
) -> None:
    # c04's navy body lies under a light-blue yoke: judged against the navy chest the
    # collar's navy inside was not darker than the front, and stayed part of the torso
    # (worn, the neck kept in front of it bit a round hole through the collar's wings).
    polo = real["c04_polo_shirt_navy_lightblue.jpg"]
    assert "neck_front" in polo.landmarks
    cx, neck_y = (round(v) for v in polo.landmarks["neck"])
    front_y = round(polo.landmarks["neck_front"][1])
    assert neck_y + 30 < front_y < neck_y + 0.3 * polo.mask.shape[0]
    assert not polo.parts["torso"][neck_y + 3 : front_y - 3, cx].any()
    assert polo.parts["torso"][front_y + 15 : front_y + 40, cx].all()


@pytest.mark.parametrize("kind", ["t-shirt", "tank-top", "a-line-dress"])
def test_procedural_necklines_lose_their_inside(kind: str) -> None:
    category = "dress" if kind.endswith("dress") else "top"
    analysis = analyse_garment(procedural_image(category, kind, RED), category=category)
    cx, neck_y = (round(v) for v in analysis.landmarks["neck"])
    assert "neck_front" in analysis.landmarks
    front_y = round(analysis.landmarks["neck_front"][1])
    # The label sits on the inside of the back, just under the back neck: cut away.
    assert not analysis.parts["torso"][neck_y + 2 : front_y - 4, cx].any()


@pytest.mark.parametrize(
    ("category", "kind", "colour"),
    [("top", "tank-top", (22, 22, 24)), ("dress", "a-line-dress", (28, 40, 88))],
)
def test_a_dark_prints_inside_is_cut(category: str, kind: str, colour: tuple) -> None:
    """White dots on black or navy: the inside is no darker at its median (the ground's),
    only its dots are greyer. The demo's polka-dot tank top and dress kept their inside
    and label, worn as a bib under the chin."""
    analysis = analyse_garment(procedural_image(category, kind, colour, "dots"), category=category)
    assert "neck_front" in analysis.landmarks
    cx, neck_y = (round(v) for v in analysis.landmarks["neck"])
    front_y = round(analysis.landmarks["neck_front"][1])
    assert front_y > neck_y + 30
    assert not analysis.parts["torso"][neck_y + 2 : front_y - 4, cx].any()


def test_a_checks_dark_top_row_is_not_taken_for_its_inside() -> None:
    """The demo's yellow-and-black shift dress: its checks' dark top row along the shoulders
    was taken for the inside, and cut away from shoulder to shoulder: worn, the dress had a
    flat top edge and its label showed."""
    image = procedural_image("dress", "shift-dress", (222, 170, 40), "checks")
    analysis = analyse_garment(image, category="dress")
    cx, neck_y = (round(v) for v in analysis.landmarks["neck"])
    torso, mask = analysis.parts["torso"], analysis.mask
    tops = np.argmax(mask, axis=0)
    # Beside the neck the shoulders' top rows are the front's.
    for x in (cx - 110, cx + 110):
        assert torso[tops[x] + 3 : tops[x] + 20, x].all(), x
    # And the inside under the back neck is cut.
    assert not torso[neck_y + 2 : neck_y + 20, cx].any()


@pytest.mark.parametrize("pattern", ["stripes", "checks"])
def test_a_sundresss_straps_stay_when_its_inside_is_cut(pattern: str) -> None:
    # The demo catalogue's maxi dress shows its inside between its straps; the neckline
    # curve hangs from the straps' tops and took them with the inside: worn, strapless.
    analysis = analyse_garment(
        procedural_image("dress", "maxi-dress", (200, 40, 40), pattern), category="dress"
    )
    assert "neck_front" in analysis.landmarks
    mask, torso = analysis.mask, analysis.parts["torso"]
    tops = np.where(mask.any(axis=0), np.argmax(mask, axis=0), mask.shape[0])
    cx = round(analysis.landmarks["neck"][0])
    straps = np.nonzero(tops < tops[cx] - 20)[0]
    assert len(straps) > 20
    for x in straps:
        assert torso[tops[x] + 2 : tops[x] + 12, x].all(), x


def test_a_black_tees_inside_is_cut_at_a_crew_necks_depth(
    real: dict[str, GarmentAnalysis],
) -> None:
    # c17's inside is as black as its front, so nothing darker marks it: its label was
    # pasted on the wearer's throat. The back of the neck is in view (the outline runs
    # across the neck at its corners' height), so a crew neck's front is assumed.
    tee = real["c17_tshirt_black_stussy_gray_bg.jpg"]
    assert "neck_front" in tee.landmarks
    cx, neck_y = (round(v) for v in tee.landmarks["neck"])
    front_y = round(tee.landmarks["neck_front"][1])
    chest = abs(tee.landmarks["left_armpit"][0] - tee.landmarks["right_armpit"][0])
    near = (slice(neck_y, front_y), slice(round(cx - 0.1 * chest), round(cx + 0.1 * chest)))
    pale = (tee.rgba[..., :3].max(axis=2) > 120) & tee.mask
    assert pale[near].sum() > 200  # the label (and the thread of its tag, which hangs lower)
    assert (pale & tee.parts["torso"])[near].sum() < 0.02 * pale[near].sum()
    # The front below the neckline (the collar's front rib, the chest) stays.
    assert tee.parts["torso"][front_y + 5 : front_y + 60, cx].all()


def test_a_dark_collar_rib_stays_on_the_front(real: dict[str, GarmentAnalysis]) -> None:
    # c01's front rib is dark purple, darker than the lilac front, so the neckline search
    # took it for the inside and worn, the tee had no collar; its inside is darker still.
    tee = real["c01_tshirt_lilac_logo.jpg"]
    cx = round(tee.landmarks["neck"][0])
    front_y = round(tee.landmarks["neck_front"][1])
    chest = abs(tee.landmarks["left_armpit"][0] - tee.landmarks["right_armpit"][0])
    lightness = tee.rgba[..., :3].astype(float).mean(axis=2)
    rib = slice(round(front_y - 0.03 * chest), front_y)
    inside = round(front_y - 0.08 * chest)
    assert tee.parts["torso"][rib, cx].all()
    assert not tee.parts["torso"][inside, cx]
    assert lightness[inside, cx] + 15 < lightness[rib, cx].mean() < lightness[front_y + 20, cx] - 15


def test_a_cardigans_inside_is_cut_down_its_open_front(real: dict[str, GarmentAnalysis]) -> None:
    # c14's inside back is the grey of its front: worn over a top it showed as a grey bib
    # with the label on it, between the green bands. The stretch fenced in by the bands
    # under the back neck is its inside; a crew neck is not assumed for an open front.
    cardigan = real["c14_cardigan_gray_knit.jpg"]
    marks = cardigan.landmarks
    chest = abs(marks["left_armpit"][0] - marks["right_armpit"][0])
    cx, neck_y = (round(v) for v in marks["neck"])
    front_y = round(marks["neck_front"][1])
    assert neck_y + 0.5 * chest < front_y < neck_y + 1.0 * chest
    torso, rgb = cardigan.parts["torso"], cardigan.rgba[..., :3].astype(int)
    # The label (white, just under the back neck) and the grey around it are cut.
    label = (rgb.min(axis=2) > 200) & cardigan.mask
    label[round(neck_y + 0.25 * chest) :] = False
    label[:, : round(cx - 0.15 * chest)] = label[:, round(cx + 0.15 * chest) :] = False
    assert label.sum() > 300
    assert not (torso & label).any()
    assert not torso[round(neck_y + 0.3 * chest), cx - 5 : cx + 6].any()
    # The green bands beside it and the grey front outside them stay.
    green = (rgb[..., 1] > rgb[..., 0] + 15) & cardigan.mask
    row = round(neck_y + 0.3 * chest)
    assert (torso & green)[row].sum() >= 0.9 * green[row].sum() > 0
    assert torso[row, round(cx - 0.4 * chest)] and torso[row, round(cx + 0.4 * chest)]


def test_a_black_jackets_lining_is_cut_down_its_open_front() -> None:
    # The demo catalogue's black jacket: its lining is only a little darker at its top, so
    # the darkness search cut just that and worn, the lining and its label filled the V.
    jacket = analyse_garment(
        procedural_image("outerwear", "jacket", (40, 40, 40)), category="outerwear"
    )
    torso, rgb = jacket.parts["torso"], jacket.rgba[..., :3].astype(int)
    cx, neck_y = (round(v) for v in jacket.landmarks["neck"])
    label = (rgb.min(axis=2) > 200) & jacket.mask
    label[:, : cx - 40] = label[:, cx + 40 :] = False
    label[neck_y + 80 :] = False
    assert label.sum() > 50
    assert not (torso & label).any()
    front_y = round(jacket.landmarks["neck_front"][1])
    assert front_y > neck_y + 150
    assert not torso[neck_y + 100, cx - 3 : cx + 4].any()


@pytest.mark.parametrize("colour", [(28, 28, 30), (120, 120, 124)])
def test_a_black_or_grey_garment_keeps_its_edges(colour: tuple[int, int, int]) -> None:
    """A black or grey garment has the backdrop's (lack of) hue and is darker: the whole
    band along its edge passed for the backdrop's shadow and was cut away, leaving a comb of
    bars down its sides that every try-on wore as ragged sleeves and shoulders."""
    image = procedural_image("top", "t-shirt", colour)
    analysis = analyse_garment(image, category="top")
    spec = GarmentArtSpec("top", "t-shirt", colour, "solid")
    truth = np.asarray(render_garment_mask(spec)) > 127
    inner = cv2.erode(truth.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    covered = analysis.rgba[..., 3] > 127
    assert covered[inner].mean() > 0.995, covered[inner].mean()


def test_a_black_tee_on_a_grey_backdrop_keeps_its_edges(
    real: dict[str, GarmentAnalysis],
) -> None:
    tee = real["c17_tshirt_black_stussy_gray_bg.jpg"]
    # The mask reaches a few pixels past the cloth into its edge's mixed pixels.
    inner = cv2.erode(tee.mask.astype(np.uint8), np.ones((15, 15), np.uint8)) > 0
    covered = tee.rgba[..., 3] > 127
    assert covered[inner].mean() > 0.995, covered[inner].mean()


@pytest.mark.parametrize("colour", [RED, (140, 170, 140)])
def test_a_v_necks_inside_between_straps_is_cut_whole(colour: tuple[int, int, int]) -> None:
    """The demo's maxi dresses: a V neckline between thin straps, the inside of the back in
    shade above it. The neckline was sought from the straps' tops, too high for a V: a
    U-shaped cut left two dark wedges of the inside beside every wearer's chest."""
    image = procedural_image("dress", "maxi-dress", colour)
    analysis = analyse_garment(image, category="dress")
    cx, neck_y = (round(v) for v in analysis.landmarks["neck"])
    front_y = round(analysis.landmarks["neck_front"][1])
    lightness = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    front = np.median(lightness[front_y + 40 : front_y + 80, cx - 20 : cx + 20])
    # Between the straps (the bust's seams beside them are darker too).
    band = np.zeros(image.shape[:2], dtype=bool)
    band[neck_y : front_y + 1, cx - 50 : cx + 51] = True
    inside = band & analysis.mask & (lightness < front - 15)
    assert inside.sum() > 500, "the shot shows its inside"
    # Not the V's own seam and stitches along its edge: thin lines.
    kept = (inside & analysis.parts["torso"]).astype(np.uint8)
    kept = cv2.morphologyEx(kept, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)) > 0
    assert kept.sum() < 0.01 * inside.sum(), (kept.sum(), inside.sum())


def test_the_shadow_in_an_armpit_wears_the_garments_colour() -> None:
    """The demo's short sleeves cast a pale grey wedge into each armpit, wide at the foot
    of the pocket under the sleeve and narrowing up into it. The segmentation closes it
    into the garment, and the search for a slit between sleeve and body stopped at its wide
    rows: every try-on showed a light triangle at both armpits (about 550 px each side of a
    600x800 shot). Worn, the garment is closed there, in its own colours."""
    image = procedural_image("top", "t-shirt", (30, 45, 85))
    analysis = analyse_garment(image, category="top")
    lab = cv2.cvtColor(analysis.rgba[..., :3], cv2.COLOR_RGB2LAB).astype(np.int16)
    grey = (lab[..., 0] > 120) & (np.abs(lab[..., 1:] - 128).max(axis=-1) < 6)
    shown = grey & (analysis.rgba[..., 3] > 127)
    for side in ("left", "right"):
        x, y = (round(v) for v in analysis.landmarks[f"{side}_armpit"])
        near = shown[max(0, y - 60) : y + 20, max(0, x - 40) : x + 41]
        assert near.sum() < 40, (side, int(near.sum()))


@pytest.mark.parametrize("kind", ["shorts", "trousers"])
@pytest.mark.parametrize("pattern", ["solid", "stripes"])
def test_the_crotch_is_where_the_legs_part(kind: str, pattern: str) -> None:
    """The gap between the demo's legs narrows to a point up into the crotch, in the legs'
    shadow: the segmentation closed its tip, the crotch landmark stopped at the tip's foot
    (29 to 42 px low on a 600x800 shot) and the tip, opaque grey, was worn as a light
    teardrop over the fly. The crotch is the tip's top (the generator's own silhouette
    says where), and the cut-out covers none of the gap, whether the cloth is navy or navy
    and white stripes (whose white rows run across the tip)."""
    image = procedural_image("bottom", kind, (30, 45, 85), pattern)
    analysis = analyse_garment(image, category="bottom")
    accent = (245, 245, 240) if pattern == "stripes" else None
    spec = GarmentArtSpec("bottom", kind, (30, 45, 85), pattern, accent=accent)
    truth = np.asarray(render_garment_mask(spec)) > 127
    x, y = (round(v) for v in analysis.landmarks["crotch"])
    column = truth[:, x - 2 : x + 3].all(axis=1)
    tip = np.nonzero(column)[0]
    tip = tip[tip < 0.9 * len(column)].max()  # the centre column's last cloth row
    assert abs(y - tip) <= 4, (y, tip)
    gap = ~truth[tip - 20 : tip + 60, x - 20 : x + 21]
    covered = analysis.rgba[tip - 20 : tip + 60, x - 20 : x + 21, 3] > 127
    assert (gap & covered).sum() < 30


@pytest.mark.parametrize(
    ("category", "kind"),
    [("top", "shirt"), ("top", "long-sleeve"), ("outerwear", "jacket"), ("outerwear", "coat")],
)
def test_no_backdrop_is_left_at_the_top_of_the_gap_under_a_hanging_sleeve(
    category: str, kind: str
) -> None:
    """The gap under a flat lay's hanging sleeve opens narrower than the grey shade around
    its top; the shade beside the opening was kept as cloth, in its pale colour, and worn
    as a pale tick on the sleeve (a grey heart on each demo shirt's sleeves): 16 and 17
    such pixels on the shirt and the coat, none now."""
    image = procedural_image(category, kind, (112, 28, 44))
    analysis = analyse_garment(image, category=category)
    opaque = analysis.rgba[..., 3] > 128
    near_gap = cv2.dilate((~opaque).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    armpits = [analysis.landmarks[f"{side}_armpit"] for side in ("left", "right")]
    rows, columns = np.indices(opaque.shape)
    beside = np.zeros(opaque.shape, dtype=bool)  # below the armpits, not the front's opening
    for x, y in armpits:
        beside |= (rows > y) & (np.abs(columns - x) < 0.05 * opaque.shape[1])
    pale = analysis.rgba[..., :3].astype(int).min(axis=2) > 150  # the cloth is dark red
    assert (opaque & near_gap & beside & pale).sum() < 3
