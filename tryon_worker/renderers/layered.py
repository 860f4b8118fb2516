"""The layered try-on: take the old garment off, put the new one on, change nothing else.

Realism comes from the photo itself rather than from a learned prior:

* The person is parsed (vision.parsing). The edit region is the old garment of the new
  one's category (a top replaces the upper clothes, a dress both, trousers the lower ones,
  a jacket nothing: it goes over) plus the new garment's footprint, grown by a feather of a
  few pixels. Every pixel outside it is the photo's own, bit for bit.
* Where the old garment is not covered by the new one, what was under it comes back: skin
  inside the body's outline (arms, neck, midriff, legs; in the person's own skin colour,
  lit as their visible skin is: ``skin_light``), the trousers up to the waist under a
  removed top, background (or hair) outside it (continued from around it). What the new
  garment narrowly misses of the old one (its sides, shoulder tops, a collar a little
  higher) it is stretched over instead.
* The garment's pixels are the product shot's, warped at full resolution along its own
  landmarks (the geometric warp), so prints stay sharp. Hair, face, arms held in front of
  the body, and, under trousers, the shoes and the top hanging over the waistband stay in
  front of it, along edge-aware mattes.
* Light and folds are the photo's: the old garment's folds, as the shading GAN tells them
  from its print or wash (``fold_shading``), are multiplied into the new one, with the
  photo's overall exposure.
* The renderer judges its own picture (see ``_confidence``) and refuses, with advice, one
  that would not convince.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, replace

import cv2
import numpy as np

from tryon_worker.garment import GarmentAnalysis
from tryon_worker.renderers.base import RenderOutput, WarpedGarment
from tryon_worker.renderers.disc_closing import disc_closing
from tryon_worker.renderers.fold_shading import FILL_MAX_SIDE, fold_shading, masked_blur
from tryon_worker.renderers.geometric import HANGING_COSINE, GeometricRenderer
from tryon_worker.renderers.photo_light import LUMA, garment_in_photo_light
from tryon_worker.renderers.skin_light import LIMB_PROFILES, skin_shading, skin_tone
from vision.body_frame import NECK_SIDE_TOP, SHOULDER_TOP, TorsoFrame
from vision.errors import ImageInputError
from vision.parsing import (
    LABEL,
    SKIN_LABELS,
    PersonParsing,
    person_parsed,
    replaced_clothes,
    torso_axial_share,
)
from vision.pose import LM, PersonAnalysis

logger = logging.getLogger(__name__)

#: The edit region's feather: this share of the photo's longest side, at least MIN_FEATHER px.
FEATHER_SHARE = 0.004
MIN_FEATHER = 3
#: Below this confidence the shopper gets advice instead of a picture.
MIN_CONFIDENCE = 0.5
#: Invented skin's grain (see _skin_grain): the bands' upper ends (shoulder spans; a band
#: is never finer than a pixel) and the most (luma, robust spread) any band adds.
SKIN_GRAIN_SCALES = (0.004, 0.01)
SKIN_GRAIN_LIMIT = 2.0
#: The most (luma std) of grain any other fill (backdrop, hair, cloth) is given.
GRAIN_LIMIT = 6.0
#: Fewer visible neck pixels than this: a bare chest takes the person's overall skin colour.
NECK_SAMPLE_MIN = 40
#: Visible chest skin (in square shoulder spans) enough to colour the rest of the chest.
CHEST_SAMPLE_MIN = 0.02
#: A small piece of the old garment by the neck this far in colour (CIELAB, lightness
#: halved) from every large one is skin or hair the parser missed.
STRAY_COLOUR_APART = 15.0
#: The armpits' line, in torso lengths down from the shoulders' (see torso_axial_share).
ARMPIT_AXIAL = 0.25
#: A hanging arm's skin reaching more than BULGE_DEPTH shoulder spans past its inner
#: edge's line is not the arm's; past the line by BULGE_MARGIN it goes.
BULGE_DEPTH = 0.06
BULGE_MARGIN = 0.02
#: How far (opponent hue, RGB units) a backdrop pixel may lie from its neighbourhood's
#: common hue and still be filled from, however even the neighbourhood.
COMMON_APART = 12.0
#: How far (shoulder spans) the old garment's shadow on the backdrop is looked for, and how
#: much darker (luma) than the backdrop further out it must be.
SHADOW_REACH = 0.05
SHADOW_DEPTH = 6.0
#: How far (shoulder spans) the skin beyond a removed garment's edge, down an arm below an
#: old sleeve or up a chest above an old neckline, fades from the skin restored under it into
#: the photo's (see _below_old_sleeves, _above_old_neckline).
EDGE_FADE = 0.13
#: The joints a forearm's zone runs along (see _limb_zone).
FOREARM = ("elbow", "wrist", "index")
#: Per side, the middle and half-width of the upper arm where it shows below an old sleeve.
ArmsBelow = dict[str, tuple[np.ndarray, float] | None]


@dataclass(frozen=True)
class _InSleeves:
    """What lies inside a new garment's sleeves when worn (see _arms_in_sleeves)."""

    skin: np.ndarray  # bare arm skin beside a sleeve
    old: np.ndarray  # the old garment round a forearm inside a long sleeve


@dataclass(frozen=True)
class _BesideArms:
    """Round each upper arm that hangs and shows below an old sleeve (see
    _beside_upper_arms): the arm, the strip between it and the body, the strip beyond it."""

    arms: np.ndarray
    strips: np.ndarray
    outside: np.ndarray


@dataclass(frozen=True)
class _Check:
    """One of the renderer's own checks: a score (0..1) and what the shopper can change."""

    name: str
    score: float
    advice: str


