"""Procedural try-on pairs: synthetic people wearing synthetic garments (free to redistribute).

Each sample draws a front-facing figure from a random skeleton (proportions, arm and leg
poses, skin tone, hair, backdrop), a garment from a parametric template with a procedural
print (solid, stripes, checks, dots, a chest graphic, colour blocks), its product shot on a
light backdrop, and the same garment worn: the template's landmarks are carried onto the
body by a thin-plate spline (sleeves and legs along their bones), plus a random smooth
displacement (fabric is not rigid), fold shading and forearms in front of the torso.

Written in the VITON-HD or DressCode layout so the normal readers train on it:
``python -m tryon_worker.data.synthetic_people --layout viton-hd --out DIR --count N``.
No real person, photo or product is involved: the default checkpoint is trained on this.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from tryon_worker.data.example import BODY_KEYPOINTS, KP

# OpenPose indices of our keypoints (BODY_25 and COCO-18), for writing the layouts.
_BODY_25 = (0, 1, 5, 2, 6, 3, 7, 4, 12, 9, 13, 10, 14, 11)
_COCO_18 = (0, 1, 5, 2, 6, 3, 7, 4, 11, 8, 12, 9, 13, 10)
# Label values: (VITON-HD LIP, DressCode).
_LABELS = {
    "hair": (2, 2),
    "face": (13, 11),
    "neck": (10, 11),
    "garment_top": (5, 4),
    "garment_dress": (6, 7),
    "pants": (9, 6),
    "skirt": (12, 5),
    "left_arm": (14, 14),
    "right_arm": (15, 15),
    "left_leg": (16, 12),
    "right_leg": (17, 13),
}
SKIN_TONES = (
    (255, 224, 196),
    (234, 192, 160),
    (205, 150, 115),
    (160, 110, 80),
    (110, 75, 55),
    (80, 55, 40),
)


@dataclass
class Body:
    """A drawn figure: keypoints (14, 3) in pixels, limb thickness and body widths."""

    keypoints: np.ndarray
    shoulder_half: float
    hip_half: float
    limb: float
    skin: tuple[int, int, int]

    def at(self, name: str) -> np.ndarray:
        """The (x, y) of a keypoint."""
        return self.keypoints[KP[name], :2]


@dataclass
class Garment:
    """A garment template: product shot, mask and landmarks (product-shot pixels)."""

    category: str  # top, bottom, dress
    kind: str
    rgb: np.ndarray
    mask: np.ndarray
    landmarks: dict[str, np.ndarray]
    pieces: dict[str, np.ndarray]  # piece name -> (4, 2) quad or polygon in the product shot


def sample(rng: np.random.Generator, category: str, size: tuple[int, int]) -> dict:
    """One pair: person image, parse labels (LIP and DressCode), keypoints, product shot."""
    width, height = size
    body = _body(rng, size, full_length=category != "top" or rng.random() < 0.6)
    garment = _garment(rng, category, size)
    canvas = _backdrop(rng, size)
    labels = np.zeros((height, width, 2), dtype=np.uint8)
    _draw_figure(canvas, labels, body, rng, category)
    worn, worn_mask = _wear(garment, body, rng, size)
    label = {"top": "garment_top", "dress": "garment_dress"}.get(category)
    if category == "bottom":
        label = "skirt" if garment.kind == "skirt" else "pants"
    canvas[worn_mask] = worn[worn_mask]
    labels[worn_mask] = _LABELS[label]
    if category != "bottom":
        _forearms_in_front(canvas, labels, body, worn_mask, rng)
    canvas = cv2.GaussianBlur(canvas, (0, 0), 0.5)
    noise = rng.normal(0, 2.0, canvas.shape)
    person = np.clip(canvas + noise, 0, 255).astype(np.uint8)
    return {
        "person": person,
        "labels": labels,
        "keypoints": body.keypoints,
        "garment": garment.rgb,
        "garment_mask": garment.mask,
    }


# --- bodies --------------------------------------------------------------------------------


def _body(rng: np.random.Generator, size: tuple[int, int], full_length: bool) -> Body:
    width, height = size
    # Head top to ankles spans ~90% of a full-length frame; head-to-thigh frames zoom in.
    stature = height * (rng.uniform(0.82, 0.92) if full_length else rng.uniform(1.35, 1.6))
    top = height * rng.uniform(0.03, 0.07)
    cx = width * rng.uniform(0.44, 0.56)
    unit = stature / 8.0  # one head height
    shoulder_half = unit * rng.uniform(0.85, 1.05)
    hip_half = unit * rng.uniform(0.6, 0.85)
    lean = rng.uniform(-0.03, 0.03)
    points = {}
    points["nose"] = (cx, top + 0.6 * unit)
    points["neck"] = (cx, top + 1.45 * unit)
    shoulder_y = top + 1.6 * unit
    hip_y = top + 4.0 * unit * rng.uniform(0.95, 1.05)
    for side, sign in (("left", 1), ("right", -1)):
        shoulder = np.array((cx + sign * shoulder_half, shoulder_y + rng.uniform(-2, 2)))
        points[f"{side}_shoulder"] = shoulder
        out = np.radians(rng.uniform(4, 35))
        upper = 1.45 * unit
        elbow = shoulder + upper * np.array((sign * np.sin(out), np.cos(out)))
        bend = out + np.radians(rng.uniform(-50, 25)) * (1 if rng.random() < 0.8 else -1)
        wrist = elbow + 1.25 * unit * np.array((sign * np.sin(bend), np.cos(bend)))
        points[f"{side}_elbow"], points[f"{side}_wrist"] = elbow, wrist
        hip = np.array((cx + sign * hip_half * 0.75 + lean * unit, hip_y))
        spread = np.radians(rng.uniform(0, 8))
        knee = hip + 1.95 * unit * np.array((sign * np.sin(spread), np.cos(spread)))
        ankle = knee + 1.9 * unit * np.array((sign * np.sin(spread) * 0.5, 1.0))
        points[f"{side}_hip"], points[f"{side}_knee"], points[f"{side}_ankle"] = hip, knee, ankle
    keypoints = np.zeros((len(BODY_KEYPOINTS), 3), dtype=np.float32)
    for name, point in points.items():
        x, y = point
        inside = 0 <= x < width and 0 <= y < height
        keypoints[KP[name]] = (x, y, rng.uniform(0.8, 0.95) if inside else 0.0)
    skin = np.array(SKIN_TONES[rng.integers(len(SKIN_TONES))], dtype=float)
    skin = tuple(np.clip(skin * rng.uniform(0.92, 1.06), 0, 255).astype(int).tolist())
    return Body(keypoints, shoulder_half, hip_half, 0.42 * unit * rng.uniform(0.85, 1.1), skin)


def _backdrop(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    base = rng.uniform(170, 250, 3)
    tint = rng.uniform(-25, 10, 3)
    ramp = np.linspace(0, 1, height)[:, None, None]
    return np.broadcast_to(base + tint * ramp, (height, width, 3)).astype(np.float32).copy()


def _draw_figure(
    canvas: np.ndarray, labels: np.ndarray, body: Body, rng: np.random.Generator, category: str
) -> None:
    skin = body.skin
    limb = body.limb
    # Legs (skin), then whatever the person wears that is not the garment being tried on.
    for side in ("left", "right"):
        _capsules(
            canvas,
            labels,
            body,
            (f"{side}_hip", f"{side}_knee", f"{side}_ankle"),
            limb * 1.25,
            skin,
            f"{side}_leg",
        )
    torso = _torso_polygon(body)
    _fill(canvas, labels, torso, skin, "neck")
    if category != "bottom":
        colour = _colour(rng)
        bottom = np.array(
            [
                body.at("right_hip") - (body.hip_half * 0.55, 0),
                body.at("left_hip") + (body.hip_half * 0.55, 0),
                body.at("left_knee") + (limb * 0.8, 0),
                body.at("right_knee") - (limb * 0.8, 0),
            ]
        )
        _fill(canvas, labels, bottom, colour, "pants")
        for side in ("left", "right"):
            _capsules(
                canvas, labels, body, (f"{side}_hip", f"{side}_knee"), limb * 1.35, colour, "pants"
            )
    else:
        colour = _colour(rng)
        _fill(canvas, labels, torso, colour, "garment_top")
    for side in ("left", "right"):
        _capsules(
            canvas,
            labels,
            body,
            (f"{side}_shoulder", f"{side}_elbow", f"{side}_wrist"),
            limb,
            skin,
            f"{side}_arm",
        )
        if category == "bottom":
            _capsules(
                canvas,
                labels,
                body,
                (f"{side}_shoulder", f"{side}_elbow"),
                limb * 1.1,
                colour,
                "garment_top",
            )
    neck_top, neck = body.at("nose") + (0, 0.3 * body.shoulder_half), body.at("neck")
    cv2.line(canvas, _pt(neck_top), _pt(neck), skin, max(2, round(limb * 0.9)))
    cv2.line(labels, _pt(neck_top), _pt(neck), _LABELS["neck"], max(2, round(limb * 0.9)))
    head = body.at("nose") - (0, 0.1 * body.shoulder_half)
    axes = (round(0.42 * body.shoulder_half), round(0.55 * body.shoulder_half))
    hair = _colour(rng, dark=True)
    cv2.ellipse(
        canvas,
        _pt(head - (0, 0.12 * body.shoulder_half)),
        (round(axes[0] * 1.12), round(axes[1] * 1.05)),
        0,
        0,
        360,
        hair,
        -1,
    )
    cv2.ellipse(
        labels,
        _pt(head - (0, 0.12 * body.shoulder_half)),
        (round(axes[0] * 1.12), round(axes[1] * 1.05)),
        0,
        0,
        360,
        _LABELS["hair"],
        -1,
    )
    cv2.ellipse(canvas, _pt(head + (0, 0.05 * body.shoulder_half)), axes, 0, 0, 360, skin, -1)
    cv2.ellipse(
        labels, _pt(head + (0, 0.05 * body.shoulder_half)), axes, 0, 0, 360, _LABELS["face"], -1
    )
    eye_y = head[1] + 0.05 * body.shoulder_half
    for dx in (-0.17, 0.17):
        cv2.circle(
            canvas,
            _pt((head[0] + dx * body.shoulder_half, eye_y)),
            max(1, round(0.04 * body.shoulder_half)),
            (40, 30, 30),
            -1,
        )


def _torso_polygon(body: Body) -> np.ndarray:
    return np.array(
        [
            body.at("right_shoulder") - (body.limb * 0.4, 0),
            body.at("left_shoulder") + (body.limb * 0.4, 0),
            body.at("left_hip") + (body.hip_half * 0.45, 0),
            body.at("right_hip") - (body.hip_half * 0.45, 0),
        ]
    )


def _forearms_in_front(
    canvas: np.ndarray, labels: np.ndarray, body: Body, worn: np.ndarray, rng: np.random.Generator
) -> None:
    # Redraw the forearm skin on top only where the garment does not cover it (its sleeve).
    for side in ("left", "right"):
        layer = np.zeros(canvas.shape[:2], np.uint8)
        cv2.line(
            layer,
            _pt(body.at(f"{side}_elbow")),
            _pt(body.at(f"{side}_wrist")),
            1,
            max(2, round(body.limb)),
        )
        cv2.circle(layer, _pt(body.at(f"{side}_wrist")), max(2, round(body.limb * 0.7)), 1, -1)
        front = (layer > 0) & ~_sleeve_cover(worn, body, side)
        canvas[front] = body.skin
        labels[front] = _LABELS[f"{side}_arm"]


def _sleeve_cover(worn: np.ndarray, body: Body, side: str) -> np.ndarray:
    near = np.zeros(worn.shape, np.uint8)
    cv2.line(
        near,
        _pt(body.at(f"{side}_shoulder")),
        _pt(body.at(f"{side}_elbow")),
        1,
        max(2, round(body.limb * 1.6)),
    )
    return worn & (near > 0)


# --- garments ------------------------------------------------------------------------------


def _garment(rng: np.random.Generator, category: str, size: tuple[int, int]) -> Garment:
    width, height = size
    texture = _texture(rng, size)
    cx, top = width / 2, height * rng.uniform(0.1, 0.16)
    marks: dict[str, np.ndarray] = {}
    pieces: dict[str, np.ndarray] = {}
    if category == "bottom":
        kind = ("trousers", "shorts", "skirt")[rng.integers(3)]
        waist = width * rng.uniform(0.2, 0.26)
        length = height * (0.75 if kind == "trousers" else 0.38 if kind == "shorts" else 0.5)
        bottom = top + length
        marks["left_waist"], marks["right_waist"] = (
            np.array((cx + waist, top)),
            np.array((cx - waist, top)),
        )
        if kind == "skirt":
            flare = waist * rng.uniform(1.15, 1.5)
            pieces["torso"] = np.array(
                [(cx - waist, top), (cx + waist, top), (cx + flare, bottom), (cx - flare, bottom)]
            )
        else:
            crotch = top + length * (0.28 if kind == "trousers" else 0.6)
            marks["crotch"] = np.array((cx, crotch))
            leg = waist * (0.85 if kind == "trousers" else 1.0)
            pieces["left_leg"] = np.array(
                [
                    (cx, top),
                    (cx + waist, top),
                    (cx + waist * 1.05, bottom),
                    (cx + waist * 1.05 - leg, bottom),
                    (cx, crotch),
                ]
            )
            pieces["right_leg"] = pieces["left_leg"] * (-1, 1) + (2 * cx, 0)
            for side, sign in (("left", 1), ("right", -1)):
                marks[f"{side}_hem"] = np.array((cx + sign * (waist * 1.05 - leg / 2), bottom))
    else:
        kind = ("tshirt", "longsleeve", "tank")[rng.integers(3)] if category == "top" else "dress"
        shoulder = width * rng.uniform(0.2, 0.25)
        body_half = shoulder * rng.uniform(0.88, 1.0)
        length = height * (rng.uniform(0.48, 0.6) if category == "top" else rng.uniform(0.75, 0.82))
        armpit_y = top + height * 0.16
        hem_y = top + length
        hem_half = body_half * (rng.uniform(1.2, 1.5) if category == "dress" else 1.0)
        neck_half, neck_depth = shoulder * 0.35, height * rng.uniform(0.02, 0.08)
        torso = [
            (cx - neck_half, top),
            (cx, top + neck_depth),
            (cx + neck_half, top),
            (cx + shoulder, top + height * 0.02),
            (cx + body_half, armpit_y),
            (cx + hem_half, hem_y),
            (cx - hem_half, hem_y),
            (cx - body_half, armpit_y),
            (cx - shoulder, top + height * 0.02),
        ]
        pieces["torso"] = np.array(torso)
        marks["neck"] = np.array((cx, top))
        for side, sign in (("left", 1), ("right", -1)):
            marks[f"{side}_shoulder"] = np.array((cx + sign * shoulder, top + height * 0.02))
            marks[f"{side}_armpit"] = np.array((cx + sign * body_half, armpit_y))
            marks[f"{side}_hem"] = np.array((cx + sign * hem_half, hem_y))
            if kind in ("tshirt", "longsleeve", "dress") and not (
                kind == "dress" and rng.random() < 0.5
            ):
                sleeve = height * (0.36 if kind == "longsleeve" else 0.11)
                direction = np.array((sign * 0.75, 0.66))
                root_a, root_b = marks[f"{side}_shoulder"], marks[f"{side}_armpit"]
                pieces[f"{side}_sleeve"] = np.array(
                    [
                        root_a,
                        root_a + direction * sleeve,
                        root_b + direction * sleeve * 0.92,
                        root_b,
                    ]
                )
                marks[f"{side}_sleeve_end"] = (root_a + root_b) / 2 + direction * sleeve * 0.96
    mask = np.zeros((height, width), np.uint8)
    for polygon in pieces.values():
        cv2.fillPoly(mask, [np.round(polygon).astype(np.int32)], 1)
    backdrop = np.full((height, width, 3), rng.uniform(238, 255), np.float32)
    shadow = cv2.GaussianBlur(np.roll(mask, (3, 3), (0, 1)).astype(np.float32), (0, 0), 4)
    backdrop *= (1 - 0.08 * shadow)[..., None]
    rgb = np.where(mask[..., None] > 0, texture, backdrop)
    return Garment(category, kind, np.clip(rgb, 0, 255).astype(np.uint8), mask > 0, marks, pieces)


def _texture(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    a, b = _colour(rng), _colour(rng)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    kind = rng.integers(7)
    period = rng.uniform(8, 22)
    if kind == 0:
        pick = np.zeros_like(xs)
    elif kind == 1:
        pick = (ys // period) % 2
    elif kind == 2:
        pick = (xs // period) % 2
    elif kind == 3:
        pick = ((xs // period) + (ys // period)) % 2
    elif kind == 4:
        pick = (
            ((xs % period) - period / 2) ** 2 + ((ys % period) - period / 2) ** 2
            < (period / 4) ** 2
        ).astype(np.float32)
    elif kind == 5:
        pick = (xs > width * rng.uniform(0.4, 0.6)).astype(np.float32)
    else:
        pick = np.clip((ys / height - 0.2) * 1.5, 0, 1)
    texture = a * (1 - pick[..., None]) + b * pick[..., None]
    if rng.random() < 0.35:  # a chest graphic
        x0, y0 = width * rng.uniform(0.38, 0.45), height * rng.uniform(0.25, 0.32)
        w, h = width * rng.uniform(0.1, 0.2), height * rng.uniform(0.06, 0.12)
        cv2.rectangle(texture, _pt((x0, y0)), _pt((x0 + w, y0 + h)), _colour(rng), -1)
        cv2.circle(texture, _pt((x0 + w / 2, y0 + h / 2)), max(2, round(h / 3)), _colour(rng), -1)
    return texture.astype(np.float32)


def _colour(rng: np.random.Generator, dark: bool = False) -> tuple[int, int, int]:
    if dark:
        return tuple(int(v) for v in rng.uniform(15, 110, 3))
    hsv = np.uint8([[[rng.integers(180), rng.integers(0, 256), rng.integers(30, 256)]]])
    return tuple(int(v) for v in cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0])


# --- wearing -------------------------------------------------------------------------------


def _wear(
    garment: Garment, body: Body, rng: np.random.Generator, size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The product shot carried onto the body: colour and coverage in the person's frame."""
    width, height = size
    source_pts, target_pts = _correspondences(garment, body, rng)
    map_x, map_y = _tps_map(target_pts, source_pts, size)
    # Fabric is not rigid: a smooth random displacement of a pixel or two.
    for array in (map_x, map_y):
        noise = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 12)
        array += noise / max(float(np.abs(noise).max()), 1e-6) * rng.uniform(0.5, 2.5)
    pieces = {
        name: polygon
        for name, polygon in garment.pieces.items()
        if "sleeve" not in name and "leg" not in name
    }
    colour = np.zeros((height, width, 3), np.float32)
    coverage = np.zeros((height, width), bool)
    if pieces:
        mask = np.zeros(garment.mask.shape, np.uint8)
        for polygon in pieces.values():
            cv2.fillPoly(mask, [np.round(polygon).astype(np.int32)], 1)
        _paint(colour, coverage, garment.rgb, mask, map_x, map_y)
    for name, polygon in garment.pieces.items():
        if "sleeve" in name or "leg" in name:
            side = name.split("_")[0]
            quad = _limb_quad(garment, body, name, side)
            if quad is None:
                continue
            source = polygon[:4].astype(np.float32) if "sleeve" in name else _leg_source(polygon)
            matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), source)
            grid = np.stack(np.meshgrid(np.arange(width), np.arange(height)), -1).astype(np.float32)
            mapped = cv2.perspectiveTransform(grid.reshape(-1, 1, 2), matrix).reshape(
                height, width, 2
            )
            mask = np.zeros(garment.mask.shape, np.uint8)
            cv2.fillPoly(mask, [np.round(polygon).astype(np.int32)], 1)
            _paint(colour, coverage, garment.rgb, mask, mapped[..., 0], mapped[..., 1])
    shading = _folds(rng, size)
    return np.clip(colour * shading[..., None], 0, 255), coverage


