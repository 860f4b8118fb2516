"""Procedural, redistributable try-on training pairs: synthetic people in synthetic garments.

Every sample is drawn from nothing (no photograph, no real person): a front-facing person on
a random skeleton stands before a studio backdrop wearing a garment whose flat template is
also shown alone as the product shot. The fabric lives in the template's coordinates, so both
pictures carry the same texture: template panels are warped onto the body with a thin-plate
spline (torso, pelvis, skirt, dress) or laid along the limb bones (sleeves, trouser legs).
Keypoints, parse labels and masks come from the same geometry that draws the pixels.

Two public layouts are written, VITON-HD (tops) and DressCode (tops, bottoms, dresses):

    python -m synthetic.people --layout viton-hd --out DIR --count 1000 --seed 0

Garment templates are in head heights ("units"), origin at the neck's centre (tops, dresses)
or the waist's (bottoms), y down. Sample i of a category depends only on (seed, category, i).
"""

from __future__ import annotations

import argparse
import colorsys
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from vision.tps import tps_eval, tps_fit

# LIP labels (VITON-HD image-parse-v3), the label space used while drawing.
_HAIR, _UPPER, _DRESS, _PANTS, _NECK, _SKIRT, _FACE = 2, 5, 6, 9, 10, 12, 13
_ARM, _LEG, _SHOE = {"l": 14, "r": 15}, {"l": 16, "r": 17}, {"l": 18, "r": 19}
_SX = {"r": -1.0, "l": 1.0}  # a person facing us has their right side on the picture's left
_LIP_TO_DRESS_CODE = np.zeros(256, np.uint8)
_LIP_USED = (2, 5, 6, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19)
_LIP_TO_DRESS_CODE[list(_LIP_USED)] = (2, 4, 7, 6, 11, 5, 11, 14, 15, 12, 13, 9, 10)  # neck: head
# The LIP colours, as VITON-HD's and DressCode's parse PNGs use them.
_PALETTE = list(
    bytes.fromhex(
        "000000 800000 fe0000 005500 a90033 fe5500 000055 0077dd 555500 005555"
        "553300 345680 008000 0000fe 33a9dc 00fefe 55fea9 a9fe55 fefe00 fea900"
    )
)
_BODY_25 = (
    *("nose", "neck", "r_sho", "r_elb", "r_wri", "l_sho", "l_elb", "l_wri", "mid_hip"),
    *("r_hip", "r_knee", "r_ank", "l_hip", "l_knee", "l_ank", "r_eye", "l_eye", "r_ear"),
    *("l_ear", "l_btoe", "l_stoe", "l_heel", "r_btoe", "r_stoe", "r_heel"),
)
_COCO_FROM_BODY_25 = (0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18)
_DRESS_CODE_FOLDERS = ("upper_body", "lower_body", "dresses")


def _rgb_table(hex_colours: str) -> np.ndarray:
    return np.array(list(bytes.fromhex(hex_colours)), np.float64).reshape(-1, 3)


_SKIN = _rgb_table("ffe2cc f1c6a4 e2b088 c88c64 a56c48 7a4e34 583a2a 3e2a20")
_HAIR_RGB = _rgb_table("161210 2d1f17 482e1e 6e4a2c a87c4a d6b276 8c3e20 969491 e1dcd2")
_HAIR_P = (0.24, 0.2, 0.16, 0.1, 0.08, 0.08, 0.05, 0.05, 0.04)
_EVERYDAY = _rgb_table("3a5278 28385a 18181c 78787c c4b496 202846 ecece8 585c3c 963c32 5c78a0")
_SHOES = _rgb_table("141416 ebebe8 5c3c28 78787d bea078 232846 962828")


def _u(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def _v(x: float, y: float) -> np.ndarray:
    return np.array([x, y], np.float64)


def _unit(d: np.ndarray) -> np.ndarray:
    return d / max(float(np.linalg.norm(d)), 1e-9)


# --- colours and small fields ------------------------------------------------------------------


def _garment_colour(rng: np.random.Generator) -> np.ndarray:
    """A fabric colour: dark, light, saturated, muted, white or black."""
    kind = rng.choice(6, p=[0.2, 0.17, 0.28, 0.15, 0.1, 0.1])
    if kind >= 4:  # white or black, barely tinted
        grey = _u(rng, 232, 248) if kind == 4 else _u(rng, 16, 34)
        return grey + rng.uniform(-3, 3, 3)
    ranges = [(0.3, 0.8, 0.14, 0.35), (0.08, 0.3, 0.78, 0.95), (0.6, 1, 0.55, 0.95)]
    s0, s1, v0, v1 = [*ranges, (0.15, 0.45, 0.4, 0.7)][kind]  # dark, light, vivid, muted
    return np.array(colorsys.hsv_to_rgb(rng.random(), _u(rng, s0, s1), _u(rng, v0, v1))) * 255


def _noise(rng: np.random.Generator, h: int, w: int, cells: float) -> np.ndarray:
    """Smooth noise of unit spread with about ``cells`` bumps across the larger side."""
    gh, gw = (max(2, round(cells * n / max(h, w)) + 1) for n in (h, w))
    coarse = rng.standard_normal((gh, gw)).astype(np.float32)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)


def _blur(a: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(a, (0, 0), max(sigma, 0.3))


def _chaikin(pts: np.ndarray, ratio: float = 0.15, iters: int = 2) -> np.ndarray:
    """Round a closed polygon's corners (cut ``ratio`` of each edge at both ends)."""
    for _ in range(iters):
        nxt = np.roll(pts, -1, axis=0)
        pts = np.stack([pts * (1 - ratio) + nxt * ratio, pts * ratio + nxt * (1 - ratio)], 1)
        pts = pts.reshape(-1, 2)
    return pts


def _ellipse(centre: np.ndarray, axes: tuple[float, float], n: int = 36) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.stack([centre[0] + axes[0] * np.cos(t), centre[1] + axes[1] * np.sin(t)], 1)


def _fill(shape: tuple[int, int], pts: np.ndarray) -> np.ndarray:
    """Antialiased coverage (0..1 float) of a filled polygon given in pixel coordinates."""
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(pts * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    return mask.astype(np.float32) / 255.0


# --- painting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Roi:
    """A window of the picture: x0 <= x < x1, y0 <= y < y1."""

    x0: int
    y0: int
    x1: int
    y1: int

    @staticmethod
    def around(pts: np.ndarray, pad: float, size: tuple[int, int]) -> _Roi | None:
        lo = np.floor(pts.min(axis=0) - pad).astype(int)
        hi = np.ceil(pts.max(axis=0) + pad).astype(int) + 1
        x0, y0, x1, y1 = max(lo[0], 0), max(lo[1], 0), min(hi[0], size[0]), min(hi[1], size[1])
        return _Roi(x0, y0, x1, y1) if x1 - x0 > 1 and y1 - y0 > 1 else None

    @property
    def slc(self) -> tuple[slice, slice]:
        return np.s_[self.y0 : self.y1, self.x0 : self.x1]

    @property
    def shape(self) -> tuple[int, int]:
        return self.y1 - self.y0, self.x1 - self.x0

    def grid(self) -> tuple[np.ndarray, np.ndarray]:
        ys, xs = np.mgrid[self.y0 : self.y1, self.x0 : self.x1]
        return xs.astype(np.float32), ys.astype(np.float32)

    def poly(self, pts: np.ndarray) -> np.ndarray:
        return _fill(self.shape, pts - (self.x0, self.y0))


class _Canvas:
    """The person layer (premultiplied colour, coverage) and its label map, painted in order."""

    def __init__(self, size: tuple[int, int], hh: float) -> None:
        width, height = size
        self.rgb = np.zeros((height, width, 3), np.float32)
        self.alpha = np.zeros((height, width), np.float32)
        self.labels = np.zeros((height, width), np.uint8)
        self.size, self.hh = size, hh

    def paint(
        self, roi: _Roi, cov: np.ndarray, colour: np.ndarray, label: int | None, shadow: float = 0.0
    ) -> None:
        """Lay ``colour`` over the window with coverage ``cov``; ``shadow`` darkens behind it."""
        sl = roi.slc
        if shadow:  # the part keeps light from what lies behind it: a soft contact shadow
            self.rgb[sl] *= (1.0 - shadow * _blur(cov, 0.07 * self.hh))[..., None]
        self.rgb[sl] = self.rgb[sl] * (1 - cov[..., None]) + colour * cov[..., None]
        self.alpha[sl] += (1 - self.alpha[sl]) * cov
        if label is not None:
            self.labels[sl][cov > 0.5] = label

    def polygon(
        self,
        poly: np.ndarray,
        colour: np.ndarray,
        label: int | None,
        depth: float = 0.25,
        shadow: float = 0.0,
        alpha: float = 1.0,
    ) -> None:
        """A filled polygon, darker towards its silhouette."""
        roi = _Roi.around(poly, 0.2 * self.hh + 2, self.size)
        if roi is not None:
            cov = roi.poly(poly)
            edge = np.clip(2 * (1 - _blur(cov, 0.12 * self.hh)), 0, 1)
            shade = (1 - depth * edge**1.5)[..., None]
            self.paint(roi, cov * alpha, colour * shade, label, shadow)

    def limb(
        self, limb: _Limb, colour: np.ndarray, label: int, shadow: float = 0.15, start: float = 0.0
    ) -> None:
        """A rounded tube of skin from ``start`` down the limb, shaded as a cylinder."""
        roi = _Roi.around(limb.bone, float(limb.radii.max()) + 2, self.size)
        if roi is not None:
            ell, signed = _tube_field(limb.bone, *roi.grid(), 1.0)
            cov, radius = _tube_cover(ell, signed, limb, (start, limb.length), "start end")
            shade = 0.7 + 0.3 * np.sqrt(1 - np.clip(np.abs(signed) / radius, 0, 1) ** 2)
            self.paint(roi, cov, colour * shade[..., None], label, shadow)


# --- the body ----------------------------------------------------------------------------------


@dataclass
class _Limb:
    """A chain of bones (pixels) with a radius profile along its length."""

    bone: np.ndarray  # (K, 2)
    ells: np.ndarray  # arc lengths at which ``radii`` are given
    radii: np.ndarray

    @property
    def length(self) -> float:
        return float(_bone_lengths(self.bone).sum())

    def at(self, ell: float) -> tuple[np.ndarray, np.ndarray]:
        """The point ``ell`` pixels down the chain (extended past its end) and its direction."""
        for k in range(len(self.bone) - 1):
            a, b = self.bone[k], self.bone[k + 1]
            seg = float(np.linalg.norm(b - a))
            if ell <= seg or k == len(self.bone) - 2:
                return a + _unit(b - a) * ell, _unit(b - a)
            ell -= seg
        raise AssertionError("a limb has at least one bone")


@dataclass
class _Skeleton:
    """One synthetic person: joints and limbs in pixels, measurements and horizontal levels."""

    size: tuple[int, int]
    hh: float  # head height in pixels: the body's unit
    cx: float
    j: dict[str, np.ndarray] = field(default_factory=dict)
    m: dict[str, float] = field(default_factory=dict)  # radii and half widths (pixels)
    y: dict[str, float] = field(default_factory=dict)  # levels (pixels)
    limbs: dict[str, _Limb] = field(default_factory=dict)
    poses: dict[str, str] = field(default_factory=dict)
    profile: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))  # (y, half width)

    def half_width(self, y: float) -> float:
        """Half width of the trunk at level ``y`` (armpits down to the thighs)."""
        return float(np.interp(y, self.profile[:, 0], self.profile[:, 1]))

    def shoulder_line(self, side: str) -> np.ndarray:
        """Neck side, mid trapezius, top of the shoulder: where a garment hangs from."""
        s, m = _SX[side], self.m
        top = self.j[f"{side}_sho"] - _v(0, 0.8 * m["r_sho"])
        mid = _v(self.cx + s * (m["neck"] + m["sho"]) / 2, self.y["neck"] + 0.07 * self.hh)
        return np.array([_v(self.cx + s * m["neck"], self.y["neck"]), mid, top])

    def on_shoulder(self, side: str, offset: float) -> np.ndarray:
        """The point of the shoulder line ``offset`` pixels out from the centre line."""
        line = self.shoulder_line(side)
        y = np.interp(offset, np.abs(line[:, 0] - self.cx), line[:, 1])
        return _v(self.cx + _SX[side] * offset, y)

    def legs_reach(self, y: float) -> float:
        """How far out from the centre line the legs reach at level ``y``."""
        reach = 0.0
        for side in "rl":
            leg = self.limbs[f"{side}_leg"]
            ell = float(np.interp(y, leg.bone[:, 1], [0.0, *np.cumsum(_bone_lengths(leg.bone))]))
            point, _ = leg.at(ell)
            radius = float(np.interp(ell, leg.ells, leg.radii))
            reach = max(reach, abs(point[0] - self.cx) + radius)
        return reach

    def torso_polygon(self) -> np.ndarray:
        """The skin outline of the neck base, shoulders and trunk down to the crotch."""
        m, y, hh, cx = self.m, self.y, self.hh, self.cx
        halves = []
        for side in "rl":
            s = _SX[side]
            pts = [_v(cx + s * m["neck"] * 0.95, y["neck"] - 0.3 * hh), *self.shoulder_line(side)]
            pts.append(_v(cx + s * (m["sho"] + 0.6 * m["r_sho"]), y["sho"] + 0.1 * hh))
            # Clothes always cover the trunk: keep its skin a little inside them.
            pts.append(_v(cx + s * m["chest"] * 0.95, y["armpit"]))
            for level, half in (("waist", m["waist"] * 0.9), ("hipw", m["hip"] * 0.9)):
                pts.append(_v(cx + s * half, y[level]))
            pts.append(_v(cx + s * m["hip"] * 0.85, y["crotch"]))
            halves.append(np.array(pts))
        ring = np.vstack([halves[0], [(cx, y["crotch"] + 0.05 * hh)], halves[1][::-1]])
        return _chaikin(ring, 0.2, 2)


