"""Procedural fabric under light: pictures of cloth whose shading is known, for the shading GAN.

A worn garment's picture is its fabric (colour, print, wash) times the light on it (broad
gradients, darker sides, folds with a lit ridge beside each). Telling the two apart is what
the layered renderer needs to move the photo's folds onto a new garment without the old
print or wash showing through. Real photos carry no ground truth for it; these pictures do,
and they are drawn from nothing, so they may be redistributed.

Everything is in units of the wearer's shoulder width ``sw``: the shading network sees a
garment at ``SW_PX`` pixels per shoulder width, at training and at inference alike. Fabrics
cover what real photos throw at it: plain colours with a weave, heather, stripes and plaids
bent along the folds, prints and logos, denim twill, and acid or stone washes (blotches of
light and dark that are the fabric, not the light: the hard case).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

#: Pixels per shoulder width at which the shading network works.
SW_PX = 64
#: Largest shading it represents, as a log factor either way (about x0.5 .. x2).
MAX_LOG_SHADING = 0.7
FABRICS = ("plain", "heather", "stripes", "plaid", "print", "denim", "wash")


def fabric_features(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The network's input (4, H, W) float32 for a picture of cloth (H, W, 3 uint8) and its mask.

    Luminance as a log ratio to the garment's median, chroma as the distance from its median
    (prints differ in colour, light does not), and the mask; zero outside the mask.
    """
    inside = mask > 0.5
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    features = np.zeros((4, *mask.shape), np.float32)
    if not inside.any():
        return features
    log_luma = np.log((lab[..., 0] + 4.0) / 104.0)
    features[0] = np.where(inside, log_luma - np.median(log_luma[inside]), 0.0)
    for channel in (1, 2):
        values = lab[..., channel]
        features[channel] = np.where(inside, (values - np.median(values[inside])) / 40.0, 0.0)
    features[3] = inside
    return features


def shaded_fabric_example(rng: np.random.Generator, size: int = 96) -> dict[str, Any]:
    """One picture of shaded cloth: ``rgb`` (uint8), ``mask`` and ``log_shading`` (float32),
    and the ``fabric`` it shows (one of FABRICS).

    ``log_shading`` has zero mean inside the mask: the garment's overall brightness is its
    colour's business (the renderer matches exposure separately), only its variation is light.
    """
    outline = _garment_outline(rng, size)
    mask = _occluded(rng, outline)
    kind = FABRICS[int(rng.integers(len(FABRICS)))]
    albedo = _fabric(rng, size, kind)
    shading = _shading(rng, outline)
    image = albedo * np.exp(shading)[..., None] * rng.uniform(0.75, 1.2)
    image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.3, 0.9))
    image += rng.normal(0.0, rng.uniform(0.0, 0.02), image.shape)
    rgb = np.clip(image * 255.0, 0, 255).astype(np.uint8)
    if rng.random() < 0.7:  # shop and phone photos arrive as JPEG
        quality = int(rng.integers(55, 95))
        encoded = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])[1]
        rgb = cv2.imdecode(encoded, cv2.IMREAD_COLOR)[..., ::-1].copy()
    inside = mask > 0.5
    shading = np.where(inside, shading - shading[inside].mean(), 0.0)
    return {
        "rgb": rgb,
        "mask": mask.astype(np.float32),
        "log_shading": shading.astype(np.float32),
        "fabric": kind,
    }


# --- the garment's outline ----------------------------------------------------------------


def _garment_outline(rng: np.random.Generator, size: int) -> np.ndarray:
    """A torso-, sleeve- or leg-like piece of cloth (uint8 0/1), often running off the crop."""
    mask = np.zeros((size, size), np.uint8)
    pieces = int(rng.integers(1, 4))
    for _ in range(pieces):
        centre = rng.uniform(0.2, 0.8, 2) * size
        half = rng.uniform(0.15, 0.55, 2) * size
        angle = rng.uniform(-0.4, 0.4) + (np.pi / 2 if rng.random() < 0.2 else 0.0)
        corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float64) * half
        corners[:2, 0] *= rng.uniform(0.7, 1.3)  # tapered, like a sleeve or a trouser leg
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        polygon = corners @ rotation.T + centre
        cv2.fillPoly(mask, [np.round(polygon).astype(np.int32)], 1)
    if mask.sum() < 0.1 * size * size:
        mask[size // 4 : 3 * size // 4, size // 4 : 3 * size // 4] = 1
    return mask


def _occluded(rng: np.random.Generator, outline: np.ndarray) -> np.ndarray:
    """What shows of the cloth (soft-edged float32): sometimes an arm or a hand is in front."""
    mask = outline.copy()
    size = mask.shape[0]
    if rng.random() < 0.5:  # an arm or a hand in front of it
        start = rng.uniform(0, size, 2)
        end = start + rng.normal(0, size * 0.5, 2)
        thickness = int(rng.uniform(0.1, 0.25) * SW_PX)
        cv2.line(mask, tuple(np.round(start).astype(int)), tuple(np.round(end).astype(int)), 0,
                 thickness)  # fmt: skip
    return cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 0.7)