def _paint(colour, coverage, rgb, mask, map_x, map_y) -> None:
    sampled = cv2.remap(rgb.astype(np.float32), map_x, map_y, cv2.INTER_LINEAR)
    inside = cv2.remap(mask.astype(np.float32), map_x, map_y, cv2.INTER_LINEAR) > 0.5
    colour[inside] = sampled[inside]
    coverage |= inside


def _correspondences(garment: Garment, body: Body, rng: np.random.Generator):
    marks = garment.landmarks
    jitter = lambda: rng.normal(0, body.limb * 0.08, 2)  # noqa: E731 - a tiny local helper
    pairs: list[tuple[np.ndarray, np.ndarray]] = []
    if garment.category == "bottom":
        waist_y = (body.at("left_hip")[1] + body.at("right_hip")[1]) / 2 - body.limb * 0.6
        for side, sign in (("left", 1), ("right", -1)):
            target = np.array((body.at(f"{side}_hip")[0] + sign * body.hip_half * 0.5, waist_y))
            pairs.append((marks[f"{side}_waist"], target + jitter()))
        g_height = marks["left_waist"][1]
        scale = (pairs[0][1][0] - pairs[1][1][0]) / (
            marks["left_waist"][0] - marks["right_waist"][0]
        )
        for name in ("crotch",):
            if name in marks:
                pairs.append(
                    (
                        marks[name],
                        np.array(
                            (body.at("neck")[0], waist_y + (marks[name][1] - g_height) * scale)
                        ),
                    )
                )
        if "crotch" not in marks:  # a skirt: its hem corners hang below, flared
            for side in ("left", "right"):
                hem = marks[f"{side}_hem"]
                pairs.append(
                    (
                        hem,
                        np.array(
                            (
                                pairs[0][1][0] + (hem[0] - marks["left_waist"][0]) * scale,
                                waist_y + (hem[1] - g_height) * scale,
                            )
                        ),
                    )
                )
            centre = (marks["left_waist"] + marks["right_waist"]) / 2
            pairs.append((centre, np.array(((pairs[0][1][0] + pairs[1][1][0]) / 2, waist_y))))
    else:
        for side, sign in (("left", 1), ("right", -1)):
            shoulder = body.at(f"{side}_shoulder") + (sign * body.limb * 0.35, -body.limb * 0.35)
            pairs.append((marks[f"{side}_shoulder"], shoulder + jitter()))
        g_span = marks["left_shoulder"][0] - marks["right_shoulder"][0]
        scale = (pairs[0][1][0] - pairs[1][1][0]) / g_span
        anchor_g = (marks["left_shoulder"] + marks["right_shoulder"]) / 2
        anchor_b = (pairs[0][1] + pairs[1][1]) / 2
        for name in ("neck", "left_armpit", "right_armpit", "left_hem", "right_hem"):
            target = anchor_b + (marks[name] - anchor_g) * scale
            if name.endswith("armpit"):
                sign = 1 if name.startswith("left") else -1
                target[0] = body.at(name.replace("armpit", "shoulder"))[0] - sign * body.limb * 0.3
            pairs.append((marks[name], target + jitter()))
    source = np.array([p[0] for p in pairs], np.float64)
    target = np.array([p[1] for p in pairs], np.float64)
    return source, target


