"""A shopper's body shape: proportions, an explainable class and a small vector.

Proportions come from two sources, merged measurement by measurement:

* declared measurements (centimetres, as the storefront sends them: ``chest_cm``, ``waist_cm``,
  ``hips_cm``, ``height_cm``, ``inseam_cm``) always win;
* a photo fills in the rest: MediaPipe Pose (``vision.pose``) places the shoulder, bust,
  waist and hip levels on the person's segmentation silhouette, and the silhouette's widths at
  those levels give the proportions. A photo shows widths, not girths, so widths are turned
  into girth ratios with typical depth-to-width ratios of each level (see ``_GIRTH_PER_WIDTH``);
  a photo estimate is rough, and the explanation says where each figure came from.

The class follows the usual dressmaking rules on bust, waist and hip girths (plus the
shoulder-to-hip width when a photo shows it):

* ``oval``: the waist is about as wide as the bust or hips (the middle is the widest part);
* ``hourglass``: bust and hips balanced, waist clearly narrower;
* ``triangle``: hips wider than the bust (or than the shoulders, in a photo);
* ``inverted triangle``: bust or shoulders wider than the hips;
* ``rectangle``: bust, waist and hips close together.
"""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from vision.body_frame import TorsoFrame
from vision.errors import ImageInputError
from vision.pose import LM, PersonAnalysis, analyse_person

logger = logging.getLogger(__name__)

SHAPES = ("hourglass", "triangle", "inverted triangle", "rectangle", "oval")
Source = Literal["declared", "photo", "declared and photo"]

#: Bust and hips within this share of each other count as balanced.
BALANCED_SHARE = 0.05
#: A waist at most this share of the larger of bust and hips counts as clearly defined.
DEFINED_WAIST = 0.75
#: A waist at least this share of the larger of bust and hips makes the middle the widest part.
OVAL_WAIST = 0.95
#: Silhouette shoulder width over hip width: typical frames measure 1.05-1.25 (deltoids
#: included); above this the shoulders dominate, below ``NARROW_SHOULDERS`` the hips do.
BROAD_SHOULDERS = 1.35
NARROW_SHOULDERS = 1.0

# Girth per frontal width at each level, roughly, from adult anthropometric survey averages
# (chest, waist and hip circumference over the matching breadth): the chest is deep for its
# width, so a frontal photo understates the bust most. Only ratios between levels matter for
# the class; girths in cm also need the shopper's height.
_GIRTH_PER_WIDTH = {"bust": 3.2, "waist": 2.8, "hips": 2.9}
#: Where a hanging arm covers the torso's side, the torso's edge is taken this share of the
#: shoulder-joint span inside the arm's centre line (an upper arm is ~0.25 spans thick).
ARM_CUT = 0.04

# Population means and spreads of the vector's ratios (adult women and men pooled, rounded);
# the vector is in these units so that no single ratio dominates a distance.
_RATIO_MEANS = {
    "shoulder_to_hip": 1.15,
    "bust_to_hip": 0.97,
    "waist_to_hip": 0.8,
    "waist_to_bust": 0.83,
    "leg_to_height": 0.46,
}
_RATIO_SPREADS = {
    "shoulder_to_hip": 0.1,
    "bust_to_hip": 0.07,
    "waist_to_hip": 0.08,
    "waist_to_bust": 0.08,
    "leg_to_height": 0.03,
}
VECTOR_FIELDS = (*_RATIO_MEANS, *(f"is_{shape.replace(' ', '_')}" for shape in SHAPES))
BODY_VECTOR_DIM = len(VECTOR_FIELDS)

DECLARED_KEYS = ("chest_cm", "waist_cm", "hips_cm", "height_cm", "inseam_cm")


