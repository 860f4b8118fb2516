"""The geometric try-on: warp the product shot onto the body, then blend it into the photo.

This is the reference baseline any learned renderer has to beat. No training, no model:

* warp: the garment is cut into pieces that move differently. The torso of a top, dress or
  coat (or a skirt) follows a thin-plate spline from garment landmarks to body points: its
  shoulder seams to the tops of the shopper's shoulders, its sides at armpit, waist and hem to
  the edges of the person's own torso at those heights (arms left out), so the new garment
  covers what they wear; below the hips a dress keeps its flare. Sleeves are strips of quads,
  mapped piecewise-affinely from the armhole (pinned to the torso's) along shoulder, elbow and
  wrist. Trouser legs are "bone" warps along hip, mid-thigh, knee and ankle, widened at each
  joint to the person's own leg. Sizes scale from garment to body by shoulder and chest widths
  (waist widths for bottoms); lengths follow the garment's own proportions (a cropped top stays
  cropped; long sleeves and full-length legs end at wrists and ankles).
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

import cv2
import numpy as np

from tryon_worker.data.conditioning import EXPECTED_TORSO_WIDTH
from tryon_worker.garment import GarmentAnalysis
from tryon_worker.renderers.base import RenderOutput, WarpedGarment
from vision.pose import LM, PersonAnalysis

logger = logging.getLogger(__name__)

SIDES = (("left", 1.0), ("right", -1.0))


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

    def warp(self, person: PersonAnalysis, garment: GarmentAnalysis) -> WarpedGarment:
        """Move the garment's pieces onto the body; returns colour, coverage and support."""
        body = self._body(person)
        source = _premultiplied(garment.rgba)
        if garment.category == "bottom":
            layers, flare_from = _warp_bottom(body, garment, source)
        else:
            layers, flare_from = _warp_upper(body, garment, source)
        height, width = body.height, body.width
        rgbp = np.zeros((height, width, 3), dtype=np.float32)
        alpha = np.zeros((height, width), dtype=np.float32)
        sleeves = np.zeros((height, width), dtype=np.float32)
        for kind, layer in layers:
            # Forearms and hands are in front of the garment's body; only a sleeve covers an
            # arm, and hands stay in front of sleeves too.
            occluder = body.hands if kind == "sleeve" else body.arms
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
        garment = warped.rgb
        if _greyscale(person.image):
            # A black-and-white photo gets a black-and-white garment.
            garment = np.repeat(garment @ np.float32([[0.299], [0.587], [0.114]]), 3, axis=-1)
        shaded = garment * (_shading(photo, body.sw) * _exposure(photo))[..., None]
        out = photo * (1.0 - alpha[..., None]) + shaded * alpha[..., None]
        image = np.clip(np.round(out), 0, 255).astype(np.uint8)
        untouched = alpha <= 0.0
        image[untouched] = person.image[untouched]
        return RenderOutput(image=image, garment_mask=alpha > 0.5)


# --- the body ---------------------------------------------------------------------------------