def _limb_quad(garment: Garment, body: Body, name: str, side: str) -> np.ndarray | None:
    """Where a sleeve or a trouser leg lies on the body, as a quad matching its template."""
    polygon = garment.pieces[name]
    if "sleeve" in name:
        start, joint, end = (body.at(f"{side}_{j}") for j in ("shoulder", "elbow", "wrist"))
        root_len = np.linalg.norm(polygon[1] - polygon[0])
        g_span = garment.landmarks["left_shoulder"][0] - garment.landmarks["right_shoulder"][0]
        scale = 2 * (body.shoulder_half + body.limb * 0.35) / g_span
        length = root_len * scale
        width = body.limb * 1.35
    else:
        start, joint, end = (body.at(f"{side}_{j}") for j in ("hip", "knee", "ankle"))
        length = (
            np.linalg.norm(polygon[2] - polygon[1])
            * (body.hip_half * 2.2)
            / (garment.landmarks["left_waist"][0] - garment.landmarks["right_waist"][0])
        )
        width = body.limb * 1.7
    upper = np.linalg.norm(joint - start)
    if length <= upper:
        tip = start + (joint - start) * length / max(upper, 1e-6)
        base = start
    else:
        rest = min(length - upper, np.linalg.norm(end - joint) * 1.05)
        tip = joint + (end - joint) * rest / max(np.linalg.norm(end - joint), 1e-6)
        base = start
    along = (tip - base) / max(np.linalg.norm(tip - base), 1e-6)
    normal = np.array((-along[1], along[0]))
    if "leg" in name:
        outward = 1 if side == "left" else -1
        if normal[0] * outward < 0:
            normal = -normal
        # Template order: inner top, outer top, outer bottom, inner bottom.
        return np.array(
            [
                base - normal * width * 0.5,
                base + normal * width * 0.6,
                tip + normal * width * 0.5,
                tip - normal * width * 0.5,
            ]
        )
    outward = 1 if side == "left" else -1
    if normal[1] > 0:  # the shoulder-side edge of the sleeve is on top
        normal = -normal
    _ = outward
    # Template order: shoulder root, shoulder tip, armpit tip, armpit root.
    return np.array(
        [
            base + normal * width * 0.55,
            tip + normal * width * 0.45,
            tip - normal * width * 0.45,
            base - normal * width * 0.6,
        ]
    )


