"""The geometric try-on: warp the product shot onto the body, then blend it into the photo.

This is the reference baseline any learned renderer has to beat. No training, no model:

* warp: the garment is cut into pieces that move differently, each along its own landmarks.
  Lengths come from the garment, not the body: its length in (flat) chest widths, read
  against the person's torso, says where its hem lands (a cropped top above the waist, a tee
  around the hips, a midi dress at mid-calf); long sleeves end at the wrists and full-length
  legs at the ankles. The torso of a top, dress or coat (or a skirt) follows a thin-plate
  spline from garment landmarks to body points: its shoulder seams to the tops of the
  shopper's shoulders, its sides at armpit, waist and hem to the edges of the person's own
  torso at those heights (arms left out), so the new garment covers what they wear; below
  the hips it keeps its flare. Sleeves and trouser legs are strips of quads mapped
  piecewise-affinely along the limb's bones (upper arm and forearm, thigh and shin, bending
  at elbow and knee). A trouser leg is as wide as the garment's but never narrower than
  the leg, so a flared leg keeps its shape; a sleeve is centred on the arm's own outline
  in the photo and a little wider than it (a third at most, so it never floats off the
  arm), turns round a bent elbow in several steps, and ends in a straight hem.
* composite: the warped garment is clipped to the person's silhouette (grown a little; a skirt
  may flare past it), forearms and hands stay in front of it, edges are feathered, and the
  photo's own soft folds and exposure are multiplied in lightly. Nothing is painted above the
  neck line or inside a detected face, so the face stays exactly as it was.

"Left" and "right" are the wearer's, for body and garment landmarks alike.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from tryon_worker.garment import GarmentAnalysis
from tryon_worker.renderers.base import RenderOutput, WarpedGarment
from tryon_worker.renderers.disc_closing import disc_closing
from tryon_worker.renderers.photo_light import LUMA, garment_in_photo_light
from tryon_worker.renderers.skin_light import LIMB_PROFILES
from vision.body_frame import NECK_SIDE_TOP, SHOULDER_TOP, TorsoFrame
from vision.parsing import LABEL
from vision.pose import LM, PersonAnalysis
from vision.tps import tps_map

logger = logging.getLogger(__name__)

SIDES = (("left", 1.0), ("right", -1.0))
#: Where an arm hangs beside the body, the torso's piece stops this share of
#: _Body.arm_half inside the arm's bone line, and the sleeve's inner edge reaches in to it.
ARM_INSIDE_BONE = 0.6
#: A long sleeve's cuff lies this many shoulder spans past the wrist joint.
LONG_SLEEVE_PAST_WRIST = 0.08
#: An arm within 20 degrees of the spine's direction hangs down along the body.
HANGING_COSINE = float(np.cos(np.radians(20.0)))


@dataclass
class _Layer:
    rgbp: np.ndarray  # (h, w, 3) premultiplied colour inside the region of interest
    alpha: np.ndarray  # (h, w)
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the photo


class GeometricRenderer:
    """Pose-guided warp of the product shot plus a simple shaded composite (no learning)."""

    name = "geometric"

    def __init__(self) -> None:
        # warp and composite of one try-on measure the same body: keep the last one.
        self._last_body: _Body | None = None

    def _body(self, person: PersonAnalysis) -> _Body:
        if self._last_body is None or self._last_body.person is not person:
            self._last_body = _Body(person)
        return self._last_body

    def render(self, person: PersonAnalysis, garment: GarmentAnalysis) -> RenderOutput:
        """Put the garment on the person (see the module docstring)."""
        return self.composite(person, self.warp(person, garment))

    def warp(
        self,
        person: PersonAnalysis,
        garment: GarmentAnalysis,
        waist: float | None = None,
        forearms: np.ndarray | None = None,
    ) -> WarpedGarment:
        """Move the garment's pieces onto the body; returns colour, coverage and support.

        ``waist``: for a bottom, where the shopper wears their own waistband, in torso
        lengths down from the shoulders (see _bottom_fit); None: the garment's rise alone.
        ``forearms``: what stays in front of every piece but the sleeves (0..1); None:
        generous capsules round the forearms and hands, for want of a better matte.
        """
        body = self._body(person)
        if forearms is None:
            forearms = body.arms
        source = _premultiplied(garment.rgba)
        if garment.category == "bottom":
            layers, flare_from = _warp_bottom(body, garment, source, waist)
        else:
            layers, flare_from = _warp_upper(body, garment, source)
        height, width = body.height, body.width
        rgbp = np.zeros((height, width, 3), dtype=np.float32)
        alpha = np.zeros((height, width), dtype=np.float32)
        sleeves = np.zeros((height, width), dtype=np.float32)
        for kind, layer in layers:
            # Forearms and hands are in front of the garment's body; only a sleeve covers an
            # arm, and hands stay in front of sleeves too.
            occluder = body.hands if kind == "sleeve" else forearms
            x0, y0, x1, y1 = layer.box
            keep = 1.0 - occluder[y0:y1, x0:x1]
            layer_alpha = layer.alpha * keep
            region_rgbp, region_alpha = rgbp[y0:y1, x0:x1], alpha[y0:y1, x0:x1]
            # Later layers go on top ("over" with premultiplied colour).
            region_rgbp *= (1.0 - layer_alpha)[..., None]
            region_rgbp += layer.rgbp * keep[..., None]
            region_alpha *= 1.0 - layer_alpha
            region_alpha += layer_alpha
            region_sleeves = sleeves[y0:y1, x0:x1]
            region_sleeves *= 1.0 - layer_alpha
            if kind == "sleeve":
                region_sleeves += layer_alpha
        colour = rgbp / np.maximum(alpha, 1e-4)[..., None]
        support = body.support(flare_from)
        # Sleeves cover the arms; every other piece goes behind arms held in front of it.
        return WarpedGarment(
            rgb=colour,
            alpha=alpha,
            support=support,
            category=garment.category,
            extras={"sleeves": sleeves},
        )

    def composite(self, person: PersonAnalysis, warped: WarpedGarment) -> RenderOutput:
        """Blend the warped garment into the photo, leaving the head untouched."""
        body = self._body(person)
        photo = person.image.astype(np.float32)
        alpha = warped.alpha * warped.support
        sigma = max(0.7, 0.0012 * max(body.height, body.width))
        alpha = cv2.GaussianBlur(alpha, (0, 0), sigma)
        alpha *= body.paint_zone()
        alpha[alpha < 1.0 / 512.0] = 0.0
        garment = garment_in_photo_light(warped.rgb, person.image, person.segmentation > 0.5)
        shaded = garment * _shading(photo, body.frame.sw)[..., None]
        out = photo * (1.0 - alpha[..., None]) + shaded * alpha[..., None]
        image = np.clip(np.round(out), 0, 255).astype(np.uint8)
        untouched = alpha <= 0.0
        image[untouched] = person.image[untouched]
        return RenderOutput(image=image, garment_mask=alpha > 0.5)


# --- the body ---------------------------------------------------------------------------------


class _Body:
    """Body measurements of the shopper's photo in a torso frame (``frame``).

    The frame runs along the spine: ``frame.down`` from the shoulders' midpoint to the hips'
    midpoint, ``frame.lat`` perpendicular to it, towards the person's left. "Axial" distances
    are measured along ``down`` from the shoulders' midpoint, lateral ones along ``lat`` from
    the torso's centre line. The masks (silhouette, arms, torso) are the photo's.
    """

    def __init__(self, person: PersonAnalysis) -> None:
        self.person = person
        self.height, self.width = person.image.shape[:2]
        self.landmarks = person.landmarks.astype(np.float64)
        self.frame = TorsoFrame.along_spine(
            self.pt("left_shoulder"),
            self.pt("right_shoulder"),
            self.pt("left_hip"),
            self.pt("right_hip"),
            min_span=8.0,
        )
        self.silhouette = person.segmentation > 0.5
        self.labels = person.parsing.labels if person.parsing is not None else None
        self.arms, self.hands = self._arm_masks()
        upper = np.zeros((self.height, self.width), dtype=np.uint8)
        for side in ("left", "right"):
            shoulder, elbow = self.pt(f"{side}_shoulder"), self.pt(f"{side}_elbow")
            # The top of the upper arm is under the garment's shoulder: not an edge.
            _capsule(upper, shoulder + 0.2 * (elbow - shoulder), elbow, 0.26 * self.frame.sw)
        self.torso_mask = (
            cv2.morphologyEx(self._torso() & (upper == 0), cv2.MORPH_CLOSE, self._closing_kernel())
            > 0
        )
        self.arm_half = {side: self._arm_half(side, sign) for side, sign in SIDES}

    def _torso(self) -> np.ndarray:
        return (self.silhouette & (self.arms < 0.5)).astype(np.uint8)

    def _closing_kernel(self) -> np.ndarray:
        size = max(3, round(0.02 * self.frame.sw)) | 1
        return np.ones((size, size), np.uint8)

    @cached_property
    def torso_open(self) -> np.ndarray:
        """The torso without the upper arms' rough capsules: where an arm hangs beside the
        body, its own inner edge is estimated instead (_arm_limit). Only such arms need it."""
        return cv2.morphologyEx(self._torso(), cv2.MORPH_CLOSE, self._closing_kernel()) > 0

    @cached_property
    def below_hair(self) -> np.ndarray:
        """The person, less hair hanging over the shoulders (a strap lies under it)."""
        if self.labels is None:
            return self.silhouette
        return self.silhouette & (self.labels != LABEL["hair"])

    @cached_property
    def arm_bare(self) -> np.ndarray:
        """What a sleeve's cap may reach out over beside an old short sleeve's flare: the
        arm's skin, not the clothes."""
        if self.labels is None:
            return self.arm_cap
        return self.arm_cap & ~np.isin(self.labels, [LABEL["upper"], LABEL["lower"]])

    @cached_property
    def arm_cap(self) -> np.ndarray:
        """What a sleeve's cap may reach out over: the person, but not their hair or face."""
        if self.labels is None:
            return self.silhouette
        return self.silhouette & ~np.isin(self.labels, [LABEL["hair"], LABEL["face"]])

    def pt(self, name: str) -> np.ndarray:
        return self.landmarks[LM[name], :2].copy()

    def seen(self, name: str) -> bool:
        return bool(self.person.visible(name))

    def _outward(self, side: str, sign: float) -> np.ndarray:
        """Unit vector across the upper arm, away from the body."""
        shoulder, elbow = self.pt(f"{side}_shoulder"), self.pt(f"{side}_elbow")
        along = (elbow - shoulder) / max(float(np.linalg.norm(elbow - shoulder)), 1e-6)
        outward = np.array([-along[1], along[0]])
        return outward if np.dot(outward, sign * self.frame.lat) >= 0 else -outward

    def _arm_half(self, side: str, sign: float) -> float:
        """Half the upper arm's width (with any sleeve on it), a third of the way down.

        Measured outwards only, from the arm's line to the silhouette's outer edge: inwards
        an arm often touches the body and the silhouette runs on into the torso.
        """
        shoulder, elbow = self.pt(f"{side}_shoulder"), self.pt(f"{side}_elbow")
        start = shoulder + 0.33 * (elbow - shoulder)
        reach = self._run_length(
            start, self._outward(side, sign), 0.3 * self.frame.sw, self.silhouette
        )
        return float(np.clip(reach, 0.08 * self.frame.sw, 0.25 * self.frame.sw))

    def shoulder_top(self, side: str, sign: float) -> np.ndarray:
        """Where a shoulder seam ends on this body: on the shoulder's rounded top-outer edge.

        Found by walking up and outwards from the shoulder joint to the silhouette's edge
        (bounded, for hair on the shoulders or an arm raised against the body).
        """
        joint = self.pt(f"{side}_shoulder")
        up = self._run_length(joint, -self.frame.down, 0.3 * self.frame.sw, self.silhouette)
        out = self._run_length(joint, sign * self.frame.lat, 0.35 * self.frame.sw, self.silhouette)
        up = float(np.clip(up, 0.04 * self.frame.sw, 0.25 * self.frame.sw))
        out = float(np.clip(out, 0.06 * self.frame.sw, 0.3 * self.frame.sw))
        return joint - 0.75 * up * self.frame.down + sign * 0.5 * out * self.frame.lat

    def _run_length(
        self, start: np.ndarray, direction: np.ndarray, limit: float, mask: np.ndarray
    ) -> float:
        # Beyond the photo's edge counts as body.
        off = np.nonzero(~_ray(mask, start, direction, limit, beyond=True))[0]
        return float(off[0]) if len(off) else float(limit)

    def half_widths(self, axial: float) -> tuple[float, float]:
        """Distances from the centre line to the torso's edges (left, right) at ``axial``."""
        expected = self.frame.expected_half_width(axial)
        centre = self.frame.at(axial)
        result = []
        for sign in (1.0, -1.0):
            side = "left" if sign > 0 else "right"
            limit, hanging = self._arm_limit(side, sign, axial, expected)
            mask = self.torso_open if hanging else self.torso_mask
            # The photo's edge cuts the person: count pixels beyond it as body.
            on = _ray(mask, centre, sign * self.frame.lat, int(2.0 * expected) + 1, beyond=True)
            start = np.argmax(on[: max(2, int(0.6 * expected))]) if on.any() else 0
            if not on[start]:
                result.append(expected)
                continue
            off = np.nonzero(~on[start:])[0]
            edge = min(float(start + off[0]) if len(off) else float(len(on)), limit)
            # Arms are already left out; what is left may be well wider than the table's
            # expectation on a fuller figure, whose own top must still be covered.
            result.append(float(np.clip(edge, 0.8 * expected, 1.4 * expected)))
        return result[0], result[1]

    def _arm_limit(
        self, side: str, sign: float, axial: float, expected: float
    ) -> tuple[float, bool]:
        """Where the torso ends at an arm beside it (at this height), and whether that arm
        hangs down along the body (then the upper arm's capsule does not bound the torso).

        The arm's inner edge is a little inside its bone. An arm hanging along the body may
        hang a little behind it, its bone at the torso's edge: its inner edge is then an
        arm's width inside its seen outer side. Measured from the bone and the capsule
        alone, the torso stopped a hand's width short of such an arm, and the old top and
        midriff showed between the new top and the arm.
        """
        for bone in (("shoulder", "elbow"), ("elbow", "wrist")):
            a, b = (self.pt(f"{side}_{joint}") for joint in bone)
            a_ax, b_ax = self.frame.axial_of(a), self.frame.axial_of(b)
            if min(a_ax, b_ax) <= axial <= max(a_ax, b_ax) and abs(b_ax - a_ax) > 1e-3:
                share = (axial - a_ax) / (b_ax - a_ax)
                point = a + (b - a) * share
                lateral = sign * float(np.dot(point - self.frame.at(axial), self.frame.lat))
                if lateral <= 0.5 * expected:  # across the body, not beside it
                    return np.inf, False
                limit = lateral - ARM_INSIDE_BONE * self.arm_half[side]
                along = abs(b_ax - a_ax) / max(float(np.linalg.norm(b - a)), 1e-6)
                if along < HANGING_COSINE:
                    return limit, False
                outward = sign * self.frame.lat
                reach = self._run_length(point, outward, 0.35 * self.frame.sw, self.silhouette)
                if not self._bare(point, outward, reach):
                    return limit, False  # a sleeve's width is not the arm's
                shares, halves = zip(*LIMB_PROFILES[bone], strict=True)
                half = float(np.interp(share, shares, halves)) * self.frame.sw
                return max(limit, lateral + reach - (2.0 - ARM_INSIDE_BONE) * half), True
        return np.inf, False

    def _bare(self, start: np.ndarray, direction: np.ndarray, length: float) -> bool:
        """Whether the parsing calls most of a line on the photo bare arm."""
        if self.labels is None or length < 1.0:
            return False
        labels = _ray(self.labels, start, direction, length, beyond=LABEL["background"])
        return float(np.mean(labels == LABEL["arms"])) > 0.5

    def _arm_masks(self) -> tuple[np.ndarray, np.ndarray]:
        """Soft masks of forearms+hands and of hands alone, inside the person's silhouette."""
        arms = np.zeros((self.height, self.width), dtype=np.uint8)
        hands = np.zeros((self.height, self.width), dtype=np.uint8)
        sw = self.frame.sw
        for side in ("left", "right"):
            elbow, wrist = self.pt(f"{side}_elbow"), self.pt(f"{side}_wrist")
            fingers = (self.pt(f"{side}_index") + self.pt(f"{side}_pinky")) / 2
            tip = wrist + 1.3 * (fingers - wrist)
            # Forearms cross in front of the body; upper arms hang beside it, and the torso's
            # width is measured without them (see half_widths), so they need no occluder.
            _capsule(arms, elbow, wrist, 0.18 * sw)
            # The hand's capsule starts a radius on from the wrist, so its round end stops
            # at the wrist: a long sleeve reaches down to there.
            reach = max(float(np.linalg.norm(tip - wrist)), 1e-6)
            root = wrist + (tip - wrist) * min(0.1 * sw, 0.5 * reach) / reach
            _capsule(hands, root, tip, 0.2 * sw)
        inside = self.silhouette
        # A hand's capsule is generous (fingers spread, a fist; it reaches back over the
        # wrist): keep only skin in it, as a face's colour tells, or else the parsing. Kept
        # whole (a photo with the face cut off), it cut every long sleeve a tenth of a
        # shoulder span short of the wrist, over the old sleeve's cuff.
        skin = self._skin_like()
        if skin is None and self.labels is not None:
            skin = self.labels == LABEL["arms"]
        hands_m = (hands > 0) & inside & (skin if skin is not None else True)
        arms_m = ((arms > 0) & inside) | hands_m
        soft = max(1.0, 0.01 * sw)
        arms_f = cv2.GaussianBlur(arms_m.astype(np.float32), (0, 0), soft)
        hands_f = cv2.GaussianBlur(hands_m.astype(np.float32), (0, 0), soft)
        return arms_f, hands_f

    def _skin_like(self) -> np.ndarray | None:
        """Pixels whose colour matches the skin of the largest face, or None without a face."""
        if not self.person.faces:
            return None
        x0, y0, x1, y1, _ = max(self.person.faces, key=lambda f: (f[2] - f[0]) * (f[3] - f[1]))
        # The middle of a face box is cheeks and nose: skin, not hair or background.
        cx0, cx1 = int(x0 + 0.3 * (x1 - x0)), int(x0 + 0.7 * (x1 - x0))
        cy0, cy1 = int(y0 + 0.45 * (y1 - y0)), int(y0 + 0.75 * (y1 - y0))
        patch = self.person.image[max(cy0, 0) : max(cy1, 0), max(cx0, 0) : max(cx1, 0)]
        if patch.size < 30:
            return None
        lab = cv2.cvtColor(self.person.image, cv2.COLOR_RGB2Lab).astype(np.float32)
        sample = cv2.cvtColor(patch, cv2.COLOR_RGB2Lab).reshape(-1, 3).astype(np.float32)
        mean = sample.mean(axis=0)
        spread = np.maximum(sample.std(axis=0), np.float32([12.0, 4.0, 4.0]))
        # Lightness varies with shading across a hand; chroma is what identifies skin.
        distance = np.abs(lab - mean) / (spread * np.float32([2.5, 3.0, 3.0]))
        return distance.max(axis=-1) < 1.0

    def support(self, flare_from: float | None) -> np.ndarray:
        """Where the garment may be painted: the silhouette grown by a few percent of the
        shoulder span, plus everything below ``flare_from`` (axial) for skirts, dresses and
        wide trouser legs. Above it the allowance widens gradually (FLARE_RAMP): cut to the
        silhouette down to the knee and free below, a wide leg's outline stepped out there."""
        grow = max(3, round(0.03 * self.frame.sw)) | 1
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow))
        support = cv2.dilate(self.silhouette.astype(np.uint8), kernel).astype(np.float32)
        if flare_from is not None:
            ys, xs = np.mgrid[0 : self.height, 0 : self.width].astype(np.float32)
            axial = (xs - self.frame.smid[0]) * self.frame.down[0] + (
                ys - self.frame.smid[1]
            ) * self.frame.down[1]
            outside = cv2.distanceTransform((support == 0).astype(np.uint8), cv2.DIST_L2, 3)
            ramp = FLARE_RAMP * self.frame.torso
            allowed = np.clip((axial - (flare_from - ramp)) / ramp, 0.0, 1.0) * FLARE_REACH
            support = np.maximum(support, (outside <= allowed * self.frame.sw).astype(np.float32))
            support = np.maximum(support, (axial >= flare_from).astype(np.float32))
        # As soft as an edge in the photo: where the support cuts a garment it is its edge.
        return cv2.GaussianBlur(support, (0, 0), max(1.0, 0.003 * self.frame.sw))

    def paint_zone(self) -> np.ndarray:
        """1 where painting is allowed; exactly 0 above the neck line and on faces.

        The neck line runs across the neck's column (a little above the shoulder joints,
        below the chin); beside the neck, garments may rise higher, to the tops of the
        shoulders (the silhouette limits them there).
        """
        ys, xs = np.mgrid[0 : self.height, 0 : self.width].astype(np.float32)
        above = -(
            (xs - self.frame.smid[0]) * self.frame.down[0]
            + (ys - self.frame.smid[1]) * self.frame.down[1]
        )
        beside = np.abs(
            (xs - self.frame.smid[0]) * self.frame.lat[0]
            + (ys - self.frame.smid[1]) * self.frame.lat[1]
        )
        neck = 0.1 * self.frame.sw
        chin = self.person.chin()
        if chin is not None:
            neck = min(neck, -self.frame.axial_of(chin) - 0.04 * self.frame.sw)
        ramp = max(1.0, 0.03 * self.frame.sw)
        # Beside the neck the line curves up (a round neckline), by 0.25 shoulder spans.
        share = np.clip((beside - 0.12 * self.frame.sw) / (0.3 * self.frame.sw), 0.0, 1.0)
        rise = share * share * (3.0 - 2.0 * share) * 0.25 * self.frame.sw
        zone = np.clip((neck + rise - above) / ramp, 0.0, 1.0)
        for x0, y0, x1, y1, _ in self.person.faces:
            gx, gy = 0.1 * (x1 - x0), 0.1 * (y1 - y0)
            c0, r0 = max(0, int(np.floor(x0 - gx))), max(0, int(np.floor(y0 - gy)))
            c1, r1 = int(np.ceil(x1 + gx)), int(np.ceil(y1 + gy))
            zone[r0:r1, c0:c1] = 0.0
        return zone