def _bone_lengths(bone: np.ndarray) -> np.ndarray:
    return np.linalg.norm(np.diff(bone, axis=0), axis=1)


def _sample_skeleton(rng: np.random.Generator, size: tuple[int, int], crop: bool) -> _Skeleton:
    """A random standing person placed in the frame (cut at mid thigh when ``crop``)."""
    width, height = size
    build = _u(rng, 0, 1)  # 0: broad shoulders and narrow hips, 1: the reverse
    heads, tl, fat = _u(rng, 7.0, 7.8), _u(rng, 0.94, 1.06), _u(rng, 0.88, 1.15)
    if crop:
        top = _u(rng, 0.02, 0.06) * height
        hh = (height - top) / (1.3 + 2.6 * tl + _u(rng, 0.6, 1.1))
    else:
        hh = _u(rng, 0.84, 0.95) * height / heads
        top = _u(rng, 0.015 * height, max(0.015 * height, 0.985 * height - heads * hh))
    sk = _Skeleton(size=size, hh=hh, cx=width / 2 + _u(rng, -0.05, 0.05) * width)
    units = {"head_a": _u(rng, 0.36, 0.41), "head_b": _u(rng, 0.48, 0.52)}
    units |= {"neck": _u(rng, 0.19, 0.24), "sho": (0.82 - 0.1 * build) * _u(rng, 0.96, 1.04)}
    units |= {"waist": (0.56 - 0.09 * build) * fat, "hip": (0.64 + 0.13 * build) * (0.5 + fat / 2)}
    units |= {"r_sho": (0.22 - 0.025 * build) * fat, "ua": _u(rng, 1.36, 1.48)}
    units |= {"fa": _u(rng, 1.08, 1.2), "hand": _u(rng, 0.6, 0.7)}
    sk.m = {name: value * hh for name, value in units.items()}
    sk.m["chest"] = sk.m["sho"] - _u(rng, 0.1, 0.16) * hh
    neck = top + 1.3 * hh
    levels = {"sho": 0.3, "armpit": 0.72, "waist": 1.45, "hipj": 2.2, "hipw": 2.3, "crotch": 2.6}
    sk.y = {name: neck + f * tl * hh for name, f in levels.items()}
    sk.y |= {"top": top, "neck": neck, "ankle": top + (heads - 0.3) * hh}
    m, y = sk.m, sk.y
    half = {"armpit": m["chest"], "waist": m["waist"], "hipw": m["hip"], "crotch": m["hip"] * 0.97}
    sk.profile = np.array(
        [(y[k], v) for k, v in half.items()] + [(y["crotch"] + hh, half["hipw"] * 0.85)]
    )
    sk.j["head"] = _v(sk.cx + _u(rng, -0.04, 0.04) * hh, top + m["head_b"])
    for side in "rl":
        s = _SX[side]
        sk.j[f"{side}_sho"] = _v(sk.cx + s * m["sho"], y["sho"])
        hip = _v(sk.cx + s * m["hip"] / 2, y["hipj"])
        ankle = _v(hip[0] + s * _u(rng, 0.0, 0.3) * hh, y["ankle"])  # legs a little apart
        knee = (hip + ankle) / 2 + _v(s * _u(rng, -0.03, 0.03) * hh, 0)
        thigh, shin = float(np.linalg.norm(knee - hip)), float(np.linalg.norm(ankle - knee))
        sk.j |= {f"{side}_hip": hip, f"{side}_knee": knee, f"{side}_ank": ankle}
        ells = np.array([0, 0.45 * thigh, thigh, thigh + 0.3 * shin, thigh + shin])
        radii = np.array([m["hip"] / 2 / hh + 0.01, 0.3 * fat, 0.19, 0.21 * fat, 0.1]) * hh
        sk.limbs[f"{side}_leg"] = _Limb(np.array([hip, knee, ankle]), ells, radii)
    _pose_arms(rng, sk, fat)
    return sk


def _pose_arms(rng: np.random.Generator, sk: _Skeleton, fat: float) -> None:
    """Random arm poses that keep the hands in the frame."""
    names = ["hang", "out", "hips", "raised", "across"]
    hh, width = sk.hh, sk.size[0]
    for side in "rl":
        other = sk.poses.get("l" if side == "r" else "r", "")
        p = np.array([0.33, 0.25, 0.16, 0.11, 0.15])
        if other in ("raised", "across"):  # rarely both arms
            p[names.index(other)] *= 0.2
        for attempt in range(12):
            pose = "hang" if attempt == 11 else str(rng.choice(names, p=p / p.sum()))
            arm, hand = _arm_chain(rng, sk, side, pose)
            pts = np.vstack([arm, hand])
            if pts[:, 0].min() > 2 and pts[:, 0].max() < width - 3 and pts[:, 1].min() > 2:
                break
        sk.poses[side] = pose
        ua, fa = _bone_lengths(arm)
        k = (1.05 - 0.13 * (sk.m["hip"] / hh - 0.64)) * fat
        r = sk.m["r_sho"] / hh  # narrower at the joint: the torso's shoulder rounds it off
        ells = np.array([0, 0.18 * ua, 0.5 * ua, ua, ua + 0.3 * fa, ua + fa])
        radii = np.array([0.85 * r, 0.95 * r, 0.165 * k, 0.125 * k, 0.135 * k, 0.09]) * hh
        sk.limbs[f"{side}_arm"] = _Limb(arm, ells, radii)
        hd = float(np.linalg.norm(hand[-1] - hand[0]))
        ells, radii = np.array([0, 0.4, 0.7, 1]) * hd, np.array([0.1, 0.125, 0.11, 0.07]) * hh
        sk.limbs[f"{side}_hand"] = _Limb(hand, ells, radii)
        sk.j |= {f"{side}_elb": arm[1], f"{side}_wri": arm[2]}


def _arm_chain(
    rng: np.random.Generator, sk: _Skeleton, side: str, pose: str
) -> tuple[np.ndarray, np.ndarray]:
    """Shoulder, elbow, wrist, and the hand's bone (wrist, knuckles, fingertip) for a pose."""
    s, hh, sho = _SX[side], sk.hh, sk.j[f"{side}_sho"]
    ua, fa, hd = sk.m["ua"], sk.m["fa"], sk.m["hand"]

    def towards(deg: float) -> np.ndarray:  # angle from straight down, positive = outwards
        return _v(s * math.sin(math.radians(deg)), math.cos(math.radians(deg)))

    if pose == "hips":
        elbow = sho + towards(_u(rng, 32, 52)) * ua
        y_hand = sk.y["waist"] + _u(rng, 0.1, 0.45) * hh
        wrist = _v(sk.cx + s * (sk.half_width(y_hand) + 0.02 * hh), y_hand)
        if np.linalg.norm(wrist - elbow) > fa:  # the forearm points back, so it looks shorter
            wrist = elbow + _unit(wrist - elbow) * fa
        hand_dir, hd = _unit(wrist - elbow) + _v(-s * 0.3, 1.0), 0.75 * hd
    else:
        if pose == "across":
            a1, a2, fa = _u(rng, 0, 8), -_u(rng, 70, 110), fa * _u(rng, 0.8, 0.95)
        else:
            lo, hi, bend = {"hang": (3, 10, (-4, 8)), "out": (14, 30, (0, 18))}.get(
                pose, (50, 85, (10, 60))
            )
            a1 = _u(rng, lo, hi)
            a2 = min(a1 + _u(rng, *bend), 150)
        elbow = sho + towards(a1) * ua
        wrist = elbow + towards(a2) * fa
        hand_dir = towards(a2 + _u(rng, -8, 8))
    hand_dir = _unit(hand_dir)
    hand = np.array([wrist, wrist + hand_dir * hd * 0.5, wrist + hand_dir * hd])
    return np.array([sho, elbow, wrist]), hand