class _Body:
    """Body measurements of the shopper's photo in a torso frame.

    ``down`` runs from the shoulders' midpoint to the hips' midpoint; ``lat`` is perpendicular
    to it, towards the person's left. "Axial" distances are measured along ``down`` from the
    shoulders' midpoint, lateral ones along ``lat`` from the torso's centre line.
    """

    def __init__(self, person: PersonAnalysis) -> None:
        self.person = person
        self.height, self.width = person.image.shape[:2]
        self.landmarks = person.landmarks.astype(np.float64)
        ls, rs = self.pt("left_shoulder"), self.pt("right_shoulder")
        lh, rh = self.pt("left_hip"), self.pt("right_hip")
        self.smid, self.hmid = (ls + rs) / 2, (lh + rh) / 2
        self.sw = max(float(np.linalg.norm(ls - rs)), 8.0)
        self.hw = float(np.linalg.norm(lh - rh))
        down = self.hmid - self.smid
        # A side view squeezes the shoulders; keep the torso frame sane regardless.
        self.torso = max(float(np.linalg.norm(down)), 0.8 * self.sw)
        self.down = down / max(float(np.linalg.norm(down)), 1e-6)
        lat = np.array([-self.down[1], self.down[0]])
        self.lat = lat if np.dot(lat, ls - rs) >= 0 else -lat
        self.silhouette = person.segmentation > 0.5
        self.arms, self.hands = self._arm_masks()
        upper = np.zeros((self.height, self.width), dtype=np.uint8)
        for side in ("left", "right"):
            shoulder, elbow = self.pt(f"{side}_shoulder"), self.pt(f"{side}_elbow")
            # The top of the upper arm is under the garment's shoulder: not an edge.
            _capsule(upper, shoulder + 0.2 * (elbow - shoulder), elbow, 0.26 * self.sw)
        torso = self.silhouette & (self.arms < 0.5) & (upper == 0)
        close = max(3, round(0.02 * self.sw)) | 1
        self.torso_mask = cv2.morphologyEx(
            torso.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((close, close), np.uint8)
        ).astype(bool)
        self.arm_half = {side: self._arm_half(side, sign) for side, sign in SIDES}

    def pt(self, name: str) -> np.ndarray:
        return self.landmarks[LM[name], :2].copy()

    def seen(self, name: str) -> bool:
        return bool(self.person.visible(name))

    def at(self, axial: float, lateral: float = 0.0) -> np.ndarray:
        return self.smid + axial * self.down + lateral * self.lat

    def axial_of(self, point: np.ndarray) -> float:
        return float(np.dot(point - self.smid, self.down))

    def _arm_half(self, side: str, sign: float) -> float:
        """Half the upper arm's width (with any sleeve on it), a third of the way down.

        Measured outwards only, from the arm's line to the silhouette's outer edge: inwards
        an arm often touches the body and the silhouette runs on into the torso.
        """
        shoulder, elbow = self.pt(f"{side}_shoulder"), self.pt(f"{side}_elbow")
        along = (elbow - shoulder) / max(float(np.linalg.norm(elbow - shoulder)), 1e-6)
        outward = np.array([-along[1], along[0]])
        if np.dot(outward, sign * self.lat) < 0:
            outward = -outward
        start = shoulder + 0.33 * (elbow - shoulder)
        reach = self._run_length(start, outward, 0.3 * self.sw, self.silhouette)
        return float(np.clip(reach, 0.08 * self.sw, 0.25 * self.sw))

    def shoulder_top(self, side: str, sign: float) -> np.ndarray:
        """Where a shoulder seam ends on this body: on the shoulder's rounded top-outer edge.

        Found by walking up and outwards from the shoulder joint to the silhouette's edge
        (bounded, for hair on the shoulders or an arm raised against the body).
        """
        joint = self.pt(f"{side}_shoulder")
        up = self._run_length(joint, -self.down, 0.3 * self.sw, self.silhouette)
        out = self._run_length(joint, sign * self.lat, 0.35 * self.sw, self.silhouette)
        up = float(np.clip(up, 0.04 * self.sw, 0.25 * self.sw))
        out = float(np.clip(out, 0.06 * self.sw, 0.3 * self.sw))
        return joint - 0.75 * up * self.down + sign * 0.5 * out * self.lat

    def _run_length(
        self, start: np.ndarray, direction: np.ndarray, limit: float, mask: np.ndarray
    ) -> float:
        steps = np.arange(0, int(limit) + 1)
        points = start[None, :] + steps[:, None] * direction[None, :]
        xs, ys = np.round(points[:, 0]).astype(int), np.round(points[:, 1]).astype(int)
        inside = (xs >= 0) & (xs < self.width) & (ys >= 0) & (ys < self.height)
        on = np.ones(len(steps), dtype=bool)  # beyond the photo's edge counts as body
        on[inside] = mask[ys[inside], xs[inside]]
        off = np.nonzero(~on)[0]
        return float(off[0]) if len(off) else float(limit)

    def expected_half(self, axial: float) -> float:
        share = axial / self.torso
        fractions, widths = zip(*EXPECTED_TORSO_WIDTH, strict=True)
        width = float(np.interp(share, fractions, widths)) * self.sw
        if share > 0.6:
            # The hips: landmark hip joints sit well inside the body's outline.
            width = max(width, float(np.interp(share, (0.6, 1.0), (0.0, 1.9 * self.hw))))
        return width / 2

    def half_widths(self, axial: float) -> tuple[float, float]:
        """Distances from the centre line to the torso's edges (left, right) at ``axial``."""
        expected = self.expected_half(axial)
        centre = self.at(axial)
        result = []
        for sign in (1.0, -1.0):
            steps = np.arange(0, int(2.0 * expected) + 2)
            points = centre[None, :] + steps[:, None] * sign * self.lat[None, :]
            xs, ys = np.round(points[:, 0]).astype(int), np.round(points[:, 1]).astype(int)
            inside = (xs >= 0) & (xs < self.width) & (ys >= 0) & (ys < self.height)
            on = np.zeros(len(steps), dtype=bool)
            on[inside] = self.torso_mask[ys[inside], xs[inside]]
            # The photo's edge cuts the person: count pixels beyond it as body.
            on[~inside] = True
            start = np.argmax(on[: max(2, int(0.6 * expected))]) if on.any() else 0
            if not on[start]:
                result.append(expected)
                continue
            off = np.nonzero(~on[start:])[0]
            edge = float(start + off[0]) if len(off) else float(len(steps))
            limit = self._arm_limit("left" if sign > 0 else "right", sign, axial, expected)
            edge = min(edge, limit)
            result.append(float(np.clip(edge, 0.8 * expected, 1.2 * expected)))
        return result[0], result[1]

    def _arm_limit(self, side: str, sign: float, axial: float, expected: float) -> float:
        """The torso ends where an arm hanging beside it begins (at this height)."""
        joints = [self.pt(f"{side}_{j}") for j in ("shoulder", "elbow", "wrist")]
        for a, b in itertools.pairwise(joints):
            a_ax, b_ax = self.axial_of(a), self.axial_of(b)
            if min(a_ax, b_ax) <= axial <= max(a_ax, b_ax) and abs(b_ax - a_ax) > 1e-3:
                point = a + (b - a) * (axial - a_ax) / (b_ax - a_ax)
                lateral = sign * float(np.dot(point - self.at(axial), self.lat))
                if lateral > 0.5 * expected:  # beside the body, not across it
                    return lateral - 0.6 * self.arm_half[side]
        return np.inf

    def _arm_masks(self) -> tuple[np.ndarray, np.ndarray]:
        """Soft masks of forearms+hands and of hands alone, inside the person's silhouette."""
        arms = np.zeros((self.height, self.width), dtype=np.uint8)
        hands = np.zeros((self.height, self.width), dtype=np.uint8)
        sw = self.sw
        for side in ("left", "right"):
            elbow, wrist = self.pt(f"{side}_elbow"), self.pt(f"{side}_wrist")
            fingers = (self.pt(f"{side}_index") + self.pt(f"{side}_pinky")) / 2
            tip = wrist + 1.3 * (fingers - wrist)
            # Forearms cross in front of the body; upper arms hang beside it, and the torso's
            # width is measured without them (see half_widths), so they need no occluder.
            _capsule(arms, elbow, wrist, 0.18 * sw)
            _capsule(hands, wrist, tip, 0.2 * sw)
        inside = self.silhouette
        # A hand's capsule is generous (fingers spread, a fist): keep only skin in it, when a
        # face tells us what this person's skin looks like.
        skin = self._skin_like()
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
        shoulder span, plus everything below ``flare_from`` (axial) for skirts and dresses."""
        grow = max(3, round(0.03 * self.sw)) | 1
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow))
        support = cv2.dilate(self.silhouette.astype(np.uint8), kernel).astype(np.float32)
        if flare_from is not None:
            ys, xs = np.mgrid[0 : self.height, 0 : self.width].astype(np.float32)
            axial = (xs - self.smid[0]) * self.down[0] + (ys - self.smid[1]) * self.down[1]
            support = np.maximum(support, (axial >= flare_from).astype(np.float32))
        return cv2.GaussianBlur(support, (0, 0), max(1.0, 0.01 * self.sw))

    def paint_zone(self) -> np.ndarray:
        """1 where painting is allowed; exactly 0 above the neck line and on faces.

        The neck line runs across the neck's column (a little above the shoulder joints,
        below the chin); beside the neck, garments may rise higher, to the tops of the
        shoulders (the silhouette limits them there).
        """
        ys, xs = np.mgrid[0 : self.height, 0 : self.width].astype(np.float32)
        above = -((xs - self.smid[0]) * self.down[0] + (ys - self.smid[1]) * self.down[1])
        beside = np.abs((xs - self.smid[0]) * self.lat[0] + (ys - self.smid[1]) * self.lat[1])
        neck = 0.1 * self.sw
        if all(self.seen(n) for n in ("mouth_left", "mouth_right", "left_eye", "right_eye")):
            mouth = (self.pt("mouth_left") + self.pt("mouth_right")) / 2
            eyes = (self.pt("left_eye") + self.pt("right_eye")) / 2
            chin = mouth + 0.8 * (mouth - eyes)
            neck = min(neck, -self.axial_of(chin) - 0.04 * self.sw)
        ramp = max(1.0, 0.03 * self.sw)
        # Beside the neck the line curves up (a round neckline), by 0.25 shoulder spans.
        share = np.clip((beside - 0.12 * self.sw) / (0.3 * self.sw), 0.0, 1.0)
        rise = share * share * (3.0 - 2.0 * share) * 0.25 * self.sw
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


def _warp_upper(
    body: _Body, garment: GarmentAnalysis, source: np.ndarray
) -> tuple[list[tuple[str, _Layer]], float | None]:
    g = {k: np.asarray(v, dtype=np.float64) for k, v in garment.landmarks.items()}
    dress = garment.category == "dress"
    b_shoulder = {side: body.shoulder_top(side, sign) for side, sign in SIDES}
    g_mid = (g["left_shoulder"] + g["right_shoulder"]) / 2
    g_span = max(float(np.linalg.norm(g["left_shoulder"] - g["right_shoulder"])), 1.0)
    g_chest = max(float(np.linalg.norm(g["left_armpit"] - g["right_armpit"])), 1.0)
    # Garment pixels to photo pixels. Shoulder spans alone mislead (dropped shoulders, straps),
    # so do chest widths alone (a flat garment is ~1.2x a body's frontal width, more when
    # loose): the geometric mean of both is steadier than either.
    by_shoulders = float(np.linalg.norm(b_shoulder["left"] - b_shoulder["right"])) / g_span
    by_chest = 1.2 * sum(body.half_widths(0.3 * body.torso)) / g_chest
    scale = float(np.sqrt(by_shoulders * by_chest))
    # Lengths follow the person's torso: garments are cut for a torso ~1.4 shoulder spans
    # long (shoulder joints to hip joints), and someone with a longer torso wears the same
    # top down to the same place.
    stretch = scale * float(np.clip(body.torso / (1.4 * body.sw), 0.85, 1.25))
    origin = body.axial_of((b_shoulder["left"] + b_shoulder["right"]) / 2)

    def axial(point: np.ndarray) -> float:
        return origin + stretch * float(point[1] - g_mid[1])

    limit = _lowest_axial(body)
    pairs: list[tuple[np.ndarray, np.ndarray]] = [
        (g["neck"], body.at(axial(g["neck"]), scale * float(g["neck"][0] - g_mid[0]))),
        (g["left_shoulder"], b_shoulder["left"]),
        (g["right_shoulder"], b_shoulder["right"]),
    ]
    rows = [("armpit", g["left_armpit"], g["right_armpit"])]
    if dress and "left_waist" in g:
        rows.append(("waist", g["left_waist"], g["right_waist"]))
    middle_left = (g["left_armpit"] + g["left_hem"]) / 2
    middle_right = (g["right_armpit"] + g["right_hem"]) / 2
    if not dress:
        rows.append(("middle", middle_left, middle_right))
    rows.append(("hem", g["left_hem"], g["right_hem"]))
    hip_axial = body.axial_of(body.hmid)
    hip_half = max(*body.half_widths(hip_axial))
    fit = 1.0  # how much the fitted body part was narrowed (or widened) against the garment
    b_armpit: dict[str, np.ndarray] = {}
    for name, g_left, g_right in rows:
        a = min(axial((g_left + g_right) / 2), limit)
        half_left, half_right = body.half_widths(a)
        garment_half = scale * float(g_left[0] - g_right[0]) / 2
        if (dress and name == "hem") or a > hip_axial + 0.1 * body.torso:
            # Below the hips a garment keeps its own flare, narrowed as much as its fitted
            # part was, and never narrower than the hips.
            half_left = half_right = max(fit * garment_half, 1.04 * hip_half)
        else:
            # Fitted: 4% wider than the body, so the clothes underneath are covered.
            half_left, half_right = 1.04 * half_left, 1.04 * half_right
            fit = float(np.clip((half_left + half_right) / max(2 * garment_half, 1.0), 0.5, 1.5))
        b_left, b_right = body.at(a, half_left), body.at(a, -half_right)
        if name == "armpit":
            b_armpit = {"left": b_left, "right": b_right}
        g_centre, b_centre = (g_left + g_right) / 2, (b_left + b_right) / 2
        pairs += [(g_left, b_left), (g_right, b_right), (g_centre, b_centre)]
    if dress and "left_waist" in g:
        # Between the waist and the hem, a point at hip height keeps the hips covered.
        g_waist = (g["left_waist"] + g["right_waist"]) / 2
        g_hem = (g["left_hem"] + g["right_hem"]) / 2
        span = max(axial(g_hem) - axial(g_waist), 1.0)
        share = float(np.clip((hip_axial - axial(g_waist)) / span, 0.0, 1.0))
        for side, sign in SIDES:
            g_point = g[f"{side}_waist"] + share * (g[f"{side}_hem"] - g[f"{side}_waist"])
            garment_half = abs(scale * float(g_point[0] - g_mid[0]))
            lateral = sign * max(1.04 * hip_half, fit * garment_half)
            pairs.append((g_point, body.at(axial(g_point), lateral)))

    # Pin the armhole seam at a few points in both the torso's and the sleeves' splines, so
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
    layers = [("body", _warp_tps(source, garment.parts["torso"], pairs, body))]
    for side, sign in SIDES:
        sleeve = garment.parts.get(f"{side}_sleeve")
        end = garment.landmarks.get(f"{side}_sleeve_end")
        if sleeve is not None and end is not None:
            layer = _warp_sleeve(
                source, sleeve, g, side, sign, armholes[side], np.asarray(end), scale, g_span, body
            )
            layers.append(("sleeve", layer))
    flare_from = hip_axial - 0.1 * body.torso if dress else None
    return layers, flare_from


def _warp_sleeve(
    source: np.ndarray,
    sleeve: np.ndarray,
    g: dict[str, np.ndarray],
    side: str,
    sign: float,
    armhole: list[tuple[np.ndarray, np.ndarray]],
    g_end: np.ndarray,
    scale: float,
    g_span: float,
    body: _Body,
) -> _Layer:
    """A sleeve follows the arm as a strip of quads, each mapped piecewise-affinely.

    The strip starts at the armhole, pinned where the torso's armhole is (shoulder seam end
    to armpit) so sleeve and body meet; then one cross-section per joint along the arm
    (shoulder joint, elbow, wrist), laid across the arm a little looser than the arm itself.
    Piecewise-affine rather than a spline: a flat sleeve sticks out at an angle and must
    swing down beside the body, which bends a spline into bulges beyond its control points.
    """
    g_shoulder, g_armpit = g[f"{side}_shoulder"], g[f"{side}_armpit"]
    b_shoulder, b_armpit = armhole[0][1], armhole[-1][1]
    g_root = (g_shoulder + g_armpit) / 2
    shoulder, elbow = body.pt(f"{side}_shoulder"), body.pt(f"{side}_elbow")
    chain = [shoulder, elbow, body.pt(f"{side}_wrist")]
    g_unit = (g_end - g_root) / max(float(np.linalg.norm(g_end - g_root)), 1e-3)
    g_normal = np.array([-g_unit[1], g_unit[0]])
    if np.dot(g_shoulder - g_root, g_normal) < 0:
        g_normal = -g_normal  # g_normal points to the sleeve's outer (shoulder) edge
    arm_half = body.arm_half[side]
    # Measured from the shoulder seam, the sleeve keeps its scaled length, but its underarm
    # end cannot sit above the armpit it is sewn to.
    upper_arm = (elbow - shoulder) / max(float(np.linalg.norm(elbow - shoulder)), 1e-3)
    along_armpit = float(np.dot(b_armpit - shoulder, upper_arm))
    g_length = float(np.dot(g_end - g_shoulder, g_unit))
    if g_length >= 0.75 * g_span:
        # A long sleeve (about as long as the shoulders are wide, flat) ends at the wrist,
        # whatever the flat shot's proportions.
        length = float(np.linalg.norm(elbow - shoulder) + np.linalg.norm(chain[2] - elbow))
    else:
        length = max(scale * g_length, along_armpit + 0.15 * body.sw)
    g_knots, b_knots = _along(g_root, g_end, chain, scale, stretch_to_end=False, length=length)
    g_outer, g_inner, b_outer, b_inner = [g_shoulder], [g_armpit], [b_shoulder], [b_armpit]
    for k in range(1, len(g_knots)):
        before = b_knots[k] - b_knots[k - 1]
        after = b_knots[k + 1] - b_knots[k] if k + 1 < len(b_knots) else before
        direction = before / max(float(np.linalg.norm(before)), 1e-3)
        direction = direction + after / max(float(np.linalg.norm(after)), 1e-3)
        direction /= max(float(np.linalg.norm(direction)), 1e-3)
        b_normal = np.array([-direction[1], direction[0]])
        if np.dot(b_normal, sign * body.lat) < 0:
            b_normal = -b_normal  # away from the body
        for g_list, b_list, edge in ((g_outer, b_outer, 1.0), (g_inner, b_inner, -1.0)):
            half = _extent(sleeve, g_knots[k], edge * g_normal)
            b_half = float(np.clip(scale * half, 1.1 * arm_half, 1.5 * arm_half))
            g_list.append(g_knots[k] + edge * half * g_normal)
            b_list.append(b_knots[k] + edge * b_half * b_normal)
    return _warp_strip(source, sleeve, (g_outer, g_inner), (b_outer, b_inner), body)


def _warp_strip(
    source: np.ndarray,
    mask: np.ndarray,
    g_edges: tuple[list[np.ndarray], list[np.ndarray]],
    b_edges: tuple[list[np.ndarray], list[np.ndarray]],
    body: _Body,
) -> _Layer:
    """Piecewise-affine warp of a strip of quads (two edges of matching points).

    Each quad is split into two triangles, each with its own affine map; a photo pixel uses
    the triangle it lies in, or the one it is nearest to (so the piece's outline, which
    wanders a little outside the strip, extends straight on).
    """
    g_a, g_b = (np.array(edge, dtype=np.float64) for edge in g_edges)
    b_a, b_b = (np.array(edge, dtype=np.float64) for edge in b_edges)
    triangles = []
    for k in range(len(g_a) - 1):
        triangles.append(((g_a[k], g_b[k], g_a[k + 1]), (b_a[k], b_b[k], b_a[k + 1])))
        triangles.append(((g_b[k], g_b[k + 1], g_a[k + 1]), (b_b[k], b_b[k + 1], b_a[k + 1])))
    points = np.vstack([b_a, b_b])
    box = _roi(points, 0.3 * body.sw, body)
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return _empty_layer()
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    best = np.full(xs.shape, -np.inf)
    map_x = np.zeros(xs.shape)
    map_y = np.zeros(xs.shape)
    for g_tri, b_tri in triangles:
        b_tri_arr = np.array(b_tri)
        edge1, edge2 = b_tri_arr[1] - b_tri_arr[0], b_tri_arr[2] - b_tri_arr[0]
        det = edge1[0] * edge2[1] - edge1[1] * edge2[0]
        if abs(det) < 1e-6:
            continue
        rx, ry = xs - b_tri_arr[0][0], ys - b_tri_arr[0][1]
        u = (rx * edge2[1] - ry * edge2[0]) / det
        v = (edge1[0] * ry - edge1[1] * rx) / det
        inside = np.minimum(np.minimum(u, v), 1.0 - u - v)
        better = inside > best
        g0, g1, g2 = (np.asarray(p, dtype=np.float64) for p in g_tri)
        gx = g0[0] + u * (g1[0] - g0[0]) + v * (g2[0] - g0[0])
        gy = g0[1] + u * (g1[1] - g0[1]) + v * (g2[1] - g0[1])
        best = np.where(better, inside, best)
        map_x = np.where(better, gx, map_x)
        map_y = np.where(better, gy, map_y)
    # Far outside the strip the nearest triangle's affine map is meaningless: send it nowhere.
    map_x[best < -0.35] = -1.0
    map_y[best < -0.35] = -1.0
    return _sample(_piece(source, mask), map_x, map_y, box)


def _extent(mask: np.ndarray, start: np.ndarray, direction: np.ndarray) -> float:
    """How far the piece reaches from ``start`` along ``direction`` (at least 2 px)."""
    steps = np.arange(0, int(np.hypot(*mask.shape)))
    points = start[None, :] + steps[:, None] * direction[None, :]
    xs, ys = np.round(points[:, 0]).astype(int), np.round(points[:, 1]).astype(int)
    inside = (xs >= 0) & (xs < mask.shape[1]) & (ys >= 0) & (ys < mask.shape[0])
    on = np.zeros(len(steps), dtype=bool)
    on[inside] = mask[ys[inside], xs[inside]]
    hits = np.nonzero(on)[0]
    return float(max(hits.max(), 2)) if len(hits) else 2.0


def _lowest_axial(body: _Body) -> float:
    """Garments end above the ankles (or the knees, when the ankles are not in the photo)."""
    for joint in ("ankle", "knee"):
        if body.seen(f"left_{joint}") and body.seen(f"right_{joint}"):
            mid = (body.pt(f"left_{joint}") + body.pt(f"right_{joint}")) / 2
            return body.axial_of(mid) - 0.02 * body.torso
    return 4.0 * body.torso


# --- bottoms ----------------------------------------------------------------------------------


def _warp_bottom(
    body: _Body, garment: GarmentAnalysis, source: np.ndarray
) -> tuple[list[tuple[str, _Layer]], float | None]:
    g = {k: np.asarray(v, dtype=np.float64) for k, v in garment.landmarks.items()}
    # Waistbands sit about a sixth of the torso above the hip joints.
    waist_axial = body.axial_of(body.hmid) - 0.15 * body.torso
    half_left, half_right = body.half_widths(waist_axial)
    b_waist = {"left": body.at(waist_axial, 1.04 * half_left)}
    b_waist["right"] = body.at(waist_axial, -1.04 * half_right)
    b_centre = body.at(waist_axial)
    g_centre = (g["left_waist"] + g["right_waist"]) / 2
    g_span = max(float(np.linalg.norm(g["left_waist"] - g["right_waist"])), 1.0)
    scale = float(np.linalg.norm(b_waist["left"] - b_waist["right"])) / g_span
    limit = _lowest_axial(body)
    if not garment.has_legs:
        return _warp_skirt(body, garment, source, g, b_waist, waist_axial, scale, limit)

    crotch = g["crotch"]
    layers = []
    for side, _ in SIDES:
        leg = garment.parts[f"{side}_leg"]
        columns = np.nonzero(leg[round(float(crotch[1]))])[0]
        if len(columns) == 0:
            columns = np.nonzero(leg.any(axis=0))[0]
        g_top = (g[f"{side}_waist"] + g_centre) / 2
        g_leg_top = np.array([(columns.min() + columns.max()) / 2, crotch[1]])
        hip, knee, ankle = (body.pt(f"{side}_{j}") for j in ("hip", "knee", "ankle"))
        b_top = (b_waist[side] + b_centre) / 2
        _, mid_thigh = _limb_span(body, hip, knee)
        # The hip joint sits inside the pelvis: the trouser leg follows the visible thigh's
        # middle, not the line from the hip joint.
        leg_chain = [hip, mid_thigh, knee, ankle]
        body_leg = sum(float(np.linalg.norm(b - a)) for a, b in itertools.pairwise(leg_chain))
        # Flat trousers are wide for their length next to a body seen from the front, so the
        # leg's length is read from the garment's own proportions: an inside leg at least as
        # long as the waist is wide is full length (to the ankle); shorter legs end at the
        # matching share of the body's leg (~1.6 waist widths from crotch to ankle).
        leg_ratio = float(np.linalg.norm(g[f"{side}_hem"] - g_leg_top)) / g_span
        length = body_leg * (1.02 if leg_ratio >= 1.0 else float(np.clip(leg_ratio / 1.6, 0.2, 1)))
        g_knots, b_knots = _along(
            g_leg_top, g[f"{side}_hem"], leg_chain, scale, stretch_to_end=False, length=length
        )
        # At each joint the leg is made wide enough to hide the person's own leg (and what
        # is on it), and never narrower than the garment's own proportions.
        widths = [scale]
        g_axis = g_knots[-1] - g_knots[0]
        g_normal = np.array([-g_axis[1], g_axis[0]]) / max(float(np.linalg.norm(g_axis)), 1e-6)
        for k in range(1, len(b_knots)):
            along = b_knots[min(k + 1, len(b_knots) - 1)] - b_knots[k - 1]
            b_width, _ = _span_at(body, b_knots[k], along)
            g_width = _extent(leg, g_knots[k], g_normal) + _extent(leg, g_knots[k], -g_normal)
            widths.append(float(np.clip(1.1 * b_width / max(g_width, 1.0), scale, 2.5 * scale)))
        g_knots = np.vstack([g_top, g_knots])
        b_knots = np.vstack([b_top, b_knots])
        widths = np.array([scale, *widths])
        # Let each half reach a little past the middle so no seam of the old clothes shows.
        piece = leg | (
            (np.abs(np.arange(leg.shape[1]) - crotch[0]) < 0.03 * g_span)[None, :]
            & (np.arange(leg.shape[0]) < crotch[1])[:, None]
            & garment.mask
        )
        layers.append(("body", _warp_bone(source, piece, g_knots, b_knots, widths, body)))
    return layers, None


def _warp_skirt(
    body: _Body,
    garment: GarmentAnalysis,
    source: np.ndarray,
    g: dict[str, np.ndarray],
    b_waist: dict[str, np.ndarray],
    waist_axial: float,
    scale: float,
    limit: float,
) -> tuple[list[tuple[str, _Layer]], float | None]:
    g_waist_y = float((g["left_waist"][1] + g["right_waist"][1]) / 2)
    pairs = [(g["left_waist"], b_waist["left"]), (g["right_waist"], b_waist["right"])]
    g_centre = (g["left_waist"] + g["right_waist"]) / 2
    pairs.append((g_centre, (b_waist["left"] + b_waist["right"]) / 2))
    hip_axial = body.axial_of(body.hmid)
    hip_half = max(*body.half_widths(hip_axial))
    g_mid_x = float((g["left_waist"][0] + g["right_waist"][0]) / 2)
    for share in (0.35, 1.0):
        gy = g_waist_y + share * (float(g["left_hem"][1]) - g_waist_y)
        a = min(waist_axial + scale * (gy - g_waist_y), limit)
        row = np.nonzero(garment.mask[min(round(gy), garment.mask.shape[0] - 1)])[0]
        g_left = np.array([float(row.max()), gy]) if len(row) else g["left_hem"]
        g_right = np.array([float(row.min()), gy]) if len(row) else g["right_hem"]
        garment_half = scale * float(g_left[0] - g_right[0]) / 2
        half = max(garment_half, 1.04 * hip_half)
        b_left, b_right = body.at(a, half), body.at(a, -half)
        g_mid = np.array([g_mid_x, gy])
        pairs += [(g_left, b_left), (g_right, b_right), (g_mid, (b_left + b_right) / 2)]
    layer = _warp_tps(source, garment.parts["torso"], pairs, body)
    return [("body", layer)], hip_axial - 0.1 * body.torso


def _limb_span(body: _Body, a: np.ndarray, b: np.ndarray) -> tuple[float, np.ndarray]:
    """Width of the silhouette across a limb halfway from ``a`` to ``b``, and its middle."""
    return _span_at(body, (a + b) / 2, b - a)


def _span_at(body: _Body, centre: np.ndarray, along: np.ndarray) -> tuple[float, np.ndarray]:
    """Width of the silhouette across ``along`` at ``centre``, and the middle of that span.

    Hands and forearms are left out: a hand resting on a thigh is not trouser width.
    """
    silhouette = body.silhouette & (body.arms < 0.5)
    direction = along / max(float(np.linalg.norm(along)), 1e-6)
    normal = np.array([-direction[1], direction[0]])
    reach = int(0.6 * body.sw)
    extents = []
    for sign in (1.0, -1.0):
        steps = np.arange(reach)
        points = centre[None, :] + steps[:, None] * sign * normal[None, :]
        xs, ys = np.round(points[:, 0]).astype(int), np.round(points[:, 1]).astype(int)
        inside = (xs >= 0) & (xs < body.width) & (ys >= 0) & (ys < body.height)
        on = np.zeros(reach, dtype=bool)
        on[inside] = silhouette[ys[inside], xs[inside]]
        off = np.nonzero(~on)[0]
        extents.append(float(off[0]) if len(off) else float(reach))
    width = extents[0] + extents[1]
    if width < 0.15 * body.sw:  # lost the limb (occluded, out of frame): trust the joints
        return 0.15 * body.sw, centre
    return width, centre + normal * (extents[0] - extents[1]) / 2


# --- warps ------------------------------------------------------------------------------------


def _along(
    g_start: np.ndarray,
    g_end: np.ndarray,
    chain: list[np.ndarray],
    scale: float,
    *,
    stretch_to_end: bool,
    length: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Knots laying a straight garment piece (start to end) along a chain of body joints.

    The piece keeps its length times ``scale`` (a short sleeve ends above the elbow) unless
    ``stretch_to_end`` (or a ``length`` is given); it never runs past the chain's last joint
    by more than a little.
    """
    g_length = float(np.linalg.norm(g_end - g_start))
    seg_lengths = [max(float(np.linalg.norm(b - a)), 1e-3) for a, b in itertools.pairwise(chain)]
    total = sum(seg_lengths)
    wanted = scale * g_length if length is None else length
    target = total * 1.02 if stretch_to_end else min(wanted, total * 1.02)
    b_knots, fractions = [chain[0]], [0.0]
    run = 0.0
    for index, length in enumerate(seg_lengths):
        a, b = chain[index], chain[index + 1]
        last = index == len(seg_lengths) - 1
        if run + length >= target or last:
            remaining = target - run
            b_knots.append(a + (b - a) * remaining / length)
            fractions.append(1.0)
            break
        run += length
        b_knots.append(b)
        fractions.append(run / target)
    g_knots = [g_start + f * (g_end - g_start) for f in fractions]
    return np.array(g_knots), np.array(b_knots)