def _capsule(canvas: np.ndarray, start: np.ndarray, end: np.ndarray, width: float) -> None:
    thickness = max(1, round(width))
    a, b = tuple(np.round(start).astype(int).tolist()), tuple(np.round(end).astype(int).tolist())
    cv2.line(canvas, a, b, 1, thickness)
    for point in (a, b):
        cv2.circle(canvas, point, max(1, thickness // 2), 1, -1)


# --- tops, outerwear, dresses ---------------------------------------------------------------

#: A fitting garment, laid flat, is this many torso lengths (shoulder to hip joints) wide
#: across the chest. Lengths on the body follow from it: a dress 2.5 flat chests long ends
#: at mid-calf. A top's hem catches on the hips and rides up a little: a tee 1.4 flat
#: chests long ends around the crotch.
TORSO_PER_FLAT_CHEST = {"dress": 0.93, "top": 0.88, "outerwear": 0.88}
#: A ghost-mannequin shot shows the chest as a rounded front, narrower than the same garment
#: laid flat by this factor (the other half of the way round is behind it).
GHOST_NARROWING = 1.34
#: Armhole depth over chest width: flat shots show ~0.4 (a wide flat chest), ghost
#: shots ~0.6 and more (the same depth over the narrower rounded front).
FLAT_ARMHOLE, GHOST_ARMHOLE = 0.45, 0.6


@dataclass
class _UpperScale:
    """How garment pixels become body pixels for an upper garment.

    Down the body (and along sleeves) every garment pixel is ``length`` body pixels, from
    the garment's shoulder line (``g_top``, a garment row) placed at ``origin`` (axial).
    ``across`` scales widths of pieces not pinned to the body's outline (sleeves): a flat
    sleeve is half its circumference wide, a ghost-mannequin one shows its diameter.
    """

    length: float
    across: float
    origin: float
    g_top: float

    def axial(self, point: np.ndarray) -> float:
        """Where a garment point's row lands, down the body."""
        return self.origin + self.length * float(point[1] - self.g_top)


def _upper_scale(
    body: _Body, g: dict[str, np.ndarray], b_shoulder: dict[str, np.ndarray], category: str
) -> _UpperScale:
    """Length and width scales from the garment's own proportions (see TORSO_PER_FLAT_CHEST).

    The garment's length in chest widths says how long it is meant to be; whether its chest
    is seen flat or rounded on a ghost mannequin is read from the armhole depth against
    that width.
    """
    g_chest = max(float(np.linalg.norm(g["left_armpit"] - g["right_armpit"])), 1.0)
    g_top = float(g["left_shoulder"][1] + g["right_shoulder"][1]) / 2
    armhole = float(g["left_armpit"][1] + g["right_armpit"][1]) / 2 - g_top
    ghost = float(
        np.clip((armhole / g_chest - FLAT_ARMHOLE) / (GHOST_ARMHOLE - FLAT_ARMHOLE), 0, 1)
    )
    flat_chest = g_chest * (1.0 + (GHOST_NARROWING - 1.0) * ghost)
    length = TORSO_PER_FLAT_CHEST[category] * body.frame.torso / flat_chest
    by_sleeves = _long_sleeve_scale(body, g, g_chest)
    if by_sleeves is not None:
        # Long sleeves end at the wrists, flat or on a mannequin: a second opinion that
        # does not depend on how the chest is shown.
        length = float(np.sqrt(length * by_sleeves))
    # Seen flat, a sleeve is half its circumference wide: 2/pi of that shows on an arm.
    across = length * (2.0 / np.pi + (1.0 - 2.0 / np.pi) * ghost)
    origin = body.frame.axial_of((b_shoulder["left"] + b_shoulder["right"]) / 2)
    return _UpperScale(length=length, across=across, origin=origin, g_top=g_top)


def _long_sleeve_scale(body: _Body, g: dict[str, np.ndarray], g_chest: float) -> float | None:
    """Body pixels per garment pixel from long sleeves (seam end to cuff = shoulder to wrist).

    None unless the garment has two sleeves at least as long as its chest is wide (long
    ones; short sleeves end anywhere on the upper arm) and the person's arms are in view.
    """
    sleeves, arms = [], []
    for side in ("left", "right"):
        if f"{side}_sleeve_end" not in g or not body.seen(f"{side}_wrist"):
            return None
        sleeves.append(float(np.linalg.norm(g[f"{side}_sleeve_end"] - g[f"{side}_shoulder"])))
        joints = [body.pt(f"{side}_{joint}") for joint in ("shoulder", "elbow", "wrist")]
        arms.append(sum(float(np.linalg.norm(b - a)) for a, b in itertools.pairwise(joints)))
    if min(sleeves) < g_chest:
        return None
    return float(np.mean(arms) / np.mean(sleeves))


def _warp_upper(
    body: _Body, garment: GarmentAnalysis, source: np.ndarray
) -> tuple[list[tuple[str, _Layer]], float | None]:
    g = {k: np.asarray(v, dtype=np.float64) for k, v in garment.landmarks.items()}
    dress = garment.category == "dress"
    b_shoulder = {side: body.shoulder_top(side, sign) for side, sign in SIDES}
    scale = _upper_scale(body, g, b_shoulder, garment.category)
    g_mid = (g["left_shoulder"] + g["right_shoulder"]) / 2
    pairs, b_armpit = _torso_pairs(body, g, scale, dress)
    strap_pins: list[tuple[np.ndarray, np.ndarray]] = []
    if not any(f"{side}_sleeve" in garment.parts for side, _ in SIDES):
        for side, sign in SIDES:
            top = _thin_strap_top(garment.mask, g, side, sign)
            if top is not None:
                # A thin strap hangs from its top; its mark lies part-way down its rounded
                # end (its outer edge's top), and pinned there the end stood up past the
                # shoulder into the wearer's hair.
                g[f"{side}_shoulder"] = top
                b_shoulder[side] = _strap_top(body, g, side, sign, b_shoulder[side], b_armpit[side])
                continue
            pins = _wide_strap_pins(
                body, garment.mask, g, side, sign, b_shoulder[side], scale.across
            )
            if pins:
                # The strap keeps its own shape from its top out to its corner: pinned
                # to the shoulder's edge as well, its rounded corner was drawn out into a
                # point.
                g_pin, b_pin = pins[0]
                offset = g[f"{side}_shoulder"] - g_pin
                b_shoulder[side] = (
                    b_pin
                    + scale.across * offset[0] * body.frame.lat
                    + scale.length * offset[1] * body.frame.down
                )
                strap_pins += pins
    pairs += [
        (
            g["neck"],
            body.frame.at(scale.axial(g["neck"]), scale.across * float(g["neck"][0] - g_mid[0])),
        ),
        (g["left_shoulder"], b_shoulder["left"]),
        (g["right_shoulder"], b_shoulder["right"]),
        *strap_pins,
    ]
    # Pin the armhole seam at a few points in both the torso's and the sleeves' warps, so
    # the two pieces meet along it without a gap.
    armholes = {
        side: [
            (
                g[f"{side}_shoulder"] + f * (g[f"{side}_armpit"] - g[f"{side}_shoulder"]),
                b_shoulder[side] + f * (b_armpit[side] - b_shoulder[side]),
            )
            for f in (0.0, 1 / 3, 2 / 3, 1.0)
        ]
        for side, _ in SIDES
    }
    pairs += armholes["left"][1:3] + armholes["right"][1:3]
    torso = _warp_tps(source, garment.parts["torso"], pairs, body)
    layers = [("body", torso)]
    torso_cover = np.zeros((body.height, body.width), dtype=bool)
    x0, y0, x1, y1 = torso.box
    torso_cover[y0:y1, x0:x1] = torso.alpha >= 0.5
    for side, sign in SIDES:
        sleeve = garment.parts.get(f"{side}_sleeve")
        end = garment.landmarks.get(f"{side}_sleeve_end")
        if sleeve is not None and end is not None:
            layer = _warp_sleeve(
                source,
                sleeve,
                armholes[side],
                torso_cover,
                np.asarray(end),
                (side, sign),
                scale,
                body,
            )
            layers.append(("sleeve", layer))
    flare_from = body.frame.axial_of(body.frame.hmid) - 0.1 * body.frame.torso if dress else None
    return layers, flare_from


#: A strap narrower than this share of its garment's half chest is a thin one.
THIN_STRAP = 0.25
#: A wide strap's top is pinned this far (in half chests of its garment) in from its
#: outer corner.
WIDE_STRAP_PINS = (0.04, 0.2)


def _thin_strap_top(
    mask: np.ndarray, g: dict[str, np.ndarray], side: str, sign: float
) -> np.ndarray | None:
    """The top of a sleeveless garment's strap on the product shot if it is a thin one (a
    sundress's), else None (a tank top's wide strap, whose mark is its outer corner)."""
    g_mid_x = float(g["left_shoulder"][0] + g["right_shoulder"][0]) / 2
    g_half = abs(float(g[f"{side}_armpit"][0]) - g_mid_x)
    x, y = (round(float(v)) for v in g[f"{side}_shoulder"])
    row = mask[min(mask.shape[0] - 1, y + max(2, round(0.1 * g_half)))]
    width = np.count_nonzero(row[max(0, x - round(0.3 * g_half)) : x + round(0.3 * g_half) + 1])
    if width > THIN_STRAP * g_half:
        return None
    columns = np.arange(x, round(x - sign * 0.3 * g_half), -round(sign))
    columns = columns[(columns >= 0) & (columns < mask.shape[1])]
    columns = columns[mask[:, columns].any(axis=0)]
    if not len(columns):
        return None
    tops = np.argmax(mask[:, columns], axis=0)
    return np.array([float(x), float(min(y, tops.min()))])


def _strap_top(
    body: _Body,
    g: dict[str, np.ndarray],
    side: str,
    sign: float,
    b_shoulder: np.ndarray,
    b_armpit: np.ndarray,
) -> np.ndarray:
    """Where a thin strap crosses the shoulder.

    A sleeved garment's shoulder seam, and a tank top's wide strap, end on the shoulder's
    outer edge (``b_shoulder``); a thin strap (a sundress's) sits where the garment puts
    it: as far out, for its chest's half width, as on the shot. Pinned to the shoulder's
    outer edge, a thin strap halfway in was dragged out and up into a flap.
    """
    g_mid_x = float(g["left_shoulder"][0] + g["right_shoulder"][0]) / 2
    g_half = abs(float(g[f"{side}_armpit"][0]) - g_mid_x)
    share = abs(float(g[f"{side}_shoulder"][0]) - g_mid_x) / max(g_half, 1.0)
    frame = body.frame
    b_half = abs(float(np.dot(b_armpit - frame.smid, frame.lat)))
    outer = abs(float(np.dot(b_shoulder - frame.smid, frame.lat)))
    lateral = min(share * b_half, outer)
    if lateral >= outer - 0.02 * frame.sw:
        return b_shoulder
    return _on_shoulder(body, lateral, side, sign, b_shoulder)


def _wide_strap_pins(
    body: _Body, mask: np.ndarray, g: dict[str, np.ndarray], side: str, sign: float,
    b_shoulder: np.ndarray, across: float,
) -> list[tuple[np.ndarray, np.ndarray]]:  # fmt: skip
    """Points along a wide strap's top, outermost first, on the shot and on the body
    (``across``: body pixels per shot pixel across the chest); none for a cut-on sleeve
    (its corner lies outside the armpit).

    The outer corner ends on the shoulder's outer edge; left to the warp, the strap's top
    further in rose above the sloping shoulder beside it (a tank top's straps stood up
    like posts). On the body each point lies as far in from that edge as the strap's scale
    says, on the shoulder's top surface; none under hair hanging over the shoulder, whose
    top is not seen (the strap goes on up under the hair as the warp puts it; pinned below
    the hair, its corner flew out).
    """
    g_mid_x = float(g["left_shoulder"][0] + g["right_shoulder"][0]) / 2
    g_half = abs(float(g[f"{side}_armpit"][0]) - g_mid_x)
    if abs(float(g[f"{side}_shoulder"][0]) - g_mid_x) >= g_half:
        return []
    frame = body.frame
    outer = abs(float(np.dot(b_shoulder - frame.smid, frame.lat)))
    pins = []
    for share in WIDE_STRAP_PINS:
        inward = share * g_half
        column = round(float(g[f"{side}_shoulder"][0]) - sign * inward)
        rows = np.nonzero(mask[:, column])[0] if 0 <= column < mask.shape[1] else []
        if not len(rows):
            continue
        lateral = max(outer - across * inward, 0.1 * frame.sw)
        # The old top's shoulders may stand a little above the modelled slope: the strap
        # lies on them (below them, a band of the old top was left for the new to cover).
        on_body = _on_shoulder(body, lateral, side, sign, b_shoulder, above_slope=0.1)
        x, y = (round(v) for v in on_body - 0.03 * frame.sw * frame.down)
        inside = 0 <= y < body.height and 0 <= x < body.width
        if inside and body.silhouette[y, x] and not body.below_hair[y, x]:
            return []
        pins.append((np.array([float(column), float(rows[0])]), on_body))
    return pins


def _on_shoulder(
    body: _Body,
    lateral: float,
    side: str,
    sign: float,
    b_shoulder: np.ndarray,
    above_slope: float = 0.0,
) -> np.ndarray:
    """The shoulder's top surface ``lateral`` from the body's middle: the silhouette's top
    edge there (below hair hanging over it), never more than ``above_slope`` shoulder spans
    above the shoulder's modelled slope (a strap stood up through p09's curls to her chin).

    The slope rises from this side's joint, which a tilted pose lifts or lowers: measured
    from the shoulders' mean line, a raised shoulder's strap was pulled down into its top.
    """
    frame = body.frame
    start = frame.at(frame.axial_of(b_shoulder) + 0.1 * frame.sw, sign * lateral)
    up = body._run_length(start, -frame.down, 0.5 * frame.sw, body.below_hair)
    out = np.clip((lateral - 0.2 * frame.sw) / (0.3 * frame.sw), 0.0, 1.0)
    slope_top = (NECK_SIDE_TOP + (SHOULDER_TOP - NECK_SIDE_TOP) * out + above_slope) * frame.sw
    joint = body.pt(f"{side}_shoulder")
    joint_lateral = max(abs(float(np.dot(joint - frame.smid, frame.lat))), 1.0)
    line = frame.axial_of(joint) * min(lateral / joint_lateral, 1.0)
    up = min(up, (frame.axial_of(start) - line + slope_top) / 0.9)
    return start - 0.9 * float(np.clip(up, 0.05 * frame.sw, 0.45 * frame.sw)) * frame.down


def _torso_pairs(
    body: _Body, g: dict[str, np.ndarray], scale: _UpperScale, dress: bool
) -> tuple[list[tuple[np.ndarray, np.ndarray]], dict[str, np.ndarray]]:
    """Spline pairs down the garment's sides (armpit, waist or middle, hem), and the armpits.

    Each row lands at the height its garment row says (``scale``). Down to the hips the
    garment is fitted to the person's own outline, a little wider so what they wear is
    covered; below the hips it keeps its own flare, narrowed as much as its fitted part
    was, and never narrower than the hips.
    """
    limit = _lowest_axial(body)
    rows = [("armpit", g["left_armpit"], g["right_armpit"])]
    if dress and "left_waist" in g:
        rows.append(("waist", g["left_waist"], g["right_waist"]))
    else:
        rows.append(
            (
                "middle",
                (g["left_armpit"] + g["left_hem"]) / 2,
                (g["right_armpit"] + g["right_hem"]) / 2,
            )
        )
    rows.append(("hem", g["left_hem"], g["right_hem"]))
    hip_axial = body.frame.axial_of(body.frame.hmid)
    hip_half = max(*body.half_widths(hip_axial))
    fit = 1.0  # how much the fitted body part was narrowed (or widened) against the garment
    pairs: list[tuple[np.ndarray, np.ndarray]] = []
    b_armpit: dict[str, np.ndarray] = {}
    for name, g_left, g_right in rows:
        a = min(scale.axial((g_left + g_right) / 2), limit)
        garment_half = float(g_left[0] - g_right[0]) / 2
        if a > hip_axial + 0.1 * body.frame.torso:
            half_left = half_right = max(fit * garment_half, 1.04 * hip_half)
        else:
            half_left, half_right = (1.04 * h for h in body.half_widths(a))
            fit = float(np.clip((half_left + half_right) / max(2 * garment_half, 1.0), 0.3, 1.5))
        b_left, b_right = body.frame.at(a, half_left), body.frame.at(a, -half_right)
        if name == "armpit":
            b_armpit = {"left": b_left, "right": b_right}
        pairs += [
            (g_left, b_left),
            (g_right, b_right),
            ((g_left + g_right) / 2, (b_left + b_right) / 2),
        ]
    if dress and "left_waist" in g:
        # Between the waist and the hem, a point at hip height keeps the hips covered.
        g_waist = (g["left_waist"] + g["right_waist"]) / 2
        g_hem = (g["left_hem"] + g["right_hem"]) / 2
        span = max(scale.axial(g_hem) - scale.axial(g_waist), 1.0)
        share = float(np.clip((hip_axial - scale.axial(g_waist)) / span, 0.0, 1.0))
        g_centre_x = float(g_waist[0])
        for side, sign in SIDES:
            g_point = g[f"{side}_waist"] + share * (g[f"{side}_hem"] - g[f"{side}_waist"])
            lateral = sign * max(1.04 * hip_half, fit * abs(float(g_point[0]) - g_centre_x))
            pairs.append((g_point, body.frame.at(min(scale.axial(g_point), limit), lateral)))
    return pairs, b_armpit


def _warp_sleeve(
    source: np.ndarray,
    sleeve: np.ndarray,
    armhole: list[tuple[np.ndarray, np.ndarray]],
    torso_cover: np.ndarray,
    g_end: np.ndarray,
    side_sign: tuple[str, float],
    scale: _UpperScale,
    body: _Body,
) -> _Layer:
    """A sleeve follows the arm's bones as a strip of quads, each mapped piecewise-affinely.

    The strip starts at the armhole, pinned where the torso's armhole is (shoulder seam end
    to armpit) so sleeve and body meet; then cross-sections every few centimetres along the
    upper arm and the forearm, bending at the elbow. The sleeve keeps its own length (in
    body units, like the rest of the garment): a short one ends on the upper arm, a long
    one at the wrist, both at a hem where the sleeve is still whole (a straight edge across
    the arm). Each cross-section is centred on the arm's outline in the photo and as loose
    as the garment's sleeve, between a tenth and a third wider than the arm there.
    Piecewise-affine rather than a spline: a flat sleeve sticks out at an angle and must
    swing down beside the body, which bends a spline into bulges beyond its control points.
    Below the armpit the sleeve's inner edge reaches over to the torso's piece
    (``torso_cover``, where it lies in the photo) where only a narrow gap would part them:
    the sleeve is sewn to the body there, no skin or backdrop shows between.
    """
    side, sign = side_sign
    off_torso = ~torso_cover
    (g_shoulder, b_shoulder), (g_armpit, b_armpit) = armhole[0], armhole[-1]
    g_root = (g_shoulder + g_armpit) / 2
    g_axis = g_end - g_root
    g_length = max(float(np.linalg.norm(g_axis)), 1.0)
    g_unit = g_axis / g_length
    g_normal = np.array([-g_unit[1], g_unit[0]])
    if np.dot(g_shoulder - g_root, g_normal) < 0:
        g_normal = -g_normal  # g_normal points to the sleeve's outer (shoulder) edge
    # The cross-sections are laid along the arm's bones (then centred on the arm's outline,
    # see _own_arm_halves). Lengths run from the shoulder
    # seam's end, which sits on the shoulder joint whether the arm hangs or is raised (the
    # armpit end of the armhole is on the torso, away from a raised arm).
    chain = [body.pt(f"{side}_{joint}") for joint in ("shoulder", "elbow", "wrist")]
    upper = chain[1] - chain[0]
    upper_length = max(float(np.linalg.norm(upper)), 1e-3)
    b_start = float(
        np.clip(np.dot(b_shoulder - chain[0], upper) / upper_length, 0, 0.3 * upper_length)
    )
    g_start = min(float(np.dot(g_shoulder - g_root, g_unit)), 0.5 * g_length)
    arm = sum(float(np.linalg.norm(b - a)) for a, b in itertools.pairwise(chain)) - b_start
    length = scale.length * (g_length - g_start)
    long_sleeve = length > 0.85 * arm
    if long_sleeve:
        length = arm  # a long sleeve ends at the wrist, whatever the shot's proportions
    count = max(2, int(np.ceil(length / (0.1 * body.frame.sw))))
    g_from = max(g_start, 0.0)
    first = (g_from - g_start) / (g_length - g_start)
    g_stop = _full_hem(sleeve, g_root, g_unit, g_normal, g_from, g_length)
    last = (g_stop - g_start) / (g_length - g_start)
    if long_sleeve:
        length = arm / last  # the hem, not the outline's tip, is at the wrist
    shares = first + np.linspace(0.0, 1.0, count + 1)[1:] * (last - first)
    # Around a bent elbow the strip turns through several cross-sections a fraction of the
    # arm's width apart, so the outside of the bend is a round fan of short quads (no one
    # stretched wedge, no gap) and the inside folds in as cloth does.
    own = body.arm_half[side]
    elbow_share = (upper_length - b_start) / max(length, 1e-6)
    bend = _bend_angle(chain)
    if bend > 0.2 and first < elbow_share < last:
        spacing = 0.4 * own / max(length, 1e-6)
        dense = elbow_share + spacing * np.arange(-3, 4)
        dense = dense[(dense > first) & (dense < last - 0.5 * spacing)]
        keep = np.min(np.abs(shares[:, None] - dense[None, :]), axis=1) > 0.6 * spacing
        shares = np.sort(np.concatenate([shares[keep | (shares >= last)], dense]))
    axial = g_start + shares * (g_length - g_start)
    arcs = b_start + shares * length
    if long_sleeve:
        # On to the hand's root, past the wrist joint, as worn (stopped at the joint, it
        # left an old long sleeve's cuff showing below it): the forearm's part is drawn
        # out, the upper arm's (armhole, elbow) stays as it is.
        wrist = float(arcs[-1])
        if wrist > upper_length:
            stretch = 1.0 + LONG_SLEEVE_PAST_WRIST * body.frame.sw / (wrist - upper_length)
            below = arcs > upper_length
            arcs[below] = upper_length + (arcs[below] - upper_length) * stretch
    b_knots, b_normals = _bent_chain(chain, arcs, sign * body.frame.lat, 1.2 * own)
    g_knots = [g_root + u * g_unit for u in axial]
    # A long sleeve runs on past an old short one's hem: it must not take that one's flare.
    halves, offsets, against, flared = _own_arm_halves(
        body, b_knots, b_normals, chain[:2] if long_sleeve else None
    )
    b_knots = [k + o * n for k, o, n in zip(b_knots, offsets, b_normals, strict=True)]
    # Where the arm touches the body, the torso's piece stops short of the arm (see
    # _Body._arm_limit): the sleeve's inner edge reaches in to meet it, so no skin shows
    # between sleeve and body under the armpit.
    reach_in = [
        o + ARM_INSIDE_BONE * own + 0.03 * body.frame.sw if a else -np.inf
        for o, a in zip(offsets, against, strict=True)
    ]
    # The strip starts at the shoulder seam's end: its inner edge runs down the armhole to
    # the armpit wherever the armhole crosses a cross-section (inside the armhole is the
    # torso's piece), then on along the arm.
    g_outer, g_inner, b_outer, b_inner = [g_shoulder], [g_shoulder], [b_shoulder], [b_shoulder]
    for g_knot, b_knot, b_normal, own_half, inward in zip(
        g_knots, b_knots, b_normals, halves, reach_in, strict=True
    ):
        g_halves = [_extent(sleeve, g_knot, edge * g_normal) for edge in (1.0, -1.0)]
        # Wide enough to hide the arm (and any sleeve on it), loose like the garment's own
        # sleeve, but never more than a third wider than the arm: a sleeve sits on its arm.
        b_half = float(np.clip(scale.across * np.mean(g_halves), 1.1 * own_half, 1.35 * own_half))
        b_in = max(b_half, inward)
        g_out_point = g_knot + g_halves[0] * g_normal
        g_in_point = g_knot - g_halves[1] * g_normal
        cut = _crossing(b_knot, -b_normal, b_shoulder, b_armpit)
        if cut is not None:
            cut += 0.05 * body.frame.sw  # overlapping the torso's piece a little: no seam between
        if cut is not None and -0.5 * b_half < cut < b_in:
            share = (b_in - cut) / (b_in + b_half)  # of the cross-section, from its inner end
            g_in_point = g_in_point + share * (g_out_point - g_in_point)
            b_in = cut
        elif cut is None:
            # Only across the person: backdrop seen between an arm and the body stays.
            start = b_knot - b_in * b_normal
            gap = body._run_length(start, -b_normal, 0.15 * body.frame.sw, off_torso)
            on_person = body._run_length(start, -b_normal, gap, body.silhouette)
            if 0 < gap < 0.15 * body.frame.sw and on_person >= gap:
                b_in += gap + 0.02 * body.frame.sw  # the sleeve's own cloth, stretched
        g_outer.append(g_out_point)
        g_inner.append(g_in_point)
        b_outer.append(b_knot + b_half * b_normal)
        b_inner.append(b_knot - b_in * b_normal)
    # Where the armhole ends before the first cross-section (an arm hanging down), the
    # strip's inner edge runs down it first, so the strip covers the top of the arm.
    along = upper / upper_length
    ahead = [
        (g_point, b_point)
        for g_point, b_point in armhole[1:]
        if np.dot(b_point - b_inner[1], along) < -0.02 * body.frame.sw
    ]
    # In the shot they must lead the first cross-section too, in order, or the strip folds
    # back on itself (one stripe smeared over a block): where they do not, their shot
    # points are spread along the armhole's straight line instead, as the photo's are.
    g_lead = [float(np.dot(g - g_inner[1], g_unit)) for g, _ in ahead]
    if any(d >= 0 for d in g_lead) or any(b <= a for a, b in itertools.pairwise(g_lead)):
        span = b_inner[1] - b_shoulder
        shares = [
            float(np.clip(np.dot(b - b_shoulder, span) / max(float(span @ span), 1e-6), 0.05, 0.95))
            for _, b in ahead
        ]
        shares = np.maximum.accumulate(shares)
        ahead = [
            (g_shoulder + share * (g_inner[1] - g_shoulder), b)
            for share, (_, b) in zip(shares, ahead, strict=True)
        ]
    if ahead:
        count_ahead = len(ahead)
        fractions = (np.arange(count_ahead) + 1) / (count_ahead + 1)
        b_outer[1:1] = [b_shoulder + f * (b_outer[1] - b_shoulder) for f in fractions]
        # On the shot they lie on the sleeve's own outline (a rounded cap bulges past the
        # straight line, and that bulge was drawn past the strip's edge).
        g_outer[1:1] = [
            _to_outline(sleeve, g_shoulder + f * (g_outer[1] - g_shoulder), g_normal)
            for f in fractions
        ]
        b_inner[1:1] = [b for _, b in ahead]
        g_inner[1:1] = [g for g, _ in ahead]
        b_knots = [(b_outer[k] + b_inner[k]) / 2 for k in range(1, count_ahead + 1)] + b_knots
        b_normals = [b_normals[0]] * count_ahead + b_normals
        flared = np.concatenate([[flared[0]] * count_ahead, flared])
    # Down the upper arm the strip's outer edge (and its straight run from the seam's end)
    # can lie inside a rounded shoulder or a thick arm's outline: a slit of the arm showed
    # between the sleeve and the backdrop, as on a cold-shoulder top. Each point there goes
    # out to the arm's outline where that is near (not over an old short sleeve's flare).
    for k in range(1, len(b_outer)):
        if float(np.dot(b_knots[k - 1] - chain[0], upper)) > upper_length**2:
            break  # past the elbow
        normal = b_normals[k - 1]
        cap = body.arm_bare if flared[k - 1] else body.arm_cap
        inside = body._run_length(b_outer[k], normal, 0.1 * body.frame.sw, cap)
        if 0 < inside < 0.1 * body.frame.sw:
            b_outer[k] = b_outer[k] + (inside + 0.01 * body.frame.sw) * normal
    # (The first cross-section is a point, the seam's end: unfold from the second.)
    outer, inner = b_outer[1:], b_inner[1:]
    _unfold(outer, inner, b_knots)
    _unfold(inner, outer, b_knots)
    b_outer[1:], b_inner[1:] = outer, inner
    tangents = [np.array([n[1], -n[0]]) for n in [b_normals[0], *b_normals]]
    for edge in (b_outer, b_inner):
        _forward(edge, [t if np.dot(t, b_knots[-1] - b_knots[0]) >= 0 else -t for t in tangents])
    return _warp_strip(
        source,
        sleeve,
        (g_outer, g_inner),
        (b_outer, b_inner),
        body,
        sleeve_over=off_torso & body.silhouette,
    )


def _to_outline(mask: np.ndarray, point: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """The point moved along ``direction`` to where ``mask`` ends (itself when off it)."""
    off = np.nonzero(~_ray(mask, point, direction, np.hypot(*mask.shape)))[0]
    return point + max(float(off[0]) - 1.0, 0.0) * direction if len(off) else point


def _crossing(
    start: np.ndarray, direction: np.ndarray, a: np.ndarray, b: np.ndarray
) -> float | None:
    """How far along ``direction`` from ``start`` its line crosses segment a-b (or None)."""
    segment = b - a
    denominator = _cross(direction, segment)
    if abs(denominator) < 1e-9:
        return None
    offset = a - start
    along_segment = _cross(offset, direction) / denominator
    if not 0.0 <= along_segment <= 1.0:
        return None
    return _cross(offset, segment) / denominator


def _full_hem(
    sleeve: np.ndarray,
    g_root: np.ndarray,
    g_unit: np.ndarray,
    g_normal: np.ndarray,
    g_from: float,
    g_length: float,
) -> float:
    """How far along the sleeve's axis its cross-sections are still whole (the hem line).

    The sleeve-end landmark is the tip of the outline; a hem cut at an angle or rounded
    corners make the last rows partial, and a strip ending there would end in a ragged,
    tapered edge. Walking back from the tip, the hem is the first row at least 75% as wide
    as the row a few percent of the sleeve further up.
    """
    span = g_length - g_from
    back = 0.05 * span

    def width(axial: float) -> float:
        centre = g_root + axial * g_unit
        return sum(_extent(sleeve, centre, e * g_normal) for e in (1.0, -1.0))

    for axial in np.linspace(g_length, g_from + 0.6 * span, 20):
        if width(float(axial)) >= 0.75 * width(float(axial) - back):
            return float(axial)
    return float(g_length)


def _bend_angle(chain: list[np.ndarray]) -> float:
    """How far (radians) the limb turns at its middle joint."""
    a, b = chain[1] - chain[0], chain[2] - chain[1]
    cos = np.dot(a, b) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-6)
    return float(np.arccos(np.clip(cos, -1.0, 1.0)))


def _bent_chain(
    chain: list[np.ndarray], arcs: np.ndarray, outward: np.ndarray, blend: float
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Points along shoulder-elbow-wrist with normals that turn smoothly round the elbow.

    Within ``blend`` (arc length) either side of the elbow the normal turns gradually from
    the upper arm's to the forearm's, so the outer edge of a sleeve rounds the elbow.
    """
    points, _ = _along_chain(chain, arcs, outward)
    normals = []
    for a, b in itertools.pairwise(chain):
        unit = (b - a) / max(float(np.linalg.norm(b - a)), 1e-3)
        normal = np.array([-unit[1], unit[0]])
        normals.append(normal if np.dot(normal, outward) >= 0 else -normal)
    elbow = max(float(np.linalg.norm(chain[1] - chain[0])), 1e-3)
    blended = []
    for arc in arcs:
        w = float(np.clip(0.5 + (arc - elbow) / (2.0 * max(blend, 1.0)), 0.0, 1.0))
        normal = (1.0 - w) * normals[0] + w * normals[1]
        norm = float(np.linalg.norm(normal))
        blended.append(normal / norm if norm > 1e-3 else normals[1])
    return points, blended


def _own_arm_halves(
    body: _Body,
    knots: list[np.ndarray],
    normals: list[np.ndarray],
    bone: list[np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Half the arm's width across each knot, how far its middle is from the bone, whether
    the arm touches the body there, and whether an old short sleeve's flare was left out
    there (with the upper arm's ``bone``, shoulder and elbow: see _flare_dropped).

    From the silhouette, smoothed along the arm. Outwards the silhouette's edge is the
    arm's. Inwards an arm often touches the body and the silhouette runs on: then the arm
    is taken to reach only a little inside the bone (the shoulder and elbow landmarks sit
    on the arm's inner half), so the sleeve hugs the arm's outer outline instead of
    floating beyond it. Bounded to what arms measure against the shoulders.
    """
    sw = body.frame.sw
    reach = 0.45 * sw
    skin = body.labels == LABEL["arms"] if body.labels is not None else None
    outs, inners, against = [], [], []
    for knot, normal in zip(knots, normals, strict=True):
        out = body._run_length(knot, normal, reach, body.silhouette)
        inner = body._run_length(knot, -normal, reach, body.silhouette)
        against.append(inner > 1.6 * out)
        if against[-1]:
            # A bare arm's skin shows where it meets the clothes beside it: as far in as
            # that (a sleeve stopping at a tenth of the way showed a slit of arm between it
            # and the body), within what an arm's inner half measures against its outer.
            bare = 0.0 if skin is None else body._run_length(knot, -normal, 1.2 * out, skin)
            inner = max(0.15 * out, bare)
        outs.append(out)
        inners.append(inner)
    outs, against = np.array(outs), np.array(against)
    arcs = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(knots, axis=0), axis=1))])
    flared = np.zeros(len(outs), dtype=bool)
    if body.labels is not None and bone is not None:
        outs, flared = _flare_dropped(body, knots, normals, arcs, outs, bone)
    widths = outs + np.array(inners)
    if against.any() and not against.all():
        # Where the arm touches the body only now and then (a thin gap between them comes
        # and goes down the arm), the arm's width is measured at the gaps: guessed where it
        # touches, a thick sleeve went from its own width to half that and back, and the
        # strip zigzagged. Never narrower than the guess: a sleeve left short of the body
        # shows a slit of what was under the old one.
        seen = np.nonzero(~against)[0]
        near = np.min(np.abs(arcs[:, None] - arcs[None, seen]), axis=1) < 0.3 * sw
        fill = against & near
        measured = np.interp(arcs[fill], arcs[seen], widths[seen])
        widths[fill] = np.maximum(widths[fill], measured)
    halves = np.clip(widths / 2, 0.05 * sw, 0.16 * sw)
    offsets = np.clip(outs - halves, -halves, halves)
    if len(halves) >= 3:
        smoothed = []
        for values in (halves, offsets):
            padded = np.concatenate([values[:1], values, values[-1:]])
            smoothed.append(np.median(np.stack([padded[:-2], padded[1:-1], padded[2:]]), axis=0))
        halves, offsets = smoothed
    return halves, offsets, np.array(against), flared