class BodyPhotoError(ValueError):
    """A photo we cannot estimate a body shape from: a stable code and a sentence for shoppers."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class EstimatedBody:
    """What a photo tells about a body: girth-equivalent ratios and, with a height, girths.

    Ratios are None where the photo did not show the part (legs in a waist-up photo).
    ``widths_px`` keeps the raw silhouette widths for logs and tests.
    """

    shoulder_to_hip: float | None
    bust_to_hip: float | None
    waist_to_hip: float | None
    leg_to_height: float | None
    widths_px: dict[str, float] = field(default_factory=dict)
    full_length: bool = False
    stature_px: float | None = None

    def girths_cm(self, height_cm: float | None) -> dict[str, float]:
        """Bust, waist and hip girths in cm, when the shopper's height scales the photo.

        Only for a head-to-ankle photo: otherwise nothing in it has a known size.
        """
        if not height_cm or not self.full_length or not self.stature_px:
            return {}
        cm_per_px = height_cm / self.stature_px
        return {
            f"{'chest' if level == 'bust' else level}_cm": round(
                self.widths_px[level] * cm_per_px * _GIRTH_PER_WIDTH[level], 1
            )
            for level in ("bust", "waist", "hips")
            if level in self.widths_px
        }


@dataclass(frozen=True)
class BodyShape:
    """An explainable body-shape class with the proportions and vector behind it."""

    shape: str  # one of SHAPES
    reason: str  # a sentence for the shopper
    ratios: dict[str, float]
    source: Source
    vector: np.ndarray  # (BODY_VECTOR_DIM,) float32

    def label(self) -> str:
        """The class as shown to shoppers ("an hourglass shape")."""
        return shape_label(self.shape)


def shape_label(shape: str) -> str:
    """A body-shape class in a sentence: "an hourglass shape", "a triangle shape"."""
    article = "an" if shape in ("hourglass", "inverted triangle", "oval") else "a"  # silent h
    return f"{article} {shape} shape"


# --- from a photo -------------------------------------------------------------------------

_PHOTO_MESSAGES = {
    "no_person": "We couldn't find a person in your photo, so we could not estimate your body "
    "shape from it.",
    "several_people": "Your photo shows several people, so we could not tell which one is you.",
    "person_too_small": "You appear too small in your photo to estimate your body shape.",
    "face_only": "Your photo shows only your face, so we could not estimate your body shape "
    "from it.",
    "body_part_not_visible": "Your photo does not show you from the shoulders to the hips, "
    "facing the camera, so we could not estimate your body shape from it.",
    "unreadable_image": "We couldn't read your photo.",
    "image_too_large": "Your photo is too large to read.",
}


def body_measurements_from_photo(image: np.ndarray) -> EstimatedBody:
    """Estimate body proportions from an RGB photo of one person, standing, facing the camera.

    Raises BodyPhotoError (code and a sentence for the shopper) when the photo shows no
    person, several people, or not the shoulders to the hips.
    """
    try:
        person = analyse_person(image, category="top")  # shoulders and hips must be visible
    except ImageInputError as exc:
        raise body_photo_error(exc) from exc
    return body_from_analysis(person)


def body_photo_error(exc: ImageInputError) -> BodyPhotoError:
    """Reword a try-on input error for a body-shape estimate (no garment is involved)."""
    return BodyPhotoError(exc.code, _PHOTO_MESSAGES.get(exc.code, exc.message))


def body_from_analysis(person: PersonAnalysis) -> EstimatedBody:
    """Measure silhouette widths at the shoulder, bust, waist and hip levels of an analysis.

    The midpoints and the shoulder span come from the torso frame the renderers use, but
    the levels are image rows (``y = shoulders' y + share * torso's vertical extent``), not
    distances along the body's axis: a width is measured across the picture, so a row is
    what it runs along.
    """
    mask = person.segmentation > 0.5
    lm = person.landmarks.astype(np.float64)
    frame = TorsoFrame.along_spine(
        *(
            lm[LM[name], :2]
            for name in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")
        ),
        min_span=0.0,
    )
    shoulder_mid, hip_mid = frame.smid, frame.hmid
    torso = float(hip_mid[1] - shoulder_mid[1])
    if torso <= 0:
        raise BodyPhotoError("body_part_not_visible", _PHOTO_MESSAGES["body_part_not_visible"])
    joint_span = frame.sw
    arm_cut = ARM_CUT * joint_span
    arms = [_arm_line(lm, side) for side in ("left", "right")]

    def level_width(share: float, *, clip_arms: bool) -> float | None:
        y = shoulder_mid[1] + share * torso
        centre = shoulder_mid[0] + share * (hip_mid[0] - shoulder_mid[0])
        return _run_width(mask, y, centre, arms if clip_arms else [], arm_cut)

    def widest(shares: np.ndarray) -> float | None:
        found = [w for s in shares if (w := level_width(s, clip_arms=True)) is not None]
        return max(found) if found else None

    def narrowest(shares: np.ndarray) -> float | None:
        found = [w for s in shares if (w := level_width(s, clip_arms=True)) is not None]
        return min(found) if found else None

    # Levels as shares of the shoulder-to-hip-joint distance (the hip joints sit a little
    # above the widest part of the hips, which the silhouette shows a little below them).
    shoulders = level_width(0.08, clip_arms=False)
    if shoulders is not None:
        # Hair or a raised arm can widen the run at shoulder height: cap at a generous frame.
        shoulders = min(shoulders, 1.45 * joint_span)
    bust = widest(np.linspace(0.2, 0.38, 5))
    waist = narrowest(np.linspace(0.5, 0.8, 7))
    hips = widest(np.linspace(0.95, 1.2, 6))
    widths = {
        name: value
        for name, value in (("shoulders", shoulders), ("bust", bust), ("waist", waist))
        if value is not None
    }
    if hips is not None:
        widths["hips"] = hips
    height, width = mask.shape
    leg_to_height, stature, full_length = _leg_share(person, lm, height, width, mask)

    def girth_ratio(level: str) -> float | None:
        if level not in widths or "hips" not in widths:
            return None
        return (widths[level] * _GIRTH_PER_WIDTH[level]) / (
            widths["hips"] * _GIRTH_PER_WIDTH["hips"]
        )

    estimate = EstimatedBody(
        shoulder_to_hip=(
            widths["shoulders"] / widths["hips"] if {"shoulders", "hips"} <= widths.keys() else None
        ),
        bust_to_hip=girth_ratio("bust"),
        waist_to_hip=girth_ratio("waist"),
        leg_to_height=leg_to_height,
        widths_px={k: round(v, 1) for k, v in widths.items()},
        full_length=full_length,
        stature_px=stature,
    )
    logger.info(
        "photo widths %s, leg share %s", estimate.widths_px, estimate.leg_to_height or "unseen"
    )
    return estimate


def _arm_line(lm: np.ndarray, side: str) -> np.ndarray:
    """The (x, y) points of one arm: shoulder, elbow, wrist and the hand's end.

    Hands hanging by the thighs widen the silhouette at hip level as much as the arms do, so
    the line goes on past the wrist by a hand's length (~0.45 forearms).
    """
    shoulder, elbow, wrist = (
        lm[LM[f"{side}_{joint}"], :2] for joint in ("shoulder", "elbow", "wrist")
    )
    return np.array([shoulder, elbow, wrist, wrist + 0.45 * (wrist - elbow)])


def _arm_x_at(arm: np.ndarray, y: float) -> float | None:
    """Where the arm's polyline crosses height ``y`` (None when it does not reach it)."""
    for (x0, y0), (x1, y1) in itertools.pairwise(arm):
        low, high = min(y0, y1), max(y0, y1)
        if low <= y <= high and high > low:
            return float(x0 + (y - y0) / (y1 - y0) * (x1 - x0))
    return None