class LayeredRenderer:
    """Geometric warp of the product shot, composited by parsing with exact preservation."""

    name = "layered"

    def __init__(self) -> None:
        self._warper = GeometricRenderer()

    def render(self, person: PersonAnalysis, garment: GarmentAnalysis) -> RenderOutput:
        """Put the garment on the person (see the module docstring)."""
        person = person_parsed(person)
        return self.composite(person, self.warp(person, garment))

    def warp(self, person: PersonAnalysis, garment: GarmentAnalysis) -> WarpedGarment:
        """Move the garment onto the body at full resolution (the geometric warp); a bottom's
        waistband goes where the shopper wears their own (see _worn_waist)."""
        waist = _worn_waist(person) if garment.category == "bottom" else None
        forearms = _forearms(person, _shoulder_span(person))
        return self._warper.warp(person, garment, waist=waist, forearms=forearms)

    def composite(self, person: PersonAnalysis, warped: WarpedGarment) -> RenderOutput:
        """Remove the old garment, lay the new one on, keep everything else exactly.

        Raises ImageInputError("result_unconvincing") when the renderer's own checks say
        the picture would not convince, with advice on a better photo.
        """
        person = person_parsed(person)
        parsing = person.parsing
        assert parsing is not None  # person_parsed guarantees it
        photo = person.image
        height, width = photo.shape[:2]
        sw = _shoulder_span(person)
        frame = _torso_frame(person)
        feather = max(MIN_FEATHER, round(FEATHER_SHARE * max(height, width)))

        old = replaced_clothes(person, warped.category)
        # Clothes of other categories stay (the top hanging over a bottom's waistband).
        kept = parsing.mask("upper", "lower") & ~old
        old &= ~_strays_by_the_neck(person, old)
        rim = _old_colour_rim(person, old, sw)
        old |= rim
        # Bare waist the parser took for an arm hanging beside it: under the garment.
        waist = _bulges_beside_hanging_arms(person, parsing.mask("arms"), frame, sw)
        beyond_sleeves = _beyond_sleeve_ends(person, warped.extras.get("sleeves"))
        front = _in_front_matte(person, parsing, warped, rim | waist, beyond_sleeves)
        alpha = np.clip(warped.alpha * warped.support, 0.0, 1.0) * (1.0 - front)
        alpha[alpha < 1.0 / 255.0] = 0.0
        # Mixed pixels along the old garment's outline go too, or a thin old-colour rim
        # stays: a couple of pixels whatever is there, up to half the feather where nothing
        # stays in front.
        removal = cv2.dilate(old.astype(np.uint8), _disc(2)) > 0
        removal |= (cv2.dilate(old.astype(np.uint8), _disc(feather // 2)) > 0) & (front < 0.5)
        # Where each upper arm shows again below a removed sleeve: the restoration runs it
        # on up from there, and the confidence trusts such an arm.
        arms_below = _upper_arms_below(person, removal, sw)
        stretched = np.zeros((height, width), dtype=bool)
        if old.any() and warped.category in ("top", "dress"):
            bare = _bare_shoulders(person, alpha, sw)
            beside_arms = _beside_upper_arms(person, arms_below, sw)
            warped, alpha, stretched = _old_footprint_covered(
                person,
                warped,
                alpha,
                old,
                front,
                sw,
                up_onto=bare,
                beside_arms=beside_arms,
                in_sleeves=_arms_in_sleeves(person, warped, alpha, beyond_sleeves, old),
                waist=waist,
            )
            alpha = _lines_on_arms_dropped(alpha, beside_arms.arms)
        elif warped.category == "outerwear" and parsing.mask("upper").any():
            # A jacket replaces nothing but hides what it is worn over: a sweater a little
            # wider than the product shot's cut would show as bands down its sides. Only
            # the sides, above the jacket's hem: its front opening and length are its own.
            _, across = frame.coordinates((height, width))
            covered = alpha >= 0.5
            rows = np.arange(height)[:, None]
            hem = np.where(covered.any(axis=0), height - 1 - np.argmax(covered[::-1], axis=0), -1)
            sides = parsing.mask("upper") & (np.abs(across) > 0.3 * sw) & (rows < hem[None, :])
            # Like a top, it lies on bare shoulders (over a camisole), not below them.
            bare = _bare_shoulders(person, alpha, sw)
            warped, alpha, stretched = _old_footprint_covered(
                person,
                warped,
                alpha,
                sides,
                front,
                sw,
                mirror=False,
                up_onto=bare,
                in_sleeves=_arms_in_sleeves(person, warped, alpha, beyond_sleeves, old),
            )
        elif old.any() and warped.category == "bottom":
            # Along the legs old trousers or leggings were the legs' own outline: new ones
            # cover it (away from the legs a skirt's flare may show the legs again). Shorts
            # no longer than a tight skirt also cover a sliver of its side just beside them,
            # the hips' own outline; longer legs would step in where the skirt ends.
            on_legs = old & _limb_zone(person, ("hip", "knee", "ankle"), radius=0.3)
            # So is a tight skirt's or trousers' side at the hips, where an arm hangs
            # beside it: left bare, a strip of backdrop ran between the arm and the hip.
            along, _ = frame.coordinates((height, width))
            hips = old & (along < 1.05 * frame.torso)
            on_legs |= hips & _limb_zone(person, FOREARM, radius=0.25)
            covered = alpha >= 0.5
            if _lowest_row(covered) <= _lowest_row(old) + 0.05 * sw:
                near = cv2.dilate(covered.astype(np.uint8), _disc(round(0.06 * sw))) > 0
                on_legs |= old & near
            warped, alpha, stretched = _old_footprint_covered(
                person,
                warped,
                alpha,
                on_legs,
                front,
                sw,
                down_onto=_above_shoes(person, parsing, alpha, sw),
                past_hems=_past_leg_hems(person, alpha >= 0.5, on_legs, sw),
            )
        alpha = _specks_dropped(alpha, sw)
        if _sleeved(warped) and warped.category != "bottom":
            alpha = _slivers_above_shoulders_dropped(person, alpha, sw)
        # The skin beyond the old garment's edges fades from the skin restored under it.
        bared, shown = removal & (alpha < 0.5), ~removal & (alpha < 0.5)
        edge_fade = np.maximum(
            _below_old_sleeves(person, parsing, bared, shown, arms_below, sw),
            _above_old_neckline(person, parsing, bared, shown, sw),
        )
        # The old garment's shadow on the backdrop goes with it, or it outlines its ghost.
        shadow = _cast_shadow(person, parsing, old & (front < 0.5), sw) & (front < 0.5)
        core = removal | shadow | (alpha > 0) | (edge_fade > 0)
        if not core.any():
            return RenderOutput(
                image=photo.copy(),
                garment_mask=np.zeros((height, width), dtype=bool),
                edit_region=np.zeros((height, width), dtype=bool),
                confidence=0.0,
            )
        x0, y0, x1, y1 = _box(core, 2 * feather + 2, (height, width))
        roi = (slice(y0, y1), slice(x0, x1))

        # Light and folds of the old garment, for the new one and the skin coming back.
        folds = fold_shading(photo[roi], old[roi], sw, parsing.labels[roi])
        base = _uncovered_restored(
            person,
            parsing,
            removal,
            alpha,
            roi,
            sw,
            folds,
            arms_below,
            edge_fade,
            kept & ~old,
            shadow,
        )
        garment = (
            garment_in_photo_light(warped.rgb[roi], photo, person.segmentation > 0.5)
            * folds[..., None]
        )
        # The cloth turns away at its own outline: where it stands out past the body (wide
        # legs, a flared skirt) that is its edge, not the body's, or a seam of shade runs
        # down it along the old silhouette.
        outline = np.maximum(person.segmentation[roi], alpha[roi])
        garment *= _body_roundness(outline, sw)[..., None]
        base *= _contact_shadow(alpha[roi], person.segmentation[roi], feather)[..., None]
        a = alpha[roi][..., None]
        edited = base * (1.0 - a) + garment * a

        edit = cv2.dilate(core.astype(np.uint8), _disc(feather)) > 0
        image = photo.copy()
        patch = np.clip(np.round(edited), 0, 255).astype(np.uint8)
        keep = ~edit[roi]
        patch[keep] = photo[roi][keep]
        image[roi] = patch

        garment_mask = alpha > 0.5
        checks = _confidence(
            person, parsing, warped, garment_mask, removal, stretched, sw, arms_below
        )
        confidence = min(check.score for check in checks)
        logger.info(
            "layered %s: confidence %.2f (%s)",
            warped.category,
            confidence,
            ", ".join(f"{c.name} {c.score:.2f}" for c in checks),
        )
        if confidence < MIN_CONFIDENCE:
            # The first failing check in their order, most basic first (a bulky suit is
            # told about fitted clothes before its invented arms).
            worst = next(c for c in checks if c.score < MIN_CONFIDENCE)
            raise ImageInputError(
                "result_unconvincing",
                f"We couldn't make a convincing picture from this photo. {worst.advice}",
                check=worst.name,
                confidence=round(confidence, 2),
            )
        return RenderOutput(
            image=image, garment_mask=garment_mask, edit_region=edit, confidence=confidence
        )


# --- what is replaced, what stays in front ------------------------------------------------


def _worn_waist(person: PersonAnalysis) -> float | None:
    """Where the shopper's own trousers or skirt start, in torso lengths below the shoulders.

    The top of the lower clothes down the torso's middle (median over its columns); None
    when the photo is not parsed or shows none there. Under a top hanging over them it is
    the top's hem, lower than any waistband: the warp only ever raises a waist to it.
    """
    parsing = person.parsing
    if parsing is None or parsing.dress:
        return None
    lower = parsing.mask("lower")
    frame = _torso_frame(person)
    along, across = frame.coordinates(lower.shape)
    middle = lower & (np.abs(across) < 0.25 * frame.sw)
    columns = np.nonzero(middle.any(axis=0))[0]
    if len(columns) < 5:
        return None
    tops = along[np.argmax(middle[:, columns], axis=0), columns]
    return float(np.median(tops)) / frame.torso


def _strays_by_the_neck(person: PersonAnalysis, old: np.ndarray) -> np.ndarray:
    """Small pieces of the old garment beside the neck, apart from its body and unlike it.

    Around the neck the parser now and then takes skin or hair in deep shade for clothes
    (p09's bare shoulder under her hair's shadow, above her strapless top). Removed, such a
    piece came back as a square of invented skin or backdrop; it is the photo's own, kept.
    A piece counts when it lies above the armpits' line, is under a tenth of the largest
    piece's area and is unlike every large piece's colour.
    """
    strays = np.zeros_like(old)
    count, pieces, stats, _ = cv2.connectedComponentsWithStats(old.astype(np.uint8), connectivity=8)
    if count <= 2:
        return strays
    areas = stats[1:, cv2.CC_STAT_AREA]
    frame = _torso_frame(person)

    def lowest(index: int) -> float:
        # The lower corners of its box, in torso lengths down from the shoulders.
        x, y, w, h = stats[index, :4]
        corners = np.array([[x, y + h], [x + w, y + h]], dtype=np.float64) - frame.smid
        return float((corners @ frame.down).max()) / frame.torso

    small = [
        i for i in np.nonzero(areas < 0.1 * areas.max())[0] + 1 if lowest(int(i)) <= ARMPIT_AXIAL
    ]
    if not small:
        return strays

    def colour(index: int) -> np.ndarray:
        # From its box, every few pixels of a big piece: a median needs no more.
        x, y, w, h = stats[index, :4]
        step = max(1, int(np.sqrt(stats[index, cv2.CC_STAT_AREA] / 4000)))
        box = (slice(y, y + h, step), slice(x, x + w, step))
        pixels = person.image[box][pieces[box] == index].reshape(-1, 1, 3)
        lab = cv2.cvtColor(pixels.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab).reshape(-1, 3)
        return np.median(lab, axis=0) * np.float32([0.5, 1.0, 1.0])  # lightness counts half

    large = [colour(int(i)) for i in np.nonzero(areas >= 0.1 * areas.max())[0] + 1]
    for index in small:
        x, y, w, h = stats[index, :4]
        own = colour(int(index))
        if min(float(np.linalg.norm(own - g)) for g in large) > STRAY_COLOUR_APART:
            strays[y : y + h, x : x + w] |= pieces[y : y + h, x : x + w] == index
    return strays


def _old_colour_rim(person: PersonAnalysis, old: np.ndarray, sw: float) -> np.ndarray:
    """Pixels just around the old garment that are still its colour, not skin's.

    The parser's boundaries are coarse: a waistband in shadow, a hem's edge can be taken
    for skin or the other garment, and would stay behind as a band in the old colours.
    Within a few percent of a shoulder span of the old garment, what is much closer to its
    colour than to the person's skin goes with it. Hair and the face are never touched,
    except in the neck's column below the chin, where a collar sits: a rib knitted lighter
    or darker than the body of the garment, which the parser takes for neck or hair, and
    which is nothing like skin.
    """
    parsing = person.parsing
    assert parsing is not None
    if not old.any():
        return old
    radius = max(2, round(0.06 * sw))
    ring = cv2.dilate(old.astype(np.uint8), _disc(radius)) > 0
    along, across = _torso_frame(person).coordinates(old.shape)
    # Below the chin (within 0.3 shoulder spans above the shoulders' line: a collar rises
    # up the neck's sides), in the neck's column.
    below_chin = along > -0.3 * sw
    central = np.abs(across) < 0.4 * sw
    # Not the hair hanging from the head (its lit tips are the old garment's colour):
    # only pieces of "hair" apart from it, along the collar.
    hair = parsing.mask("hair")
    head_hair = _head_hair(hair)
    neck = below_chin & central & (parsing.mask("face") | (hair & ~head_hair))
    ring &= ~old & ~parsing.mask("background") & (~parsing.mask("face", "hair") | neck)
    if not ring.any():
        return ring
    lab = cv2.cvtColor(person.image.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    skin = cv2.cvtColor(np.float32([[parsing.skin_rgb]]) / 255.0, cv2.COLOR_RGB2Lab)[0, 0]
    rim = np.zeros_like(ring)
    ys, xs = np.nonzero(ring)
    colours = lab[ys, xs]
    on_neck = neck[ys, xs]
    to_skin = np.linalg.norm(colours - skin, axis=-1)
    near_any = np.zeros(len(ys), dtype=bool)
    for name in ("upper", "lower"):
        piece = old & parsing.mask(name)
        if piece.sum() < 20:
            continue
        median = np.median(lab[piece], axis=0)
        to_garment = np.linalg.norm(colours - median, axis=-1)
        near_any |= ~on_neck & (to_garment < 15.0) & (to_skin > to_garment + 10.0)
        near_any |= on_neck & (to_garment < 22.0) & (to_skin > to_garment + 15.0)
    # Right at a collar's edge, whatever is nothing like skin is the collar (a patterned or
    # two-colour rib is far from the garment's median colour too).
    edge = cv2.dilate(old.astype(np.uint8), _disc(max(2, round(0.025 * sw))))[ys, xs] > 0
    near_any |= on_neck & edge & (to_skin > 25.0)
    rim[ys[near_any], xs[near_any]] = True
    shoulders = below_chin & central & (along < 0.5 * sw)
    hanging = head_hair & (along < -SHOULDER_TOP * sw)
    return rim | _straps(person, old | rim, lab, skin, shoulders, hanging, sw)


def _head_hair(hair: np.ndarray) -> np.ndarray:
    """The largest piece of "hair", the head's."""
    count, pieces, stats, _ = cv2.connectedComponentsWithStats(hair.astype(np.uint8))
    if count <= 2:
        return hair
    return pieces == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))


def _straps(
    person: PersonAnalysis,
    garment: np.ndarray,
    lab: np.ndarray,
    skin: np.ndarray,
    zone: np.ndarray,
    hanging: np.ndarray,
    sw: float,
) -> np.ndarray:
    """Thin straps running up from the old top over the shoulders (a camisole's, a dress's).

    The parser takes a thin dark strap for hair or a line of the neck, and it would stay
    in front of the new garment. Within the shoulders' zone, thin lines (narrower than
    0.05 shoulder spans: never a lock of hair, which is wider) of the old top's colour,
    unlike skin, joined to the old top, go with it; never the head's hair ``hanging`` above
    the shoulders' tops, whose lit tips are thin and dark as a strap (lower, where it meets
    the old top, its last strands are often the top's dark edge, and go with it).
    """
    parsing = person.parsing
    assert parsing is not None
    straps = np.zeros_like(garment)
    piece = garment & parsing.mask("upper", "lower")
    if piece.sum() < 20 or not zone.any():
        return straps
    median = np.median(lab[piece], axis=0)
    # Only the zone's box is measured (a whole photo's colour distances cost ~50 ms).
    width = max(2, round(0.025 * sw))
    x0, y0, x1, y1 = _box(zone, 2 * width + 2, zone.shape)
    box = (slice(y0, y1), slice(x0, x1))
    lab, garment = lab[box], garment[box]
    to_garment = np.linalg.norm(lab - median, axis=-1)
    to_skin = np.linalg.norm(lab - skin, axis=-1)
    like = zone[box] & ~garment & (to_garment < 30.0) & (to_skin > to_garment + 15.0)
    like &= ~parsing.mask("background")[box]
    like &= ~hanging[box]
    thin = like & ~(cv2.morphologyEx(like.astype(np.uint8), cv2.MORPH_OPEN, _disc(width)) > 0)
    if not thin.any():
        return straps
    # Grow from the old top along the thin lines only (a geodesic dilation).
    grown = garment.astype(np.uint8)
    allowed = (thin | garment).astype(np.uint8)
    for _ in range(max(1, round(0.5 * sw / 2))):
        step = cv2.dilate(grown, np.ones((5, 5), np.uint8)) & allowed
        if np.array_equal(step, grown):
            break
        grown = step
    straps[box] = (grown > 0) & thin
    return straps


def _in_front_matte(
    person: PersonAnalysis,
    parsing: PersonParsing,
    warped: WarpedGarment,
    not_in_front: np.ndarray,
    beyond_sleeves: np.ndarray,
) -> np.ndarray:
    """Soft matte (0..1) of what stays in front of the new garment.

    Face and hair always; bare arms unless a sleeve of the new garment covers them; under
    a bottom also the shoes and the top hanging over its waistband; below a dress's hem
    the legs and shoes.
    The parsing's inner boundaries are coarse, so the matte follows the photo's own edges
    (guided filter). ``not_in_front`` (old-garment pixels the parser mislabelled) never is.
    ``beyond_sleeves``: see _beyond_sleeve_ends.
    """
    names = ["hair"]
    if warped.category == "bottom":
        names += ["upper", "shoes"]
    front = parsing.mask(*names)
    # The parser's "face" runs on down a bare chest (a neckline's skin) and out over bare
    # shoulders; only the head and the neck's own column, above the shoulders' line, stay
    # in front: elsewhere the garment's neckline and shoulders decide what shows.
    axial = torso_axial_share(person.landmarks, person.image.shape[:2])
    frame = _torso_frame(person)
    _, across = frame.coordinates(parsing.labels.shape)
    sw = _shoulder_span(person)
    # The neck's base is a curve, lowest at the throat (a square column's corners would cut
    # steps into a collar).
    side = across / (0.18 * sw)
    neck = (np.abs(side) < 1.0) & (axial < 0.03 - 0.12 * side**2)
    piece = np.clip(warped.alpha * warped.support, 0.0, 1.0) > 0.5
    opening = _neck_opening(piece, frame, sw)
    if opening.left <= opening.right:
        # A neckline of its own (a crew or V neck, a polo's placket) decides where the
        # neck shows below its corners; above them the neck is in front (of a collar's back).
        corners = np.interp(
            np.arange(front.shape[1]),
            [opening.left, opening.right],
            [opening.top[opening.left], opening.top[opening.right]],
        )
        neck &= np.arange(front.shape[0])[:, None] < corners[None, :]
    # Above the neck's base the back of a collar would show across the throat; out over
    # the shoulders only the head is in front (a garment's shoulders rise beside the neck).
    # Between the two the line slopes as a neck meets its shoulders: a garment's shoulder
    # warped up beside the neck is cut along a slope, not by a wall (a square notch).
    # Across the neck's column it is a collar's curve, rising to the sides (straight, it
    # read as a boat neck's edge on every crew neck over a bare neckline).
    slope = np.clip((np.abs(side) - 1.3) / 0.7, 0.0, 1.0)
    base = -0.1 - 0.06 * np.minimum(np.abs(side), 1.3) ** 2
    head = base + (_head_line(person) - base) * slope
    face = parsing.mask("face")
    throat = face & (neck | (axial < head))
    front |= throat
    sleeves = warped.extras.get("sleeves")
    # Skin the parser calls "arms" on the belly is not in front of anything.
    arms = parsing.mask("arms") & _limb_zone(person, ("shoulder", "elbow", "wrist", "index"))
    if warped.category != "bottom":
        # Above the armpits the garment's shoulders cover the tops of the arms; below a
        # sleeve's end the arm is bare and in front of the body's piece, whatever the height
        # (a short sleeve ends above the armpits' line on a lifted arm).
        arms &= (axial > ARMPIT_AXIAL) | beyond_sleeves
    if sleeves is not None:
        arms &= sleeves < 0.5
        # Along a sleeve the arm's inner edge under the body's piece is that sleeve's arm,
        # covered too: left in front, it showed as a slit of skin between sleeve and body.
        near = cv2.dilate((sleeves >= 0.5).astype(np.uint8), _disc(round(0.06 * sw))) > 0
        arms &= ~(near & piece & ~beyond_sleeves)
    arms &= ~_inside_beside_hanging_arms(person, piece, sleeves, frame, sw)
    front |= arms
    front &= ~not_in_front
    if warped.category != "bottom":
        # Legs never show through a top; a dress covers them, and a back foot's shoe lifted
        # behind its hem, except where it ends (a maxi dress's hem was notched round it).
        front |= parsing.mask("legs", "shoes") & (warped.alpha < 0.5)
    height, width = front.shape
    radius = max(2, round(max(height, width) / 400))
    matte = cv2.ximgproc.guidedFilter(
        np.ascontiguousarray(person.image), front.astype(np.float32), radius, (0.04 * 255) ** 2
    )
    matte = np.clip(matte, 0.0, 1.0)
    # The matte softens edges only: deep inside a front region it is exactly 1.
    inner = cv2.erode(front.astype(np.uint8), _disc(radius)) > 0
    matte[inner] = 1.0
    matte[cv2.dilate(front.astype(np.uint8), _disc(radius)) == 0] = 0.0
    # Across the neck's skin the lines above are drawn, not the photo's: there is no edge
    # for the filter to follow, and it blurred them into a soft ledge across the throat.
    drawn = cv2.erode(face.astype(np.uint8), _disc(radius + 1)) > 0
    drawn &= ~cv2.dilate((front & ~throat).astype(np.uint8), _disc(radius + 1)).astype(bool)
    crisp = cv2.GaussianBlur(throat.astype(np.float32), (0, 0), 0.8)
    matte[drawn] = crisp[drawn]
    if sleeves is not None:
        # A sleeve's end is its own hem, not the arm's edges under it that the photo-guided
        # matte would follow into the sleeve (a ragged cut across the cuff).
        matte = np.minimum(matte, 1.0 - np.clip(sleeves, 0.0, 1.0))
    return matte.astype(np.float32)


def _inside_beside_hanging_arms(
    person: PersonAnalysis,
    piece: np.ndarray,
    sleeves: np.ndarray | None,
    frame: TorsoFrame,
    sw: float,
) -> np.ndarray:
    """Pixels deep inside the garment's body piece (``piece``: where the garment covers,
    less ``sleeves``), next to an arm hanging beside it.

    The piece's side was fitted to such an arm's inner edge, reaching under it by a
    little; skin further in is the midriff (which the parser calls "arms" too), not the
    arm. Left in front of the garment, p09's bare midriff showed as a square notch in the
    side of every new top. Arms held across the body are not beside it and stay in front.
    """
    inside = np.zeros(person.image.shape[:2], dtype=bool)
    zone = np.zeros(person.image.shape[:2], dtype=np.uint8)
    for a, b in _bones_hanging_beside(person, frame, sw):
        _tapered(zone, a, b, 0.2 * sw, 0.2 * sw)
    if not zone.any():
        return inside
    if sleeves is not None:
        piece = piece & (sleeves < 0.5)
    depth = cv2.distanceTransform(piece.astype(np.uint8), cv2.DIST_L2, 3)
    return (zone > 0) & (depth > 0.03 * sw)


def _bones_hanging_beside(
    person: PersonAnalysis, frame: TorsoFrame, sw: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The arms' bones (upper arms and forearms, as their two ends) that hang down beside
    the body, not held across it."""
    bones = []
    for side in ("left", "right"):
        for j0, j1 in (("shoulder", "elbow"), ("elbow", "wrist")):
            a, b = person.point(f"{side}_{j0}"), person.point(f"{side}_{j1}")
            length = max(float(np.linalg.norm(b - a)), 1e-6)
            beside = abs(float(((a + b) / 2 - frame.smid) @ frame.lat)) > 0.3 * sw
            if beside and float((b - a) @ frame.down) / length > HANGING_COSINE:
                bones.append((a, b))
    return bones


def _bulges_beside_hanging_arms(
    person: PersonAnalysis, arms: np.ndarray, frame: TorsoFrame, sw: float
) -> np.ndarray:
    """The parts of ``arms`` (skin the parser calls arms) that bulge from an arm hanging
    beside the body towards it: bare midriff or waist against the arm's inner edge.

    Against skin the arm's inner edge has no line of its own, and the parser runs the arm
    on into the midriff (p09's, between a crop top and a skirt): in front of every new top
    it showed as a square patch of skin beside the elbow. Along each hanging bone the arm's
    inner edge, where clothes beside it show it, is fitted as a straight taper; skin
    reaching well past that line is not the arm's.
    """
    bulges = np.zeros(arms.shape, dtype=bool)
    height, width = arms.shape
    for a, b in _bones_hanging_beside(person, frame, sw):
        bone = b - a
        length = max(float(np.linalg.norm(bone)), 1e-6)
        reach = 0.4 * sw
        x0, y0 = np.clip(np.floor(np.minimum(a, b) - reach), 0, [width, height]).astype(int)
        x1, y1 = np.clip(np.ceil(np.maximum(a, b) + reach) + 1, 0, [width, height]).astype(int)
        ys, xs = np.nonzero(arms[y0:y1, x0:x1])
        if len(ys) < 50:
            continue
        points = np.stack([xs + x0, ys + y0], axis=1).astype(np.float64) - a
        t = points @ bone / length**2
        normal = np.array([-bone[1], bone[0]]) / length
        if float((frame.smid - a) @ normal) < 0:
            normal = -normal  # towards the body's middle
        inward = points @ normal
        on = (t >= 0.0) & (t <= 1.0) & (np.abs(inward) < reach)
        bins = max(6, round(length / (0.03 * sw)))
        index = np.minimum((t[on] * bins).astype(int), bins - 1)
        inward_on = inward[on]
        edge = np.full(bins, np.nan)
        for i in range(bins):
            values = inward_on[index == i]
            if len(values) >= 5:
                edge[i] = np.percentile(values, 98)
        seen = ~np.isnan(edge)
        if seen.sum() < 4:
            continue
        centres = (np.arange(bins) + 0.5) / bins
        # The arm's own edge: a line through the narrower rows (a bulge is a minority).
        typical = seen & (edge <= np.nanmedian(edge) + BULGE_MARGIN * sw)
        if typical.sum() < 3:
            continue
        slope, offset = np.polyfit(centres[typical], edge[typical], 1)
        line = offset + slope * t
        bulging = on.copy()
        bulging[on] = edge[index] > offset + slope * centres[index] + BULGE_DEPTH * sw
        beyond = bulging & (inward > line + BULGE_MARGIN * sw)
        bulges[ys[beyond] + y0, xs[beyond] + x0] = True
    return bulges


def _head_line(person: PersonAnalysis) -> float:
    """How far down the torso (in torso lengths, see torso_axial_share) the head ends.

    The chin's height when the face's landmarks are seen (the parser's "face" runs on over
    bare shoulders, which a garment's shoulders cover, rising beside the neck higher than
    the shoulder joints); otherwise a tenth of the torso above the shoulders.
    """
    chin = person.chin()
    if chin is None:
        return -0.1
    shoulders = (person.point("left_shoulder") + person.point("right_shoulder")) / 2
    hips = (person.point("left_hip") + person.point("right_hip")) / 2
    down = hips - shoulders
    return min(-0.1, float((chin - shoulders) @ down) / max(float(down @ down), 1.0))


def _old_footprint_covered(
    person: PersonAnalysis,
    warped: WarpedGarment,
    alpha: np.ndarray,
    old: np.ndarray,
    front: np.ndarray,
    sw: float,
    mirror: bool = True,
    up_onto: np.ndarray | None = None,
    down_onto: np.ndarray | None = None,
    past_hems: np.ndarray | None = None,
    beside_arms: _BesideArms | None = None,
    in_sleeves: _InSleeves | None = None,
    waist: np.ndarray | None = None,
) -> tuple[WarpedGarment, np.ndarray, np.ndarray]:
    """The new garment stretched over what it narrowly misses of the old one's sides and shoulders.

    A landmark warp never fits a body's outline exactly: a new top a little narrower or
    lower-shouldered than the old one leaves slivers of the old garment beside it, which
    would come back as invented skin or background (flat, and wrong: a T-shirt drapes to
    the body it is on). Where the old garment lies within a fifth of a shoulder span of the
    new one, beside it or above it (away from the neck's column), the new garment is
    continued into it by mirroring its own pixels across its edge, so prints run on. Below
    a hem, past a sleeve's end or inside a neckline nothing is added: length and neckline
    are the garment's own. Tops and dresses only: trousers are meant to be narrower than a
    skirt they replace. ``up_onto`` (bare skin above the garment's shoulders) is covered
    the same way, but only from below and only by a sleeved garment; ``down_onto`` (a
    sliver between a trouser hem and the shoes) only from above. ``past_hems`` (below each
    leg's own hem) is never covered, except from above onto ``down_onto``. ``beside_arms``
    (upper arms bared below old sleeves, and the strips between them and the body's side,
    see _beside_upper_arms): the strips take the body's fabric though a sleeve's hem above
    them is nearer, and the body's fabric does not spread onto the arms; beyond the arms
    the old garment is not covered. ``in_sleeves`` (see _arms_in_sleeves) is covered from
    the sleeve beside it, or from the body's shoulder above the armpits, its old garment
    always from the sleeve; ``waist`` (bare waist beside a hanging arm, see
    _bulges_beside_hanging_arms) from beside it.
    """
    covered = alpha >= 0.5
    none = np.zeros_like(covered)
    if not covered.any():
        return warped, alpha, none
    reach = max(2.0, 0.18 * sw)
    # What the garment may still be stretched over: not covered, nothing in front.
    reachable = ~covered & (front < 0.5)
    missing = old & reachable & (person.segmentation > 0.5)
    sleeved = _sleeved(warped)
    from_below = np.zeros_like(covered)
    # A sleeveless garment's armholes and straps are its own: the shoulders beside them
    # stay bare rather than being covered from below.
    if up_onto is not None and sleeved:
        from_below = up_onto & ~missing & reachable
        missing |= from_below
    inside = old_sleeve = np.zeros_like(covered)
    if in_sleeves is not None:
        inside = (in_sleeves.skin | in_sleeves.old) & reachable
        old_sleeve = in_sleeves.old & reachable
        missing |= inside
    bare_waist = np.zeros_like(covered)
    if waist is not None:
        bare_waist = waist & reachable
        missing |= bare_waist
    from_above = np.zeros_like(covered)
    if down_onto is not None:
        from_above = down_onto & reachable & (person.segmentation > 0.5)
        missing |= from_above
    # Slivers enclosed by the garment (a thin gap between a sleeve and the body that the
    # new cut covers in part) would show as broken specks of wall or trousers: the
    # garment's own, like the gap between its pieces below.
    slivers = _thin_holes(covered | missing, sw) & reachable
    missing |= slivers
    frame = _torso_frame(person)
    beside_only = np.zeros_like(covered)
    if warped.category == "top" and person.parsing is not None:
        # A top hangs over the waistband: beside it, no strip of the trousers shows. Only
        # below the chest: a dress the parser calls a skirt up to its shoulders is taken
        # off there, and the new top's shoulders rise onto them from below.
        below_chest = torso_axial_share(person.landmarks, covered.shape) > 0.5
        beside_only = person.parsing.mask("lower") & reachable & below_chest
        beside_only &= ~old_sleeve
        missing |= beside_only
    # Around the forearms the parser's clothes may be an arm: leave that to the restoration,
    # and never lengthen a sleeve down a forearm held out sideways. Only a thin strip of the
    # trousers or skirt between a forearm hanging close and the top's side is the top's
    # (a red band of skirt beside p09's new tops), and of old trousers between it and new
    # ones the new ones' (the hip's side came back as a wedge of skin and backdrop).
    forearms = _limb_zone(person, FOREARM, radius=0.12)
    squeezable = missing if warped.category == "bottom" else beside_only
    squeezed = _squeezed_between(squeezable & forearms, covered, front >= 0.5, 0.2 * sw)
    # A hairline between two of its own pieces (a sleeve hanging beside the body) is the
    # garment's, forearm or not: the old top showed through as a streak of skin.
    beside = missing & forearms
    if beside.any():
        missing &= (
            ~forearms
            | squeezed
            | (_enclosed(covered, beside, sw, share=0.03) & beside)
            | bare_waist
            | old_sleeve
            | slivers
        )
    if not missing.any():
        return warped, alpha, none
    missing_all = missing.copy()
    ys, xs = np.nonzero(missing)
    distance, ny, nx = _nearest_of(covered, ys, xs)
    sleeves = warped.extras.get("sleeves")
    if sleeves is not None:
        # Beside the top's body the trousers take the body's fabric, even where a sleeve
        # hanging beside it is nearer (not the sleeve's, which would lengthen it). So does
        # the old top's side under a new sleeve shorter than the old one: the body's side
        # runs on down past the sleeve's hem to the bared arm, with no notch.
        body = covered & (sleeves < 0.5)
        use = beside_only[ys, xs]
        if beside_arms is not None:
            use |= beside_arms.strips[ys, xs] & (sleeves[ny, nx] >= 0.5)
        if body.any() and use.any():
            d_body, y_body, x_body = _nearest_of(body, ys[use], xs[use])
            distance[use], ny[use], nx[use] = d_body, y_body, x_body
        # Round a forearm, the old sleeve inside a new one is the sleeve's, even where the
        # body's side is nearer (an old sleeve the parser took for the trousers).
        own = covered & (sleeves >= 0.5)
        use = old_sleeve[ys, xs]
        if own.any() and use.any():
            d_own, y_own, x_own = _nearest_of(own, ys[use], xs[use])
            distance[use], ny[use], nx[use] = d_own, y_own, x_own
    # The neck's opening is the garment's own (a V stays a V, a scoop a scoop).
    opening = _neck_opening(covered, frame, sw)
    limit = np.full(len(ys), reach)
    on_shoulder = from_below[ys, xs]
    if on_shoulder.any() and opening.left <= opening.right:
        # Onto the shoulders the garment rises from nothing at the neckline's corners, so
        # its edge runs on from them without a step.
        to_corner = np.minimum(np.abs(xs - opening.left), np.abs(xs - opening.right))
        limit[on_shoulder] *= np.clip(to_corner[on_shoulder] / (0.15 * sw), 0.0, 1.0)
    near = distance <= limit
    ys, xs, ny, nx = ys[near], xs[near], ny[near], nx[near]
    offset = _smoothed_offsets(np.stack([nx - xs, ny - ys], axis=1), ys, xs, covered.shape, sw)
    along, across = offset @ frame.down, offset @ frame.lat
    lateral = np.abs(across) >= np.abs(along)
    upward = along > 0  # the garment is below: a shoulder's top
    # Between two of its pieces (a sleeve hanging at a slant and the body's side, inside a
    # bent elbow) the gap is the garment's too, whichever way its nearest edge lies.
    keep = (lateral | upward | _enclosed(covered, missing, sw)[ys, xs]) & ~opening.mask[ys, xs]
    keep &= ~from_below[ys, xs] | (upward & ~lateral) | inside[ys, xs]
    if not sleeved:
        # Above the armpits a sleeveless garment's side is its armhole, its own edge, and
        # the upper arms are bare: the old sleeves there go, and the arms show.
        axial = torso_axial_share(person.landmarks, covered.shape)[ys, xs]
        upper_arms = _limb_zone(person, ("shoulder", "elbow"), radius=0.13)[ys, xs]
        keep &= ~lateral | ((axial > ARMPIT_AXIAL) & ~upper_arms)
    if beside_arms is not None:
        # Beyond the arm's outer edge an old short sleeve stood out from it: that is not
        # the new garment's (a slim sleeve grew the old one's flare).
        keep &= ~(beside_arms.outside & old)[ys, xs]
        if sleeves is not None:
            keep &= ~beside_arms.arms[ys, xs] | (sleeves[ny, nx] >= 0.5)
    if past_hems is not None:
        # Mid-stride the back leg's cloth lies beside the front leg's thigh below that
        # leg's own hem: it is not the thigh's to wear.
        keep &= ~past_hems[ys, xs]
    keep |= from_above[ys, xs] & ~lateral & ~upward
    if sleeves is not None and inside.any():
        # Above the armpits the sleeve's cap and the body's shoulder are sewn together.
        axial = torso_axial_share(person.landmarks, covered.shape)[ys, xs]
        keep &= ~inside[ys, xs] | (sleeves[ny, nx] >= 0.5) | (axial < ARMPIT_AXIAL)
    # The trousers only straight beside the top's body, never below its hem's corners.
    keep &= ~beside_only[ys, xs] | (np.abs(across) > np.abs(along))
    ys, xs, ny, nx = ys[keep], xs[keep], ny[keep], nx[keep]
    # Mirror across the edge; where the mirror image falls off the garment, its edge pixel.
    my = np.clip(2 * ny - ys, 0, covered.shape[0] - 1)
    mx = np.clip(2 * nx - xs, 0, covered.shape[1] - 1)
    # A logo near the edge would come back mirrored: with ``mirror`` off the edge itself
    # is stretched instead (plain knit and seams take that well).
    on = covered[my, mx] & mirror
    sy, sx = np.where(on, my, ny), np.where(on, mx, nx)
    raised_y, raised_x, raised_from = _neckline_raised(missing_all, covered, opening, sw)
    height = covered.shape[0]
    ys, xs = np.concatenate([ys, raised_y]), np.concatenate([xs, raised_x])
    sy = np.concatenate([sy, np.clip(np.round(raised_from), 0, height - 1).astype(np.intp)])
    sx = np.concatenate([sx, raised_x])
    if not len(ys):
        return warped, alpha, none
    rgb, support, own = warped.rgb.copy(), warped.support.copy(), warped.alpha.copy()
    alpha = alpha.copy()
    rgb[ys, xs] = rgb[sy, sx]
    mirrored = len(ys) - len(raised_y)
    if mirrored and mirror:
        # Mirrored across the edge, a print near it comes back in fragments (slivers of
        # dots a pixel or two wide, specks along the hip): a median over the continued
        # strip drops them, and keeps the print's larger shapes.
        my, mx = ys[:mirrored], xs[:mirrored]
        y0, x0 = max(0, int(my.min()) - 2), max(0, int(mx.min()) - 2)
        y1, x1 = int(my.max()) + 3, int(mx.max()) + 3
        patch = np.clip(np.round(rgb[y0:y1, x0:x1]), 0, 255).astype(np.uint8)
        cloth = covered[y0:y1, x0:x1].copy()
        cloth[my - y0, mx - x0] = True
        # Off the garment its colour is undefined (black): the cloth's own middle there.
        patch[~cloth] = np.median(patch[cloth], axis=0).astype(np.uint8)
        rgb[my, mx] = cv2.medianBlur(patch, 5)[my - y0, mx - x0]
    if len(raised_y):
        # The pull moves the garment by fractions of a pixel: the two rows a pixel falls
        # between are blended, so stripes across the chest stay smooth, not jagged.
        low = np.clip(np.floor(raised_from), 0, height - 1).astype(np.intp)
        high = np.minimum(low + 1, height - 1)
        t = np.clip(raised_from - low, 0.0, 1.0)[:, None]
        rgb[raised_y, raised_x] = (
            warped.rgb[low, raised_x] * (1.0 - t) + warped.rgb[high, raised_x] * t
        )
    # The neckline's pull also moves garment pixels that were already there (and any
    # gap among them): each takes its source's coverage.
    taken = np.where(covered[sy, sx], 1.0, alpha[sy, sx])
    # The garment's outline where it was continued is inside it now: its anti-aliased
    # pixels go opaque, or what is restored behind them shows through as a dotted seam. So
    # do those the person's outline held back (a ring round a gap filled between a sleeve
    # and the body): only what is in front of the garment still limits it.
    filled = np.zeros_like(covered)
    filled[ys, xs] = taken > 0.5
    held = own * np.clip(support, 0.0, 1.0)
    seam = covered & (held < 1.0) & (cv2.dilate(filled.astype(np.uint8), _disc(2)) > 0)
    alpha[seam] = np.minimum(alpha[seam] / np.maximum(held[seam], 1e-3), 1.0)
    own[seam] = support[seam] = 1.0
    alpha[ys, xs] = own[ys, xs] = taken
    support[ys, xs] = np.maximum(support[ys, xs], taken)
    # Continued pixel by pixel, its outline would run in hard stairs against what is
    # restored beside it: those outermost pixels let a little of it through, as the
    # photo's own anti-aliased edges do.
    x0, y0, x1, y1 = _box(filled, 2, filled.shape)
    box = (slice(y0, y1), slice(x0, x1))
    whole = (alpha[box] >= 0.5).astype(np.float32)
    soft = cv2.GaussianBlur(whole, (0, 0), 0.6)
    rim = filled[box] & (cv2.erode(whole, np.ones((3, 3), np.uint8)) < 0.5)
    alpha[box][rim] = np.minimum(alpha[box][rim], soft[rim])
    extras = dict(warped.extras)
    sleeves = extras.get("sleeves")
    if sleeves is not None:
        sleeves = sleeves.copy()
        sleeves[ys, xs] = sleeves[sy, sx]
        extras["sleeves"] = sleeves
    stretched = none.copy()
    stretched[ys, xs] = ~covered[ys, xs] & (taken > 0.5)
    return replace(warped, rgb=rgb, alpha=own, support=support, extras=extras), alpha, stretched


def _specks_dropped(alpha: np.ndarray, sw: float) -> np.ndarray:
    """The coverage less specks of a few pixels standing apart from the garment: the tip of
    a collar's back warped up beside the neck that slipped past the hair's soft matte."""
    covered = (alpha > 0).astype(np.uint8)
    if not covered.any():
        return alpha
    x0, y0, x1, y1 = _box(covered > 0, 1, covered.shape)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(covered[y0:y1, x0:x1], 8)
    small = np.zeros(count, dtype=bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] < (0.03 * sw) ** 2
    if not small.any():
        return alpha
    alpha = alpha.copy()
    alpha[y0:y1, x0:x1][small[labels]] = 0.0
    return alpha


def _lines_on_arms_dropped(alpha: np.ndarray, arms: np.ndarray) -> np.ndarray:
    """The coverage less lines a pixel or two wide over ``arms`` (upper arms below old
    sleeves) where a shorter sleeve leaves an arm mostly bare: a sleeve's underside seam,
    warped down across the arm from the armpit, drew a thin dark stroke over the skin."""
    if not arms.any():
        return alpha
    x0, y0, x1, y1 = _box(arms, 3, arms.shape)
    box = (slice(y0, y1), slice(x0, x1))
    count, pieces = cv2.connectedComponents(arms[box].astype(np.uint8))
    bare = np.zeros(count, dtype=bool)
    for piece in range(1, count):
        bare[piece] = float(np.mean(alpha[box][pieces == piece] >= 0.5)) < 0.5
    covered = (alpha[box] > 0).astype(np.uint8)
    kept = cv2.dilate(cv2.erode(covered, _disc(2)), _disc(2)) > 0
    thin = bare[pieces] & (covered > 0) & ~kept
    if not thin.any():
        return alpha
    alpha = alpha.copy()
    alpha[box][thin] = 0.0
    return alpha


def _slivers_above_shoulders_dropped(
    person: PersonAnalysis, alpha: np.ndarray, sw: float
) -> np.ndarray:
    """A sleeved garment's coverage less thin strips standing up above the shoulders.

    Between the neck's skin in front of it and the backdrop, what was left of a tee's
    shoulder warped up beside the neck could be a strip a few pixels wide: a thin grey hook
    rising off the shoulder. A sleeved garment has no such thin parts there (a strappy
    one's straps are its own and are kept).
    """
    covered = (alpha > 0.5).astype(np.uint8)
    if not covered.any():
        return alpha
    x0, y0, x1, y1 = _box(covered > 0, 2, covered.shape)
    box = (slice(y0, y1), slice(x0, x1))
    radius = max(1, round(0.015 * sw))
    opened = cv2.morphologyEx(covered[box], cv2.MORPH_OPEN, _disc(radius)) > 0
    # Grown back by the opening's own reach: only the strips it removed whole go.
    kept = cv2.dilate(opened.astype(np.uint8), _disc(radius)) > 0
    frame = _torso_frame(person)
    down, _ = frame.coordinates((y1 - y0, x1 - x0), (y0, x0))
    strips = (alpha[box] > 0) & ~kept & (down < 0.1 * frame.torso)
    if not strips.any():
        return alpha
    alpha = alpha.copy()
    alpha[box][strips] = 0.0
    return alpha


def _past_leg_hems(
    person: PersonAnalysis, covered: np.ndarray, where: np.ndarray, sw: float
) -> np.ndarray:
    """Pixels of ``where`` further down their own leg than the garment reaches on it.

    Each pixel belongs to the leg whose bones (hip, knee, ankle) are nearer; its place
    along that leg is where it meets the bones. A leg's hem is the furthest place of the
    garment's pixels that belong to it.
    """
    past = np.zeros_like(where)
    if not where.any() or not covered.any():
        return past
    x0, y0, x1, y1 = _box(where | covered, 1, where.shape)
    ys, xs = np.mgrid[y0:y1, x0:x1]
    pixels = np.stack([xs, ys], axis=-1).astype(np.float64)
    nearest, places = [], []
    for side in ("left", "right"):
        joints = [person.point(f"{side}_{joint}") for joint in ("hip", "knee", "ankle")]
        distance, place = np.full(ys.shape, np.inf), np.zeros(ys.shape)
        start = 0.0
        for a, b in itertools.pairwise(joints):
            axis = b - a
            length = max(float(np.linalg.norm(axis)), 1e-3)
            t = np.clip((pixels - a) @ axis / length**2, 0.0, 1.0)
            off = np.linalg.norm(pixels - (a + t[..., None] * axis), axis=-1)
            closer = off < distance
            distance[closer], place[closer] = off[closer], start + t[closer] * length
            start += length
        nearest.append(distance)
        places.append(place)
    left = nearest[0] <= nearest[1]
    on = covered[y0:y1, x0:x1]
    for own, place in ((left, places[0]), (~left, places[1])):
        garment = own & on
        if garment.any():
            hem = float(np.percentile(place[garment], 99.5))
            past[y0:y1, x0:x1] |= own & (place > hem + 0.02 * sw)
    return past & where


def _squeezed_between(
    candidates: np.ndarray, one: np.ndarray, other: np.ndarray, gap: float
) -> np.ndarray:
    """The ``candidates`` in a gap no wider than ``gap`` pixels between ``one`` and
    ``other`` (the distances to both add up to at most that)."""
    squeezed = np.zeros_like(candidates)
    if not candidates.any() or not one.any() or not other.any():
        return squeezed
    x0, y0, x1, y1 = _box(candidates, round(gap) + 2, candidates.shape)
    box = np.s_[y0:y1, x0:x1]
    to_one = cv2.distanceTransform((~one[box]).astype(np.uint8), cv2.DIST_L2, 3)
    to_other = cv2.distanceTransform((~other[box]).astype(np.uint8), cv2.DIST_L2, 3)
    squeezed[box] = candidates[box] & (to_one + to_other <= gap)
    return squeezed


def _thin_holes(covered: np.ndarray, sw: float, share: float = 0.04) -> np.ndarray:
    """The holes in ``covered`` (enclosed all round) no wider than twice ``share`` shoulder
    spans."""
    if not covered.any():
        return np.zeros_like(covered)
    x0, y0, x1, y1 = _box(covered, 1, covered.shape)
    free = (~covered[y0:y1, x0:x1]).astype(np.uint8)
    count, labels = cv2.connectedComponents(free, connectivity=4)
    thin = np.ones(count, dtype=bool)
    thin[0] = False  # the garment itself
    thin[np.unique(labels[cv2.distanceTransform(free, cv2.DIST_L2, 3) > share * sw])] = False
    thin[np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))] = False
    holes = np.zeros_like(covered)
    holes[y0:y1, x0:x1] = thin[labels]
    return holes


def _enclosed(
    covered: np.ndarray, missing: np.ndarray, sw: float, share: float = 0.2
) -> np.ndarray:
    """The gaps among ``covered`` narrower than twice ``share`` shoulder spans (near
    ``missing``)."""
    radius = max(1.0, share * sw)
    x0, y0, x1, y1 = _box(missing, round(2 * radius) + 1, covered.shape)
    inside = covered[y0:y1, x0:x1]
    closed = disc_closing(cv2.distanceTransform((~inside).astype(np.uint8), cv2.DIST_L2, 5), radius)
    enclosed = np.zeros_like(covered)
    enclosed[y0:y1, x0:x1] = closed & ~inside
    return enclosed


def _above_shoes(
    person: PersonAnalysis, parsing: PersonParsing, alpha: np.ndarray, sw: float
) -> np.ndarray:
    """The gap between full-length trouser legs and the shoes they rest on.

    The warp ends full-length legs at the ankle joints, above the shoes' tops in many
    photos; leggings or socks there would leave a band of invented ankle. Only when the
    new legs reach to within a quarter of a shoulder span of both ankles (cropped legs
    keep their length), and only where the gap to the shoes is under a third of one.
    """
    shoes = parsing.mask("shoes")
    covered = alpha >= 0.5
    nothing = np.zeros_like(covered)
    if not shoes.any() or not covered.any():
        return nothing
    to_garment = cv2.distanceTransform((~covered).astype(np.uint8), cv2.DIST_L2, 3)
    corner = np.array(alpha.shape[::-1]) - 1
    for side in ("left", "right"):
        if not person.visible(f"{side}_ankle"):
            return nothing
        x, y = np.clip(np.round(person.point(f"{side}_ankle")), 0, corner).astype(int)
        if to_garment[y, x] > 0.25 * sw:
            return nothing
    to_shoes = cv2.distanceTransform((~shoes).astype(np.uint8), cv2.DIST_L2, 3)
    return ~shoes & ~covered & (to_shoes + to_garment <= 0.33 * sw)


def _sleeved(warped: WarpedGarment) -> bool:
    """Whether the warped garment has sleeves (a tank top or a strappy dress has none)."""
    sleeves = warped.extras.get("sleeves")
    return sleeves is not None and bool((sleeves > 0.5).any())


def _arms_in_sleeves(
    person: PersonAnalysis,
    warped: WarpedGarment,
    alpha: np.ndarray,
    beyond_sleeves: np.ndarray,
    old: np.ndarray,
) -> _InSleeves:
    """Bare arm skin, and the ``old`` garment around the forearms, beside the new garment's
    sleeves, no further down the arm than each sleeve reaches: inside the sleeve when worn.

    A product shot's sleeve is narrower than a rounded shoulder; on bare arms (a camisole,
    a strapless top) the deltoid's side showed as a wedge of skin beside the sleeve, as if
    the arm came out through it. A sleeve narrower than the old one round a forearm left
    its rest to the restoration, which took it for the arm: patches of skin and backdrop
    down the inside of p14's long sleeves. ``beyond_sleeves``: see _beyond_sleeve_ends.
    """
    none = np.zeros(alpha.shape, dtype=bool)
    if person.parsing is None or not _sleeved(warped):
        return _InSleeves(none, none)
    arms = person.parsing.mask("arms")
    # Only round forearms a long sleeve covers, over the elbow to the wrist: beside a short
    # one, the old sleeve round a forearm bent up beside it is the restoration's.
    sw = _shoulder_span(person)
    points = np.argwhere(warped.extras["sleeves"] > 0.5)[:, ::-1]

    def near(joint: str, within: float) -> bool:
        gaps = np.linalg.norm(points - person.point(joint), axis=1)
        return bool(len(gaps)) and float(gaps.min()) < within * sw

    long = tuple(
        side
        for side in ("left", "right")
        if near(f"{side}_elbow", 0.05) and near(f"{side}_wrist", 0.15)
    )
    old_sleeves = none
    if long:
        old_sleeves = old & _limb_zone(person, FOREARM, radius=0.12, sides=long) & ~arms
    within = (person.segmentation > 0.5) & (alpha < 0.5) & ~beyond_sleeves
    return _InSleeves(arms & within, old_sleeves & within)


def _bare_shoulders(person: PersonAnalysis, alpha: np.ndarray, sw: float) -> np.ndarray:
    """The person just above the new garment's shoulders, beside the neck.

    A product shot's shoulder line is straight; a body's shoulders slope and round off
    above it, and over a strapless or strappy top the gap would show as bare skin on top of
    the new garment's shoulders, as if it were worn off them. A garment lies on the
    shoulders: these pixels are the garment's too (filled from below, see
    _old_footprint_covered, which reaches them only within a fifth of a shoulder span).
    """
    height, width = alpha.shape
    frame = _torso_frame(person)
    bare = np.zeros((height, width), dtype=bool)
    # The zone lies within 0.8 shoulder spans across and 0.35 down of the shoulders' middle:
    # measured only in the box around it (whatever the torso's tilt).
    x0, y0 = np.clip(np.floor(frame.smid - 0.9 * sw), 0, [width, height]).astype(int)
    x1, y1 = np.clip(np.ceil(frame.smid + 0.9 * sw) + 1, 0, [width, height]).astype(int)
    if x1 <= x0 or y1 <= y0:
        return bare
    down, across = frame.coordinates((y1 - y0, x1 - x0), (y0, x0))
    box = (slice(y0, y1), slice(x0, x1))
    bare[box] = (
        (person.segmentation[box] > 0.5)
        & (alpha[box] < 0.5)
        & (np.abs(across) > 0.2 * sw)
        & (np.abs(across) < 0.8 * sw)
        & (down > -0.35 * sw)
        & (down < 0.15 * sw)
    )
    return bare


def _smoothed_offsets(
    offset: np.ndarray, ys: np.ndarray, xs: np.ndarray, shape: tuple[int, int], sw: float
) -> np.ndarray:
    """Offsets to the nearest garment pixel, averaged over neighbouring pixels.

    A warped edge is a staircase: pixel by pixel the nearest garment pixel is now beside,
    now above, and a choice by direction would alternate along a slanted side (a saw-tooth
    of stretched and bare pixels). Averaged, the direction is the edge's own normal.
    """
    sigma = max(1.0, 0.02 * sw)
    fields = np.zeros((*shape, 3), dtype=np.float32)
    fields[ys, xs, 0], fields[ys, xs, 1], fields[ys, xs, 2] = offset[:, 0], offset[:, 1], 1.0
    fields = cv2.GaussianBlur(fields, (0, 0), sigma)
    weight = np.maximum(fields[ys, xs, 2], 1e-6)[:, None]
    return (fields[ys, xs, :2] / weight).astype(np.float64)


def _nearest_of(
    target: np.ndarray, ys: np.ndarray, xs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each pixel (ys, xs): its distance to the nearest ``target`` pixel, and that pixel."""
    distance, index = cv2.distanceTransformWithLabels(
        (~target).astype(np.uint8), cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL
    )
    # Label i (1-based) is the i-th zero pixel of the input in row-major order.
    sources = np.flatnonzero(target.ravel())
    ny, nx = np.divmod(sources[index[ys, xs] - 1], target.shape[1])
    return distance[ys, xs], ny, nx


@dataclass(frozen=True)
class _NeckOpening:
    """The new garment's neck opening in the photo: between the neckline's two corners
    (its highest points beside the neck), above the garment's top edge."""

    mask: np.ndarray
    top: np.ndarray  # per column of the photo, the garment's top row (-1: none)
    left: int  # first and last column of the opening (left > right: no opening)
    right: int


def _neck_opening(covered: np.ndarray, frame: TorsoFrame, sw: float) -> _NeckOpening:
    height, width = covered.shape
    mask = np.zeros_like(covered)
    top = np.full(width, -1)
    none = _NeckOpening(mask, top, 1, 0)
    centre = round(float(frame.smid[0]))
    # The top edge across the shoulders (the neckline's pull eases out over them); the
    # corners are sought nearer the neck.
    x0, x1 = max(0, int(centre - 0.7 * sw)), min(width, int(centre + 0.7 * sw) + 1)
    y0, y1 = max(0, int(frame.smid[1] - 0.5 * sw)), min(height, int(frame.smid[1] + 0.8 * sw))
    if not x0 <= centre < x1 or y1 <= y0:
        return none
    band = covered[y0:y1, x0:x1]
    has = band.any(axis=0)
    rows = np.where(has, np.argmax(band, axis=0) + y0, height)
    c = centre - x0
    reach = round(0.35 * sw)
    if not has[c]:
        return none
    # The corners: the garment's highest points on either side of the neck.
    first = max(0, c - reach)
    left = first + int(np.argmin(rows[first : c + 1]))
    right = c + int(np.argmin(rows[c : c + reach + 1]))
    # Depth below the line between the corners (a tilted garment's corners are not level).
    span = max(1, right - left)
    corner_line = rows[left] + (rows[right] - rows[left]) * (c - left) / span
    if rows[c] - corner_line < 0.02 * sw:
        return none  # a boat neck, a strapless top: no opening to keep
    top[x0:x1] = np.where(has, rows, -1)
    columns = np.arange(left, right + 1)
    below = np.arange(height)[:, None] < rows[columns][None, :]
    mask[:, columns + x0] = below & (rows[columns] < height)[None, :]
    return _NeckOpening(mask, top, left + x0, right + x0)


def _neckline_raised(
    missing: np.ndarray, covered: np.ndarray, opening: _NeckOpening, sw: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pixels (ys, xs) that raise the new neckline towards the old one, and the (fractional)
    rows of their sources in the same columns.

    A product shot's neckline lands a little lower than the old garment's on many bodies,
    leaving a band of the old collar that would come back as invented skin. The neckline
    is pulled up whole by the band's height in its middle (at most 0.1 shoulder spans),
    across the opening and fading out just beyond its corners, and the pull fades to
    nothing half a shoulder span lower: the curve keeps its shape, a crew neck meets
    the neck, a V keeps nearly all its depth.
    """
    empty = np.zeros(0, dtype=np.intp)
    nowhere = (empty, empty, np.zeros(0, dtype=np.float64))
    if opening.left > opening.right:
        return nowhere
    height, width = covered.shape
    reach = max(2, round(0.1 * sw))
    fade = max(4, round(0.5 * sw))
    middle = (opening.left + opening.right) // 2
    runs = []
    for column in range(max(0, middle - 2), min(width, middle + 3)):
        edge, run = int(opening.top[column]), 0
        while run < reach and edge - run - 1 >= 0 and missing[edge - run - 1, column]:
            run += 1
        runs.append(run)
    lift = float(np.median(runs))
    if lift < 1.0:
        return nowhere
    # Beyond the corners the pull eases out over a quarter of a shoulder span, so a print
    # across the chest bends gently instead of breaking.
    margin = max(1.0, 0.25 * sw)
    out_y, out_x, src_y = [], [], []
    for column in np.nonzero(opening.top >= 0)[0]:
        outside = max(opening.left - column, column - opening.right, 0)
        ease = max(0.0, 1.0 - outside / margin)
        h = lift * ease * ease * (3.0 - 2.0 * ease)
        if h < 1.0:
            continue
        edge = int(opening.top[column])
        rows = np.arange(max(0, round(edge - h)), min(height, edge + fade))
        share = np.clip((rows - (edge - h)) / (fade + h), 0.0, 1.0)
        sources = np.clip(rows + h * (1.0 - share), 0, height - 1)
        out_y.append(rows)
        out_x.append(np.full(len(rows), column))
        src_y.append(sources)
    if not out_y:
        return nowhere
    ys, xs = np.concatenate(out_y).astype(np.intp), np.concatenate(out_x).astype(np.intp)
    return ys, xs, np.concatenate(src_y)


def _torso_frame(person: PersonAnalysis) -> TorsoFrame:
    p = {name: person.landmarks[LM[name], :2].astype(np.float64) for name in
         ("left_shoulder", "right_shoulder", "left_hip", "right_hip")}  # fmt: skip
    return TorsoFrame.along_spine(
        p["left_shoulder"], p["right_shoulder"], p["left_hip"], p["right_hip"], min_span=1.0
    )


# --- taking the old garment off -------------------------------------------------------------


def _uncovered_restored(
    person: PersonAnalysis,
    parsing: PersonParsing,
    removal: np.ndarray,
    alpha: np.ndarray,
    roi: tuple[slice, slice],
    sw: float,
    folds: np.ndarray,
    arms_below: ArmsBelow,
    edge_fade: np.ndarray,
    kept: np.ndarray,
    shadow: np.ndarray,
) -> np.ndarray:
    """The photo (float, ROI) with the removed garment (``removal``: the old one and a rim
    of mixed pixels round it) replaced by skin or background, and the skin just beyond its
    edges (``edge_fade``, weights: see EDGE_FADE) fading from the restored skin into the
    photo's.

    Where the rim reaches into clothes that stay (``kept``: a top's hem over old trousers)
    it takes their colour: filled as the body under them, it drew a line of skin along the
    top's hem. The old garment's ``shadow`` on the backdrop is filled as backdrop.
    """
    photo = person.image[roi].astype(np.float32)
    if not (removal[roi] | shadow[roi]).any():
        return photo
    fade = edge_fade[roi]
    body = _body_core(person, sw, arms_below)[roi] & (person.segmentation[roi] > 0.5)
    body |= fade > 0
    removal = removal[roi]
    shadow = shadow[roi] & ~removal
    labels = parsing.labels[roi]
    skin = parsing.mask(*SKIN_LABELS)
    # The band beyond an old edge is filled too, as if unseen, so the skin restored next to
    # it continues the skin beyond it rather than the old garment's marks.
    skin_known = skin[roi] & ~removal & ~(fade > 0)
    # Outside the body what was behind the old garment is the backdrop, or hair hanging
    # behind a shoulder: both are filled from their nearest known pixels.
    background_known = np.isin(labels, [LABEL["background"], LABEL["hair"]]) & ~removal & ~shadow
    frame = _torso_frame(person)
    offset = (roi[0].start, roi[1].start)
    along, _ = frame.coordinates(removal.shape, offset)
    # Skin is filled as its colour under even light (the photo over the body's shading),
    # then lit again as the photo's visible skin is, so invented skin has the body's form.
    tone = skin_tone(person.image, skin, person.landmarks, frame)
    shade = skin_shading(tone, person.landmarks, frame, removal.shape, offset)[..., None]
    # Down the legs the skin the photo shows (an ankle, a knee) fades into the person's own
    # colour over a longer way: a leg darkens towards the floor, and a short fade left a
    # seam where an invented shin met a real ankle in shade.
    reach = sw * np.interp(along / frame.torso, (0.9, 1.3), (0.12, 0.35)).astype(np.float32)
    even = photo / shade
    colour = _chest_colour(person, parsing, frame, even, skin_known, roi, tone.colour)
    low = along > 0.9 * frame.torso
    legs = np.zeros(removal.shape, dtype=np.uint8)
    if (removal & low).any():
        legs = _nearer_leg(person, removal.shape, offset) * low
    skin_fill = _skin_fill(even, skin_known, colour, parsing, reach, legs) * shade
    skin_fill += _skin_grain(person, parsing, photo, skin_known, removal & body, roi, sw)[..., None]
    background_fill = _backdrop_fill(photo, labels, background_known, parsing)
    # Shading of the removed garment shapes the skin that comes back (the shadow under a
    # breast, the side of an arm), gently.
    skin_fill *= (1.0 + 0.6 * (folds - 1.0))[..., None]
    # The body's outline drawn from a mask runs in hard stairs: blended over a pixel, as
    # the photo's own anti-aliased edges are.
    inside = cv2.GaussianBlur(body.astype(np.float32), (0, 0), 0.6)[..., None]
    fill = skin_fill * inside + background_fill * (1.0 - inside)
    below_waist = removal & (along - frame.torso > -0.2 * frame.torso)
    _trousers_continued(person, parsing, below_waist, removal, roi, photo, skin_known, fill)
    kept = kept[roi]
    kept_removed = removal & kept
    if kept_removed.any() and (kept & ~removal).any():
        # Each takes its nearest kept pixel's colour: a smooth fill would blend in what
        # lies further off.
        _, nearest = cv2.distanceTransformWithLabels(
            (~(kept & ~removal)).astype(np.uint8), cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
        )
        ys, xs = np.nonzero(kept & ~removal)
        source = nearest[kept_removed] - 1
        fill[kept_removed] = photo[ys[source], xs[source]]
    fill[shadow] = background_fill[shadow]
    # Only pixels the new garment does not hide fully need it; blend over a pixel or so.
    need = (removal | shadow) & (alpha[roi] < 1.0)
    # Over skin the blend reaches a few pixels out, so the old collar's edge leaves no seam.
    seam = 0.8 + 2.0 * float(np.mean(body[need])) if need.any() else 0.8
    weight = cv2.GaussianBlur(need.astype(np.float32), (0, 0), seam)
    # Beyond the removed pixels it reaches only skin and backdrop, which the fill continues:
    # over the trousers under an old hem it would lay a line of skin colour across them.
    weight[~removal & ~shadow & ~skin_known & ~background_known] = 0.0
    weight = np.maximum(weight, need.astype(np.float32))
    weight = np.maximum(weight, fade)[..., None]
    return photo * (1.0 - weight) + fill * weight


def _backdrop_fill(
    photo: np.ndarray, labels: np.ndarray, known: np.ndarray, parsing: PersonParsing
) -> np.ndarray:
    """What was behind a removed garment outside the body: the backdrop, or the hair where
    the hair is nearer (hanging down behind a shoulder).

    Filled from both at once, a dark smudge of hair blurred into a light backdrop spread
    over a shoulder's top that a new, smaller garment leaves bare. Each is filled from its
    own pixels, and they meet where they are equally near, over a pixel or two.
    """
    hair = known & (labels == LABEL["hair"])
    backdrop = known & ~hair
    if hair.sum() < 50 or backdrop.sum() < 50:
        return _fill(photo, _common(photo, known), parsing) + _grain_like(photo, known)
    to_hair = cv2.distanceTransform((~hair).astype(np.uint8), cv2.DIST_L2, 3)
    to_backdrop = cv2.distanceTransform((~backdrop).astype(np.uint8), cv2.DIST_L2, 3)
    share = cv2.GaussianBlur((to_hair < to_backdrop).astype(np.float32), (0, 0), 1.2)[..., None]
    backdrop_fill = _fill(photo, _common(photo, backdrop), parsing) + _grain_like(photo, backdrop)
    hair_fill = _fill(photo, hair, parsing) + _grain_like(photo, hair)
    return backdrop_fill * (1.0 - share) + hair_fill * share


def _cast_shadow(
    person: PersonAnalysis, parsing: PersonParsing, old: np.ndarray, sw: float
) -> np.ndarray:
    """Backdrop just beside the old garment that its shadow darkens (joined to it).

    Filled without it, the wall beside p09's removed skirt kept a grey line along the
    skirt's outline, its shadow, and the skirt's shape showed as a ghost.
    """
    shadow = np.zeros(old.shape, dtype=bool)
    if not old.any():
        return shadow
    reach = max(2, round(SHADOW_REACH * sw))
    x0, y0, x1, y1 = _box(old, 3 * reach + 1, old.shape)
    box = np.s_[y0:y1, x0:x1]
    garment = old[box].astype(np.uint8)
    backdrop = parsing.mask("background")[box] & ~old[box]
    apart = cv2.distanceTransform(1 - garment, cv2.DIST_L2, 3)
    near = (apart <= reach) & backdrop
    farther = (apart > reach) & (apart <= 3 * reach) & backdrop
    if not near.any() or farther.sum() < 50:
        return shadow
    luma = person.image[box].astype(np.float32) @ LUMA
    farther = farther & _common(person.image[box].astype(np.float32), farther)
    # (0 far from the backdrop further out: nothing is darker than that)
    lit = masked_blur(luma, farther, 2.0 * reach)
    dark = near & (luma < lit - SHADOW_DEPTH)
    # Shade beside an arm or a leg that stays is theirs (a hand's on the wall).
    skin = parsing.mask(*SKIN_LABELS)[box].astype(np.uint8)
    dark &= cv2.distanceTransform(1 - skin, cv2.DIST_L2, 3) > 2 * reach
    # Only shade that touches the garment: a dark logo further off is the wall's.
    _, labels = cv2.connectedComponents(dark.astype(np.uint8), connectivity=8)
    touching = np.unique(labels[(cv2.dilate(garment, np.ones((3, 3), np.uint8)) > 0) & dark])
    touching = np.isin(labels, touching[touching > 0]).astype(np.uint8)
    # With the shadow's soft outer rim.
    shadow[box] = (cv2.dilate(touching, np.ones((3, 3), np.uint8)) > 0) & backdrop
    return shadow


def _common(photo: np.ndarray, known: np.ndarray) -> np.ndarray:
    """The ``known`` pixels less those whose hue stands out from the hues most common
    around them: a logo's letters on a wall.

    A smooth fill averages what is near: the red letters beside p09's removed skirt
    tinted the wall restored there pink, a ghost of the skirt. Without them it is the
    wall's own white (letters cut by the skirt end at its old edge). Only hue counts:
    shade is light, not the wall's print, and a hand's shadow runs on under where the
    old garment was. Where two hues share a neighbourhood evenly (a door's frame)
    neither stands out and both stay.
    """
    height, width = known.shape
    if known.sum() < 50:
        return known
    scale = min(1.0, FILL_MAX_SIDE / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    rgb = cv2.resize(photo, size, interpolation=cv2.INTER_AREA)
    # Opponent colour axes without lightness: red-green and yellow-blue.
    hue = np.stack(
        [rgb[..., 0] - rgb[..., 1], 0.5 * (rgb[..., 0] + rgb[..., 1]) - rgb[..., 2]], axis=-1
    )
    present = cv2.resize(known.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.5
    sigma = 0.04 * max(size)
    common = present
    for _ in range(2):
        apart = np.linalg.norm(hue - masked_blur(hue, common, sigma), axis=-1)
        spread = masked_blur(apart, common, sigma)
        common = present & (apart <= np.maximum(COMMON_APART, 2.0 * spread))
    # Anti-aliased rims of what stands out go with it.
    standing_out = cv2.dilate((present & ~common).astype(np.uint8), np.ones((3, 3), np.uint8))
    standing_out = cv2.resize(standing_out, (width, height), interpolation=cv2.INTER_NEAREST) > 0
    kept = known & ~standing_out
    return kept if kept.sum() >= 50 else known


def _chest_colour(
    person: PersonAnalysis,
    parsing: PersonParsing,
    frame: TorsoFrame,
    even: np.ndarray,
    skin_known: np.ndarray,
    roi: tuple[slice, slice],
    colour: np.ndarray | None,
) -> np.ndarray | None:
    """The skin colour (under even light, per pixel of the ROI) invented skin tends to:
    the chest's or neck's on the chest, the person's own (``colour``) elsewhere.

    The person's colour is the median over all visible skin, and hands and forearms are
    often ruddier or darker than a neck: a scoop neck's chest came out as a darker, orange
    slab under a lighter neck. A chest is the colour of its own skin where a neckline bared
    some (above a strapless top), else of the neck above it: the neck's lower half (a chin's
    shadow falls on its top), in its own column, below the head.
    """
    if colour is None:
        return None
    sw = frame.sw
    offset = np.array([roi[1].start, roi[0].start], dtype=np.float64)
    ys, xs = np.nonzero(skin_known)
    points = np.stack([xs, ys], axis=1) + offset - frame.smid
    along, across = points @ frame.down, np.abs(points @ frame.lat)
    bare_chest = (across < 0.3 * sw) & (along > 0.05 * sw) & (along < 0.6 * frame.torso)
    chin = person.chin()
    top = float((chin - frame.smid) @ frame.down) if chin is not None else -0.4 * sw
    neck = parsing.mask("face")[roi][ys, xs] & (across < 0.15 * sw)
    neck &= (along > 0.5 * top) & (along < 0.0)
    if bare_chest.sum() >= CHEST_SAMPLE_MIN * sw * sw:
        sample = bare_chest
    elif neck.sum() >= NECK_SAMPLE_MIN:
        sample = neck
    else:
        return colour
    own = np.median(even[ys[sample], xs[sample]], axis=0).astype(np.float32)
    # The chest: the torso's front between the collarbones and the waist, off the arms;
    # its own colour fades into the person's towards its sides and below. Smooth: drawn
    # on a coarse grid.
    height, width = skin_known.shape
    step = max(1, round(0.02 * sw))
    grid_y, grid_x = np.mgrid[0:height:step, 0:width:step].astype(np.float64)
    grid = np.stack([grid_x + offset[0], grid_y + offset[1]], axis=-1) - frame.smid
    along, across = grid @ frame.down, grid @ frame.lat
    chest = np.exp(
        -((across / (0.35 * sw)) ** 2) - (np.maximum(along, 0.0) / (0.6 * frame.torso)) ** 2
    )
    arms = _limb_zone(person, ("shoulder", "elbow", "wrist"), radius=0.12)[roi][::step, ::step]
    chest = cv2.GaussianBlur((chest * ~arms).astype(np.float32), (0, 0), max(0.5, 0.05 * sw / step))
    chest = cv2.resize(chest, (width, height), interpolation=cv2.INTER_LINEAR)[..., None]
    return own * chest + colour * (1.0 - chest)


def _skin_fill(
    even: np.ndarray,
    skin_known: np.ndarray,
    colour: np.ndarray | None,
    parsing: PersonParsing,
    reach: np.ndarray,
    legs: np.ndarray,
) -> np.ndarray:
    """Skin colour under even light for uncovered body pixels: the nearest skin's at the
    hole's edge, the person's own skin ``colour`` further in (past ``reach`` pixels, per
    pixel).

    Nearest-colour filling alone carries whatever the hole's edge shows over the whole hole:
    the shadow an old collar cast on the neck's base down a bare chest (a flat, dark slab),
    the skin of the ankles up a pair of legs. ``even`` is the photo over the body's shading.
    Down the legs (``legs``: 1 or 2 for the nearer leg, 0 above them) each leg is filled
    from its own skin: a back ankle in shade darkened the front shin beside it.
    """
    local = _fill(even, skin_known, parsing)
    for side in (1, 2):
        own = skin_known & (legs == side)
        if own.sum() >= 20:
            local = np.where((legs == side)[..., None], _fill(even, own, parsing), local)
    if colour is None:
        return local
    depth = cv2.distanceTransform((~skin_known).astype(np.uint8), cv2.DIST_L2, 3)
    share = np.clip(depth / np.maximum(reach, 1.0), 0.0, 1.0)
    soften = max(1.0, 0.4 * float(reach.min()))
    share = cv2.GaussianBlur(share.astype(np.float32), (0, 0), soften)[..., None]
    return local * (1.0 - share) + colour * share


def _trousers_continued(
    person: PersonAnalysis,
    parsing: PersonParsing,
    below_waist: np.ndarray,
    removal: np.ndarray,
    roi: tuple[slice, slice],
    photo: np.ndarray,
    skin_known: np.ndarray,
    fill: np.ndarray,
) -> None:
    """Where a removed top hung over the trousers, the trousers go on up to the waist.

    A top worn over trousers hides their waistband, and the parser may count a dark
    trouser's top as part of a dark top; taken off, the trousers show there, not a band of
    bare midriff. Removed pixels below the waist (``below_waist``: a fifth of a torso
    length above the hips) above the trousers' columns (beside them a loose top's hem hid
    the backdrop) that are nearer the trousers than bare skin are filled from the trousers
    (in place); in a column whose trousers start just below, with their own pixels
    mirrored across that edge, so their texture runs on.
    """
    lower = parsing.mask("lower")[roi] & ~removal
    if lower.sum() < 50:
        return
    # A forearm or hand hanging beside the hips is never the trousers going on up.
    below_waist = below_waist & ~_limb_zone(person, FOREARM, radius=0.12)[roi]
    if not below_waist.any():
        return
    frame = _torso_frame(person)
    has = lower.any(axis=0)
    # Over the trousers' own columns (a zip's column may lack them: a few pixels' grace).
    grace = max(3, round(0.1 * frame.sw)) | 1
    over = cv2.dilate(has[None, :].astype(np.uint8), np.ones((1, grace), np.uint8))[0] > 0
    to_lower = cv2.distanceTransform((~lower).astype(np.uint8), cv2.DIST_L2, 3)
    to_skin = cv2.distanceTransform((~skin_known).astype(np.uint8), cv2.DIST_L2, 3)
    trousers = below_waist & (to_lower < to_skin) & over[None, :]
    if trousers.any():
        lower_fill = _fill(photo, lower, parsing) + _grain_like(photo, lower)
        fill[trousers] = lower_fill[trousers]
    height = removal.shape[0]
    edge = np.where(has, np.argmax(lower, axis=0), height)  # the trousers' top per column
    ys = np.arange(height)[:, None]
    near = (ys < edge[None, :]) & (ys >= edge[None, :] - 0.25 * frame.torso)
    rows, columns = np.nonzero(below_waist & near & has[None, :])
    if len(rows):
        mirrored = np.clip(2 * edge[columns] - rows, 0, height - 1)
        source = np.where(lower[mirrored, columns], mirrored, edge[columns])
        fill[rows, columns] = photo[source, columns]


def _skin_grain(
    person: PersonAnalysis,
    parsing: PersonParsing,
    photo: np.ndarray,
    known: np.ndarray,
    target: np.ndarray,
    roi: tuple[slice, slice],
    sw: float,
) -> np.ndarray:
    """Luma noise (float, ROI; over ``target`` only) with the fine detail of the person's
    own skin (``known``), band by band:
    pores, and the faint mottling a little coarser (SKIN_GRAIN_SCALES, shoulder spans).

    Filled smoothly (with pores' grain only), invented legs under new shorts had half the
    detail of the arms beside them at every scale: smooth as a mannequin's. Noise, not the
    skin's own patches: those carry veins and a neck's creases. Each band is as strong as
    the robust spread of that band over the arms' and legs' skin away from the hands and
    their outlines, at most SKIN_GRAIN_LIMIT. Seeded, so a render is reproducible.
    """
    grain = np.zeros(known.shape, dtype=np.float32)
    if not target.any():
        return grain
    sources = known & parsing.mask("arms", "legs")[roi]
    sources &= ~_limb_zone(person, ("wrist", "index"), radius=0.12)[roi]
    inner = cv2.erode(sources.astype(np.uint8), _disc(max(2, round(0.02 * sw)))) > 0
    if inner.sum() < 200:
        inner = cv2.erode(known.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if inner.sum() < 50:
        return grain
    # Measured in the sources' box, made in the target's.
    margin = round(4 * max(SKIN_GRAIN_SCALES) * sw) + 4
    sx0, sy0, sx1, sy1 = _box(inner, margin, inner.shape)
    tx0, ty0, tx1, ty1 = _box(target, margin, target.shape)
    luma = photo[sy0:sy1, sx0:sx1] @ LUMA
    inner = inner[sy0:sy1, sx0:sx1]
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((ty1 - ty0, tx1 - tx0)).astype(np.float32)
    made_grain = np.zeros_like(noise)
    finer_luma, finer_noise = luma, cv2.GaussianBlur(noise, (0, 0), 0.7)
    for scale in SKIN_GRAIN_SCALES:
        sigma = max(1.0, scale * sw)
        coarser_luma = cv2.GaussianBlur(luma, (0, 0), sigma)
        coarser_noise = cv2.GaussianBlur(noise, (0, 0), sigma)
        band, made = (finer_luma - coarser_luma)[inner], finer_noise - coarser_noise
        # (every few pixels: a robust spread needs no more)
        strength = min(SKIN_GRAIN_LIMIT, 1.4826 * float(np.median(np.abs(band[::7]))))
        spread = 1.4826 * float(np.median(np.abs(made[::7, ::7])))
        made_grain += made * (strength / max(spread, 1e-6))
        finer_luma, finer_noise = coarser_luma, coarser_noise
    grain[ty0:ty1, tx0:tx1] = made_grain
    return grain


def _grain_like(photo: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Fine noise as strong as the known pixels' own grain (sensor noise, a cloth's weave),
    at most GRAIN_LIMIT (luma std).

    A smooth fill next to real skin or a real backdrop looks airbrushed; the same grain
    makes it sit in the photo. Seeded, so a render is reproducible.
    """
    height, width = known.shape
    if known.sum() < 50:
        return np.zeros((height, width, 3), dtype=np.float32)
    luma = photo @ LUMA
    residual = luma - cv2.GaussianBlur(luma, (0, 0), 1.5)
    inner = cv2.erode(known.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    values = residual[inner] if inner.sum() >= 50 else residual[known]
    strength = float(np.clip(1.4826 * np.median(np.abs(values)), 0.0, GRAIN_LIMIT))
    noise = np.random.default_rng(0).standard_normal((height, width)).astype(np.float32)
    noise = cv2.GaussianBlur(noise, (0, 0), 0.7)
    noise *= strength / max(float(noise.std()), 1e-6)
    return np.repeat(noise[..., None], 3, axis=-1)


def _fill(photo: np.ndarray, known: np.ndarray, parsing: PersonParsing) -> np.ndarray:
    """Every pixel coloured from the known pixels nearest to it, smoothly (push-pull)."""
    height, width = known.shape
    if not known.any():
        colour = np.float32(parsing.skin_rgb)
        return np.broadcast_to(colour, (height, width, 3)).copy()
    scale = min(1.0, FILL_MAX_SIDE / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    weight = known.astype(np.float32)
    colour = photo * weight[..., None]
    if scale < 1.0:
        colour = cv2.resize(colour, size, interpolation=cv2.INTER_AREA)
        weight = cv2.resize(weight, size, interpolation=cv2.INTER_AREA)
    filled = _push_pull(colour, weight)
    if scale < 1.0:
        filled = cv2.resize(filled, (width, height), interpolation=cv2.INTER_LINEAR)
    return filled


def _push_pull(colour: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Fill holes in premultiplied ``colour`` with weights ``weight`` from coarser levels."""
    height, width = weight.shape
    own = colour / np.maximum(weight, 1e-6)[..., None]
    if min(height, width) <= 2 or weight.min() >= 1.0:
        return own
    coarse = _push_pull(cv2.pyrDown(colour), cv2.pyrDown(weight))
    up = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_LINEAR)
    w = np.clip(weight * 2.0, 0.0, 1.0)[..., None]
    return own * w + up * (1.0 - w)


def _beyond_sleeve_ends(person: PersonAnalysis, sleeves: np.ndarray | None) -> np.ndarray:
    """Pixels along each arm further down it than that arm's sleeve reaches.

    Positions are measured along the arm's bones (shoulder, elbow, wrist, hand) from the
    shoulder, for pixels within 0.3 shoulder spans of them; an arm without a sleeve on it
    gives nothing (its armhole, not a sleeve, decides).
    """
    height, width = person.image.shape[:2]
    beyond = np.zeros((height, width), dtype=bool)
    if sleeves is None or not (sleeves > 0.5).any():
        return beyond
    sw = _shoulder_span(person)
    chains = {
        side: [
            person.landmarks[LM[f"{side}_{j}"], :2].astype(np.float32)
            for j in ("shoulder", "elbow", "wrist", "index")
        ]
        for side in ("left", "right")
    }
    # Only pixels within 0.3 shoulder spans of an arm count: measure inside their box.
    points = np.array([p for chain in chains.values() for p in chain])
    x0, y0 = np.clip(np.floor(points.min(axis=0) - 0.3 * sw), 0, [width, height]).astype(int)
    x1, y1 = np.clip(np.ceil(points.max(axis=0) + 0.3 * sw) + 1, 0, [width, height]).astype(int)
    if x1 <= x0 or y1 <= y0:
        return beyond
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    position, distance = {}, {}
    for side, chain in chains.items():
        best = np.full(xs.shape, np.inf, dtype=np.float32)
        along = np.zeros(xs.shape, dtype=np.float32)
        start = 0.0
        for a, b in itertools.pairwise(chain):
            dx, dy = float(b[0] - a[0]), float(b[1] - a[1])
            length = max(float(np.hypot(dx, dy)), 1e-6)
            t = np.clip(((xs - a[0]) * dx + (ys - a[1]) * dy) / length**2, 0.0, 1.0)
            d = np.hypot(xs - (a[0] + t * dx), ys - (a[1] + t * dy))
            closer = d < best
            best[closer] = d[closer]
            along[closer] = start + t[closer] * length
            start += length
        position[side], distance[side] = along, best
    sleeve = sleeves[y0:y1, x0:x1] > 0.5
    nearer_left = distance["left"] <= distance["right"]
    for side, mine in (("left", nearer_left), ("right", ~nearer_left)):
        near = mine & (distance[side] < 0.3 * sw)
        on_sleeve = near & sleeve
        if on_sleeve.sum() < 20:
            continue
        end = float(np.percentile(position[side][on_sleeve], 99))
        beyond[y0:y1, x0:x1] |= near & (position[side] > end)
    return beyond


def _nearer_leg(
    person: PersonAnalysis, shape: tuple[int, int], offset: tuple[int, int]
) -> np.ndarray:
    """1 where the left leg's bones (hip, knee, ankle) are nearer than the right's, else 2,
    over a box of ``shape`` at ``offset`` (row, column) in the photo (on a grid of 4 px:
    only the legs' own skin, far from where they meet, decides a fill)."""
    step = 4
    ys, xs = np.mgrid[0 : shape[0] : step, 0 : shape[1] : step].astype(np.float32)
    pixels = np.stack([xs + offset[1] + step / 2, ys + offset[0] + step / 2], axis=-1)
    distances = []
    for side in ("left", "right"):
        chain = [person.landmarks[LM[f"{side}_{j}"], :2] for j in ("hip", "knee", "ankle")]
        best = np.full(xs.shape, np.inf, dtype=np.float32)
        for a, b in itertools.pairwise(np.asarray(chain, dtype=np.float32)):
            axis = b - a
            t = np.clip((pixels - a) @ axis / max(float(axis @ axis), 1e-6), 0.0, 1.0)
            best = np.minimum(best, np.linalg.norm(pixels - (a + t[..., None] * axis), axis=-1))
        distances.append(best)
    sides = np.where(distances[0] <= distances[1], 1, 2).astype(np.uint8)
    return np.repeat(np.repeat(sides, step, axis=0), step, axis=1)[: shape[0], : shape[1]]


def _limb_zone(
    person: PersonAnalysis,
    joints: tuple[str, ...],
    radius: float = 0.2,
    sides: tuple[str, ...] = ("left", "right"),
) -> np.ndarray:
    """Pixels within ``radius`` shoulder spans of the limbs' bones (joints in order)."""
    height, width = person.image.shape[:2]
    sw = _shoulder_span(person)
    canvas = np.zeros((height, width), dtype=np.uint8)
    for side in sides:
        points = [person.landmarks[LM[f"{side}_{j}"], :2].astype(np.float64) for j in joints]
        for a, b in itertools.pairwise(points):
            _tapered(canvas, a, b, radius * sw, radius * sw)
    return canvas > 0


def _body_core(person: PersonAnalysis, sw: float, arms_below: ArmsBelow) -> np.ndarray:
    """Where the body itself is (not a loose garment around it): torso, neck, arms, legs.

    An upper arm under an old sleeve runs on up from where it shows below it (``arms_below``,
    see _upper_arms_below).
    """
    height, width = person.image.shape[:2]
    canvas = np.zeros((height, width), dtype=np.uint8)
    p = {name: person.landmarks[index, :2].astype(np.float64) for name, index in LM.items()}
    hmid = (p["left_hip"] + p["right_hip"]) / 2
    smid = (p["left_shoulder"] + p["right_shoulder"]) / 2
    hips = p["left_hip"] - p["right_hip"]
    # Generous: the silhouette it is intersected with gives the body's real outline where
    # the old garment was fitted; loose garments are refused (see _confidence).
    shoulders = p["left_shoulder"] - p["right_shoulder"]
    torso = np.array(
        [
            p["left_shoulder"] + 0.05 * shoulders,
            hmid + 1.0 * hips,
            hmid - 1.0 * hips,
            p["right_shoulder"] - 0.05 * shoulders,
        ]
    )
    cv2.fillConvexPoly(canvas, np.round(torso).astype(np.int32), 1)
    # The slope of the shoulders up to the neck, falling from its sides to the shoulders'
    # tops (the arms' round caps below): a loose old top's square shoulders are not the body's.
    # The joints lie a deltoid's thickness below the shoulders' tops, which a fitted top's
    # seams follow (lower, the slope came back as a pale strip of backdrop beside the neck).
    up = (smid - hmid) / max(float(np.linalg.norm(smid - hmid)), 1e-6) * sw
    beside_neck = 0.2 * shoulders
    neck_side = NECK_SIDE_TOP * up
    slope = np.array([p["left_shoulder"], p["left_shoulder"] + SHOULDER_TOP * up,
                      smid + beside_neck + neck_side, smid - beside_neck + neck_side,
                      p["right_shoulder"] + SHOULDER_TOP * up, p["right_shoulder"]])  # fmt: skip
    cv2.fillConvexPoly(canvas, np.round(slope).astype(np.int32), 1)
    # The hull of shoulders, elbows and hips: an arm hanging against the side leaves no gap
    # in the silhouette at the armpit, outside both the torso's and the arm's own outlines.
    hull = [p["left_shoulder"], p["right_shoulder"], p["left_elbow"], p["right_elbow"],
            p["left_hip"] + 0.5 * hips, p["right_hip"] - 0.5 * hips]  # fmt: skip
    cv2.fillConvexPoly(canvas, cv2.convexHull(np.round(np.array(hull)).astype(np.int32)), 1)
    # Beyond an upper arm hanging at the side there is no torso: only the arm's own round
    # outline, not a loose old sleeve's.
    down = (hmid - smid) / max(float(np.linalg.norm(hmid - smid)), 1e-6)
    for side in ("left", "right"):
        shoulder, elbow = p[f"{side}_shoulder"], p[f"{side}_elbow"]
        outward = shoulder - smid - np.dot(shoulder - smid, down) * down
        outward /= max(float(np.linalg.norm(outward)), 1e-6)
        beside = [float(np.dot(j - smid, outward)) for j in (shoulder, elbow)]
        if min(beside) > 0.35 * sw:
            beyond = np.array([shoulder, elbow, elbow + sw * outward, shoulder + sw * outward])
            cv2.fillConvexPoly(canvas, np.round(beyond).astype(np.int32), 0)
    chin = smid + 0.35 * (p["nose"] - smid)
    # The neck's base is as wide as the slope of the shoulders beside it.
    _tapered(canvas, smid, chin, 0.3 * sw, 0.12 * sw)
    arms = _arm_thickness(person, sw)
    for side in ("left", "right"):
        upper = arms_below[side]
        for (j0, j1), profile in LIMB_PROFILES.items():
            a, b = p[f"{side}_{j0}"], p[f"{side}_{j1}"]
            if j0 == "shoulder" and upper is not None:
                # From the shoulder's cap down to the arm where the old sleeve ended.
                centre, radius = upper
                _tapered(canvas, a, centre, _deltoid_cap(radius, arms[side], sw), radius)
                continue
            scale = arms[side] if j0 in ("shoulder", "elbow") else 1.0
            for (t0, r0), (t1, r1) in itertools.pairwise(profile):
                ra, rb = r0 * scale * sw, r1 * scale * sw
                _tapered(canvas, a + t0 * (b - a), a + t1 * (b - a), ra, rb)
        # The hand: a long sleeve's removed cuff between an invented forearm and the hand
        # came back as a strip of backdrop across the wrist.
        wrist, index = p[f"{side}_wrist"], p[f"{side}_index"]
        wrist_radius = LIMB_PROFILES[("elbow", "wrist")][-1][1] * sw
        _tapered(canvas, wrist, index, wrist_radius, 0.8 * wrist_radius)
    return canvas > 0


def _deltoid_cap(half: float, thickness: float, sw: float) -> float:
    """The radius at the shoulder of an upper arm restored under a removed sleeve: the
    modelled deltoid's (LIMB_PROFILES, scaled by the arm's ``thickness``), never less than
    the ``half`` width the arm shows below the old sleeve."""
    return max(half, LIMB_PROFILES[("shoulder", "elbow")][0][1] * thickness * sw)


def _upper_arms_below(person: PersonAnalysis, removal: np.ndarray, sw: float) -> ArmsBelow:
    """Per side, where the upper arm shows again below an old sleeve: the middle and
    half-width of its first whole cross-section down the bone from the shoulder, past
    ``removal`` (None: no sleeve was removed over it, or it shows no whole cross-section
    above the elbow)."""
    if person.parsing is None:
        return {"left": None, "right": None}
    skin = person.parsing.mask("arms") & ~removal
    return {side: _arm_below(person, removal, skin, side, sw) for side in ("left", "right")}


def _beside_upper_arms(person: PersonAnalysis, arms_below: ArmsBelow, sw: float) -> _BesideArms:
    """Per side where an upper arm hangs and shows below an old sleeve (``arms_below``):
    the arm, run on up its bone to the shoulder as wide as it shows, the strip from its
    inner edge in towards the body's middle, and the strip beyond its outer edge.

    Under the old sleeve that strip is the torso's side, which a new top covers; the arm
    is the arm's, which the body's side does not reach over. Only for arms hanging at the
    sides: beside an arm held out (a hand on the hip) the old sleeve hangs over the gap.
    """
    height, width = person.image.shape[:2]
    canvas = np.zeros((height, width), dtype=np.uint8)
    arms = np.zeros((height, width), dtype=np.uint8)
    outside = np.zeros((height, width), dtype=np.uint8)
    thickness = _arm_thickness(person, sw)
    middle = (person.point("left_shoulder") + person.point("right_shoulder")) / 2
    down = _torso_frame(person).down
    for side, below in arms_below.items():
        if below is None:
            continue
        centre, half = below
        shoulder = person.point(f"{side}_shoulder").astype(np.float64)
        bone = centre - shoulder
        length = float(np.linalg.norm(bone))
        if length < 1.0 or float(bone @ down) / length < HANGING_COSINE:
            continue
        across = np.array([-bone[1], bone[0]]) / length
        if np.dot(middle - centre, across) < 0:
            across = -across  # towards the body's middle
        edge = centre + half * across
        inward = 0.35 * sw * across
        strip = np.array([edge - bone, edge, edge + inward, edge - bone + inward])
        cv2.fillConvexPoly(canvas, np.round(strip).astype(np.int32), 1)
        # Beyond it as restored (see _body_core): a deltoid's round cap tapering down to
        # the arm as it shows.
        cap = _deltoid_cap(half, thickness[side], sw)
        top, low = shoulder - (cap + 2.0) * across, centre - (half + 2.0) * across
        strip = np.array([top, low, low - inward, top - inward])
        cv2.fillConvexPoly(outside, np.round(strip).astype(np.int32), 1)
        # A little over the strip's edge, so no line of pixels between them is left to
        # either rule.
        _tapered(arms, shoulder, centre, half + 2.0, half + 2.0)
    found = _BesideArms(arms > 0, canvas > 0, outside > 0)
    every = found.arms | found.strips | found.outside
    if every.any():
        # From a little above the armpits down: over the shoulders the old top's outline
        # is the new one's to cover (but not a short sleeve's flare standing out beyond
        # the deltoid's cap, which starts there).
        x0, y0, x1, y1 = _box(every, 0, (height, width))
        landmarks = person.landmarks.copy()
        landmarks[:, 0] -= x0
        landmarks[:, 1] -= y0
        above = torso_axial_share(landmarks, (y1 - y0, x1 - x0)) <= ARMPIT_AXIAL - 0.05
        for mask in (found.arms, found.strips):
            mask[y0:y1, x0:x1] &= ~above
    return found


def _above_old_neckline(
    person: PersonAnalysis, parsing: PersonParsing, bared: np.ndarray, shown: np.ndarray, sw: float
) -> np.ndarray:
    """Weights (1 at the old neckline, 0 EDGE_FADE shoulder spans up) over the chest's skin
    just above where a removed top began, when the new garment leaves the chest bare there.

    The old top's edge casts a line of shadow on the skin above it (p09's strapless top), and
    the real chest's light there is not the smooth invented chest's: kept as they are, they
    ended in a straight dark line across the chest where the old top began. Below the neck's
    base only: the neck above a crew neck is its own. ``bared``: the removed pixels the new
    garment leaves bare; ``shown``: the photo's pixels it leaves bare.
    """
    height, width = bared.shape
    weight = np.zeros((height, width), dtype=np.float32)
    if not bared.any():
        return weight
    reach = EDGE_FADE * sw
    x0, y0, x1, y1 = _box(bared, round(reach) + 2, (height, width))
    box = (slice(y0, y1), slice(x0, x1))
    frame = _torso_frame(person)
    along, across = frame.coordinates((y1 - y0, x1 - x0), (y0, x0))
    chest = (along > 0.05 * sw) & (along < frame.torso) & (np.abs(across) < 0.4 * sw)
    hem = bared[box] & chest
    if not hem.any():
        return weight
    skin = parsing.mask("face")[box] & shown[box] & chest
    weight[box] = _faded_from(hem, skin, reach)
    return weight


def _faded_from(edge: np.ndarray, skin: np.ndarray, reach: float) -> np.ndarray:
    """Weights over ``skin``: 1 at ``edge``, falling to 0 ``reach`` pixels from it along a
    smoothstep (no kink where the fade meets the photo)."""
    distance = cv2.distanceTransform((~edge).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    share = np.clip(1.0 - distance / reach, 0.0, 1.0)
    return np.where(skin, share * share * (3.0 - 2.0 * share), 0.0).astype(np.float32)


def _below_old_sleeves(
    person: PersonAnalysis,
    parsing: PersonParsing,
    bared: np.ndarray,
    shown: np.ndarray,
    arms_below: ArmsBelow,
    sw: float,
) -> np.ndarray:
    """Weights (1 at the hem, 0 EDGE_FADE shoulder spans down the arm) over the arm's skin
    just below where a removed sleeve ended, when the new garment leaves that arm bare.

    That skin still shows the sleeve: its shadow, the light a white one threw on it, a tan
    line. Kept as it is, it stood under the restored upper arm as a pale or dark band with
    a straight top edge, where the old hem had been. ``bared`` and ``shown``: see
    _above_old_neckline.
    """
    height, width = bared.shape
    weight = np.zeros((height, width), dtype=np.float32)
    arms = parsing.mask("arms") & shown
    reach = EDGE_FADE * sw
    for side, below in arms_below.items():
        if below is None:
            continue
        centre, half = below
        shoulder, elbow = (person.landmarks[LM[f"{side}_{j}"], :2].astype(np.float64)
                           for j in ("shoulder", "elbow"))  # fmt: skip
        # The arm's own tube, so the torso's side restored beside it does not count.
        tube = np.zeros((height, width), dtype=np.uint8)
        _tapered(tube, shoulder, elbow, 1.25 * half, 1.25 * half)
        _tapered(tube, shoulder, centre, 1.25 * half, 1.25 * half)
        tube = tube > 0
        hem = bared & tube
        if not hem.any():
            continue
        box = _box(tube, round(reach) + 2, (height, width))
        box = (slice(box[1], box[3]), slice(box[0], box[2]))
        fade = _faded_from(hem[box], arms[box] & tube[box], reach)
        weight[box] = np.maximum(weight[box], fade)
    return weight


def _arm_below(
    person: PersonAnalysis, removal: np.ndarray, skin: np.ndarray, side: str, sw: float
) -> tuple[np.ndarray, float] | None:
    """One side of _upper_arms_below (``skin``: the arms' skin outside ``removal``)."""
    height, width = skin.shape
    shoulder, elbow = (person.landmarks[LM[f"{side}_{j}"], :2].astype(np.float64)
                       for j in ("shoulder", "elbow"))  # fmt: skip
    length = float(np.linalg.norm(elbow - shoulder))
    if length < 1.0:
        return None
    u = (elbow - shoulder) / length
    n = np.array([-u[1], u[0]])
    offsets = np.arange(-round(0.3 * sw), round(0.3 * sw) + 1, dtype=np.float64)
    middle = len(offsets) // 2
    middle_point = (person.point("left_shoulder") + person.point("right_shoulder")) / 2
    assert person.parsing is not None  # _upper_arms_below returns early without it
    labels = person.parsing.labels
    sleeve_end = None  # how far down the bone the old sleeve ended
    for distance in np.arange(0.0, length, max(1.0, 0.02 * sw)):
        point = shoulder + distance * u
        xs = np.round(point[0] + offsets * n[0]).astype(int)
        ys = np.round(point[1] + offsets * n[1]).astype(int)
        inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
        if not inside[middle]:
            return None
        if removal[ys[middle], xs[middle]]:
            sleeve_end = distance
            continue
        if sleeve_end is None:
            continue
        if distance - sleeve_end > 0.25 * sw:
            return None  # no whole cross-section soon below the sleeve
        on = np.zeros(len(offsets), dtype=bool)
        on[inside] = skin[ys[inside], xs[inside]]
        if not on[middle]:
            continue
        # The run of arm skin through the bone, across the arm: under a slanted hem the
        # first is cut short, and one reaching the window's end is not an arm's.
        left, right = middle, middle
        while left > 0 and on[left - 1]:
            left -= 1
        while right < len(on) - 1 and on[right + 1]:
            right += 1
        half = (right - left + 1) / 2
        if left == 0 or right == len(on) - 1 or not 0.05 * sw <= half <= 0.2 * sw:
            continue
        # Cut short on its outer side by a slanting hem, the run is not the arm's whole
        # width (p17's arm came back half as wide above her old sleeve's hem as below it).
        # Its inner side may well meet the old top: the arm hangs against it.
        outer = left - 1 if np.dot(middle_point - point, n) > 0 else right + 1
        y, x = ys[outer], xs[outer]
        if inside[outer] and removal[y, x] and labels[y, x] != LABEL["background"]:
            continue
        return point + (offsets[left] + offsets[right]) / 2 * n, half
    return None


def _arm_thickness(person: PersonAnalysis, sw: float) -> dict[str, float]:
    """Each arm's thickness against the modelled adult's (LIMB_PROFILES), 0.7..1.

    Read from the arm's visible skin around the elbow (below a short sleeve), so an upper
    arm restored under a removed sleeve is as slim as the arm it runs into; 1 when too
    little of the arm shows.
    """
    scales = {"left": 1.0, "right": 1.0}
    if person.parsing is None:
        return scales
    # Every few pixels: percentiles of a hundred thousand arm pixels (a 2000-px photo's)
    # need not all of them, and the render measures this twice.
    step = max(1, round(sw / 120))
    ys, xs = np.nonzero(person.parsing.mask("arms")[::step, ::step])
    if len(ys) * step * step < 50:
        return scales
    points = np.stack([xs, ys], axis=1).astype(np.float64) * step
    windows = {("shoulder", "elbow"): (0.5, 1.0), ("elbow", "wrist"): (0.0, 0.4)}
    for side in scales:
        ratios = []
        for (j0, j1), (low, high) in windows.items():
            a = person.landmarks[LM[f"{side}_{j0}"], :2].astype(np.float64)
            b = person.landmarks[LM[f"{side}_{j1}"], :2].astype(np.float64)
            d = b - a
            length = max(float(np.linalg.norm(d)), 1e-6)
            t = (points - a) @ d / length**2
            signed = (points - a) @ np.array([-d[1], d[0]]) / length
            model = np.interp(t, *zip(*LIMB_PROFILES[(j0, j1)], strict=True)) * sw
            near = (t >= low) & (t <= high) & (np.abs(signed) < 1.5 * model)
            ratios.append(signed[near] / model[near])
        ratio = np.concatenate(ratios)
        if len(ratio) * step * step >= 0.05 * sw * sw:
            # The spread across the bone, not the distance from it: the landmark may lie
            # off the arm's middle. 94% of a filled cross-section lies within its 3rd and
            # 97th percentiles.
            inner, outer = np.percentile(ratio, [3, 97])
            scales[side] = float(np.clip((outer - inner) / 2 / 0.94, 0.7, 1.0))
    return scales


def _forearms(person: PersonAnalysis, sw: float) -> np.ndarray:
    """The forearms and hands as the body's proportions draw them (LIMB_PROFILES, a little
    fuller), within the silhouette: what every piece of a garment but its sleeves goes
    behind.

    The warp's own capsules round them are twice as wide and soft: beside an arm hanging
    at the side they cut a blurred, straight edge into a skirt's hip, with a strip of the
    old one restored as backdrop between. The matte in front (_in_front_matte) follows
    the photo's own edges; this only keeps the garment off a forearm the parser took for
    clothes (the shaded inside of a wrist against a dark skirt).
    """
    height, width = person.image.shape[:2]
    thickness = _arm_thickness(person, sw)
    (_, elbow), (_, wrist) = LIMB_PROFILES[("elbow", "wrist")]
    limbs = []
    for side, scale in thickness.items():
        a, b, index, pinky = (
            person.landmarks[LM[f"{side}_{joint}"], :2].astype(np.float64)
            for joint in ("elbow", "wrist", "index", "pinky")
        )
        radius = 1.15 * scale * sw
        knuckles = (index + pinky) / 2
        limbs.append((a, b, b + 0.35 * (knuckles - b), b + 1.3 * (knuckles - b), radius))
    # Drawn in the arms' box only: over a whole photo it cost tens of milliseconds.
    points = np.array([p for limb in limbs for p in limb[:4]])
    reach = max(limb[4] for limb in limbs) * 1.3 * wrist + 4
    x0, y0 = np.clip(np.floor(points.min(axis=0) - reach), 0, [width, height]).astype(int)
    x1, y1 = np.clip(np.ceil(points.max(axis=0) + reach), 0, [width, height]).astype(int)
    matte = np.zeros((height, width), dtype=np.float32)
    if x1 <= x0 or y1 <= y0:
        return matte
    offset = np.array([x0, y0], dtype=np.float64)
    forearms = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
    hands = np.zeros_like(forearms)
    for a, b, heel, tip, radius in limbs:
        # On past the wrist into the heel of the hand, whose shaded side the parser may
        # take for clothes; the hand beyond is a hand only where it is seen as skin (its
        # model would cut a fist resting on a hip out of the top below it).
        _tapered(forearms, a - offset, heel - offset, radius * elbow, radius * wrist)
        _tapered(hands, b - offset, tip - offset, radius * wrist, radius * 1.3 * wrist)
    box = np.s_[y0:y1, x0:x1]
    shape = forearms > 0
    if person.parsing is not None:
        arms = person.parsing.mask("arms")[box].astype(np.uint8)
        shape |= (hands > 0) & (cv2.dilate(arms, _disc(2)) > 0)
    inside = shape & (person.segmentation[box] > 0.5)
    matte[box] = cv2.GaussianBlur(inside.astype(np.float32), (0, 0), 0.8)
    return matte


def _tapered(canvas: np.ndarray, a: np.ndarray, b: np.ndarray, ra: float, rb: float) -> None:
    """Draw a limb segment: circles at both joints joined by their tangent trapezoid."""
    direction = b - a
    length = float(np.linalg.norm(direction))
    cv2.circle(canvas, tuple(np.round(a).astype(int).tolist()), max(1, round(ra)), 1, -1)
    cv2.circle(canvas, tuple(np.round(b).astype(int).tolist()), max(1, round(rb)), 1, -1)
    if length < 1e-3:
        return
    normal = np.array([-direction[1], direction[0]]) / length
    quad = np.array([a + ra * normal, b + rb * normal, b - rb * normal, a - ra * normal])
    cv2.fillConvexPoly(canvas, np.round(quad).astype(np.int32), 1)


# --- putting the new one on -----------------------------------------------------------------


def _body_roundness(segmentation: np.ndarray, sw: float) -> np.ndarray:
    """Gentle darkening towards an outline (the body's, or its cloth's), where it turns away.

    A flat product shot laid on a body looks like a paper cut-out; real cloth on a round
    body darkens a little towards its sides. Up to 10% at the silhouette's edge, nothing a
    fifth of a shoulder span inside it.
    """
    inside = (segmentation > 0.5).astype(np.uint8)
    depth = cv2.distanceTransform(inside, cv2.DIST_L2, 3)
    share = np.clip(depth / max(0.2 * sw, 1.0), 0.0, 1.0)
    return (1.0 - 0.1 * (1.0 - share) ** 2).astype(np.float32)


def _contact_shadow(alpha: np.ndarray, segmentation: np.ndarray, feather: int) -> np.ndarray:
    """Soft shadow a garment casts on the body just beyond its edges (light from above).

    Kept within the feather, so the edit region still bounds every changed pixel.
    """
    sigma = max(1.0, feather / 2.5)
    shift = max(1, round(sigma / 2))
    cast = np.zeros_like(alpha)
    cast[shift:] = alpha[:-shift]  # the shadow falls a little below the edge
    cast = cv2.GaussianBlur(cast, (0, 0), sigma)
    # Only on the person: the selfie segmentation is unsure (0.2..0.5) for a few pixels
    # past a shoulder, and a shadow there greys the backdrop beside the garment's edge.
    on_body = cv2.GaussianBlur((segmentation > 0.5).astype(np.float32), (0, 0), 1.0)
    return (1.0 - 0.22 * cast * (1.0 - alpha) * on_body).astype(np.float32)


# --- judging the picture ----------------------------------------------------------------------


def _confidence(
    person: PersonAnalysis,
    parsing: PersonParsing,
    warped: WarpedGarment,
    garment_mask: np.ndarray,
    removal: np.ndarray,
    stretched: np.ndarray,
    sw: float,
    arms_below: ArmsBelow,
) -> list[_Check]:
    """The renderer's own checks of its picture, each scored 0 (bad) to 1 (fine).

    In order, the most basic first: the first that fails gives the shopper's advice.
    """
    p = {name: person.landmarks[index, :2].astype(np.float64) for name, index in LM.items()}
    smid = (p["left_shoulder"] + p["right_shoulder"]) / 2
    hmid = (p["left_hip"] + p["right_hip"]) / 2
    torso_length = max(float(np.linalg.norm(hmid - smid)), 1.0)
    checks = [_parsing_agreement(person, parsing, warped.category)]
    if warped.category == "bottom" and parsing.dress:
        # Trousers or a skirt under half a dress: the bodice would have to pass for a top
        # and most of the legs and the skirt's backdrop would be invented.
        checks.append(
            _Check(
                "dress_worn",
                0.0,
                "To try on trousers or a skirt, please use a photo in a top and trousers "
                "or a skirt rather than a dress.",
            )
        )
    # Facing the camera: shoulders ~0.6-0.75 torso lengths apart; turned, they close up.
    facing = float(np.linalg.norm(p["left_shoulder"] - p["right_shoulder"])) / torso_length
    checks.append(
        _Check(
            "facing",
            _ramp(facing, 0.35, 0.5),
            "Please stand facing the camera, with both shoulders in view.",
        )
    )
    # Standing upright: the torso near vertical and, for bottoms and dresses, the thighs
    # hanging down along it (a kick or a crouch bends them away).
    tilt = _angle_from(hmid - smid, np.array([0.0, 1.0]))
    if warped.category in ("bottom", "dress"):
        for side in ("left", "right"):
            thigh = p[f"{side}_knee"] - p[f"{side}_hip"]
            tilt = max(tilt, _angle_from(thigh, hmid - smid))
    checks.append(
        _Check(
            "upright",
            1.0 - _ramp(tilt, 25.0, 40.0),
            "Please use a photo where you stand upright, facing the camera.",
        )
    )
    # The garment must land where the body is: its zone (torso, or legs for bottoms) covered.
    zone = _garment_zone(person, warped.category, sw)
    visible_zone = zone & ~parsing.mask("face", "hair")
    if warped.category != "outerwear":
        visible_zone &= ~parsing.mask("arms")
    covered = float(garment_mask[visible_zone].mean()) if visible_zone.any() else 0.0
    checks.append(
        _Check(
            "coverage",
            _ramp(covered, 0.45, 0.7),
            "Please use a photo where you stand upright, facing the camera, arms at your sides.",
        )
    )
    # Arms across the body hide what the garment would show: bare ones cover the torso,
    # and hands clasped in front of it (in sleeves too) bend both sleeves across the body.
    torso_zone = _garment_zone(person, "top", sw)
    crossed = float(parsing.mask("arms")[torso_zone].mean()) if torso_zone.any() else 0.0
    score = 1.0 - _ramp(crossed, 0.3, 0.5)
    if warped.category != "bottom":
        frame = _torso_frame(person)
        wrists = [p[f"{side}_wrist"] - frame.smid for side in ("left", "right")]
        if all(0.2 < float(w @ frame.down) / frame.torso < 1.5 for w in wrists):
            apart = max(abs(float(w @ frame.lat)) for w in wrists) / frame.sw
            score = min(score, _ramp(apart, 0.3, 0.45))
    checks.append(
        _Check(
            "arms_in_front",
            score,
            "Please use a photo with your arms relaxed at your sides, not across your body.",
        )
    )
    # Much of the old garment left uncovered means much invented skin or background (or
    # garment stretched over it: see _old_footprint_covered). Bare
    # forearms and shins under shorter sleeves and hems are routine: only the rest counts.
    uncovered = (removal & ~garment_mask) | stretched
    uncovered &= ~_limb_zone(person, FOREARM, radius=0.1)
    uncovered &= ~_limb_zone(person, ("knee", "ankle", "foot_index"), radius=0.12)
    body_area = max(float((person.segmentation > 0.5).sum()), 1.0)
    invented = float(uncovered.sum()) / body_area
    checks.append(
        _Check(
            "invented",
            1.0 - _ramp(invented, 0.1, 0.2),
            "A photo in fitted clothes works best.",
        )
    )
    # An arm the old sleeve hid must be invented under a shorter sleeve. An upper arm a
    # T-shirt's sleeve hid (about 60% of it) runs on up from the arm below it, lit as the
    # photo's skin is, and convinces; more of it, an upper arm that does not show below
    # its sleeve before the elbow, or much of a forearm (its wrist, the hand's root), no
    # shopper would believe.
    continued = all(below is not None for below in arms_below.values())
    upper = (0.65, 0.85) if continued else (0.25, 0.45)
    for joints, (low, high) in ((("shoulder", "elbow"), upper), (("elbow", "wrist"), (0.25, 0.45))):
        zone = _limb_zone(person, joints, radius=0.08)
        if zone.any():
            hidden = float((removal & ~garment_mask & zone).sum()) / float(zone.sum())
            checks.append(
                _Check(
                    f"{joints[0]}_to_{joints[1]}_invented",
                    1.0 - _ramp(hidden, low, high),
                    "For this garment, a photo with your arms bare (a sleeveless or "
                    "short-sleeved top) works best.",
                )
            )
    return checks


def _parsing_agreement(person: PersonAnalysis, parsing: PersonParsing, category: str) -> _Check:
    """Whether the parsing and the skeleton tell the same story about the body.

    Points along the bones the garment goes on (shoulders to hips, hips to knees) should
    all lie on the person, and those of the torso on clothes or skin, not background. A
    busy background or a pose the person mask missed shows as bone points off the person.
    """
    height, width = parsing.labels.shape
    p = {name: person.landmarks[index, :2].astype(np.float64) for name, index in LM.items()}
    bones = [("left_shoulder", "left_hip"), ("right_shoulder", "right_hip")]
    bones += [("left_shoulder", "right_hip"), ("right_shoulder", "left_hip")]
    if category in ("bottom", "dress"):
        bones += [("left_hip", "left_knee"), ("right_hip", "right_knee")]
    on_person = []
    for a, b in bones:
        for share in np.linspace(0.15, 0.85, 8):
            x, y = np.round(p[a] + share * (p[b] - p[a])).astype(int)
            if 0 <= x < width and 0 <= y < height:
                on_person.append(parsing.labels[y, x] != LABEL["background"])
    agreement = float(np.mean(on_person)) if on_person else 0.0
    return _Check(
        "parsing",
        _ramp(agreement, 0.7, 0.9),
        "Please use a photo against a plain background, with your whole body clearly visible.",
    )


def _garment_zone(person: PersonAnalysis, category: str, sw: float) -> np.ndarray:
    """Where a garment of this category surely lies on the body (well inside its outline)."""
    height, width = person.image.shape[:2]
    p = {name: person.landmarks[index, :2].astype(np.float64) for name, index in LM.items()}
    canvas = np.zeros((height, width), dtype=np.uint8)
    if category in ("top", "dress", "outerwear"):
        quad = np.array(
            [
                p["left_shoulder"] + 0.15 * (p["left_hip"] - p["left_shoulder"]),
                p["left_hip"] - 0.1 * (p["left_hip"] - p["left_shoulder"]),
                p["right_hip"] - 0.1 * (p["right_hip"] - p["right_shoulder"]),
                p["right_shoulder"] + 0.15 * (p["right_hip"] - p["right_shoulder"]),
            ]
        )
        # Inset from the sides: the joints are at the torso's edge.
        centre = quad.mean(axis=0)
        quad = centre + 0.8 * (quad - centre)
        cv2.fillConvexPoly(canvas, np.round(quad).astype(np.int32), 1)
    if category == "bottom":
        for side in ("left", "right"):
            hip, knee = p[f"{side}_hip"], p[f"{side}_knee"]
            _tapered(
                canvas, hip + 0.1 * (knee - hip), hip + 0.8 * (knee - hip), 0.1 * sw, 0.07 * sw
            )
    inside = (canvas > 0) & (person.segmentation > 0.5)
    return inside


def _angle_from(vector: np.ndarray, reference: np.ndarray) -> float:
    """Angle in degrees between two 2-D vectors."""
    norms = max(float(np.linalg.norm(vector) * np.linalg.norm(reference)), 1e-9)
    return float(np.degrees(np.arccos(np.clip(vector @ reference / norms, -1.0, 1.0))))


def _ramp(value: float, low: float, high: float) -> float:
    return float(np.clip((value - low) / max(high - low, 1e-6), 0.0, 1.0))


# --- small geometry -------------------------------------------------------------------------


def _shoulder_span(person: PersonAnalysis) -> float:
    left = person.landmarks[LM["left_shoulder"], :2]
    right = person.landmarks[LM["right_shoulder"], :2]
    return max(float(np.linalg.norm(left - right)), 8.0)


def _lowest_row(mask: np.ndarray) -> int:
    """The mask's lowest row (-1 when empty)."""
    rows = np.nonzero(mask.any(axis=1))[0]
    return int(rows.max()) if len(rows) else -1


def _box(mask: np.ndarray, margin: int, size: tuple[int, int]) -> tuple[int, int, int, int]:
    # OpenCV's bounding box: a tenth of the time of numpy's nonzero on a 2000-px photo.
    x, y, w, h = cv2.boundingRect(np.ascontiguousarray(mask, dtype=np.uint8))
    height, width = size
    return (
        max(0, x - margin),
        max(0, y - margin),
        min(width, x + w + margin),
        min(height, y + h + margin),
    )


def _disc(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
