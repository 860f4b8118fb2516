"""What the networks see: the framed person, the clothing-agnostic zone, pose maps and the
garment-to-body point correspondences. Used alike by training and by inference.

Everything here is plain numpy in the network's frame: a crop of the photo around the body
parts the garment's category covers, scaled to the network's input size (``NetFrame``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

from tryon_worker.gan.data.example import BODY_KEYPOINTS, KEYPOINT_SEEN, KP, seen
from vision.body_frame import TorsoFrame

#: Garment landmarks the warp pins to the body, in this order (see tryon_worker.garment).
SLOTS = (
    "neck",
    "left_shoulder",
    "right_shoulder",
    "left_armpit",
    "right_armpit",
    "left_sleeve_end",
    "right_sleeve_end",
    "left_waist",
    "right_waist",
    "left_hem",
    "right_hem",
    "crotch",
)
SLOT = {name: index for index, name in enumerate(SLOTS)}
#: Grey that replaces the clothing-agnostic zone (network inputs are in [-1, 1]: this is 0).
AGNOSTIC_GREY = 128
#: Which keypoints frame the crop, per category.
_FRAMED = {
    "top": ("nose", "neck", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
            "left_wrist", "right_wrist", "left_hip", "right_hip"),
    "bottom": ("left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"),
    "dress": ("nose", "neck", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
              "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"),
}  # fmt: skip
_FRAMED["outerwear"] = _FRAMED["top"]


@dataclass(frozen=True)
class NetFrame:
    """A similarity from photo pixels to network pixels: ``net = (photo - origin) * scale``."""

    origin: tuple[float, float]  # (x, y) of the crop's top-left corner in the photo
    scale: float
    size: tuple[int, int]  # (height, width) of the network input

    def to_net(self, points: np.ndarray) -> np.ndarray:
        """Photo pixel coordinates (..., 2) to network pixel coordinates."""
        return (points - np.asarray(self.origin, dtype=np.float32)) * self.scale

    def matrix(self) -> np.ndarray:
        """The 2x3 affine matrix photo -> network (for cv2.warpAffine)."""
        ox, oy = self.origin
        return np.array(
            [[self.scale, 0, -ox * self.scale], [0, self.scale, -oy * self.scale]],
            dtype=np.float64,
        )


def frame_for(
    keypoints: np.ndarray,
    category: str,
    net_size: tuple[int, int],
    *,
    jitter: np.ndarray | None = None,
) -> NetFrame:
    """The crop that shows the body parts ``category`` covers, at the network's aspect ratio.

    ``jitter`` (3 numbers in about [-1, 1]: x shift, y shift, zoom) perturbs it for training.
    """
    names = [name for name in _FRAMED[category] if seen(keypoints, name)]
    points = keypoints[[KP[name] for name in names], :2]
    if len(points) < 2:
        raise ValueError("too few keypoints to frame the person")
    low, high = points.min(axis=0), points.max(axis=0)
    span = _body_span(keypoints)
    low = low - 0.6 * span
    high = high + 0.6 * span
    centre = (low + high) / 2
    height_px, width_px = net_size
    aspect = width_px / height_px
    box_h = max(high[1] - low[1], (high[0] - low[0]) / aspect)
    if jitter is not None:
        centre = centre + jitter[:2] * 0.05 * box_h
        box_h *= 1.0 + 0.1 * float(jitter[2])
    box_w = box_h * aspect
    origin = (float(centre[0] - box_w / 2), float(centre[1] - box_h / 2))
    return NetFrame(origin=origin, scale=float(height_px / box_h), size=net_size)


def antialiased(image: np.ndarray, scale: float) -> np.ndarray:
    """``image`` low-passed before a warp that shrinks it by ``scale``, if that is a lot.

    As INTER_AREA would: stripes and checks must not alias into moire.
    """
    return cv2.GaussianBlur(image, (0, 0), 0.45 / scale) if scale < 0.7 else image


def crop(image: np.ndarray, frame: NetFrame, *, fill: int = AGNOSTIC_GREY) -> np.ndarray:
    """``image`` (H, W[, C]) seen through ``frame``; outside the photo is ``fill``."""
    # Masks are sampled nearest-neighbour and must stay crisp.
    source = antialiased(image, frame.scale) if image.dtype == np.uint8 else image
    height, width = frame.size
    interpolation = cv2.INTER_LINEAR if image.dtype == np.uint8 else cv2.INTER_NEAREST
    return cv2.warpAffine(
        source,
        frame.matrix(),
        (width, height),
        flags=interpolation,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(fill, fill, fill) if image.ndim == 3 else fill,
    )


def agnostic_mask(keypoints: np.ndarray, category: str, size: tuple[int, int]) -> np.ndarray:
    """Where the new garment may go and the old one is hidden (H, W) float32 0/1.

    Built from the pose alone so training and inference agree: for tops a generous torso
    from just under the chin to below the hips plus both arms; for bottoms the hips and
    legs; dresses both. The head above the neck is never in it.
    """
    height, width = size
    zone = np.zeros((height, width), dtype=np.uint8)
    span = _body_span(keypoints)
    if category in ("top", "outerwear", "dress"):
        _draw_torso(zone, keypoints, span, long=category == "dress")
        for side in ("left", "right"):
            _draw_limb(zone, keypoints, (f"{side}_shoulder", f"{side}_elbow", f"{side}_wrist"),
                       0.22 * span)  # fmt: skip
    if category in ("bottom", "dress"):
        _draw_hips(zone, keypoints, span)
        for side in ("left", "right"):
            _draw_limb(zone, keypoints, (f"{side}_hip", f"{side}_knee", f"{side}_ankle"),
                       0.3 * span)  # fmt: skip
    if seen(keypoints, "nose") and seen(keypoints, "neck"):
        # Nothing above the chin: about 40% of the way from the nose down to the neck.
        nose, neck = keypoints[KP["nose"], :2], keypoints[KP["neck"], :2]
        chin_y = nose[1] + 0.45 * (neck[1] - nose[1])
        zone[: max(0, int(np.ceil(chin_y))), :] = 0
    return zone.astype(np.float32)


def pose_maps(keypoints: np.ndarray, size: tuple[int, int], sigma: float) -> np.ndarray:
    """One Gaussian bump per BODY_KEYPOINTS joint, (14, H, W) float32 in [0, 1]."""
    height, width = size
    ys = np.arange(height, dtype=np.float32)[:, None]
    xs = np.arange(width, dtype=np.float32)[None, :]
    maps = np.zeros((len(BODY_KEYPOINTS), height, width), dtype=np.float32)
    for index, (x, y, confidence) in enumerate(keypoints):
        if confidence >= KEYPOINT_SEEN:
            maps[index] = np.exp(-((xs - x) ** 2 + (ys - y) ** 2) / (2 * sigma**2))
    return maps


def garment_slots(landmarks: dict[str, tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Garment landmarks as (len(SLOTS), 2) positions and a validity vector."""
    points = np.zeros((len(SLOTS), 2), dtype=np.float32)
    valid = np.zeros(len(SLOTS), dtype=bool)
    for name, point in landmarks.items():
        if name in SLOT and np.all(np.isfinite(point)):
            points[SLOT[name]] = point
            valid[SLOT[name]] = True
    return points, valid