def _keypoints(sk: _Skeleton) -> dict[str, np.ndarray]:
    """Named OpenPose points (pixels) of the drawn body."""
    hh, head, a = sk.hh, sk.j["head"], sk.m["head_a"]
    kp = {name: sk.j[name] for name in _BODY_25 if name in sk.j}
    kp["neck"] = _v(sk.cx, sk.y["sho"] - 0.08 * hh)
    kp["mid_hip"] = (sk.j["r_hip"] + sk.j["l_hip"]) / 2
    kp["nose"] = head + _v(0, 0.17 * hh)
    for side in "rl":
        s, ankle = _SX[side], sk.j[f"{side}_ank"]
        kp[f"{side}_eye"] = head + _v(s * 0.17 * hh, 0)
        kp[f"{side}_ear"] = head + _v(s * a * 0.93, 0.04 * hh)
        kp[f"{side}_btoe"] = ankle + _v(-s * 0.02, 0.3) * hh
        kp[f"{side}_stoe"] = ankle + _v(s * 0.13, 0.27) * hh
        kp[f"{side}_heel"] = ankle + _v(0, 0.2 * hh)
    return kp


# --- garments: flat templates ------------------------------------------------------------------


@dataclass
class _Garment:
    """A garment's flat template (units), its panels, and its fabric (template pixels)."""

    category: str  # "top", "bottom", "dress"
    style: str
    label: int  # LIP label when worn
    pieces: list[np.ndarray]  # outlines of all pieces (for the canvas' extent)
    panels: dict[str, np.ndarray]  # panels pinned by a thin-plate spline: their outlines
    strips: dict[str, np.ndarray]  # panels laid along a limb: inner/outer start, inner/outer end
    marks: dict[str, np.ndarray]
    p: dict[str, float]
    neckline: np.ndarray | None = None
    back_neck: np.ndarray | None = None  # inside of the back, seen through the neckline
    scale: float = 1.0  # template pixels per unit
    umin: np.ndarray = field(default_factory=lambda: np.zeros(2))
    texture: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 3), np.float32))
    masks: dict[str, np.ndarray] = field(default_factory=dict)
    lowpass: dict[str, np.ndarray] = field(default_factory=dict)  # blurred for the worn size

    def to_px(self, pts: np.ndarray) -> np.ndarray:
        return (pts - self.umin) * self.scale


def _bodice(rng: np.random.Generator, sleeveless: bool, p: dict[str, float]) -> dict:
    """Neckline, shoulder and armhole marks of a top or dress."""
    p |= {"nw": _u(rng, 0.3, 0.42), "bw": _u(rng, 0.66, 0.82), "vneck": rng.random() < 0.25}
    if sleeveless:
        p |= {"nd": _u(rng, 0.2, 0.45), "sw": p["nw"] + _u(rng, 0.12, 0.25), "sd": 0.06}
        p["ay"] = _u(rng, 0.75, 0.9)
    else:
        p |= {"nd": _u(rng, 0.12, 0.3), "sw": _u(rng, 0.85, 1.0), "sd": 0.18}
        p["ay"] = _u(rng, 0.6, 0.72)
    marks = {"neck_c": _v(0, p["nd"]), "chest_c": _v(0, p["ay"])}
    for side in "rl":
        s = _SX[side]
        marks[f"neck_{side}"] = _v(s * p["nw"], 0)
        marks[f"shm_{side}"] = _v(s * (p["nw"] + p["sw"]) / 2, p["sd"] * 0.45)
        marks[f"sh_{side}"] = _v(s * p["sw"], p["sd"])
        marks[f"ap_{side}"] = _v(s * p["bw"], p["ay"])
        if sleeveless:  # a scooped armhole
            marks[f"arm_{side}"] = _v(s * ((p["sw"] + p["bw"]) / 2 - 0.1), (p["sd"] + p["ay"]) / 2)
    return marks