def _flare_dropped(
    body: _Body,
    knots: list[np.ndarray],
    normals: list[np.ndarray],
    arcs: np.ndarray,
    outs: np.ndarray,
    bone: list[np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """The arm's outer reach at each knot, less an old short sleeve's flare, and where it
    was dropped (``arcs``: the knots' distances along the arm).

    Where the outline outside a knot is a top's and bare arm shows a little further down,
    the top is a short sleeve standing out from the arm: a new sleeve measured on it
    bulged out over the shoulder and stepped in at the old hem. There the arm reaches out
    no further than the bare arm below it, and as much further as the modelled arm
    (LIMB_PROFILES) widens on the way up: a deltoid's round cap.
    """
    sw = body.frame.sw
    assert body.labels is not None  # only called with a parsing
    edge = np.array(
        [
            _at(body.labels, knot + (out - 1.0) * normal) if out > 0 else LABEL["background"]
            for knot, normal, out in zip(knots, normals, outs, strict=True)
        ]
    )
    bare, sleeve = edge == LABEL["arms"], edge == LABEL["upper"]
    flared = np.zeros(len(outs), dtype=bool)
    if not bare.any() or not sleeve.any():
        return outs, flared
    shoulder, elbow = bone
    length = max(float(np.linalg.norm(elbow - shoulder)), 1e-6)
    shares, halves = zip(*LIMB_PROFILES[("shoulder", "elbow")], strict=True)
    # Down the upper arm only: a short sleeve ends above the elbow.
    down = np.array([float(np.dot(k - shoulder, elbow - shoulder)) for k in knots]) / length**2
    seen = np.nonzero(bare & (down < 1.0))[0]
    outs = outs.copy()
    for k in np.nonzero(sleeve & (down < 1.0))[0]:
        below = seen[(seen > k) & (arcs[seen] - arcs[k] < 0.3 * sw)]
        if len(below):
            j = below[0]
            model = np.interp(down[[k, j]], shares, halves) * sw
            reach = outs[j] + max(model[0] - model[1], 0.0)
            # A few pixels more are the sleeve's cloth; a flare stands out.
            if outs[k] > reach + 0.04 * sw:
                flared[k], outs[k] = True, reach
    return outs, flared


def _at(labels: np.ndarray, point: np.ndarray) -> int:
    """The label at ``point`` (background off the image)."""
    x, y = (round(float(v)) for v in point)
    inside = 0 <= y < labels.shape[0] and 0 <= x < labels.shape[1]
    return int(labels[y, x]) if inside else LABEL["background"]


def _forward(edge: list[np.ndarray], tangents: list[np.ndarray]) -> None:
    """Keep an edge moving forwards along the limb, in place.

    Where a point lies behind the last good one (the armpit end of the armhole sits further
    down the arm than the first cross-sections' inner ends when the arm is raised or bent
    in), it is moved onto the line from the last good point to the next one ahead.
    """
    good = 0
    for k in range(1, len(edge)):
        if float(np.dot(edge[k] - edge[good], tangents[k])) <= 0.0 and k < len(edge) - 1:
            continue
        for j in range(good + 1, k):
            edge[j] = edge[good] + (edge[k] - edge[good]) * (j - good) / (k - good)
        good = k


def _lowest_axial(body: _Body) -> float:
    """Garments end above the ankles (or the knees, when the ankles are not in the photo)."""
    for joint in ("ankle", "knee"):
        if body.seen(f"left_{joint}") and body.seen(f"right_{joint}"):
            mid = (body.pt(f"left_{joint}") + body.pt(f"right_{joint}")) / 2
            return body.frame.axial_of(mid) - 0.02 * body.frame.torso
    return 4.0 * body.frame.torso


# --- bottoms ----------------------------------------------------------------------------------

#: Where the silhouette merges both legs (a skirt, legs held together), a trouser leg reaches
#: out to its outer edge up to this many shoulder spans from the leg's middle.
MERGED_LEG_REACH = 0.42
#: Above where a garment may flare freely, how far it may reach past the silhouette grows
#: from nothing to FLARE_REACH shoulder spans over FLARE_RAMP torso lengths.
FLARE_RAMP = 0.5
FLARE_REACH = 0.3
#: A trouser leg's cross-sections turn from the crotch row's slant to square across the leg
#: over this share of the thigh.
LEG_TURN = 0.35

#: A full-length trouser leg is about this many (flat) waist widths long from the crotch to
#: the hem; shorter legs and skirts are read against it.
INSEAM_PER_WAIST = 1.9
#: An inside leg at least this many waist widths long is full length: it ends at the ankle
#: whatever its exact proportions (wide legs are long for their waist, slim ones short).
FULL_LENGTH_INSEAM = 1.3
#: A bottom's waistband rises at most this many torso lengths to where the shopper wears theirs.
WORN_WAIST_RAISE = 0.2


@dataclass
class _BottomFit:
    """Where a bottom sits: its waistband and crotch rows (axial) and its scales.

    ``length`` turns garment pixels into body pixels down the legs; ``across`` turns garment
    widths into visible widths (as much narrower as the flat waist is than the body's).
    ``inseam`` is the body's inside leg (crotch row to ankle, along the leg).
    """

    waist_axial: float
    crotch_axial: float
    length: float
    across: float
    inseam: float


def _bottom_fit(
    body: _Body, garment: GarmentAnalysis, g: dict[str, np.ndarray], worn: float | None = None
) -> _BottomFit:
    """The waistband's height and the scales, from the garment's own proportions.

    The crotch of the body is a little below its hip joints. Full-length legs end at the
    ankle, so their inside leg sets the length scale; shorter legs and skirts use the waist
    width against a full-length leg (INSEAM_PER_WAIST). The rise (waist to crotch) follows
    at that scale, within what trousers are cut to: a high-waisted pair sits higher. Where
    the shopper wears their own waistband higher (``worn``, torso lengths down from the
    shoulders), the new one sits there too, up to WORN_WAIST_RAISE higher: left lower, a
    band of bare midriff would have to be invented above it.
    """
    hip_axial = body.frame.axial_of(body.frame.hmid)
    crotch_axial = hip_axial + 0.15 * body.frame.torso
    inseam = float(np.mean([_leg_length(body, side, crotch_axial) for side, _ in SIDES]))
    g_width = max(float(np.linalg.norm(g["left_waist"] - g["right_waist"])), 1.0)
    g_waist_y = float(g["left_waist"][1] + g["right_waist"][1]) / 2
    length = inseam / (INSEAM_PER_WAIST * g_width)
    rise = 0.35 * body.frame.torso
    if garment.has_legs:
        g_inseam = float(g["left_hem"][1] + g["right_hem"][1]) / 2 - float(g["crotch"][1])
        if g_inseam >= FULL_LENGTH_INSEAM * g_width:
            length = inseam / max(g_inseam, 1.0)
        rise = length * (float(g["crotch"][1]) - g_waist_y)
    rise = float(np.clip(rise, 0.3 * body.frame.torso, 0.5 * body.frame.torso))
    waist_axial = crotch_axial - rise
    if worn is not None:
        raised = max(worn * body.frame.torso, waist_axial - WORN_WAIST_RAISE * body.frame.torso)
        waist_axial = min(waist_axial, raised)
    across = 1.04 * sum(body.half_widths(waist_axial)) / g_width
    return _BottomFit(waist_axial, crotch_axial, length, across, inseam)


def _leg_length(body: _Body, side: str, crotch_axial: float) -> float:
    """Along one leg, from the crotch's height to the ankle."""
    hip, knee, ankle = (body.pt(f"{side}_{joint}") for joint in ("hip", "knee", "ankle"))
    thigh = float(np.linalg.norm(knee - hip))
    below_hip = (crotch_axial - body.frame.axial_of(hip)) / max(
        body.frame.axial_of(knee) - body.frame.axial_of(hip), 1.0
    )
    return thigh * (1.0 - float(np.clip(below_hip, 0.0, 0.5))) + float(np.linalg.norm(ankle - knee))


def _warp_bottom(
    body: _Body, garment: GarmentAnalysis, source: np.ndarray, worn: float | None = None
) -> tuple[list[tuple[str, _Layer]], float | None]:
    g = {k: np.asarray(v, dtype=np.float64) for k, v in garment.landmarks.items()}
    fit = _bottom_fit(body, garment, g, worn)
    if not garment.has_legs:
        return _warp_skirt(body, garment, source, g, fit)
    layers = [
        ("body", _warp_leg(source, garment, g, side, sign, fit, body)) for side, sign in SIDES
    ]
    # Wide legs flare past the person's own legs below the knees.
    knees = min(body.frame.axial_of(body.pt(f"{side}_knee")) for side, _ in SIDES)
    return layers, knees


def _warp_leg(
    source: np.ndarray,
    garment: GarmentAnalysis,
    g: dict[str, np.ndarray],
    side: str,
    sign: float,
    fit: _BottomFit,
    body: _Body,
) -> _Layer:
    """One trouser leg as a strip of quads from the waistband down the leg's bones.

    Cross-sections: the waistband (side to centre front), the crotch row (hip to crotch),
    then every few centimetres down the thigh and the shin, bending at the knee. Each is as
    wide as the garment's leg there, but never narrower than the person's own leg (so it
    is hidden): slim legs hug, wide legs keep their flare. Full-length legs end at the
    ankle, shorter ones at their own share of the leg.
    """
    leg = garment.parts[f"{side}_leg"]
    crotch = g["crotch"]
    g_centre_x = float(g["left_waist"][0] + g["right_waist"][0]) / 2
    crotch_row = round(float(crotch[1]))
    columns = np.nonzero(leg[min(crotch_row, leg.shape[0] - 1)])[0]
    if not len(columns):
        columns = np.nonzero(leg.any(axis=0))[0]
    g_outer_top = np.array([float(columns.max() if sign > 0 else columns.min()), crotch[1]])
    g_top = np.array([(columns.min() + columns.max()) / 2, crotch[1]])
    g_hem = g[f"{side}_hem"]
    g_axis = g_hem - g_top
    g_length = max(float(np.linalg.norm(g_axis)), 1.0)
    g_unit = g_axis / g_length
    g_normal = np.array([-g_unit[1], g_unit[0]])
    if np.dot(g_normal, g_outer_top - g_top) < 0:
        g_normal = -g_normal  # towards the leg's outer side

    waist_half = dict(zip(("left", "right"), body.half_widths(fit.waist_axial), strict=True))
    crotch_half = dict(zip(("left", "right"), body.half_widths(fit.crotch_axial), strict=True))
    b_outer = [body.frame.at(fit.waist_axial, sign * 1.04 * waist_half[side])]
    b_inner = [body.frame.at(fit.waist_axial)]
    g_outer = [g[f"{side}_waist"]]
    g_inner = [np.array([g_centre_x, g[f"{side}_waist"][1]])]
    b_outer.append(body.frame.at(fit.crotch_axial, sign * 1.04 * crotch_half[side]))
    b_inner.append(body.frame.at(fit.crotch_axial))
    g_outer.append(g_outer_top)
    g_inner.append(crotch.copy())

    chain = _leg_chain(body, side, fit.crotch_axial)
    other = [
        body.pt(f"{'right' if side == 'left' else 'left'}_{joint}")
        for joint in ("hip", "knee", "ankle")
    ]
    # The same share of each leg: one stepping forward or back is foreshortened in the
    # picture, and its hem must still meet its own ankle.
    share = min(fit.length * g_length / max(fit.inseam, 1.0), 1.05)
    if g_length >= FULL_LENGTH_INSEAM * np.linalg.norm(g["left_waist"] - g["right_waist"]):
        share = 1.05  # full length: down to the top of the shoe
    length = share * _leg_length(body, side, fit.crotch_axial)
    count = max(2, int(np.ceil(length / (0.12 * body.frame.sw))))
    arcs = np.linspace(0.0, 1.0, count + 1)[1:] * length
    b_knots, b_normals = _along_chain(chain, arcs, sign * body.frame.lat)
    thigh = float(np.linalg.norm(chain[1] - chain[0]))
    # The cross-sections turn from the crotch row's slant to square across the leg over the
    # upper thigh, on the product shot and on the body alike: turned at once, the first
    # quad below the crotch was a wedge that sheared the print (dots into slanted streaks).
    g_turns, b_normals = [], list(b_normals)
    g_crotch = _unit(g_outer_top - crotch)
    b_crotch = _unit(b_outer[1] - b_inner[1])
    for k, arc in enumerate(arcs):
        turn = float(np.clip(arc / (LEG_TURN * thigh), 0.0, 1.0))
        turn = turn * turn * (3.0 - 2.0 * turn)
        g_turns.append(_unit((1.0 - turn) * g_crotch + turn * g_normal))
        b_normals[k] = _unit((1.0 - turn) * b_crotch + turn * b_normals[k])
    own = _own_leg_halves(body, b_knots, b_normals, arcs > thigh)
    # The outer edge leaves the hip's outline smoothly, reaching the leg's own width at
    # the knee.
    hip_outer = float(np.dot(b_outer[1] - chain[0], b_normals[0]))
    scales: list[tuple[float, float]] = []  # each cross-section's (outer, inner) body/shot
    for arc, b_knot, b_normal, own_half, g_across in zip(
        arcs, b_knots, b_normals, own, g_turns, strict=True
    ):
        g_knot = g_top + arc / length * g_axis
        from_hip = float(np.clip(1.0 - arc / thigh, 0.0, 1.0))
        # The inner edge stops a little past the middle between the legs; what it gives up
        # there goes to the outer side, so a wide leg on legs held together keeps its width
        # (squeezed, its print ran in streaks down the inside).
        between = max(0.55 * _distance_to_chain(b_knot, other), 0.05 * body.frame.sw)
        g_out = _extent(leg, g_knot, g_across)
        g_in = _extent(leg, g_knot, -g_across)
        b_in = min(max(fit.across * g_in, own_half), between)
        b_out = max(fit.across * g_out, own_half, from_hip * hip_outer)
        b_out = max(b_out, fit.across * (g_out + g_in) - b_in)
        g_outer.append(g_knot + g_out * g_across)
        g_inner.append(g_knot - g_in * g_across)
        b_outer.append(b_knot + b_out * b_normal)
        b_inner.append(b_knot - b_in * b_normal)
        scales.append((b_out / max(g_out, 1.0), b_in / max(g_in, 1.0)))
    # The last cross-section is the hem itself, corner to corner: a hem cut on the slant
    # (shorts, lower on the inside) crossed the last straight cross-section, and its outer
    # corner was drawn as a flap hanging below the leg. The body's ends of it are the
    # corners carried over by the last cross-section's scales: left square across the leg,
    # a slanted or rounded hem was sheared into the last row and its corners torn.
    b_down = b_knots[-1] - b_knots[-2] if len(b_knots) > 1 else b_knots[-1] - chain[0]
    b_down = b_down / max(float(np.linalg.norm(b_down)), 1e-6)
    # The row before the hem's scales across (the hem mark's own row may be a sliver).
    before_hem = scales[-2] if len(scales) > 1 else (fit.across, fit.across)
    for edge, g_edge, b_edge, scale in (
        (1.0, g_outer, b_outer, before_hem[0]),
        (-1.0, g_inner, b_inner, before_hem[1]),
    ):
        corner = _corner(leg, g_unit, edge * g_normal)
        offset = corner - g_knot
        across_part = float(np.dot(offset, g_normal)) * edge * scale
        along_part = float(np.dot(offset, g_unit)) * length / g_length
        g_edge[-1] = corner
        b_edge[-1] = b_knot + edge * across_part * b_normal + along_part * b_down
    knots = [body.frame.at(fit.waist_axial, sign * 0.5 * waist_half[side])]
    knots += [(b_outer[1] + b_inner[1]) / 2, *b_knots]
    _unfold(b_outer, b_inner, knots)
    _unfold(b_inner, b_outer, knots)
    # The rise (waistband to crotch) in rows too: drawn as one quad, its two triangles
    # sheared the print along their diagonal (polka dots turned to slanted ovals).
    rows = max(1, int(np.ceil(np.linalg.norm(knots[1] - knots[0]) / (0.12 * body.frame.sw))))
    for edge in (b_outer, b_inner, g_outer, g_inner):
        edge[1:1] = [edge[0] + k / rows * (edge[1] - edge[0]) for k in range(1, rows)]
    # Let each half reach a little past the middle so no seam of the old clothes shows.
    g_width = float(np.linalg.norm(g["left_waist"] - g["right_waist"]))
    piece = leg | (
        (np.abs(np.arange(leg.shape[1]) - crotch[0]) < 0.03 * g_width)[None, :]
        & (np.arange(leg.shape[0]) < crotch[1])[:, None]
        & garment.mask
    )
    source, piece = _crotch_filled(
        source, piece, leg, g_outer[: rows + 2], g_inner[: rows + 2], 0.03 * g_width
    )
    return _warp_strip(source, piece, (g_outer, g_inner), (b_outer, b_inner), body)


def _crotch_filled(
    source: np.ndarray,
    piece: np.ndarray,
    leg: np.ndarray,
    g_outer: list[np.ndarray],
    g_inner: list[np.ndarray],
    reach: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The product shot's backdrop in the inner half of the rise and of the first quad
    below the crotch, filled with the leg's own colour (``g_outer``, ``g_inner``: the
    cross-sections' ends from the waistband to the first knot below the crotch; ``reach``:
    how far the legs' halves overlap).

    Below the waistband's edge the rise is closed cloth, but the cut-out pulls its edge in
    round the crotch's inner corner (and a white stripe there goes as backdrop), and the
    first quad's inner edge is a straight chord from the crotch down to the leg's inner
    edge, past which a rounded crotch curves away: either came out as a light wedge or a
    hairline of backdrop over the fly. The outer half follows the hip's own outline.
    """
    middle = [(o + i) / 2 for o, i in zip(g_outer, g_inner, strict=True)]
    polygon = np.round(np.array(middle + g_inner[::-1])).astype(np.int32)
    region = np.zeros(piece.shape, dtype=np.uint8)
    cv2.fillPoly(region, [polygon], 1)
    size = 2 * max(1, round(reach)) + 1
    region = cv2.dilate(region, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))) > 0
    region[: max(0, round(float(g_inner[0][1]) + 2 * reach))] = False  # the waistband's edge
    backdrop = region & (source[..., 3] < 0.9)
    if backdrop.any():
        # From the cloth a few pixels in: the gap's own rim is greyed by its shadow.
        inner = cv2.erode(leg.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
        source = source.copy()
        source[backdrop] = _piece_extended(source, inner if inner.any() else leg)[backdrop]
    return source, piece | region


def _corner(mask: np.ndarray, down: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The piece's corner furthest down and out (a hem's end): its extreme point along
    the diagonal between the two directions."""
    ys, xs = np.nonzero(mask)
    diagonal = down + out
    best = int(np.argmax(xs * diagonal[0] + ys * diagonal[1]))
    return np.array([float(xs[best]), float(ys[best])])


def _leg_chain(body: _Body, side: str, crotch_axial: float) -> list[np.ndarray]:
    """One leg's bones from the crotch's height: thigh, knee, ankle.

    The hip joint sits inside the pelvis, so the thigh is followed from the middle of its
    visible width at the crotch's height, never from further in than the joints' line:
    on legs held together (or in loose trousers) the visible width runs on across both
    thighs, and its middle drew both legs' strips into each other.
    """
    hip, knee, ankle = (body.pt(f"{side}_{joint}") for joint in ("hip", "knee", "ankle"))
    share = (crotch_axial - body.frame.axial_of(hip)) / max(
        body.frame.axial_of(knee) - body.frame.axial_of(hip), 1.0
    )
    on_bone = hip + float(np.clip(share, 0.0, 0.5)) * (knee - hip)
    _, thigh_top = _span_at(body, on_bone, knee - hip)
    inward = body.pt(f"{'right' if side == 'left' else 'left'}_hip") - hip
    if float(np.dot(thigh_top - on_bone, inward)) > 0.0:
        thigh_top = on_bone
    return [thigh_top, knee, ankle]


def _own_leg_halves(
    body: _Body, knots: list[np.ndarray], normals: list[np.ndarray], below_knee: np.ndarray
) -> np.ndarray:
    """Half the person's own leg at each knot, a little looser, plus its middle's offset.

    A dress or legs pressed together merge both legs in the silhouette: then no more than
    a thigh is wide. A leg that ends within the merged part (shorts on a pencil skirt or
    on legs held together) reaches out to the silhouette's outer edge where that is near:
    that is the thigh's outline, and left inside it the old skirt's sides came back as
    bare backdrop. A longer one keeps a thigh's width, or its outline would step in where
    the skirt ends. ``normals`` point to the leg's outer side. Below the knee a leg does
    not widen much (what does is a shoe seen sideways), and hands resting on a thigh nick
    its outline: a running median smooths those out.
    """
    # Shoulders seen from the side are narrow; a leg is not.
    reference = max(body.frame.sw, 0.6 * body.frame.torso)
    spans = [
        _span_at(body, knot, np.array([-normal[1], normal[0]]))
        for knot, normal in zip(knots, normals, strict=True)
    ]
    merged = [0.55 * width > 0.32 * reference for width, _ in spans]
    silhouette = body.silhouette & (body.arms < 0.5)
    halves = []
    for knot, normal, (width, middle), joined in zip(knots, normals, spans, merged, strict=True):
        if not joined:
            halves.append(0.55 * width + float(np.linalg.norm(middle - knot)))
        elif all(merged):
            outer = body._run_length(knot, normal, MERGED_LEG_REACH * reference, silhouette)
            halves.append(max(0.3 * reference, outer))
        else:
            halves.append(0.3 * reference)
    halves = np.array(halves)
    if len(halves) >= 3:
        padded = np.concatenate([halves[:1], halves, halves[-1:]])
        halves = np.median(np.stack([padded[:-2], padded[1:-1], padded[2:]]), axis=0)
    above = halves[~below_knee]
    if len(above):
        halves[below_knee] = np.minimum(halves[below_knee], 1.15 * above[-1])
    return halves


def _warp_skirt(
    body: _Body,
    garment: GarmentAnalysis,
    source: np.ndarray,
    g: dict[str, np.ndarray],
    fit: _BottomFit,
) -> tuple[list[tuple[str, _Layer]], float | None]:
    """A skirt is one piece, warped by a spline: waistband on the waist, then its flare."""
    limit = _lowest_axial(body)
    g_waist_y = float((g["left_waist"][1] + g["right_waist"][1]) / 2)
    waist = dict(zip(("left", "right"), body.half_widths(fit.waist_axial), strict=True))
    b_left = body.frame.at(fit.waist_axial, 1.04 * waist["left"])
    b_right = body.frame.at(fit.waist_axial, -1.04 * waist["right"])
    g_centre = (g["left_waist"] + g["right_waist"]) / 2
    pairs = [
        (g["left_waist"], b_left),
        (g["right_waist"], b_right),
        (g_centre, (b_left + b_right) / 2),
    ]
    hip_axial = body.frame.axial_of(body.frame.hmid)
    hip_half = max(*body.half_widths(hip_axial))
    for share in (0.35, 1.0):
        gy = g_waist_y + share * (float(g["left_hem"][1]) - g_waist_y)
        a = min(fit.waist_axial + fit.length * (gy - g_waist_y), limit)
        row = np.nonzero(garment.mask[min(round(gy), garment.mask.shape[0] - 1)])[0]
        g_left = np.array([float(row.max()), gy]) if len(row) else g["left_hem"]
        g_right = np.array([float(row.min()), gy]) if len(row) else g["right_hem"]
        half = max(fit.across * float(g_left[0] - g_right[0]) / 2, 1.04 * hip_half)
        b_left, b_right = body.frame.at(a, half), body.frame.at(a, -half)
        g_mid = np.array([float(g_centre[0]), gy])
        pairs += [(g_left, b_left), (g_right, b_right), (g_mid, (b_left + b_right) / 2)]
    layer = _warp_tps(source, garment.parts["torso"], pairs, body)
    return [("body", layer)], hip_axial - 0.1 * body.frame.torso


def _distance_to_chain(point: np.ndarray, chain: list[np.ndarray]) -> float:
    """Distance from a point to the nearest point of a chain of joints."""
    best = np.inf
    for a, b in itertools.pairwise(chain):
        axis = b - a
        t = float(np.clip(np.dot(point - a, axis) / max(float(np.dot(axis, axis)), 1e-6), 0, 1))
        best = min(best, float(np.linalg.norm(point - (a + t * axis))))
    return best


def _span_at(body: _Body, centre: np.ndarray, along: np.ndarray) -> tuple[float, np.ndarray]:
    """Width of the silhouette across ``along`` at ``centre``, and the middle of that span.

    Hands and forearms are left out: a hand resting on a thigh is not trouser width.
    """
    silhouette = body.silhouette & (body.arms < 0.5)
    direction = along / max(float(np.linalg.norm(along)), 1e-6)
    normal = np.array([-direction[1], direction[0]])
    reach = int(0.6 * body.frame.sw)
    extents = []
    for sign in (1.0, -1.0):
        off = np.nonzero(~_ray(silhouette, centre, sign * normal, reach - 1))[0]
        extents.append(float(off[0]) if len(off) else float(reach))
    width = extents[0] + extents[1]
    if width < 0.15 * body.frame.sw:  # lost the limb (occluded, out of frame): trust the joints
        return 0.15 * body.frame.sw, centre
    return width, centre + normal * (extents[0] - extents[1]) / 2


# --- warps ------------------------------------------------------------------------------------


def _premultiplied(rgba: np.ndarray) -> np.ndarray:
    out = rgba.astype(np.float32)
    out[..., :3] *= out[..., 3:4] / 255.0
    out[..., 3] /= 255.0
    return out


def _piece(source: np.ndarray, mask: np.ndarray) -> np.ndarray:
    # A 2-pixel overlap between pieces hides the cut between torso and sleeve.
    grown = cv2.dilate(mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(np.float32)
    return source * grown[..., None]


def _piece_extended(source: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The piece, opaque, its colours carried on beyond its outline (nearest own pixel)."""
    solid = (mask & (source[..., 3] > 0.9)).astype(np.uint8)
    if not solid.any():
        return _piece(source, mask)
    _, nearest = cv2.distanceTransformWithLabels(
        1 - solid, cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
    )
    rows, cols = np.nonzero(solid)
    colour = source[..., :3] / np.maximum(source[..., 3:4], 1e-3)
    lookup = np.concatenate([np.zeros((1, 3), np.float32), colour[rows, cols]])
    out = np.empty_like(source)
    out[..., :3] = lookup[np.minimum(nearest, len(lookup) - 1)]
    out[..., 3] = 1.0
    return out


def _roi(points: np.ndarray, margin: float, body: _Body) -> tuple[int, int, int, int]:
    x0, y0 = points.min(axis=0) - margin
    x1, y1 = points.max(axis=0) + margin
    box = (
        int(np.clip(np.floor(x0), 0, body.width)),
        int(np.clip(np.floor(y0), 0, body.height)),
        int(np.clip(np.ceil(x1), 0, body.width)),
        int(np.clip(np.ceil(y1), 0, body.height)),
    )
    return box


def _sample(piece: np.ndarray, map_x: np.ndarray, map_y: np.ndarray, box) -> _Layer:
    warped = cv2.remap(
        piece,
        map_x.astype(np.float32),
        map_y.astype(np.float32),
        interpolation=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0.0, 0.0, 0.0, 0.0),
    )
    return _Layer(rgbp=warped[..., :3], alpha=np.clip(warped[..., 3], 0.0, 1.0), box=box)


def _empty_layer() -> _Layer:
    return _Layer(np.zeros((0, 0, 3), np.float32), np.zeros((0, 0), np.float32), (0, 0, 0, 0))


def _warp_tps(
    source: np.ndarray,
    mask: np.ndarray,
    pairs: list[tuple[np.ndarray, np.ndarray]],
    body: _Body,
) -> _Layer:
    """Thin-plate-spline warp of one garment piece: body points pull garment points."""
    g_points = np.array([p[0] for p in pairs], dtype=np.float64)
    b_points = np.array([p[1] for p in pairs], dtype=np.float64)
    box = _roi(b_points, 0.35 * body.frame.sw, body)
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return _empty_layer()
    # The spline is smooth: evaluate it on a coarse grid and interpolate the maps. Node k
    # sits at the centre of the k-th block of ``step`` pixels, which is where cv2.resize puts
    # source pixel k when it enlarges by exactly ``step``.
    step = max(2, round(max(x1 - x0, y1 - y0) / 160))
    nx, ny = -(-(x1 - x0) // step), -(-(y1 - y0) // step)
    gx = x0 + (np.arange(nx) + 0.5) * step - 0.5
    gy = y0 + (np.arange(ny) + 0.5) * step - 0.5
    grid = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    mapped = tps_map(b_points, g_points, grid).reshape(ny, nx, 2).astype(np.float32)
    big = (nx * step, ny * step)
    map_x = cv2.resize(mapped[..., 0], big, interpolation=cv2.INTER_LINEAR)[: y1 - y0, : x1 - x0]
    map_y = cv2.resize(mapped[..., 1], big, interpolation=cv2.INTER_LINEAR)[: y1 - y0, : x1 - x0]
    return _sample(_piece(source, mask), map_x, map_y, box)


def _unfold(edge: list[np.ndarray], other: list[np.ndarray], knots: list[np.ndarray]) -> None:
    """Keep one edge of a strip from folding back over itself, in place.

    Cross-section k runs from ``edge[k]`` to ``other[k]`` around ``knots[k]``. On the
    inside of a bent elbow (or under an arm raised sideways) a cross-section's end can
    fall behind the previous cross-section; the quads between would fold over and draw
    the sleeve twice, mirrored. Such points are moved onto the straight line from the
    last good point to the next one ahead of it: the sleeve's underside cuts the corner,
    as cloth does.
    """
    good = 0
    for k in range(1, len(edge)):
        line = other[good] - edge[good]
        ahead = _cross(line, knots[k] - edge[good])
        if _cross(line, edge[k] - edge[good]) * ahead <= 0.0 and k < len(edge) - 1:
            continue
        for j in range(good + 1, k):
            edge[j] = edge[good] + (edge[k] - edge[good]) * (j - good) / (k - good)
        good = k


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-6)


def _cross(a: np.ndarray, b: np.ndarray) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def _along_chain(
    chain: list[np.ndarray], distances: np.ndarray, outward: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Points at the given arc lengths along a chain of joints, with their normals.

    Past the last joint the chain runs straight on. A normal points to the side of
    ``outward`` (away from the body); at a joint it bisects the two segments' normals, so
    cross-sections fan out round a bent elbow instead of crossing.
    """
    segments = list(itertools.pairwise(chain))
    lengths = [max(float(np.linalg.norm(b - a)), 1e-3) for a, b in segments]
    starts = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    normals = []
    for a, b in segments:
        unit = (b - a) / max(float(np.linalg.norm(b - a)), 1e-3)
        normal = np.array([-unit[1], unit[0]])
        normals.append(normal if np.dot(normal, outward) >= 0 else -normal)
    points, point_normals = [], []
    for distance in distances:
        index = int(
            np.clip(np.searchsorted(starts, distance, side="right") - 1, 0, len(segments) - 1)
        )
        a, b = segments[index]
        t = (distance - starts[index]) / lengths[index]
        points.append(a + t * (b - a))
        normal = normals[index]
        # Within a tenth of a segment of a joint, turn half-way towards the next one's normal.
        if index + 1 < len(segments) and t > 0.9:
            normal = normal + normals[index + 1] * (t - 0.9) / 0.2
        elif index > 0 and t < 0.1:
            normal = normal + normals[index - 1] * (0.1 - t) / 0.2
        point_normals.append(normal / max(float(np.linalg.norm(normal)), 1e-6))
    return points, point_normals


def _warp_strip(
    source: np.ndarray,
    mask: np.ndarray,
    g_edges: tuple[list[np.ndarray], list[np.ndarray]],
    b_edges: tuple[list[np.ndarray], list[np.ndarray]],
    body: _Body,
    sleeve_over: np.ndarray | None = None,
) -> _Layer:
    """Piecewise-affine warp of a strip of quads (two edges of matching points).

    Each quad is split into two triangles, each with its own affine map; a photo pixel uses
    the triangle it lies in, or within a few pixels of the strip the nearest one (so the
    piece's outline, which wanders a little outside the strip, extends straight on).
    A sleeve (``sleeve_over``: where it may fill out its strip) ends at its last
    cross-section, a hem in a clean line across the arm, and fills its strip there.
    """
    g_a, g_b = (np.array(edge, dtype=np.float32) for edge in g_edges)
    b_a, b_b = (np.array(edge, dtype=np.float32) for edge in b_edges)
    margin = max(2.0, 0.04 * body.frame.sw)
    box = _roi(np.vstack([b_a, b_b]), margin + 2.0, body)
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return _empty_layer()
    offset = np.float32([x0, y0])
    index = np.zeros((y1 - y0, x1 - x0), dtype=np.int32)
    affines = [np.zeros((2, 3), dtype=np.float64)]  # index 0: no triangle
    for k in range(len(g_a) - 1):
        for g_tri, b_tri in (
            ((g_a[k], g_b[k], g_a[k + 1]), (b_a[k], b_b[k], b_a[k + 1])),
            ((g_b[k], g_b[k + 1], g_a[k + 1]), (b_b[k], b_b[k + 1], b_a[k + 1])),
        ):
            b_tri_arr = np.array(b_tri)
            if abs(_cross(b_tri_arr[1] - b_tri_arr[0], b_tri_arr[2] - b_tri_arr[0])) < 1.0:
                continue  # collapsed (the inside of a bend): its neighbours cover it
            affines.append(cv2.getAffineTransform(b_tri_arr, np.array(g_tri)))
            corners = np.round(b_tri_arr - offset).astype(np.int32)
            cv2.fillConvexPoly(index, corners, len(affines) - 1)
    # Outside the strip, the nearest pixel inside it says which triangle's map to extend.
    outside = (index == 0).astype(np.uint8)
    distance, nearest = cv2.distanceTransformWithLabels(
        outside, cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
    )
    inside_rows, inside_cols = np.nonzero(outside == 0)
    if not len(inside_rows):
        return _empty_layer()
    lookup = np.concatenate([[0], index[inside_rows, inside_cols]])
    index = np.where(outside > 0, lookup[np.minimum(nearest, len(lookup) - 1)], index)
    # The strip's own area; for a sleeve with the notch a bent elbow leaves closed (the
    # strip's inner edge folds in there, its collapsed triangles skipped, and the arm showed
    # through: cloth bunches there instead).
    area = outside == 0
    if sleeve_over is not None:
        area = disc_closing(distance, 0.06 * body.frame.sw)
    index[(distance > margin) & ~area] = 0
    if sleeve_over is not None:
        end_a, end_b = b_a[-1] - offset, b_b[-1] - offset
        before = (b_a[-2] + b_b[-2]) / 2 - offset
        line = end_b - end_a
        ys_, xs_ = np.mgrid[0 : y1 - y0, 0 : x1 - x0].astype(np.float32)
        side = line[0] * (ys_ - end_a[1]) - line[1] * (xs_ - end_a[0])
        inner_side = _cross(line, before - end_a)
        index[side * np.sign(inner_side) < 0] = 0
    maps = np.array(affines, dtype=np.float32)[index]  # (h, w, 2, 3)
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    map_x = maps[..., 0, 0] * xs + maps[..., 0, 1] * ys + maps[..., 0, 2]
    map_y = maps[..., 1, 0] * xs + maps[..., 1, 1] * ys + maps[..., 1, 2]
    map_x[index == 0] = -1.0
    map_y[index == 0] = -1.0
    if sleeve_over is None:
        return _sample(_piece(source, mask), map_x, map_y, box)
    # The strip's own shape is the sleeve's: the product shot's cross-sections are straight
    # lines that may cross a hem sewn at a slant or the armhole's seam, and the pixels they
    # reach past the sleeve's outline would show as bites and a ragged cuff. The colour
    # there is the sleeve's nearest own; the edge is the strip's, anti-aliased. Over the
    # torso's piece nothing is filled (the armhole's run of the strip would lay the sleeve's
    # cloth, at its angle, over the body's), nor off the person (a loose sleeve keeps its
    # own outline there).
    layer = _sample(_piece(source, mask), map_x, map_y, box)
    strip = (area & (index > 0) & sleeve_over[y0:y1, x0:x1]).astype(np.float32)
    fill = np.maximum(cv2.GaussianBlur(strip, (0, 0), 0.7) * (index > 0) - layer.alpha, 0.0)
    if fill.any():
        solid = _sample(_piece_extended(source, mask), map_x, map_y, box)
        layer.rgbp += solid.rgbp * fill[..., None]
        layer.alpha += fill
    return layer


def _ray(
    values: np.ndarray,
    start: np.ndarray,
    direction: np.ndarray,
    length: float,
    beyond: bool | int = False,
) -> np.ndarray:
    """``values`` (a mask or labels) at each whole step along a ray from ``start``, the start
    and ``length`` steps on; steps off the picture read ``beyond``."""
    steps = np.arange(0, int(length) + 1)
    points = start[None, :] + steps[:, None] * direction[None, :]
    xs, ys = np.round(points[:, 0]).astype(int), np.round(points[:, 1]).astype(int)
    inside = (xs >= 0) & (xs < values.shape[1]) & (ys >= 0) & (ys < values.shape[0])
    read = np.full(len(steps), beyond, dtype=values.dtype)
    read[inside] = values[ys[inside], xs[inside]]
    return read


def _extent(mask: np.ndarray, start: np.ndarray, direction: np.ndarray) -> float:
    """How far the piece reaches from ``start`` along ``direction`` (at least 2 px)."""
    hits = np.nonzero(_ray(mask, start, direction, np.hypot(*mask.shape) - 1))[0]
    return float(max(hits.max(), 2)) if len(hits) else 2.0


# --- shading ----------------------------------------------------------------------------------


def _shading(photo: np.ndarray, shoulder_span: float) -> np.ndarray:
    """Multiplicative fold/shadow detail of the photo, around 1.0 (lightly applied).

    The ratio of two edge-preserving (guided-filter) smoothings of the luminance, a light and
    a strong one: soft folds and shadows are kept by the first and flattened by the second,
    while hard edges between the old clothes' colours (a black top over blue jeans, a print)
    are kept by both and cancel out. Clipped tightly: a hint of folds, not a relight.
    """
    luma = np.ascontiguousarray(photo @ LUMA)
    small = max(2, round(0.02 * shoulder_span))
    large = max(4, round(0.1 * shoulder_span))
    fine = cv2.ximgproc.guidedFilter(luma, luma, small, 12.0**2)
    broad = cv2.ximgproc.guidedFilter(luma, luma, large, 12.0**2)
    # The offset damps the ratio in dark clothes, where a few grey levels are not a fold.
    detail = (fine + 40.0) / (broad + 40.0)
    return np.clip(1.0 + 0.5 * (detail - 1.0), 0.95, 1.05).astype(np.float32)