def body_slots(
    keypoints: np.ndarray,
    category: str,
    garment_points: np.ndarray,
    garment_valid: np.ndarray,
    silhouette: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Where on the body each garment landmark should land (same frame as ``keypoints``).

    The garment keeps its own proportions: a similarity (scale from shoulder or waist width)
    carries its outline onto the torso; shoulders are pinned to the wearer's shoulder tops;
    sleeve ends and trouser hems slide down their limb by the garment's own length. With the
    person's ``silhouette`` (a bool mask in the same frame), the sides of a top or dress at
    armpit, waist and hem are pinned just outside the torso's own edges, as the geometric
    renderer does: the new garment covers what the person wears.
    Returns positions and validity (a landmark whose limb is not seen is dropped).
    """
    targets = np.zeros_like(garment_points)
    valid = garment_valid.copy()
    g = {name: garment_points[SLOT[name]] for name in SLOTS if garment_valid[SLOT[name]]}
    right_dir, down = _body_axes(keypoints)
    span = _body_span(keypoints)
    if category == "bottom":
        if "left_waist" not in g or "right_waist" not in g:
            return targets, np.zeros_like(valid)
        hips = keypoints[[KP["left_hip"], KP["right_hip"]], :2]
        g_anchor = (g["left_waist"] + g["right_waist"]) / 2
        g_width = max(np.linalg.norm(g["left_waist"] - g["right_waist"]), 1e-3)
        anchor = hips.mean(axis=0) - down * 0.12 * span
        scale = 1.45 * np.linalg.norm(hips[0] - hips[1]) / g_width
    else:
        if "left_shoulder" not in g or "right_shoulder" not in g:
            return targets, np.zeros_like(valid)
        shoulders = keypoints[[KP["left_shoulder"], KP["right_shoulder"]], :2]
        g_anchor = (g["left_shoulder"] + g["right_shoulder"]) / 2
        g_width = max(np.linalg.norm(g["left_shoulder"] - g["right_shoulder"]), 1e-3)
        anchor = shoulders.mean(axis=0) - down * 0.1 * span
        scale = 1.1 * np.linalg.norm(shoulders[0] - shoulders[1]) / g_width
    outline = TorsoOutline.of(keypoints, silhouette) if category != "bottom" else None
    stretch = 1.0
    if outline is not None:
        if "left_armpit" in g and "right_armpit" in g:
            # Shoulder spans alone mislead (dropped shoulders, straps), so do chest widths
            # alone (a flat garment is ~1.2x a body's frontal width): take the geometric mean.
            g_chest = max(np.linalg.norm(g["left_armpit"] - g["right_armpit"]), 1e-3)
            chest = sum(outline.half_width(0.3 * outline.frame.torso, sign) for sign in (1.0, -1.0))
            scale = float(np.sqrt(scale * 1.2 * chest / g_chest))
        # Garments are cut for a torso ~1.4 shoulder spans long; a longer torso wears the
        # same top down to the same place.
        stretch = float(np.clip(outline.frame.torso / (1.4 * span), 0.85, 1.25))

    def carried(point: np.ndarray) -> np.ndarray:
        offset = (point - g_anchor) * scale
        return anchor + offset[0] * right_dir + offset[1] * stretch * down

    for name, point in g.items():
        targets[SLOT[name]] = carried(point)
    if category != "bottom":
        for side, sign in (("left", 1.0), ("right", -1.0)):
            shoulder = keypoints[KP[f"{side}_shoulder"], :2]
            targets[SLOT[f"{side}_shoulder"]] = (
                shoulder - down * 0.1 * span + sign * right_dir * 0.05 * span
            )
            end = f"{side}_sleeve_end"
            if end in g:
                root = (g[f"{side}_shoulder"] + g.get(f"{side}_armpit", g[f"{side}_shoulder"])) / 2
                length = np.linalg.norm(g[end] - root) * scale
                chain = (f"{side}_shoulder", f"{side}_elbow", f"{side}_wrist")
                placed = _along_limb(keypoints, chain, length)
                valid[SLOT[end]] = placed is not None
                if placed is not None:
                    targets[SLOT[end]] = placed
        if outline is not None:
            outline.pin_sides(targets, valid)
    elif "crotch" in g:
        for side in ("left", "right"):
            hem = f"{side}_hem"
            if hem in g:
                length = np.linalg.norm(g[hem] - g[f"{side}_waist"]) * scale
                chain = (f"{side}_hip", f"{side}_knee", f"{side}_ankle")
                placed = _along_limb(keypoints, chain, length)
                valid[SLOT[hem]] = placed is not None
                if placed is not None:
                    targets[SLOT[hem]] = placed
    return targets, valid


def flip_keypoints(keypoints: np.ndarray, width: int) -> np.ndarray:
    """Keypoints of the mirrored picture, relabelled so "left" stays the person's left."""
    flipped = keypoints.copy()
    flipped[:, 0] = width - 1 - flipped[:, 0]
    return flipped[[KP[_mirror_name(name)] for name in BODY_KEYPOINTS]]


# --- geometry ------------------------------------------------------------------------------

#: A fitted garment lies this much wider than the outline it covers.
_EASE = 1.04
_TORSO_JOINTS = ("left_shoulder", "right_shoulder", "left_hip", "right_hip")


class TorsoOutline:
    """The torso's edges in a person's silhouette, measured across the body's axis.

    ``frame`` is the torso frame square to the shoulder line: ``axial`` distances run down
    the torso from the shoulders' midpoint; ``frame.torso`` is the shoulder-to-hip length.
    The same measurements as the geometric renderer's, on BODY_KEYPOINTS so every data set's
    pose works.
    """

    def __init__(self, keypoints: np.ndarray, silhouette: np.ndarray) -> None:
        self.keypoints, self.silhouette = keypoints, silhouette
        self.frame = TorsoFrame.across_shoulders(
            *(keypoints[KP[name], :2] for name in _TORSO_JOINTS), min_span=1.0
        )

    @classmethod
    def of(cls, keypoints: np.ndarray, silhouette: np.ndarray | None) -> TorsoOutline | None:
        """The outline, or None without a silhouette or without shoulders and hips seen."""
        if silhouette is None or not all(seen(keypoints, name) for name in _TORSO_JOINTS):
            return None
        return cls(keypoints, silhouette)

    def half_width(self, axial: float, sign: float) -> float:
        """Distance from the centre line to the torso's edge at ``axial``, on one side
        (+1 the person's left); bounded around what a torso's proportions lead to expect."""
        expected = self.frame.expected_half_width(axial)
        start = self.frame.at(axial)
        edge = _run_to_edge(self.silhouette, start, sign * self.frame.lat, 2.0 * expected)
        edge = min(edge, self._arm_beside(axial, sign, expected))
        return float(np.clip(edge, 0.8 * expected, 1.2 * expected))

    def pin_sides(self, targets: np.ndarray, valid: np.ndarray) -> None:
        """Move an upper garment's armpit, waist and hem landmarks onto the edges, in place.

        Above the hips a side goes just outside the outline at its height; below them the
        garment keeps its own flare, but never narrower than the hips' outline.
        """
        for side, sign in (("left", 1.0), ("right", -1.0)):
            hip_edge = self.half_width(self.frame.torso, sign)
            for part in ("armpit", "waist", "hem"):
                slot = SLOT[f"{side}_{part}"]
                if not valid[slot]:
                    continue
                axial = self.frame.axial_of(targets[slot])
                if axial > 1.1 * self.frame.torso:
                    own = abs(float(np.dot(targets[slot] - self.frame.smid, self.frame.lat)))
                    half = max(own, _EASE * hip_edge)
                else:
                    half = _EASE * self.half_width(axial, sign)
                targets[slot] = self.frame.at(axial, sign * half)

    def _arm_beside(self, axial: float, sign: float, expected: float) -> float:
        """Where an arm hanging beside the torso begins at this height (inf when none does)."""
        side = "left" if sign > 0 else "right"
        names = [f"{side}_{joint}" for joint in ("shoulder", "elbow", "wrist")]
        chain = [self.keypoints[KP[name], :2] for name in names if seen(self.keypoints, name)]
        start = self.frame.at(axial)
        for a, b in itertools.pairwise(chain):
            a_ax, b_ax = (self.frame.axial_of(point) for point in (a, b))
            if min(a_ax, b_ax) <= axial <= max(a_ax, b_ax) and abs(b_ax - a_ax) > 1e-3:
                point = a + (b - a) * (axial - a_ax) / (b_ax - a_ax)
                offset = sign * float(np.dot(point - start, self.frame.lat))
                if offset > 0.5 * expected:  # beside the body, not across it
                    return offset - 0.1 * self.frame.sw
        return float("inf")


def _run_to_edge(mask: np.ndarray, start: np.ndarray, direction: np.ndarray, limit: float) -> float:
    """Distance from ``start`` along ``direction`` to where ``mask`` ends (``limit`` at most).

    The walk begins at the first pixel inside the mask near ``start``; beyond the picture's
    edge counts as inside (the photo cuts the person there).
    """
    steps = np.arange(0, int(limit) + 2)
    points = start[None, :] + steps[:, None] * direction[None, :]
    xs, ys = np.round(points[:, 0]).astype(int), np.round(points[:, 1]).astype(int)
    height, width = mask.shape
    inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
    on = np.ones(len(steps), dtype=bool)
    on[inside] = mask[ys[inside], xs[inside]]
    first = int(np.argmax(on[: max(2, int(0.3 * limit))]))
    if not on[first]:
        return limit / 2  # no outline where the torso should be: keep the expected width
    off = np.nonzero(~on[first:])[0]
    return float(first + off[0]) if len(off) else float(len(steps))


def _mirror_name(name: str) -> str:
    if name.startswith("left_"):
        return "right_" + name[5:]
    if name.startswith("right_"):
        return "left_" + name[6:]
    return name


def _body_span(keypoints: np.ndarray) -> float:
    """A body-size unit: the shoulder span, else 1.4 times the hip span, in pixels."""
    if seen(keypoints, "left_shoulder") and seen(keypoints, "right_shoulder"):
        pair = keypoints[[KP["left_shoulder"], KP["right_shoulder"]], :2]
        return float(max(np.linalg.norm(pair[0] - pair[1]), 1.0))
    if seen(keypoints, "left_hip") and seen(keypoints, "right_hip"):
        pair = keypoints[[KP["left_hip"], KP["right_hip"]], :2]
        return float(max(1.4 * np.linalg.norm(pair[0] - pair[1]), 1.0))
    visible = keypoints[keypoints[:, 2] >= KEYPOINT_SEEN, :2]
    return float(max(0.25 * np.ptp(visible[:, 1]), 1.0)) if len(visible) > 1 else 1.0


def _body_axes(keypoints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors towards the person's left and down their torso (image frame)."""
    pairs = (("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"))
    for left, right in pairs:
        if seen(keypoints, left) and seen(keypoints, right):
            lateral = keypoints[KP[left], :2] - keypoints[KP[right], :2]
            break
    else:
        lateral = np.array([1.0, 0.0], dtype=np.float32)
    lateral = lateral / max(float(np.linalg.norm(lateral)), 1e-6)
    down = np.array([-lateral[1], lateral[0]], dtype=np.float32)
    if down[1] < 0:
        down = -down
    return lateral.astype(np.float32), down


def _along_limb(keypoints: np.ndarray, chain: tuple[str, ...], length: float) -> np.ndarray | None:
    """The point ``length`` pixels down a joint chain (extrapolated past its last joint)."""
    joints = [keypoints[KP[name], :2] for name in chain if seen(keypoints, name)]
    if len(joints) < 2 or not seen(keypoints, chain[0]) or not seen(keypoints, chain[1]):
        return None
    remaining = length
    for start, end in itertools.pairwise(joints):
        bone = float(np.linalg.norm(end - start))
        if remaining <= bone or end is joints[-1]:
            return start + (end - start) * (remaining / max(bone, 1e-6))
        remaining -= bone
    return joints[-1]


def _draw_torso(zone: np.ndarray, keypoints: np.ndarray, span: float, *, long: bool) -> None:
    needed = ("left_shoulder", "right_shoulder")
    if not all(seen(keypoints, name) for name in needed):
        return
    right_dir, down = _body_axes(keypoints)
    left_sh, right_sh = keypoints[KP["left_shoulder"], :2], keypoints[KP["right_shoulder"], :2]
    if seen(keypoints, "left_hip") and seen(keypoints, "right_hip"):
        left_hip, right_hip = keypoints[KP["left_hip"], :2], keypoints[KP["right_hip"], :2]
    else:
        left_hip, right_hip = left_sh + down * 1.6 * span, right_sh + down * 1.6 * span
    below = (0.6 if long else 0.35) * span
    hip_out = max(0.3 * span, 0.6 * span - 0.5 * float(np.linalg.norm(left_hip - right_hip)))
    polygon = [
        right_sh - right_dir * 0.3 * span - down * 0.35 * span,
        left_sh + right_dir * 0.3 * span - down * 0.35 * span,
        left_hip + right_dir * hip_out + down * below,
        right_hip - right_dir * hip_out + down * below,
    ]
    cv2.fillPoly(zone, [np.round(np.array(polygon)).astype(np.int32)], 1)


def _draw_hips(zone: np.ndarray, keypoints: np.ndarray, span: float) -> None:
    if not (seen(keypoints, "left_hip") and seen(keypoints, "right_hip")):
        return
    right_dir, down = _body_axes(keypoints)
    left_hip, right_hip = keypoints[KP["left_hip"], :2], keypoints[KP["right_hip"], :2]
    ends = []
    for side in ("left", "right"):
        knee = f"{side}_knee"
        hip = keypoints[KP[f"{side}_hip"], :2]
        ends.append(keypoints[KP[knee], :2] if seen(keypoints, knee) else hip + down * span)
    polygon = [
        right_hip - right_dir * 0.35 * span - down * 0.35 * span,
        left_hip + right_dir * 0.35 * span - down * 0.35 * span,
        ends[0] + right_dir * 0.35 * span,
        ends[1] - right_dir * 0.35 * span,
    ]
    cv2.fillPoly(zone, [np.round(np.array(polygon)).astype(np.int32)], 1)


def _draw_limb(zone: np.ndarray, keypoints: np.ndarray, chain: tuple[str, ...], radius: float):
    joints = [keypoints[KP[name], :2] for name in chain if seen(keypoints, name)]
    thickness = max(1, round(2 * radius))
    for start, end in itertools.pairwise(joints):
        cv2.line(zone, _int(start), _int(end), 1, thickness, lineType=cv2.LINE_8)
    for joint in joints:
        cv2.circle(zone, _int(joint), round(radius), 1, -1)


def _int(point: np.ndarray) -> tuple[int, int]:
    return round(float(point[0])), round(float(point[1]))