def _neck_curves(p: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """The front neckline (right to left) and the inside of the back seen through it."""
    xs = np.linspace(-p["nw"], p["nw"], 17)
    t = np.abs(xs / p["nw"])
    front = np.stack([xs, p["nd"] * ((1 - t) if p["vneck"] else (1 - t**2) ** 0.6)], 1)
    back = np.stack([xs, 0.07 * (1 - t**2)], 1)[::-1]
    return front, np.vstack([front, back])


def _outline(marks: dict[str, np.ndarray], front: np.ndarray, sides: list[str]) -> np.ndarray:
    """Neckline, the left side down to the hem, then the right side back up."""
    names = ["shm", "sh", "arm", "ap", *sides]
    left = [marks[f"{n}_l"] for n in names if f"{n}_l" in marks]
    right = [marks[f"{n}_r"] for n in names if f"{n}_r" in marks][::-1]
    hem = [marks["hem_c"]] if "hip_c" in marks else []  # a dress' hem sags in the middle
    return np.vstack([front, *left, *hem, *right])


def _sleeve_strips(rng: np.random.Generator, marks: dict, long: bool, p: dict) -> dict:
    """Flat-lay sleeves hanging from the shoulder tip and the armpit."""
    if long:
        theta, length, cuff = _u(rng, 65, 78), _u(rng, 2.1, 2.4), _u(rng, 0.28, 0.36)
    else:
        theta, length, cuff = _u(rng, 20, 40), _u(rng, 0.45, 0.8), _u(rng, 0.42, 0.55)
    p |= {"sleeve": 2.0 if long else 1.0, "sl": length}
    c, s_ = math.cos(math.radians(theta)), math.sin(math.radians(theta))
    strips = {}
    for side in "rl":
        s = _SX[side]
        outer0, inner0 = marks[f"sh_{side}"], marks[f"ap_{side}"]
        outer1 = outer0 + _v(s * c, s_) * length
        strips[f"sleeve_{side}"] = np.array(
            [inner0, outer0, outer1 + _v(-s * s_, c) * cuff, outer1]
        )
    return strips


def _top_template(rng: np.random.Generator, style: str, hem: tuple[float, float]) -> _Garment:
    """A t-shirt, long-sleeved top or tank top; ``hem`` is the range of its length."""
    p: dict[str, float] = {}
    marks = _bodice(rng, style == "tank", p)
    p |= {"hem": _u(rng, *hem), "wf": _u(rng, 0.9, 1.0), "hf": _u(rng, 0.95, 1.04)}
    for side in "rl":
        marks[f"waist_{side}"] = _v(_SX[side] * p["bw"] * p["wf"], 1.45)
        marks[f"hem_{side}"] = _v(_SX[side] * p["bw"] * p["hf"], p["hem"])
    marks |= {"waist_c": _v(0, 1.45), "hem_c": _v(0, p["hem"])}
    front, back = _neck_curves(p)
    torso = _outline(marks, front, ["waist", "hem"])
    strips = {} if style == "tank" else _sleeve_strips(rng, marks, style == "long_sleeve", p)
    pieces = [torso, *strips.values()]
    return _Garment("top", style, _UPPER, pieces, {"torso": torso}, strips, marks, p, front, back)


def _dress_template(rng: np.random.Generator, style: str) -> _Garment:
    """A sleeveless or short-sleeved dress, straight or A-line."""
    p: dict[str, float] = {}
    marks = _bodice(rng, style.startswith("sleeveless"), p)
    length, hip = _u(rng, 3.2, 4.4), _u(rng, 0.78, 0.9)
    flare = _u(rng, 0.25, 0.45) if style.endswith("aline") else _u(rng, -0.01, 0.04)
    p |= {"length": length, "flare": flare, "ww": _u(rng, 0.58, 0.7)}
    hem_w = hip + (length - 2.3) * flare
    for side in "rl":
        s = _SX[side]
        marks |= {f"waist_{side}": _v(s * p["ww"], 1.45), f"hip_{side}": _v(s * hip, 2.3)}
        marks[f"thigh_{side}"] = _v(s * (hip + hem_w) / 2, (2.3 + length) / 2)
        marks[f"hem_{side}"] = _v(s * hem_w, length)
    marks |= {"waist_c": _v(0, 1.45), "hip_c": _v(0, 2.3), "hem_c": _v(0, length + 0.3 * flare)}
    front, back = _neck_curves(p)
    torso = _outline(marks, front, ["waist", "hip", "thigh", "hem"])
    strips = {} if style.startswith("sleeveless") else _sleeve_strips(rng, marks, False, p)
    pieces = [torso, *strips.values()]
    return _Garment("dress", style, _DRESS, pieces, {"torso": torso}, strips, marks, p, front, back)


def _bottom_template(rng: np.random.Generator, style: str) -> _Garment:
    """Trousers, shorts or a skirt."""
    ww = _u(rng, 0.5, 0.62)
    hw = ww + _u(rng, 0.12, 0.2)
    p = {"ww": ww, "hw": hw, "hy": _u(rng, 0.45, 0.6), "rise": _u(rng, 0.15, 0.4)}
    marks = {"waist_c": _v(0, 0), "hip_c": _v(0, p["hy"])}
    for side in "rl":
        marks[f"waist_{side}"] = _v(_SX[side] * ww, 0)
        marks[f"hip_{side}"] = _v(_SX[side] * hw, p["hy"])
    if style == "skirt":
        length, flare = _u(rng, 1.0, 2.6), _u(rng, 0.02, 0.4)
        p |= {"length": length, "flare": flare}
        hem_w = hw + (length - p["hy"]) * flare
        for side in "rl":
            marks[f"mid_{side}"] = _v(_SX[side] * (hw + hem_w) / 2, (p["hy"] + length) / 2)
            marks[f"hem_{side}"] = _v(_SX[side] * hem_w, length)
        marks |= {"mid_c": _v(0, (p["hy"] + length) / 2), "hem_c": _v(0, length + 0.25 * flare)}
        ring = ("waist_r", "waist_l", "hip_l", "mid_l", "hem_l", "hem_c", "hem_r", "mid_r")
        outline = np.array([marks[n] for n in (*ring, "hip_r")])
        return _Garment("bottom", style, _SKIRT, [outline], {"skirt": outline}, {}, marks, p)
    cy = _u(rng, 0.85, 1.05)
    length = _u(rng, 2.8, 3.2) if style == "trousers" else _u(rng, 0.35, 0.9)
    hem = _u(rng, 0.2, 0.4) if style == "trousers" else _u(rng, 0.3, 0.45)
    p |= {"cy": cy, "length": length, "hemw": hem, "cropped": float(rng.random() < 0.15)}
    marks["crotch"] = _v(0, cy)
    strips = {}
    for side in "rl":
        s = _SX[side]
        marks[f"crl_{side}"] = _v(s * hw, cy)
        gap = 0.05 + length * _u(rng, 0.03, 0.08)  # the legs splay a little when laid flat
        inner1, outer1 = _v(s * gap, cy + length), _v(s * (gap + 2 * hem), cy + length)
        strips[f"leg_{side}"] = np.array([marks["crotch"], marks[f"crl_{side}"], inner1, outer1])
    low = _v(0, 0.06)  # the pelvis overlaps the legs a little
    pelvis = [marks[n] for n in ("waist_r", "waist_l", "hip_l", "crl_l")]
    pelvis += [marks["crl_l"] + low, marks["crotch"] + low, marks["crl_r"] + low, marks["crl_r"]]
    pelvis = np.array([*pelvis, marks["hip_r"]])
    return _Garment(
        "bottom", style, _PANTS, [pelvis, *strips.values()], {"pelvis": pelvis}, strips, marks, p
    )


# --- garments: fabric --------------------------------------------------------------------------


def _prepare(
    rng: np.random.Generator, g: _Garment, side_px: int, pattern: str, colours: list[np.ndarray]
) -> None:
    """Lay out the template canvas, rasterise the panel masks and weave the fabric."""
    pts = np.vstack(g.pieces + ([g.back_neck] if g.back_neck is not None else []))
    g.umin = pts.min(axis=0) - 0.12
    extent = pts.max(axis=0) + 0.12 - g.umin
    g.scale = side_px / float(extent.max())
    w, h = np.ceil(extent * g.scale).astype(int) + 1
    outlines = g.panels | {name: strip[[1, 3, 2, 0]] for name, strip in g.strips.items()}
    for name, outline in outlines.items():
        g.masks[name] = _fill((h, w), g.to_px(_chaikin(outline, 0.08, 2)))
    g.masks["whole"] = np.max(list(g.masks.values()), axis=0)
    if g.back_neck is not None:
        g.masks["back"] = _fill((h, w), g.to_px(g.back_neck))
    g.texture = _texture(rng, g, (h, w), pattern, colours)


def _texture(
    rng: np.random.Generator,
    g: _Garment,
    hw: tuple[int, int],
    pattern: str,
    colours: list[np.ndarray],
) -> np.ndarray:
    """The fabric over the template canvas (float RGB 0..255), construction details included."""
    h, w = hw
    ux = (np.arange(w, dtype=np.float32) / g.scale + g.umin[0])[None, :]
    uy = (np.arange(h, dtype=np.float32) / g.scale + g.umin[1])[:, None]
    aa = 1.0 / g.scale  # one template pixel in units: the antialiasing ramp
    c1, c2, c3 = (np.asarray(c, np.float32) for c in colours)
    period, duty = _u(rng, 0.16, 0.45), _u(rng, 0.3, 0.6)

    def stripes(v: np.ndarray) -> np.ndarray:
        d = np.abs(np.mod(v / period, 1.0) - duty / 2)
        return np.clip((duty / 2 - np.minimum(d, 1 - d)) * period / aa + 0.5, 0, 1)

    mix = np.zeros((h, w), np.float32)
    if pattern == "hstripes":
        mix = stripes(uy + _u(rng, 0, 1))
    elif pattern == "vstripes":
        mix = stripes(ux + period * duty / 2)
    elif pattern == "checks":
        mix = 0.5 * (stripes(uy) + stripes(ux + period * duty / 2))
    elif pattern == "dots":
        row = np.floor(uy / period)
        shift = np.mod(row, 2) * period / 2
        dot_x = (np.floor((ux - shift) / period) + 0.5) * period + shift
        dist = np.hypot(ux - dot_x, uy - (row + 0.5) * period)
        mix = np.clip((period * _u(rng, 0.18, 0.32) - dist) / aa + 0.5, 0, 1)
    elif pattern == "block":  # two colours split across, down the middle or on a diagonal
        split = _u(rng, 0.5, 1.4) if g.category != "bottom" else _u(rng, 0.3, 0.8)
        edge = [uy - split, ux, uy - split - 0.6 * ux][rng.integers(3)]
        mix = np.clip(edge / aa + 0.5, 0, 1)
    elif pattern == "gradient":
        mix = np.clip((uy - g.umin[1]) / (h * aa), 0, 1)
        c2 = np.clip(c1 * _u(rng, 0.55, 0.8) + _u(rng, 0, 60), 0, 255)
    tex = c1 + (c2 - c1) * np.broadcast_to(mix, (h, w))[..., None]
    if pattern == "logo":
        _draw_logo(rng, g, tex, c2, c3)
    if g.category == "bottom" and pattern in ("solid", "gradient") and rng.random() < 0.5:
        tex *= (1 + 0.04 * np.sin((ux + uy) * 2 * np.pi / 0.05))[..., None]  # twill
    _details(rng, g, tex)
    grain = rng.standard_normal((h // 2 + 1, w // 2 + 1), dtype=np.float32)
    grain = cv2.resize(grain, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(tex * (1 + 0.05 * grain)[..., None], 0, 255).astype(np.float32)


def _draw_logo(
    rng: np.random.Generator, g: _Garment, tex: np.ndarray, c2: np.ndarray, c3: np.ndarray
) -> None:
    """A printed rectangle on the chest with a graphic and a few letters."""
    width = _u(rng, 0.45, 0.85)
    height = width * _u(rng, 0.5, 0.9)
    centre = g.to_px(_v(0, g.p.get("nd", 0.3) + 0.25 + height / 2 + _u(rng, 0, 0.25)))
    half = np.array([width, height]) / 2 * g.scale
    p0, p1 = np.round(centre - half).astype(int), np.round(centre + half).astype(int)
    cv2.rectangle(tex, (int(p0[0]), int(p0[1])), (int(p1[0]), int(p1[1])), c2.tolist(), -1)
    ink, r = c3.tolist(), int(min(half) * 0.45)
    at = (int(centre[0]), int(centre[1] - half[1] * 0.25))
    mark = rng.integers(3)
    if mark == 0:
        cv2.circle(tex, at, r, ink, -1, cv2.LINE_AA)
    elif mark == 1:
        tri = np.array([(at[0], at[1] - r), (at[0] - r, at[1] + r), (at[0] + r, at[1] + r)])
        cv2.fillConvexPoly(tex, tri.astype(np.int32), ink, cv2.LINE_AA)
    else:
        cv2.ellipse(tex, at, (r, r // 2 + 1), _u(rng, 0, 180), 0, 360, ink, -1, cv2.LINE_AA)
    letters = "".join(chr(65 + int(i)) for i in rng.integers(0, 26, rng.integers(2, 6)))
    font = cv2.FONT_HERSHEY_DUPLEX
    text_w = cv2.getTextSize(letters, font, 1.0, 2)[0][0]
    size = 1.6 * half[0] / max(text_w, 1)
    org = (int(centre[0] - text_w * size / 2), int(p1[1] - half[1] * 0.15))
    cv2.putText(tex, letters, org, font, size, ink, max(1, round(2 * size)), cv2.LINE_AA)


def _details(rng: np.random.Generator, g: _Garment, tex: np.ndarray) -> None:
    """Collar band, seams, cuffs, hem stitching, waistband, fly and pockets."""
    shade = np.ones(tex.shape[:2], np.float32)

    def line(pts: list | np.ndarray, width: float, value: float) -> None:
        fixed = np.round(g.to_px(np.asarray(pts)) * 16).astype(np.int32)
        thickness = max(1, round(width * g.scale))
        cv2.polylines(shade, [fixed], False, value, thickness, cv2.LINE_AA, shift=4)

    stitch = _u(rng, 0.72, 0.85)
    for strip in g.strips.values():  # cuff and hem stitching
        line(strip[2:] + (strip[:2] - strip[2:]) * 0.05, 0.02, stitch)
    if g.neckline is not None:
        line(g.neckline, 0.09, _u(rng, 0.75, 0.9))
        line(g.neckline + _v(0, 0.07), 0.015, stitch)
        line(np.array([g.marks[f"hem_{n}"] for n in "rcl"]) - _v(0, 0.08), 0.015, stitch)
    if g.category == "bottom":
        band = np.array([g.marks["waist_r"], g.marks["waist_l"]])
        line(band + _v(0, 0.08), 0.16, 0.88)
        line(band + _v(0, 0.17), 0.015, stitch)
        if g.style != "skirt":
            fly = [_v(0.07, 0.17), _v(0.07, g.p["cy"] * 0.65), _v(0, g.p["cy"] * 0.8)]
            line(fly, 0.015, stitch)
            for s in (-1, 1):  # front pockets
                pocket = [_v(s * g.p["ww"] * 0.5, 0.17), _v(s * g.p["ww"] * 0.75, 0.35)]
                line([*pocket, _v(s * g.p["hw"] * 0.98, 0.45)], 0.02, stitch)
    tex *= shade[..., None]


# --- warping templates onto the body -----------------------------------------------------------


def _tube_field(
    bone: np.ndarray, xs: np.ndarray, ys: np.ndarray, sx: float
) -> tuple[np.ndarray, np.ndarray]:
    """Arc length along the (end-extended) bone chain and signed distance (+: outer side)."""
    pts = np.stack([xs.ravel(), ys.ravel()], 1)
    bone = bone.astype(np.float32)
    seg = np.diff(bone, axis=0)
    length = np.linalg.norm(seg, axis=1) + 1e-6
    dirs = seg / length[:, None]
    rel = pts[:, None, :] - bone[None, :-1]
    lo, hi = np.zeros_like(length), length.copy()
    lo[0], hi[-1] = -np.inf, np.inf
    t = np.clip(np.einsum("psk,sk->ps", rel, dirs), lo, hi)
    diff = rel - dirs[None] * t[..., None]
    dist2 = (diff**2).sum(-1)
    best = dist2.argmin(1)
    rows = np.arange(len(pts))
    outward = sx * np.stack([dirs[:, 1], -dirs[:, 0]], 1)
    side = np.einsum("pk,pk->p", diff[rows, best], outward[best])
    dist = np.sqrt(dist2[rows, best])
    ell = np.r_[0.0, np.cumsum(length)[:-1]][best] + t[rows, best]
    return ell.reshape(xs.shape), np.where(side >= 0, dist, -dist).reshape(xs.shape)


def _tube_cover(
    ell: np.ndarray, signed: np.ndarray, limb: _Limb, ends: tuple[float, float], round_ends: str
) -> tuple[np.ndarray, np.ndarray]:
    """Coverage of a tube of ``limb``'s radii between arc lengths ``ends``, and the radius at
    each pixel. ``round_ends`` names the rounded ends ("", "start", "end", "start end");
    the others are cut square (a hem, or the top of a trouser leg under the pelvis)."""
    radius = np.interp(ell, limb.ells, limb.radii)
    cov = np.ones_like(radius)
    across = signed**2
    for end, over in (("start", ends[0] - ell), ("end", ell - ends[1])):
        if end in round_ends:
            across = across + np.maximum(over, 0) ** 2
        else:
            cov *= np.clip(0.5 - over, 0, 1)
    return (cov * np.clip(radius - np.sqrt(across) + 0.5, 0, 1)).astype(np.float32), radius


@dataclass
class _TpsOp:
    """A template panel pinned to body points by a thin-plate spline."""

    panel: str
    src: np.ndarray  # template units
    dst: np.ndarray  # pixels


@dataclass
class _TubeOp:
    """A template strip laid along a limb; the fabric runs from ``tex0`` to ``ell1``."""

    strip: str
    limb: _Limb  # the limb's bones with the garment's radii
    sx: float
    ell0: float  # where the tube starts (round cap for sleeves, cut for trouser legs)
    tex0: float
    ell1: float  # the hem (cut)
    cap0: bool


def _remap(
    g: _Garment, uv: np.ndarray, layer: str, rng: np.random.Generator, hh: float
) -> tuple[np.ndarray, np.ndarray]:
    """Sample the fabric and a mask at template units ``uv`` (h, w, 2), with a soft wobble."""
    h, w = uv.shape[:2]
    wobble = np.stack([_noise(rng, h, w, 3), _noise(rng, h, w, 3)], -1) * 0.025
    px = g.to_px(uv + wobble).astype(np.float32)
    tex, mask = g.texture, g.masks[layer]
    ratio = g.scale / hh  # template pixels per picture pixel: low-pass before shrinking
    if ratio > 1.2:  # (once per garment: every panel of a sample shrinks it alike)
        for name, a in (("texture", tex), (layer, mask)):
            if name not in g.lowpass:
                g.lowpass[name] = _blur(a, 0.45 * ratio)
        tex, mask = g.lowpass["texture"], g.lowpass[layer]
    rgb = cv2.remap(tex, px[..., 0], px[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return rgb, cv2.remap(mask, px[..., 0], px[..., 1], cv2.INTER_LINEAR, borderValue=0)


def _fabric_shading(rng: np.random.Generator, cov: np.ndarray, hh: float, folds: int) -> np.ndarray:
    """Low-frequency light, darker edges and a few soft diagonal folds (a multiplier)."""
    h, w = cov.shape
    shade = 1 + 0.05 * _noise(rng, h, w, max(2, max(h, w) / hh * 1.5))
    shade *= 1 - 0.22 * np.clip(2 * (1 - _blur(cov, 0.12 * hh)), 0, 1) ** 1.5
    inside = np.argwhere(cov > 0.6)
    if len(inside) == 0 or folds == 0:
        return shade.astype(np.float32)
    dark, light = np.zeros((h, w), np.float32), np.zeros((h, w), np.float32)
    for _ in range(folds):
        centre = inside[rng.integers(len(inside))][::-1].astype(np.float64)
        ang = math.radians(_u(rng, 20, 70) * rng.choice([-1, 1]) + 90)
        d = _v(math.cos(ang), math.sin(ang)) * _u(rng, 0.25, 0.7) * hh
        beside = _v(-d[1], d[0]) / np.linalg.norm(d) * 0.07 * hh  # a lit ridge beside each fold
        for layer, off in ((dark, 0.0), (light, 1.0)):
            p0, p1 = (np.round((centre + k * d + off * beside) * 16).astype(int) for k in (-1, 1))
            cv2.line(layer, p0.tolist(), p1.tolist(), 1.0, max(1, round(0.05 * hh)), cv2.LINE_AA, 4)
    depth = _u(rng, 0.1, 0.22)
    shade *= 1 - depth * _blur(dark, 0.06 * hh) + 0.5 * depth * _blur(light, 0.06 * hh)
    return shade.astype(np.float32)


def _draw_tps(canvas: _Canvas, g: _Garment, op: _TpsOp, rng: np.random.Generator) -> None:
    """Paint a spline-pinned panel: each picture pixel looks up its template point."""
    hh = canvas.hh
    roi = _Roi.around(op.dst, 0.5 * hh, canvas.size)
    if roi is None:
        return
    ctrl = op.dst / hh
    spline = tps_fit(ctrl, op.src, normalise=False, solver="solve", zero_guard="shift")
    # The spline is smooth: evaluate it every few pixels and interpolate.
    (h, w), step = roi.shape, 4
    gy, gx = np.mgrid[0 : h + step : step, 0 : w + step : step].astype(np.float64)
    coarse = tps_eval(spline, np.stack([gx.ravel() + roi.x0, gy.ravel() + roi.y0], 1) / hh)
    fy, fx = np.mgrid[0:h, 0:w].astype(np.float32) / step
    uv = cv2.remap(coarse.reshape(*gx.shape, 2).astype(np.float32), fx, fy, cv2.INTER_LINEAR)
    rgb, cov = _remap(g, uv, op.panel, rng, hh)
    shade = _fabric_shading(rng, cov, hh, int(rng.integers(2, 6)))
    canvas.paint(roi, cov, rgb * shade[..., None], g.label, shadow=0.25)


def _draw_tube(canvas: _Canvas, g: _Garment, op: _TubeOp, rng: np.random.Generator) -> None:
    """Paint a strip along a limb: arc length runs down the strip, the outer side to its top."""
    hh = canvas.hh
    roi = _Roi.around(op.limb.bone, float(op.limb.radii.max()) + 0.1 * hh, canvas.size)
    if roi is None:
        return
    ell, signed = _tube_field(op.limb.bone, *roi.grid(), op.sx)
    ends = "start" if op.cap0 else ""
    cov, radius = _tube_cover(ell, signed, op.limb, (op.ell0, op.ell1), ends)
    f = np.clip((ell - op.tex0) / (op.ell1 - op.tex0), 0, 1)[..., None]
    u = np.clip(0.5 + 0.5 * signed / radius, 0, 1)[..., None]
    inner0, outer0, inner1, outer1 = g.strips[op.strip]
    uv = (1 - u) * (inner0 + (inner1 - inner0) * f) + u * (outer0 + (outer1 - outer0) * f)
    rgb, _ = _remap(g, uv, op.strip, rng, hh)
    shade = _fabric_shading(rng, cov, hh, int(rng.integers(1, 4)))
    shade *= 0.72 + 0.28 * np.sqrt(1 - np.clip(np.abs(signed) / radius, 0, 1) ** 2)  # a cylinder
    canvas.paint(roi, cov, rgb * shade[..., None], g.label, shadow=0.3)


# --- fitting garments to a body ----------------------------------------------------------------


def _bodice_targets(sk: _Skeleton, g: _Garment, ease: float) -> dict[str, np.ndarray]:
    """Body points for the neckline, shoulder and armhole marks of a top or dress."""
    hh, m, out = sk.hh, sk.m, {}
    sleeveless = "sleeve" not in g.p
    ap_y = sk.y["armpit"] + max(0.0, g.p["ay"] - 0.65) * hh * 0.8
    lift = _v(0, 0.02 * hh)
    for side in "rl":
        s = _SX[side]
        nx = max(g.p["nw"] * hh, m["neck"] * 1.12)
        shx = min(g.p["sw"] * hh, m["sho"] - 1.15 * m["r_sho"]) if sleeveless else m["sho"]
        out[f"neck_{side}"] = sk.on_shoulder(side, nx) - lift
        out[f"sh_{side}"] = sk.on_shoulder(side, shx) - lift
        if not sleeveless:  # the body panel covers the shoulder's top; the sleeve hangs below
            out[f"sh_{side}"] += _v(s * 0.35, 0.35) * m["r_sho"]
        out[f"shm_{side}"] = sk.on_shoulder(side, (nx + shx) / 2) - lift
        out[f"ap_{side}"] = _v(sk.cx + s * (sk.half_width(ap_y) + ease), ap_y)
        if sleeveless:
            out[f"arm_{side}"] = (out[f"sh_{side}"] + out[f"ap_{side}"]) / 2 - _v(s * 0.06 * hh, 0)
    out["neck_c"] = _v(sk.cx, sk.y["neck"] + g.p["nd"] * hh * 0.9)
    out["chest_c"] = _v(sk.cx, ap_y)
    return out


def _arm_start(arm: _Limb) -> float:
    """Where the arm's own tube begins: a little below the joint (the torso has the shoulder)."""
    return 0.1 * float(arm.ells[3])


def _sleeve_ops(sk: _Skeleton, g: _Garment, rng: np.random.Generator) -> dict[str, _TubeOp]:
    """Sleeves following the upper arm and forearm, a little looser than the arm."""
    ops, hh = {}, sk.hh
    for side in "rl":
        if f"sleeve_{side}" not in g.strips:
            continue
        arm = sk.limbs[f"{side}_arm"]
        start = _arm_start(arm)
        r0 = float(np.interp(start, arm.ells, arm.radii)) + 0.015 * hh
        if g.p["sleeve"] == 2.0:
            ells, end = np.r_[start, arm.ells[1:]], arm.length + 0.02 * hh
            radii = np.maximum(arm.radii * _u(rng, 1.12, 1.3), arm.radii + 0.025 * hh)
            radii[:2] = r0, min(radii[1], arm.radii[1] + 0.03 * hh)
        else:  # a cone of cloth opening towards the hem
            end = max(min(g.p["sl"] * hh * 0.9, 0.35 * float(arm.ells[3])), 0.3 * hh)
            ells = np.linspace(start, end, 5)
            body = np.interp(ells, arm.ells, arm.radii) + 0.02 * hh
            radii = np.maximum(body, np.linspace(r0, body[-1] * _u(rng, 1.1, 1.35), 5))
        limb = _Limb(arm.bone, ells, radii)
        ops[side] = _TubeOp(f"sleeve_{side}", limb, _SX[side], start, start, end, True)
    return ops


def _fit_top(sk: _Skeleton, g: _Garment, rng: np.random.Generator) -> list:
    """The torso panel pinned to neckline, shoulders, armpits, waist and hem, a little loose."""
    ease = _u(rng, 0.04, 0.14) * sk.hh
    dst = _bodice_targets(sk, g, ease)
    y_w = sk.y["waist"]
    y_h = sk.y["neck"] + g.p["hem"] / 1.45 * (y_w - sk.y["neck"])
    for side in "rl":
        dst[f"waist_{side}"] = _v(sk.cx + _SX[side] * (sk.half_width(y_w) + ease), y_w)
        dst[f"hem_{side}"] = _v(sk.cx + _SX[side] * (sk.half_width(y_h) + ease), y_h)
    dst |= {"waist_c": _v(sk.cx, y_w), "hem_c": _v(sk.cx, y_h)}
    return [_tps_op("torso", g, dst)]


def _fit_dress(sk: _Skeleton, g: _Garment, rng: np.random.Generator) -> list:
    """One panel from the neckline to a hem that flares out over the legs."""
    hh, ease = sk.hh, _u(rng, 0.03, 0.1) * sk.hh
    dst = _bodice_targets(sk, g, ease)
    y_w, y_hip = sk.y["waist"], sk.y["hipw"]
    y_hem = y_hip + (g.p["length"] - 2.3) * hh
    y_thigh = (y_hip + y_hem) / 2
    hip_x = sk.m["hip"] + ease + 0.02 * hh
    flared = hip_x + (g.p["length"] - 2.3) * hh * g.p["flare"] * 0.9
    hem_x = max(flared, sk.legs_reach(y_hem) + 0.05 * hh)
    thigh_x = max((hip_x + hem_x) / 2, sk.legs_reach(y_thigh) + 0.05 * hh)
    levels = {"waist": (y_w, sk.half_width(y_w) + ease), "hip": (y_hip, hip_x)}
    levels |= {"thigh": (y_thigh, thigh_x), "hem": (y_hem, hem_x)}
    for name, (y, x) in levels.items():
        dst |= {f"{name}_{side}": _v(sk.cx + _SX[side] * x, y) for side in "rl"}
    dst |= {"waist_c": _v(sk.cx, y_w), "hip_c": _v(sk.cx, y_hip)}
    dst["hem_c"] = _v(sk.cx, y_hem + 0.3 * g.p["flare"] * hh)
    return [_tps_op("torso", g, dst)]


def _fit_bottom(sk: _Skeleton, g: _Garment, rng: np.random.Generator) -> list:
    """A skirt as one panel from the waist; trousers as two leg tubes under a pelvis panel."""
    hh, y_hip = sk.hh, sk.y["hipw"]
    y_w = sk.y["waist"] + g.p["rise"] * hh
    hip_x = sk.m["hip"] + _u(rng, 0.01, 0.05) * hh
    dst = {"waist_c": _v(sk.cx, y_w), "hip_c": _v(sk.cx, y_hip)}
    for side in "rl":
        dst[f"waist_{side}"] = _v(sk.cx + _SX[side] * (sk.half_width(y_w) + 0.01 * hh), y_w)
        dst[f"hip_{side}"] = _v(sk.cx + _SX[side] * hip_x, y_hip)
    if g.style == "skirt":
        y_hem = y_w + g.p["length"] * hh
        flared = hip_x + (g.p["length"] - g.p["hy"]) * hh * g.p["flare"]
        hem_x = max(flared, sk.legs_reach(y_hem) + 0.05 * hh)
        y_mid = (y_hip + y_hem) / 2
        mid_x = max((hip_x + hem_x) / 2, sk.legs_reach(y_mid) + 0.05 * hh)
        for side in "rl":
            dst[f"mid_{side}"] = _v(sk.cx + _SX[side] * mid_x, y_mid)
            dst[f"hem_{side}"] = _v(sk.cx + _SX[side] * hem_x, y_hem)
        dst |= {"mid_c": _v(sk.cx, y_mid), "hem_c": _v(sk.cx, y_hem + 0.25 * g.p["flare"] * hh)}
        return [_tps_op("skirt", g, dst)]
    ops: list = []
    y_c = sk.y["crotch"] + 0.04 * hh
    ease = _u(rng, 1.06, 1.2)
    for side in "rl":
        leg = sk.limbs[f"{side}_leg"]
        ell_c = (y_c - leg.bone[0, 1]) / _unit(leg.bone[1] - leg.bone[0])[1]
        if g.style == "trousers":
            ell_hem = leg.length + (0.08 - 0.5 * g.p["cropped"]) * hh
        else:
            ell_hem = ell_c + g.p["length"] * hh
        ells = np.linspace(ell_c - 0.5 * hh, ell_hem, 9)
        body = np.interp(ells, leg.ells, leg.radii) * ease + 0.02 * hh
        top_r = float(np.interp(ell_c, leg.ells, leg.radii)) * ease + 0.02 * hh
        styled = np.interp(ells, [ell_c, ell_hem], [top_r, g.p["hemw"] * hh])
        pants = _Limb(leg.bone, ells, np.maximum(body, styled))
        ops.append(_TubeOp(f"leg_{side}", pants, _SX[side], ells[0], ell_c, ell_hem, False))
        centre, d = leg.at(ell_c)
        dst[f"crl_{side}"] = centre + _SX[side] * _v(d[1], -d[0]) * top_r
    dst["crotch"] = _v(sk.cx, y_c)
    return [*ops, _tps_op("pelvis", g, dst)]  # the pelvis goes over the legs' tops


def _tps_op(panel: str, g: _Garment, dst: dict[str, np.ndarray]) -> _TpsOp:
    names = [name for name in g.marks if name in dst]
    return _TpsOp(panel, np.array([g.marks[n] for n in names]), np.array([dst[n] for n in names]))


def _fit(sk: _Skeleton, g: _Garment, rng: np.random.Generator) -> tuple[list, dict]:
    """Draw operations for the garment's body (torso, legs) and for its sleeves."""
    fitter = {"top": _fit_top, "dress": _fit_dress, "bottom": _fit_bottom}[g.category]
    return fitter(sk, g, rng), _sleeve_ops(sk, g, rng)


# --- drawing the person ------------------------------------------------------------------------


@dataclass
class _Look:
    """Skin, hair and shoes of one person."""

    skin: np.ndarray
    hair: np.ndarray
    hair_style: str  # "short", "long", "bob", "bun", "afro", "buzz"
    hair_length: float  # how far long hair falls below the neck (head heights)
    fringe: bool
    strands: bool  # long hair falling in front of the shoulders
    shoes: np.ndarray


_HAIR_STYLES = ("short", "long", "bob", "bun", "afro", "buzz")


def _sample_look(rng: np.random.Generator) -> _Look:
    """Skin tone anywhere from very light to very dark; hair colour and style; shoes."""
    t = _u(rng, 0, len(_SKIN) - 1.001)
    skin = _SKIN[int(t)] + (_SKIN[int(t) + 1] - _SKIN[int(t)]) * (t % 1) + rng.uniform(-6, 6, 3)
    hair = _HAIR_RGB[rng.choice(len(_HAIR_RGB), p=_HAIR_P)]
    if rng.random() < 0.05:  # dyed
        hair = np.array(colorsys.hsv_to_rgb(rng.random(), 0.6, 0.6)) * 255
    style = _HAIR_STYLES[rng.choice(len(_HAIR_STYLES), p=[0.3, 0.3, 0.12, 0.1, 0.08, 0.1])]
    strands = style == "long" and bool(rng.random() < 0.3)
    fringe = bool(rng.random() < 0.35)
    shoes = _SHOES[rng.integers(len(_SHOES))]
    return _Look(skin, hair, style, _u(rng, 0.3, 1.6), fringe, strands, shoes)


def _paint_hair(
    canvas: _Canvas,
    rng: np.random.Generator,
    polys: list[np.ndarray],
    look: _Look,
    alpha: float = 1.0,
) -> None:
    """Hair: the union of the shapes, with strands and a sheen."""
    hh = canvas.hh
    roi = _Roi.around(np.vstack(polys), 2, canvas.size)
    if roi is None:
        return
    cov = np.max([roi.poly(poly) for poly in polys], axis=0) * alpha
    h, w = cov.shape
    noise = rng.standard_normal((h, w), dtype=np.float32)
    strands = cv2.GaussianBlur(noise, (0, 0), 0.5, sigmaY=0.12 * hh + 0.5)
    strands /= strands.std() + 1e-6
    edge = np.clip(2 * (1 - _blur(cov, 0.08 * hh)), 0, 1)
    shade = (1 + 0.12 * strands) * (1 - 0.3 * edge) * (1 + 0.15 * _noise(rng, h, w, 3))
    canvas.paint(roi, cov, look.hair * shade[..., None] + 6, _HAIR, 0.2)


def _hair_cap(sk: _Skeleton, look: _Look, rng: np.random.Generator) -> np.ndarray:
    """The hair over the skull: an ellipse above a hairline that drops at the temples."""
    hc, a, b = sk.j["head"], sk.m["head_a"], sk.m["head_b"]
    part = _u(rng, -0.15, 0.15)
    high = 0.35 if look.fringe else (0.75 if look.hair_style == "buzz" else 0.6)
    t = np.linspace(np.pi, 2 * np.pi, 25)  # over the top, right to left
    top = np.stack([hc[0] + a * 1.08 * np.cos(t), hc[1] + b * 1.07 * np.sin(t) - 0.03 * sk.hh], 1)
    x = np.linspace(1.02, -1.02, 21)  # the hairline, left to right
    temples = np.maximum(0.0, np.abs(x) - 0.72) / 0.3
    y = -high * b + part * x * b + temples * (high + 0.1) * b
    return np.vstack([top, np.stack([hc[0] + x * a, hc[1] + y], 1)])


def _draw_head(canvas: _Canvas, sk: _Skeleton, look: _Look, rng: np.random.Generator) -> None:
    """Ears, face and features, then the hair over them."""
    hh, hc, a, b, skin = sk.hh, sk.j["head"], sk.m["head_a"], sk.m["head_b"], look.skin
    for s in (-1, 1):
        ear = _ellipse(hc + _v(s * a * 0.97, 0.05 * hh), (0.075 * hh, 0.13 * hh), 20)
        canvas.polygon(ear, skin * 0.93, _FACE, 0.3)
    t = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    jaw = 1 - 0.22 * np.maximum(0, np.sin(t)) ** 2
    canvas.polygon(
        np.stack([hc[0] + a * np.cos(t) * jaw, hc[1] + b * np.sin(t)], 1),
        skin,
        _FACE,
        0.22,
        shadow=0.35,
    )
    for s in (-1, 1):
        eye = hc + _v(s * 0.17 * hh, 0)
        canvas.polygon(
            _ellipse(eye, (0.075 * hh, 0.035 * hh), 16), np.full(3, 225.0), None, 0.1, alpha=0.5
        )
        canvas.polygon(
            _ellipse(eye, (0.045 * hh, 0.045 * hh), 12), np.array([38, 28, 26.0]), None, 0
        )
        brow = (
            eye + np.array([(-0.09, -0.085), (0.09, -0.095), (0.09, -0.125), (-0.09, -0.12)]) * hh
        )
        canvas.polygon(brow, look.hair * 0.7, None, 0.0, alpha=0.85)
    canvas.polygon(
        _ellipse(hc + _v(0, 0.19 * hh), (0.06 * hh, 0.03 * hh), 12),
        skin * 0.78,
        None,
        0.0,
        alpha=0.5,
    )
    lips = skin * 0.7 + np.array([40, 5, 5])
    canvas.polygon(
        _ellipse(hc + _v(0, 0.31 * hh), (0.1 * hh, 0.028 * hh), 16), lips, None, 0.1, alpha=0.9
    )
    hair = [_hair_cap(sk, look, rng)]
    if look.hair_style == "bun":
        hair.append(_ellipse(hc + _v(0, -b * 1.05), (0.21 * hh, 0.18 * hh)))
    if look.hair_style == "bob" or look.strands:  # locks beside the face, or over the shoulders
        bottom = hc[1] + (0.75 * b if look.hair_style == "bob" else look.hair_length * hh + 0.9 * b)
        for s in (-1, 1):
            lock = [hc + _v(s * a * 0.5, -0.9 * b), hc + _v(s * a * 1.12, -0.35 * b)]
            lock += [_v(hc[0] + s * a * 1.2, bottom), _v(hc[0] + s * a * 0.85, bottom)]
            hair.append(_chaikin(np.array([*lock, hc + _v(s * a * 0.8, 0.1 * b)]), 0.2, 2))
    _paint_hair(canvas, rng, hair, look, 0.75 if look.hair_style == "buzz" else 1.0)


def _draw_hair_back(canvas: _Canvas, sk: _Skeleton, look: _Look, rng: np.random.Generator) -> None:
    """Hair seen behind the head and the shoulders (long hair, afro)."""
    hc, a, b, hh = sk.j["head"], sk.m["head_a"], sk.m["head_b"], sk.hh
    if look.hair_style == "afro":
        _paint_hair(canvas, rng, [_ellipse(hc + _v(0, -0.1 * hh), (a * 1.55, b * 1.3))], look)
    elif look.hair_style == "long":
        end = sk.y["neck"] + look.hair_length * hh
        t = np.linspace(np.pi, 2 * np.pi, 20)
        top = np.stack([hc[0] + a * 1.12 * np.cos(t), hc[1] + b * 1.08 * np.sin(t)], 1)
        fall = [(1.2, hc[1] + 0.4 * b), (1.35, end - 0.2 * hh), (1.0, end)]
        fall = [_v(hc[0] + k * a, y) for k, y in fall] + [
            _v(hc[0] - k * a, y) for k, y in fall[::-1]
        ]
        _paint_hair(canvas, rng, [_chaikin(np.vstack([top, fall]), 0.2, 2)], look)


def _draw_shoes(canvas: _Canvas, sk: _Skeleton, look: _Look) -> None:
    hh = sk.hh
    for side in "rl":
        s, ankle = _SX[side], sk.j[f"{side}_ank"]
        heel = _ellipse(ankle + _v(s * 0.03, 0.15) * hh, (0.15 * hh, 0.13 * hh))
        toe = _ellipse(ankle + _v(s * 0.08, 0.27) * hh, (0.18 * hh, 0.095 * hh))
        hull = cv2.convexHull(np.vstack([heel, toe]).astype(np.float32))[:, 0]
        canvas.polygon(hull.astype(np.float64), look.shoes, _SHOE[side], 0.35, shadow=0.2)


def _draw_arm(
    canvas: _Canvas, sk: _Skeleton, side: str, look: _Look, sleeves: list, rng: np.random.Generator
) -> None:
    """Arm skin, the sleeves on it, then the hand, in front of whatever they cross."""
    hh, arm = sk.hh, sk.limbs[f"{side}_arm"]
    canvas.limb(arm, look.skin, _ARM[side], 0.3, _arm_start(arm))
    for g, op in sleeves:
        _draw_tube(canvas, g, op, rng)
    hand = sk.limbs[f"{side}_hand"]
    canvas.limb(hand, look.skin, _ARM[side], 0.25)
    d = _unit(hand.bone[1] - hand.bone[0])
    inward = -_SX[side] * _v(d[1], -d[0])  # the thumb is on the body's side
    thumb = hand.bone[0] + np.outer([0.1, 0.32], d) * hh + np.outer([0.06, 0.13], inward) * hh
    canvas.limb(
        _Limb(thumb, np.array([0.0, 1.0]), np.full(2, 0.045 * hh)), look.skin * 0.97, _ARM[side]
    )


def _render_person(
    rng: np.random.Generator, sk: _Skeleton, look: _Look, layers: list[tuple[_Garment, list, dict]]
) -> _Canvas:
    """Paint the person back to front; ``layers`` are their garments, innermost first."""
    canvas = _Canvas(sk.size, sk.hh)
    _draw_hair_back(canvas, sk, look, rng)
    for side in "rl":
        canvas.limb(sk.limbs[f"{side}_leg"], look.skin, _LEG[side])
    _draw_shoes(canvas, sk, look)
    canvas.polygon(sk.torso_polygon(), look.skin, _NECK, 0.3)
    hc, hh = sk.j["head"], sk.hh
    bone = np.array([hc + _v(0, 0.3 * hh), _v(sk.cx, sk.y["neck"] + 0.1 * hh)])
    neck = _Limb(bone, np.array([0.0, 1.0 * hh]), np.array([0.95, 1.08]) * sk.m["neck"])
    canvas.limb(neck, look.skin * 0.96, _NECK)
    for g, ops, _ in layers:
        for op in ops:
            (_draw_tps if isinstance(op, _TpsOp) else _draw_tube)(canvas, g, op, rng)
    for side in sorted("rl", key=lambda s: sk.poses[s] == "across"):  # crossing arm in front
        sleeves = [(g, sl[side]) for g, _, sl in layers if side in sl]
        _draw_arm(canvas, sk, side, look, sleeves, rng)
    _draw_head(canvas, sk, look, rng)
    return canvas


def _backdrop(
    rng: np.random.Generator, size: tuple[int, int], white: bool, pale_subject: bool = False
) -> np.ndarray:
    """A studio sweep: a light colour, a gentle vertical gradient and (tinted) a vignette.

    A white one turns a cool light grey behind a pale subject, as a photographer would make
    it (and as backdrop segmentation needs)."""
    width, height = size
    if white and pale_subject:
        base = _u(rng, 184, 194) + np.array([0.0, 5.0, 15.0]) + rng.uniform(-2, 2, 3)
    elif white:
        base = np.full(3, _u(rng, 236, 252)) + rng.uniform(-3, 3, 3)
    else:
        base = np.array(colorsys.hsv_to_rgb(rng.random(), _u(rng, 0, 0.12), _u(rng, 0.78, 0.96)))
        base *= 255
    ys = np.arange(height, dtype=np.float32)[:, None] / height
    xs = np.arange(width, dtype=np.float32)[None, :] / width
    grad = (1 + _u(rng, -0.06, 0.04) * (ys - 0.5)) * np.ones_like(xs)
    if not white:
        grad *= 1 - _u(rng, 0.03, 0.1) * ((xs - 0.5) ** 2 + (ys - 0.45) ** 2) * 2
    return base.astype(np.float32) * grad[..., None]


def _finish(rng: np.random.Generator, image: np.ndarray, sigma: float, noise: float) -> np.ndarray:
    """Lens softness and sensor noise; RGB uint8."""
    image = _blur(image, sigma) if sigma > 0 else image
    grain = rng.standard_normal(image.shape[:2], dtype=np.float32)  # luminance noise
    image = image + noise * grain[..., None]
    return np.clip(image + 0.5, 0, 255).astype(np.uint8)


def _compose(rng: np.random.Generator, canvas: _Canvas, sk: _Skeleton) -> np.ndarray:
    """The person over the backdrop, with their shadows, under a directional light."""
    (width, height), hh = sk.size, sk.hh
    bg = _backdrop(rng, sk.size, False)
    shift = np.float32([[1, 0, _u(rng, -0.15, 0.15) * hh], [0, 1, 0.08 * hh]])
    halo = cv2.warpAffine(_blur(canvas.alpha, 0.35 * hh), shift, sk.size)
    floor = np.zeros((height, width), np.float32)
    feet = (sk.j["r_ank"] + sk.j["l_ank"]) / 2 + _v(0, 0.33 * hh)
    spread = abs(sk.j["l_ank"][0] - sk.j["r_ank"][0]) / 2
    axes = (int(0.8 * hh + spread), int(0.14 * hh) + 1)
    cv2.ellipse(floor, (int(feet[0]), int(feet[1])), axes, 0, 0, 360, 1.0, -1)
    bg *= (1 - 0.12 * halo - 0.3 * _blur(floor, 0.12 * hh))[..., None]
    ys = np.arange(height, dtype=np.float32)[:, None]
    xs = np.arange(width, dtype=np.float32)[None, :]
    light = 1 + _u(rng, -0.08, 0.08) * (xs - sk.cx) / width + 0.05 * (0.5 - ys / height)
    image = bg * (1 - canvas.alpha[..., None]) + canvas.rgb * light[..., None]
    return _finish(rng, image, 0.45, 1.6)


# --- the product shot --------------------------------------------------------------------------


def _product_shot(
    rng: np.random.Generator, g: _Garment, size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The garment alone, ghost-mannequin style, centred on a near-white backdrop; its mask."""
    width, height = size
    tex, alpha = g.texture, g.masks["whole"]
    if "back" in g.masks:  # the inside of the back shows through the neckline
        x, y, w, h = cv2.boundingRect((g.masks["back"] > 0).astype(np.uint8))
        sl = np.s_[y : y + h, x : x + w]
        back = (g.masks["back"][sl] * (1 - alpha[sl]))[..., None]
        inner = np.array(cv2.mean(tex, (alpha > 0.5).astype(np.uint8))[:3]) * _u(rng, 0.45, 0.65)
        ramp = np.linspace(0.8, 1.1, h, dtype=np.float32)[:, None, None]  # darker deep inside
        tex, alpha = tex.copy(), alpha.copy()
        tex[sl] = tex[sl] * (1 - back) + inner * ramp * back
        alpha[sl] = np.maximum(alpha[sl], back[..., 0])
    x, y, w, h = cv2.boundingRect((alpha > 0.5).astype(np.uint8))
    lo, hi = np.array([x, y], np.float64), np.array([x + w, y + h], np.float64)
    k = min(_u(rng, 0.6, 0.8) * height / h, 0.88 * width / w)
    # Shrink by area averaging (fine stripes do not alias), then place it with a slight tilt.
    small = cv2.resize(np.dstack([tex, alpha]), None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    ang = math.radians(_u(rng, -2, 2))
    rot = np.array([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]])
    target = _v(width / 2, height / 2) + rng.uniform(-0.02, 0.02, 2) * size
    affine = np.hstack([rot, (target - rot @ ((lo + hi) / 2 * k))[:, None]])
    placed = cv2.warpAffine(small, affine, size, flags=cv2.INTER_LINEAR)
    cover = placed[..., 3]
    shade = _fabric_shading(rng, cover, 0.6 * g.scale * k, int(rng.integers(1, 4)))
    garment = placed[..., :3] * (0.35 + 0.65 * shade)[..., None]
    pale = float((garment[cover > 0.5].min(axis=-1) > 190).mean()) > 0.2  # much white fabric
    bg = _backdrop(rng, size, True, pale)
    lift = np.float32([[1, 0, 0.008 * width], [0, 1, 0.012 * height]])
    shadow = cv2.warpAffine(_blur(cover, 0.02 * height), lift, size)  # lying on the floor
    bg *= (1 - _u(rng, 0.08, 0.16) * shadow)[..., None]
    image = bg * (1 - cover[..., None]) + garment * cover[..., None]
    return _finish(rng, image, 0.0, 1.0), np.where(cover > 0.5, 255, 0).astype(np.uint8)


# --- one sample --------------------------------------------------------------------------------


@dataclass
class _Sample:
    """One person photo with its parse map and keypoints, and the product shot with its mask."""

    person: np.ndarray  # (H, W, 3) uint8
    parse: np.ndarray  # (H, W) uint8 LIP labels
    cloth: np.ndarray  # (H, W, 3) uint8
    cloth_mask: np.ndarray  # (H, W) uint8 0/255
    keypoints: list[tuple[float, float, float] | None]  # BODY_25; None: not in the picture


_PATTERNS = ("solid", "hstripes", "vstripes", "checks", "dots", "logo", "block", "gradient")


def _make_garment(rng: np.random.Generator, category: str, side_px: int, main: bool) -> _Garment:
    """A random garment of ``category``; the ``main`` one (the product) gets bolder fabric."""
    if category == "top":
        style = ("tshirt", "long_sleeve", "tank")[rng.choice(3, p=[0.45, 0.3, 0.25])]
        # A top worn over the product bottom is short, so that the bottom shows.
        g = _top_template(rng, style, (2.05, 2.45) if main else (2.0, 2.2))
    elif category == "bottom":
        g = _bottom_template(
            rng, ("trousers", "shorts", "skirt")[rng.choice(3, p=[0.45, 0.25, 0.3])]
        )
    else:
        sleeves = "sleeveless" if rng.random() < 0.5 else "short_sleeve"
        g = _dress_template(rng, sleeves + ("_aline" if rng.random() < 0.5 else "_sheath"))
    if main:
        p = np.array([0.22, 0.13, 0.1, 0.1, 0.1, 0.12 * (category != "bottom"), 0.11, 0.12])
        pattern = _PATTERNS[rng.choice(len(_PATTERNS), p=p / p.sum())]
        c1 = _garment_colour(rng)
        c2 = np.full(3, 245.0 if c1.mean() < 128 else 25.0)  # often white or black on it
        colours = [c1, c2 if rng.random() < 0.4 else _garment_colour(rng), _garment_colour(rng)]
    else:
        pattern = ("solid", "hstripes", "checks", "gradient")[rng.choice(4, p=[0.7, 0.1, 0.1, 0.1])]
        colours = [_EVERYDAY[rng.integers(len(_EVERYDAY))] + rng.uniform(-10, 10, 3) for _ in "abc"]
    _prepare(rng, g, side_px, pattern, colours)
    return g


def _make_sample(seed: int, code: int, index: int, size: tuple[int, int]) -> _Sample:
    """Sample ``index`` of category ``code`` (0 top, 1 bottom, 2 dress)."""
    rng = np.random.default_rng([seed, code, index])
    category = ("top", "bottom", "dress")[code]
    sk = _sample_skeleton(rng, size, crop=category == "top" and rng.random() < 0.2)
    look = _sample_look(rng)
    side_px = max(256, size[1])
    main = _make_garment(rng, category, side_px, main=True)
    worn = [main]  # innermost first
    if category == "top":
        under = _make_garment(rng, "bottom", side_px, main=False)
        worn = [main, under] if rng.random() < 0.1 else [under, main]
    elif category == "bottom":
        over = _make_garment(rng, "top", side_px, main=False)
        worn = [over, main] if rng.random() < 0.4 else [main, over]
    layers = [(g, *_fit(sk, g, rng)) for g in worn]
    canvas = _render_person(rng, sk, look, layers)
    person = _compose(rng, canvas, sk)
    cloth, cloth_mask = _product_shot(rng, main, size)
    named = _keypoints(sk)
    keypoints: list[tuple[float, float, float] | None] = []
    for name in _BODY_25:
        x, y = named[name]
        seen = 0 <= x < size[0] and 0 <= y < size[1]
        keypoints.append((float(x), float(y), _u(rng, 0.8, 0.95)) if seen else None)
    return _Sample(person, canvas.labels, cloth, cloth_mask, keypoints)


# --- writers -----------------------------------------------------------------------------------


def _save_jpeg(path: Path, array: np.ndarray) -> None:
    Image.fromarray(array).save(path, quality=95)


def _save_labels(path: Path, labels: np.ndarray) -> None:
    image = Image.fromarray(labels, mode="P")
    image.putpalette(_PALETTE + [0] * (768 - len(_PALETTE)))
    image.save(path)


def _write_note(
    out_dir: Path, layout: str, command: str, seed: int, count: int, size: tuple[int, int]
) -> None:
    (out_dir / "SYNTHETIC.md").write_text(
        "# Synthetic try-on data\n\n"
        "Every image here is procedurally generated by `synthetic.people`: the\n"
        "people, garments and product shots are drawn from random shapes and textures. No\n"
        "photograph and no real person went into it, so the data is free to use, modify and\n"
        "redistribute without restriction.\n\n"
        f"- layout: {layout}\n- samples: {count}\n- size: {size[0]}x{size[1]}\n"
        f"- seed: {seed}\n- made by: `{command}`\n\n"
        "The same command, seed and size make the same data again.\n"
    )


def write_viton_hd(
    out_dir: Path,
    count: int,
    *,
    seed: int = 0,
    size: tuple[int, int] = (192, 256),
    split: str = "train",
) -> None:
    """Write ``count`` paired top samples in the VITON-HD layout under ``out_dir``.

    ``size`` is (width, height). Keypoints are OpenPose BODY_25 pixels, parse maps LIP labels
    in palette PNGs, cloth masks 0/255 JPEGs.
    """
    base = Path(out_dir) / split
    for folder in ("image", "cloth", "cloth-mask", "openpose_json", "image-parse-v3"):
        (base / folder).mkdir(parents=True, exist_ok=True)
    lines = []
    for index in range(count):
        sample, stem = _make_sample(seed, 0, index, size), f"{index:05d}_00"
        _save_jpeg(base / "image" / f"{stem}.jpg", sample.person)
        _save_jpeg(base / "cloth" / f"{stem}.jpg", sample.cloth)
        _save_jpeg(base / "cloth-mask" / f"{stem}.jpg", sample.cloth_mask)
        _save_labels(base / "image-parse-v3" / f"{stem}.png", sample.parse)
        flat = [round(v, 3) for p in sample.keypoints for v in (p or (0.0, 0.0, 0.0))]
        pose = {"version": 1.3, "people": [{"pose_keypoints_2d": flat}]}
        (base / "openpose_json" / f"{stem}_keypoints.json").write_text(json.dumps(pose))
        lines.append(f"{stem}.jpg {stem}.jpg\n")
    (Path(out_dir) / f"{split}_pairs.txt").write_text("".join(lines))
    command = (
        f"python -m synthetic.people --layout viton-hd --out {out_dir} "
        f"--count {count} --seed {seed} --size {size[0]}x{size[1]} --split {split}"
    )
    _write_note(Path(out_dir), f"VITON-HD ({split} split, tops)", command, seed, count, size)


def write_dress_code(
    out_dir: Path, count_per_category: int, *, seed: int = 0, size: tuple[int, int] = (192, 256)
) -> None:
    """Write ``count_per_category`` samples of each DressCode category under ``out_dir``.

    Ids run over upper body, then lower body, then dresses. Keypoints are COCO-18 in the
    384x512 reference frame, label maps DressCode labels in palette PNGs.
    """
    out_dir, (width, height) = Path(out_dir), size
    all_lines = []
    for code, folder in enumerate(_DRESS_CODE_FOLDERS):
        base = out_dir / folder
        for sub in ("images", "keypoints", "label_maps"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        lines = []
        for index in range(count_per_category):
            sample = _make_sample(seed, code, index, size)
            ident = f"{code * count_per_category + index:06d}"
            _save_jpeg(base / "images" / f"{ident}_0.jpg", sample.person)
            _save_jpeg(base / "images" / f"{ident}_1.jpg", sample.cloth)
            _save_labels(base / "label_maps" / f"{ident}_4.png", _LIP_TO_DRESS_CODE[sample.parse])
            points = []
            for number, body in enumerate(_COCO_FROM_BODY_25):
                p = sample.keypoints[body]
                xy = (
                    [round(p[0] * 384 / width, 3), round(p[1] * 512 / height, 3)] if p else [-1, -1]
                )
                points.append([*xy, round(p[2], 3) if p else 0, number])
            (base / "keypoints" / f"{ident}_2.json").write_text(json.dumps({"keypoints": points}))
            lines.append(f"{ident}_0.jpg {ident}_1.jpg")
            all_lines.append(f"{ident}_0.jpg {ident}_1.jpg {code}")
        (base / "train_pairs.txt").write_text("".join(f"{line}\n" for line in lines))
    (out_dir / "train_pairs.txt").write_text("".join(f"{line}\n" for line in all_lines))
    command = (
        f"python -m synthetic.people --layout dress-code --out {out_dir} "
        f"--count {count_per_category} --seed {seed} --size {width}x{height}"
    )
    layout = "DressCode (samples per category)"
    _write_note(out_dir, layout, command, seed, count_per_category, size)


def main(argv: list[str] | None = None) -> None:
    """Command line: write a synthetic data set in one of the two layouts."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--layout", choices=("viton-hd", "dress-code"), required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, required=True, help="dress-code: per category")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", default="192x256", help="WIDTHxHEIGHT")
    parser.add_argument("--split", default="train", help="viton-hd: the split to write")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    started = time.perf_counter()
    if args.layout == "viton-hd":
        write_viton_hd(args.out, args.count, seed=args.seed, size=(width, height), split=args.split)
    else:
        write_dress_code(args.out, args.count, seed=args.seed, size=(width, height))
    total = args.count * (1 if args.layout == "viton-hd" else 3)
    print(f"wrote {total} samples to {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