# --- the fabric -----------------------------------------------------------------------------


def _fabric(rng: np.random.Generator, size: int, kind: str) -> np.ndarray:
    """The cloth's own colour (no light) in 0..1, (size, size, 3) float32."""
    base = _colour(rng)
    fine = _noise(rng, size, size / rng.uniform(1.0, 3.0))
    if kind == "plain":
        albedo = base * (1 + rng.uniform(0.01, 0.05) * fine[..., None])
    elif kind == "heather":
        speckle = rng.normal(0, 1, (size, size)).astype(np.float32)
        albedo = base * (1 + rng.uniform(0.06, 0.15) * speckle[..., None])
    elif kind in ("stripes", "plaid"):
        albedo = _stripes(rng, size, base, _colour(rng))
        if kind == "plaid":
            albedo = albedo * _stripes(rng, size, np.ones(3), _colour(rng) * 0.6 + 0.4, across=True)
    elif kind == "print":
        albedo = _print(rng, size, base)
    elif kind == "denim":
        base = np.array([rng.uniform(0.1, 0.35), rng.uniform(0.2, 0.4), rng.uniform(0.4, 0.7)])
        ys, xs = np.mgrid[0:size, 0:size]
        twill = np.sin((xs + ys) * 2 * np.pi / rng.uniform(2.5, 4.0))
        fade = _noise(rng, size, rng.uniform(2, 5))
        albedo = base * (1 + 0.08 * twill[..., None]) * np.exp(0.25 * fade)[..., None]
    else:
        albedo = _wash(rng, size, base)
    return np.clip(albedo, 0.0, 1.0).astype(np.float32)


def _wash(rng: np.random.Generator, size: int, base: np.ndarray) -> np.ndarray:
    """Acid or stone wash: irregular blotches lighter or darker than the dye, same hue."""
    field = 0.6 * _noise(rng, size, rng.uniform(2, 6)) + 0.4 * _noise(rng, size, rng.uniform(6, 16))
    sharpness = rng.uniform(1.5, 5.0)  # soft clouds to crisp bleach marks
    blotch = np.tanh(sharpness * (field - rng.uniform(-0.3, 0.5)))
    strength = rng.uniform(0.2, 0.6)
    return base * np.exp(strength * blotch)[..., None]