def _run_width(
    mask: np.ndarray, y: float, centre: float, arms: list[np.ndarray], arm_cut: float
) -> float | None:
    """Width of the silhouette run through ``centre`` on row ``y``, arms cut off.

    Arms hanging by the body merge with it in the silhouette and hide the torso's sides;
    where an arm crosses the row, the torso ends ``arm_cut`` inside the arm's centre line.
    """
    row_index = round(y)
    height, width = mask.shape
    if not 0 <= row_index < height:
        return None
    row = mask[row_index]
    c = min(max(round(centre), 0), width - 1)
    if not row[c]:
        return None
    left = c
    while left > 0 and row[left - 1]:
        left -= 1
    right = c
    while right < width - 1 and row[right + 1]:
        right += 1
    for arm in arms:
        x = _arm_x_at(arm, y)
        if x is None:
            continue
        if x < centre:
            left = max(left, round(x + arm_cut))
        else:
            right = min(right, round(x - arm_cut))
    run = right - left + 1
    return float(run) if run > 0 else None


def _leg_share(
    person: PersonAnalysis, lm: np.ndarray, height: int, width: int, mask: np.ndarray
) -> tuple[float | None, float | None, bool]:
    """Inseam as a share of stature, stature in px, and whether head to ankles are in frame."""
    ankles_seen = all(person.visible(f"{side}_ankle") for side in ("left", "right"))
    if not ankles_seen:
        return None, None, False
    rows = np.nonzero(mask.any(axis=1))[0]
    top = float(rows.min()) if len(rows) else 0.0
    ankle_y = float((lm[LM["left_ankle"], 1] + lm[LM["right_ankle"], 1]) / 2)
    hip_y = float((lm[LM["left_hip"], 1] + lm[LM["right_hip"], 1]) / 2)
    # The ankle joint is ~4% of stature above the floor; the crotch ~5% below the hip joints.
    stature = (ankle_y - top) / 0.96
    head_in_frame = top > 2  # a silhouette touching the top edge may have lost its head
    if stature <= 0:
        return None, None, False
    leg = (ankle_y - hip_y) / stature + 0.04 - 0.05
    return round(leg, 3), stature, head_in_frame