def _premultiplied(rgba: np.ndarray) -> np.ndarray:
    out = rgba.astype(np.float32)
    out[..., :3] *= out[..., 3:4] / 255.0
    out[..., 3] /= 255.0
    return out


def _piece(source: np.ndarray, mask: np.ndarray) -> np.ndarray:
    # A 2-pixel overlap between pieces hides the cut between torso and sleeve.
    grown = cv2.dilate(mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(np.float32)
    return source * grown[..., None]


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
    box = _roi(b_points, 0.35 * body.sw, body)
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
    mapped = _tps(b_points, g_points, grid).reshape(ny, nx, 2).astype(np.float32)
    big = (nx * step, ny * step)
    map_x = cv2.resize(mapped[..., 0], big, interpolation=cv2.INTER_LINEAR)[: y1 - y0, : x1 - x0]
    map_y = cv2.resize(mapped[..., 1], big, interpolation=cv2.INTER_LINEAR)[: y1 - y0, : x1 - x0]
    return _sample(_piece(source, mask), map_x, map_y, box)


def _tps(src: np.ndarray, dst: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Thin-plate spline through (src -> dst), evaluated at ``points`` (lightly smoothed)."""
    centre = src.mean(axis=0)
    spread = max(float(np.abs(src - centre).max()), 1.0)
    s, p = (src - centre) / spread, (points - centre) / spread
    n = len(s)

    def kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        d2 = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)
        return np.where(d2 > 0, d2 * np.log(np.maximum(d2, 1e-12)), 0.0)

    system = np.zeros((n + 3, n + 3))
    # A little regularisation keeps close or nearly collinear points from folding the sheet.
    system[:n, :n] = kernel(s, s) + 1e-3 * np.eye(n)
    system[:n, n] = 1.0
    system[:n, n + 1 :] = s
    system[n, :n] = 1.0
    system[n + 1 :, :n] = s.T
    rhs = np.zeros((n + 3, 2))
    rhs[:n] = dst
    coef = np.linalg.lstsq(system, rhs, rcond=None)[0]
    return kernel(p, s) @ coef[:n] + coef[n] + p @ coef[n + 1 :]


def _warp_bone(
    source: np.ndarray,
    mask: np.ndarray,
    g_knots: np.ndarray,
    b_knots: np.ndarray,
    widths: np.ndarray,
    body: _Body,
) -> _Layer:
    """Warp a limb-shaped piece along a chain of body joints.

    Each photo pixel is expressed as (distance along, signed distance across) the nearest
    body segment and sent to the same place relative to the matching garment segment, the
    across distance divided by that knot's width scale. The ends extend straight on.
    """
    reach = float(widths.max()) * _piece_radius(mask, g_knots) * 1.2 + 2.0
    box = _roi(b_knots, reach, body)
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return _empty_layer()
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    best = np.full(xs.shape, np.inf, dtype=np.float32)
    map_x = np.full(xs.shape, -1.0, dtype=np.float32)
    map_y = np.full(xs.shape, -1.0, dtype=np.float32)
    last = len(b_knots) - 2
    for i in range(len(b_knots) - 1):
        b0, b1 = b_knots[i].astype(np.float32), b_knots[i + 1].astype(np.float32)
        g0, g1 = g_knots[i].astype(np.float32), g_knots[i + 1].astype(np.float32)
        axis = b1 - b0
        length = max(float(np.linalg.norm(axis)), 1e-3)
        unit = axis / length
        rel_x, rel_y = xs - b0[0], ys - b0[1]
        t = (rel_x * unit[0] + rel_y * unit[1]) / length
        across = rel_x * -unit[1] + rel_y * unit[0]
        clamped = np.clip(t, 0.0, 1.0)
        distance = np.hypot(rel_x - clamped * axis[0], rel_y - clamped * axis[1])
        lo = -np.inf if i == 0 else 0.0
        hi = np.inf if i == last else 1.0
        t_used = np.clip(t, lo, hi)
        g_axis = g1 - g0
        g_unit = g_axis / max(float(np.linalg.norm(g_axis)), 1e-3)
        g_normal = np.array([-g_unit[1], g_unit[0]], dtype=np.float32)
        width = widths[i] + np.clip(t_used, 0.0, 1.0) * (widths[i + 1] - widths[i])
        offset = across / width
        gx = g0[0] + t_used * g_axis[0] + offset * g_normal[0]
        gy = g0[1] + t_used * g_axis[1] + offset * g_normal[1]
        closer = distance < best
        best = np.where(closer, distance, best)
        map_x = np.where(closer, gx, map_x)
        map_y = np.where(closer, gy, map_y)
    return _sample(_piece(source, mask), map_x, map_y, box)


def _piece_radius(mask: np.ndarray, knots: np.ndarray) -> float:
    """How far (garment pixels) the piece reaches from its axis, at most."""
    ys, xs = np.nonzero(mask)
    if not len(xs):
        return 1.0
    a, b = knots[0], knots[-1]
    axis = b - a
    length = max(float(np.linalg.norm(axis)), 1e-3)
    across = np.abs((xs - a[0]) * axis[1] - (ys - a[1]) * axis[0]) / length
    return float(np.percentile(across, 99))


# --- shading ----------------------------------------------------------------------------------


def _greyscale(image: np.ndarray) -> bool:
    """Whether a photo has no colour (a greyscale file decoded to RGB, or a sepia-free scan)."""
    sample = image[:: max(1, image.shape[0] // 200), :: max(1, image.shape[1] // 200)].astype(int)
    return int(np.abs(sample - sample.mean(axis=-1, keepdims=True)).max()) <= 3


def _exposure(photo: np.ndarray) -> np.float32:
    """How much darker than a studio shot the photo is exposed (1.0 for a bright photo).

    Product shots are lit brightly; pasted unchanged into a dim indoor photo the garment
    glows. A global, gentle factor from the photo's mean brightness is enough to stop that.
    """
    mean = float(np.mean(photo @ np.float32([0.299, 0.587, 0.114])))
    return np.float32(np.clip((mean / 170.0) ** 0.5, 0.65, 1.0))


def _shading(photo: np.ndarray, shoulder_span: float) -> np.ndarray:
    """Multiplicative fold/shadow detail of the photo, around 1.0 (lightly applied).

    The ratio of two edge-preserving (guided-filter) smoothings of the luminance, a light and
    a strong one: soft folds and shadows are kept by the first and flattened by the second,
    while hard edges between the old clothes' colours (a black top over blue jeans, a print)
    are kept by both and cancel out. Clipped tightly: a hint of folds, not a relight.
    """
    luma = np.ascontiguousarray(photo @ np.float32([0.299, 0.587, 0.114]))
    small = max(2, round(0.02 * shoulder_span))
    large = max(4, round(0.1 * shoulder_span))
    fine = cv2.ximgproc.guidedFilter(luma, luma, small, 12.0**2)
    broad = cv2.ximgproc.guidedFilter(luma, luma, large, 12.0**2)
    # The offset damps the ratio in dark clothes, where a few grey levels are not a fold.
    detail = (fine + 40.0) / (broad + 40.0)
    return np.clip(1.0 + 0.5 * (detail - 1.0), 0.95, 1.05).astype(np.float32)