def _leg_source(polygon: np.ndarray) -> np.ndarray:
    # Leg template: centre top, outer top, outer bottom, inner bottom (the crotch point dropped).
    return np.array([polygon[0], polygon[1], polygon[2], polygon[3]], np.float32)


def _tps_map(target: np.ndarray, source: np.ndarray, size: tuple[int, int]):
    """Maps (for cv2.remap) taking each person pixel to its product-shot pixel."""
    width, height = size
    count = len(target)

    def kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        squared = ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
        return squared * np.log(squared + 1e-9)

    system = np.zeros((count + 3, count + 3))
    system[:count, :count] = kernel(target, target) + np.eye(count) * 1e-3
    system[:count, count:] = np.hstack([np.ones((count, 1)), target])
    system[count:, :count] = system[:count, count:].T
    rhs = np.zeros((count + 3, 2))
    rhs[:count] = source
    params = np.linalg.solve(system, rhs)
    small = (max(8, width // 4), max(8, height // 4))  # solve coarse, upsample: smooth anyway
    xs, ys = np.meshgrid(np.linspace(0, width - 1, small[0]), np.linspace(0, height - 1, small[1]))
    points = np.stack([xs.ravel(), ys.ravel()], 1)
    mapped = (
        kernel(points, target) @ params[:count]
        + np.hstack([np.ones((len(points), 1)), points]) @ params[count:]
    )
    mapped = mapped.reshape(small[1], small[0], 2).astype(np.float32)
    full = cv2.resize(mapped, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.ascontiguousarray(full[..., 0]), np.ascontiguousarray(full[..., 1])


def _folds(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    field = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 7)
    field /= max(float(np.abs(field).max()), 1e-6)
    return (1.0 + rng.uniform(0.05, 0.15) * field).astype(np.float32)


# --- drawing helpers -----------------------------------------------------------------------


def _pt(point) -> tuple[int, int]:
    return round(float(point[0])), round(float(point[1]))


def _fill(canvas: np.ndarray, labels: np.ndarray, polygon: np.ndarray, colour, label: str) -> None:
    cv2.fillPoly(canvas, [np.round(polygon).astype(np.int32)], colour)
    cv2.fillPoly(labels, [np.round(polygon).astype(np.int32)], _LABELS[label])


def _capsules(canvas, labels, body: Body, chain, thickness: float, colour, label: str) -> None:
    thick = max(2, round(thickness))
    for a, b in zip(chain, chain[1:], strict=False):
        cv2.line(canvas, _pt(body.at(a)), _pt(body.at(b)), colour, thick)
        cv2.line(labels, _pt(body.at(a)), _pt(body.at(b)), _LABELS[label], thick)
    for joint in chain:
        cv2.circle(canvas, _pt(body.at(joint)), thick // 2, colour, -1)
        cv2.circle(labels, _pt(body.at(joint)), thick // 2, _LABELS[label], -1)


# --- writers -------------------------------------------------------------------------------


def write_viton_hd(
    out_dir: Path,
    count: int,
    *,
    seed: int = 0,
    size: tuple[int, int] = (192, 256),
    split: str = "train",
) -> None:
    """Write ``count`` synthetic top pairs in the VITON-HD layout."""
    out_dir = Path(out_dir)
    base = out_dir / split
    for folder in ("image", "cloth", "cloth-mask", "openpose_json", "image-parse-v3"):
        (base / folder).mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    lines = []
    for index in range(count):
        item = sample(rng, "top", size)
        name = f"{index:05d}_00"
        Image.fromarray(item["person"]).save(base / "image" / f"{name}.jpg", quality=95)
        Image.fromarray(item["garment"]).save(base / "cloth" / f"{name}.jpg", quality=95)
        Image.fromarray((item["garment_mask"] * 255).astype(np.uint8)).save(
            base / "cloth-mask" / f"{name}.jpg", quality=100
        )
        flat = np.zeros((25, 3), np.float32)
        flat[list(_BODY_25)] = item["keypoints"]
        (base / "openpose_json" / f"{name}_keypoints.json").write_text(
            json.dumps({"version": 1.3, "people": [{"pose_keypoints_2d": flat.ravel().tolist()}]})
        )
        _save_labels(item["labels"][..., 0], base / "image-parse-v3" / f"{name}.png")
        lines.append(f"{name}.jpg {name}.jpg")
    (out_dir / f"{split}_pairs.txt").write_text("\n".join(lines) + "\n")
    _note(out_dir, f"--layout viton-hd --count {count} --seed {seed}")


def write_dress_code(
    out_dir: Path, count_per_category: int, *, seed: int = 0, size: tuple[int, int] = (192, 256)
) -> None:
    """Write synthetic pairs of each category in the DressCode layout."""
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed)
    all_lines = []
    index = 0
    for code, (folder, category) in enumerate(
        (("upper_body", "top"), ("lower_body", "bottom"), ("dresses", "dress"))
    ):
        base = out_dir / folder
        for sub in ("images", "keypoints", "label_maps"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        lines = []
        for _ in range(count_per_category):
            item = sample(rng, category, size)
            stem = f"{index:06d}"
            Image.fromarray(item["person"]).save(base / "images" / f"{stem}_0.jpg", quality=95)
            Image.fromarray(item["garment"]).save(base / "images" / f"{stem}_1.jpg", quality=95)
            points = []
            scale = (384 / size[0], 512 / size[1])
            for target, ours in zip(_COCO_18, range(len(BODY_KEYPOINTS)), strict=False):
                x, y, c = (float(v) for v in item["keypoints"][ours])
                points.append(
                    [x * scale[0], y * scale[1], c, target] if c > 0 else [-1, -1, 0, target]
                )
            points.sort(key=lambda p: p[3])
            known = {p[3] for p in points}
            points += [[-1, -1, 0, i] for i in range(18) if i not in known]
            points.sort(key=lambda p: p[3])
            (base / "keypoints" / f"{stem}_2.json").write_text(json.dumps({"keypoints": points}))
            _save_labels(item["labels"][..., 1], base / "label_maps" / f"{stem}_4.png")
            lines.append(f"{stem}_0.jpg {stem}_1.jpg")
            all_lines.append(f"{stem}_0.jpg {stem}_1.jpg {code}")
            index += 1
        (base / "train_pairs.txt").write_text("\n".join(lines) + "\n")
    (out_dir / "train_pairs.txt").write_text("\n".join(all_lines) + "\n")
    _note(out_dir, f"--layout dress-code --count {count_per_category} --seed {seed}")


def _save_labels(labels: np.ndarray, path: Path) -> None:
    image = Image.fromarray(labels.astype(np.uint8), mode="L").convert("P")
    image.save(path)


def _note(out_dir: Path, arguments: str) -> None:
    (out_dir / "SYNTHETIC.md").write_text(
        "# Synthetic try-on data\n\nProcedurally generated by Fitting Room "
        f"(`python -m tryon_worker.data.synthetic_people {arguments}`): drawn figures and "
        "drawn garments, no real person, photo or product. Free to redistribute.\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m tryon_worker.data.synthetic_people")
    parser.add_argument("--layout", choices=("viton-hd", "dress-code"), default="viton-hd")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", default="192x256", help="WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    if args.layout == "viton-hd":
        write_viton_hd(args.out, args.count, seed=args.seed, size=(width, height))
    else:
        write_dress_code(args.out, args.count, seed=args.seed, size=(width, height))
    print(f"wrote synthetic {args.layout} data to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