# --- classification -----------------------------------------------------------------------


def body_shape_from(
    declared: dict[str, float] | None, estimated: EstimatedBody | None
) -> BodyShape | None:
    """Classify from declared measurements (which win) and a photo estimate (fills gaps).

    Returns None when neither says enough: at least two of bust, waist and hips, or the
    shoulders and hips from a photo.
    """
    declared = {k: float(v) for k, v in (declared or {}).items() if v and k in DECLARED_KEYS}
    ratios: dict[str, float] = {}
    origin: dict[str, str] = {}
    if estimated is not None:
        for name in ("shoulder_to_hip", "bust_to_hip", "waist_to_hip", "leg_to_height"):
            value = getattr(estimated, name)
            if value is not None:
                ratios[name], origin[name] = float(value), "photo"
    bust, waist, hips = (declared.get(k) for k in ("chest_cm", "waist_cm", "hips_cm"))
    if bust and hips:
        ratios["bust_to_hip"], origin["bust_to_hip"] = bust / hips, "declared"
    if waist and hips:
        ratios["waist_to_hip"], origin["waist_to_hip"] = waist / hips, "declared"
    if waist and bust:
        ratios["waist_to_bust"], origin["waist_to_bust"] = waist / bust, "declared"
    if declared.get("inseam_cm") and declared.get("height_cm"):
        ratios["leg_to_height"] = declared["inseam_cm"] / declared["height_cm"]
        origin["leg_to_height"] = "declared"
    if "waist_to_bust" not in ratios and {"waist_to_hip", "bust_to_hip"} <= ratios.keys():
        ratios["waist_to_bust"] = ratios["waist_to_hip"] / ratios["bust_to_hip"]
        origin["waist_to_bust"] = origin["waist_to_hip"]
    basis = dict(ratios)
    if origin.get("bust_to_hip") == "declared":
        # Tape-measured girths settle the balance; a photo's shoulder width (a rough
        # silhouette estimate) must not overrule them.
        basis.pop("shoulder_to_hip", None)
    shape = _classify(basis)
    if shape is None:
        return None
    sources = set(origin.values())
    source: Source = "declared and photo" if len(sources) == 2 else next(iter(sources))  # type: ignore[assignment]
    return BodyShape(
        shape=shape,
        reason=_explain(shape, ratios, source),
        ratios={k: round(v, 3) for k, v in ratios.items()},
        source=source,
        vector=body_vector(ratios, shape),
    )