def _stripes(
    rng: np.random.Generator, size: int, first: np.ndarray, second: np.ndarray, across=False
) -> np.ndarray:
    """Stripes bent along a smooth displacement, as printed cloth bends along its folds."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    angle = rng.choice([0.0, np.pi / 2, rng.uniform(0, np.pi)]) + (np.pi / 2 if across else 0.0)
    bend = 4.0 * _noise(rng, size, rng.uniform(1.5, 4))
    phase = xs * np.cos(angle) + ys * np.sin(angle) + bend
    period = rng.uniform(4, 30)
    duty = rng.uniform(0.2, 0.7)
    band = ((phase / period) % 1.0) < duty
    band = cv2.GaussianBlur(band.astype(np.float32), (0, 0), 0.6)[..., None]
    return first * (1 - band) + second * band


def _print(rng: np.random.Generator, size: int, base: np.ndarray) -> np.ndarray:
    """A plain ground with a logo, lettering-like bars or scattered motifs in other colours."""
    albedo = np.broadcast_to(base, (size, size, 3)).astype(np.float32).copy()
    ink = np.zeros((size, size), np.uint8)
    for _ in range(int(rng.integers(1, 12))):
        centre = tuple(int(v) for v in rng.uniform(0, size, 2))
        radius = int(rng.uniform(2, 0.25 * size))
        if rng.random() < 0.5:
            cv2.circle(ink, centre, radius, 1, -1 if rng.random() < 0.7 else 2)
        else:
            corner = tuple(int(v) for v in np.array(centre) + rng.uniform(-1, 1, 2) * radius)
            cv2.rectangle(ink, centre, corner, 1, -1 if rng.random() < 0.6 else 2)
    ink_colour = _colour(rng)
    cover = cv2.GaussianBlur(ink.astype(np.float32), (0, 0), 0.5)[..., None]
    return albedo * (1 - cover) + ink_colour * cover


def _colour(rng: np.random.Generator) -> np.ndarray:
    """A dye: from near black to near white, greys and saturated colours alike."""
    value = rng.uniform(0.04, 0.95) ** 0.8
    saturation = rng.uniform(0, 1) ** 1.5
    hue = rng.uniform(0, 1)
    rgb = cv2.cvtColor(np.array([[[hue * 360, saturation, value]]], np.float32), cv2.COLOR_HSV2RGB)[
        0, 0
    ]
    return rgb.astype(np.float32)


# --- the light --------------------------------------------------------------------------------


def _shading(rng: np.random.Generator, outline: np.ndarray) -> np.ndarray:
    """Log shading: a broad gradient, darker towards the cloth's sides, folds and creases."""
    size = outline.shape[0]
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) / size
    direction = rng.normal(0, 1, 2)
    shading = rng.uniform(0, 0.25) * ((xs - 0.5) * direction[0] + (ys - 0.5) * direction[1])
    shading += rng.uniform(0.0, 0.08) * _noise(rng, size, rng.uniform(1, 3))
    # Cloth turns away from the light towards the body's sides.
    depth = cv2.distanceTransform(outline, cv2.DIST_L2, 3) / SW_PX
    shading -= rng.uniform(0.0, 0.25) * np.clip(1 - depth / rng.uniform(0.1, 0.25), 0, 1) ** 2
    fold = np.zeros((size, size), np.float32)
    ridge = np.zeros((size, size), np.float32)
    for _ in range(int(rng.integers(0, 8))):
        start = rng.uniform(0, size, 2)
        heading = rng.normal(0, 1, 2)
        heading /= np.linalg.norm(heading) + 1e-6
        length = rng.uniform(0.2, 1.0) * SW_PX
        curve = rng.normal(0, 0.3)
        points = []
        for t in np.linspace(0, 1, 12):
            turn = np.array([[np.cos(curve * t), -np.sin(curve * t)],
                             [np.sin(curve * t), np.cos(curve * t)]])  # fmt: skip
            points.append(start + turn @ heading * length * t)
        points = np.array(points)
        width = rng.uniform(0.015, 0.08) * SW_PX
        depth_of_fold = rng.uniform(0.08, 0.5)
        line = np.zeros_like(fold)
        cv2.polylines(line, [np.round(points * 8).astype(np.int32)], False, 1.0, 1,
                      cv2.LINE_AA, shift=3)  # fmt: skip
        line = cv2.GaussianBlur(line, (0, 0), width)
        line /= max(float(line.max()), 1e-6)
        fold = np.maximum(fold, depth_of_fold * line)
        side = np.array([-heading[1], heading[0]]) * width * rng.uniform(1.5, 3.0)
        lit = np.zeros_like(fold)
        cv2.polylines(lit, [np.round((points + side) * 8).astype(np.int32)], False, 1.0, 1,
                      cv2.LINE_AA, shift=3)  # fmt: skip
        lit = cv2.GaussianBlur(lit, (0, 0), width * 1.5)
        ridge = np.maximum(ridge, 0.35 * depth_of_fold * lit / max(float(lit.max()), 1e-6))
    shading += ridge - fold
    return np.clip(shading, -MAX_LOG_SHADING, MAX_LOG_SHADING).astype(np.float32)


def _noise(rng: np.random.Generator, size: int, cells: float) -> np.ndarray:
    """Smooth noise with about ``cells`` blobs across, roughly -1..1."""
    count = max(2, round(cells) + 1)
    coarse = rng.normal(0, 1, (count, count)).astype(np.float32)
    smooth = cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)
    return np.clip(smooth / 1.5, -1.5, 1.5)