def _classify(r: dict[str, float]) -> str | None:
    bust, waist, shoulders = r.get("bust_to_hip"), r.get("waist_to_hip"), r.get("shoulder_to_hip")
    if bust is None and waist is None:
        return None  # shoulders alone (or legs) say little about the shape
    # Girths relative to the hips; the widest of bust and hips is the reference for the waist.
    waist_share = waist / max(1.0, bust or 0.0) if waist is not None else None
    if waist_share is not None and waist_share >= OVAL_WAIST:
        return "oval"
    bust_heavy = bust is not None and bust >= 1 + BALANCED_SHARE
    bust_light = bust is not None and bust <= 1 - BALANCED_SHARE
    top_heavy = bust_heavy or (not bust_light and (shoulders or 0.0) >= BROAD_SHOULDERS)
    hip_heavy = bust_light or (
        not bust_heavy and shoulders is not None and shoulders <= NARROW_SHOULDERS
    )
    if hip_heavy:
        return "triangle"
    if top_heavy:
        return "inverted triangle"
    if waist_share is not None and waist_share <= DEFINED_WAIST:
        return "hourglass"
    return "rectangle"


def _explain(shape: str, r: dict[str, float], source: Source) -> str:
    where = {
        "declared": "From your measurements",
        "photo": "Estimated from your photo",
        "declared and photo": "From your measurements and your photo",
    }[source]
    facts = []
    bust, waist, shoulders = r.get("bust_to_hip"), r.get("waist_to_hip"), r.get("shoulder_to_hip")
    if bust is not None:
        if abs(bust - 1) < BALANCED_SHARE:
            facts.append("bust and hips are balanced")
        elif bust > 1:
            facts.append(f"bust {_percent(bust - 1)} wider than the hips")
        else:
            facts.append(f"hips {_percent(1 / bust - 1)} wider than the bust")
    if shoulders is not None and shoulders >= BROAD_SHOULDERS:
        facts.append("shoulders much wider than the hips")
    elif shoulders is not None and shoulders <= NARROW_SHOULDERS:
        facts.append("shoulders no wider than the hips")
    if waist is not None:
        widest = max(1.0, bust or 0.0)
        share = waist / widest
        if share >= OVAL_WAIST:
            facts.append("the waist is about as wide as the bust and hips")
        else:
            facts.append(f"waist {_percent(1 - share)} narrower than the widest part")
    legs = r.get("leg_to_height")
    if legs is not None:
        mean = _RATIO_MEANS["leg_to_height"]
        if legs > mean + 0.02:
            facts.append("long legs for your height")
        elif legs < mean - 0.02:
            facts.append("a long torso for your height")
        else:
            facts.append("balanced torso and legs")
    return f"{where}: " + ", ".join(facts) + "."


def _percent(share: float) -> str:
    return f"{max(1, round(100 * share))}%"


def body_vector(ratios: dict[str, float], shape: str) -> np.ndarray:
    """Standardised ratios (0 where unknown: the population mean) then the class one-hot."""
    values = [
        (ratios[name] - _RATIO_MEANS[name]) / _RATIO_SPREADS[name] if name in ratios else 0.0
        for name in _RATIO_MEANS
    ]
    values = [max(-4.0, min(4.0, v)) for v in values]  # one wild estimate must not dominate
    onehot = [1.0 if shape == s else 0.0 for s in SHAPES]
    vector = np.array(values + onehot, dtype=np.float32)
    if not all(math.isfinite(v) for v in vector):
        raise ValueError("body vector is not finite")
    return vector
