"""Light on the skin a renderer invents: the body's rough shape, lit as the photo's skin is.

Skin restored where an old garment came off (a chest under a V-neck, shins under a dress)
is coloured from the skin around it; flat, it reads as a painted slab. Here the body is
cylinders: along the bones of the neck, arms and legs, and across the torso, so each pixel
gets the sideways part ``nx`` of its surface normal (-1 facing the picture's left edge, +1
its right) and the part ``nz`` facing the camera. The skin the photo shows on those
cylinders says how they are lit: its brightness is fitted as ``a + b * nx + c * nz`` (a
first-order light with an ambient term), and invented skin is shaded the same way, in the
person's own skin colour (their visible skin over that light), with the collarbones' relief
on a bare neckline. ``LIMB_PROFILES`` is the body's proportions for every renderer that
draws it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

from tryon_worker.renderers.photo_light import LUMA
from vision.body_frame import EXPECTED_TORSO_WIDTH, TorsoFrame
from vision.pose import LM

#: Half-widths of the limbs along their bones (share of the bone's length, half-width in
#: shoulder spans), adult proportions: a thigh rounds out above the knee, a calf swells
#: below it, an ankle is slim.
LIMB_PROFILES: dict[tuple[str, str], tuple[tuple[float, float], ...]] = {
    ("shoulder", "elbow"): ((0.0, 0.13), (1.0, 0.1)),
    ("elbow", "wrist"): ((0.0, 0.1), (1.0, 0.07)),
    ("hip", "knee"): ((0.0, 0.24), (0.5, 0.195), (0.85, 0.145), (1.0, 0.13)),
    ("knee", "ankle"): (
        (0.0, 0.12),
        (0.12, 0.127),
        (0.3, 0.135),
        (0.5, 0.122),
        (0.7, 0.1),
        (1.0, 0.075),
    ),
}
NECK_RADIUS = 0.17
#: Fewer fitting pixels than this: the default light (from the camera's side).
MIN_FIT_PIXELS = 200
#: A cylinder's side (nx = +-0.9) is kept between these shares of its brightest point.
EDGE_SHADE_LIMITS = (0.6, 0.97)
DEFAULT_EDGE_SHADE = 0.8
#: Shading is computed at most this big and resized (it is smooth).
SHADING_MAX_SIDE = 512


@dataclass(frozen=True)
class SkinLight:
    """Brightness of skin whose normal has sideways part ``nx`` and camera-facing part
    ``nz``: ``ambient + side * nx + front * nz``, relative (1.0 at its brightest)."""

    ambient: float
    side: float
    front: float

    def shading(self, nx: np.ndarray, nz: np.ndarray | None = None) -> np.ndarray:
        """The relative brightness at each normal (float32, ``nx``'s shape); without ``nz``,
        the normal is taken to lie across the picture (an upright limb's)."""
        if nz is None:
            nz = np.sqrt(np.clip(1.0 - nx * nx, 0.0, 1.0))
        return (self.ambient + self.side * nx + self.front * nz).astype(np.float32)

    @classmethod
    def default(cls) -> SkinLight:
        """Frontal light: the sides of a limb DEFAULT_EDGE_SHADE as bright as its middle."""
        return cls.bounded(0.0, 0.0, 1.0, DEFAULT_EDGE_SHADE)

    @classmethod
    def bounded(cls, ambient: float, side: float, front: float, lowest: float) -> SkinLight:
        """The light scaled to a peak of 1, with ambient light added (or taken) until its
        darker side (nx = +-0.9) is between ``lowest`` and EDGE_SHADE_LIMITS[1] of the peak."""
        values = cls(ambient, side, front).shading(np.linspace(-0.9, 0.9, 37))
        peak, darkest = float(values.max()), float(min(values[0], values[-1]))
        if peak <= 1e-6:
            return cls(1.0, 0.0, 0.0)
        target = float(np.clip(darkest / peak, lowest, EDGE_SHADE_LIMITS[1]))
        # (darkest + k) / (peak + k) = target
        k = (target * peak - darkest) / (1.0 - target)
        return cls((ambient + k) / (peak + k), side / (peak + k), front / (peak + k))


def body_normals(
    landmarks: np.ndarray,
    frame: TorsoFrame,
    shape: tuple[int, int],
    offset: tuple[int, int] = (0, 0),
    step: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The modelled body's normal at each pixel of a window (``shape`` at ``offset``, y then
    x; every ``step``-th pixel): its sideways part ``nx`` and camera-facing part ``nz``
    (float32; a limb held across the picture turns up and down, not sideways), and the
    share of the cylinder's radius it lies at (0 on a bone, 1 at the modelled outline; beyond the
    torso's outline its normal is clipped; above its shoulders and below its hips the
    share is infinite: not modelled).

    Limbs and the neck are in front of the torso where their cylinders overlap it.
    """
    xs, ys = _grid(shape, offset, step)
    sw = frame.sw
    # The torso: across its width, half the expected width at each height.
    along = (xs - frame.smid[0]) * frame.down[0] + (ys - frame.smid[1]) * frame.down[1]
    across = (xs - frame.smid[0]) * frame.lat[0] + (ys - frame.smid[1]) * frame.lat[1]
    levels, widths = zip(*EXPECTED_TORSO_WIDTH, strict=True)
    half = 0.5 * sw * np.interp(along / frame.torso, levels, widths).astype(np.float32)
    # ``lat`` points to the person's left; nx is towards the picture's right.
    sign = 1.0 if frame.lat[0] >= 0 else -1.0
    reach = across / half
    nx = np.clip(sign * reach, -0.97, 0.97).astype(np.float32)
    nz = np.sqrt(1.0 - nx * nx)
    share = np.abs(reach).astype(np.float32)
    # Above the shoulders' tops only the neck is modelled (the head is not skin to invent),
    # below the hips only the legs.
    share[(along < -0.15 * sw) | (along > 1.15 * frame.torso)] = np.inf
    best = np.full(xs.shape, np.inf, dtype=np.float32)  # limbs beat the torso where they reach
    p = {name: landmarks[index, :2].astype(np.float32) for name, index in LM.items()}
    chin = frame.smid + 0.35 * (p["nose"] - frame.smid)
    neck = ((0.0, NECK_RADIUS), (1.0, NECK_RADIUS))
    bones = [(frame.smid.astype(np.float32), chin.astype(np.float32), neck)]
    for side in ("left", "right"):
        for (j0, j1), profile in LIMB_PROFILES.items():
            bones.append((p[f"{side}_{j0}"], p[f"{side}_{j1}"], profile))
    for a, b, profile in bones:
        d = b - a
        length2 = max(float(d @ d), 1e-6)
        t = ((xs - a[0]) * d[0] + (ys - a[1]) * d[1]) / length2
        inside = (t >= 0.0) & (t <= 1.0)
        shares, radii = zip(*profile, strict=True)
        radius = np.interp(t, shares, radii).astype(np.float32) * sw
        # Signed distance from the bone, positive towards the picture's right.
        normal = np.array([d[1], -d[0]], dtype=np.float32) / np.sqrt(length2)
        if normal[0] < 0:
            normal = -normal
        signed = ((xs - a[0]) * normal[0] + (ys - a[1]) * normal[1]) / radius
        reach = np.abs(signed)
        here = inside & (reach <= 1.0) & (reach < best)
        best[here] = reach[here]
        across_limb = np.clip(signed[here], -0.97, 0.97)
        nx[here] = across_limb * normal[0]
        nz[here] = np.sqrt(1.0 - across_limb * across_limb)
        share[here] = reach[here]
    return nx, nz, share


def skin_light_fit(
    luma: np.ndarray, nx: np.ndarray, nz: np.ndarray, known: np.ndarray
) -> SkinLight:
    """How the photo's visible skin (``known``) is lit, from its brightness against its
    normals (``nx``, ``nz``: see body_normals).

    Least squares over the median brightness of 12 bins of normal, so a large patch of one
    part does not outweigh the rest and shadows, highlights and stray labels weigh little;
    too few pixels, or a light from behind: the default. The contrast is bounded
    (EDGE_SHADE_LIMITS), as the cylinders are rough.
    """
    if int(known.sum()) < MIN_FIT_PIXELS:
        return SkinLight.default()
    values, normals = luma[known].astype(np.float64), nx[known].astype(np.float64)
    facing = nz[known].astype(np.float64)
    rows, medians = [], []
    for lo, hi in itertools.pairwise(np.linspace(-1.0, 1.0, 13)):
        inside = (normals >= lo) & (normals < hi)
        if inside.sum() >= 20:
            rows.append((1.0, float(np.median(normals[inside])), float(np.median(facing[inside]))))
            medians.append(float(np.median(values[inside])))
    centres = [row[1] for row in rows]
    if len(rows) < 4 or (max(centres) - min(centres)) < 0.8:
        return SkinLight.default()
    design = np.asarray(rows)
    (ambient, side, front), *_ = np.linalg.lstsq(design, np.asarray(medians), rcond=None)
    if front <= 0.0:
        return SkinLight.default()
    return SkinLight.bounded(float(ambient), float(side), float(front), EDGE_SHADE_LIMITS[0])


@dataclass(frozen=True)
class SkinTone:
    """A person's skin: its colour under even light (RGB float32, None: no skin seen on
    the body) and the light on it."""

    colour: np.ndarray | None
    light: SkinLight


def skin_tone(
    photo: np.ndarray, skin: np.ndarray, landmarks: np.ndarray, frame: TorsoFrame
) -> SkinTone:
    """The skin colour and light of the person in a whole photo (``skin``: its skin pixels).

    Only skin on the modelled body counts (neck, arms, hands' roots, legs, a bare chest; not
    the face, whose make-up and shape are its own), read on a coarse grid: both are smooth.
    """
    step = max(1, round(max(photo.shape[:2]) / 384))
    nx, nz, share = body_normals(landmarks, frame, photo.shape[:2], step=step)
    sample = photo[::step, ::step].astype(np.float32)
    on_body = skin[::step, ::step] & (share <= 1.0)
    light = skin_light_fit(sample @ LUMA, nx, nz, on_body)
    if on_body.sum() < 20:
        return SkinTone(None, light)
    even = sample[on_body] / light.shading(nx[on_body], nz[on_body])[:, None]
    # The median: cast shadows and shine either side weigh nothing.
    return SkinTone(np.median(even, axis=0).astype(np.float32), light)


def skin_shading(
    tone: SkinTone,
    landmarks: np.ndarray,
    frame: TorsoFrame,
    shape: tuple[int, int],
    offset: tuple[int, int],
) -> np.ndarray:
    """Relative brightness (float32, about 0.6..1) of skin over the modelled body in a
    window of the photo (``shape`` at ``offset``), under the person's light.

    Computed on a grid of at most SHADING_MAX_SIDE pixels a side and resized: it is smooth.
    """
    step = max(1, int(np.ceil(max(shape) / SHADING_MAX_SIDE)))
    nx, nz, _ = body_normals(landmarks, frame, shape, offset, step)
    shade = tone.light.shading(nx, nz) * collarbones_relief(landmarks, frame, shape, offset, step)
    shade *= legs_relief(landmarks, frame, shape, offset, step)
    # The cylinders meet at seams (an arm over the torso): softened over a few pixels.
    shade = cv2.GaussianBlur(shade, (0, 0), max(1.0, 0.03 * frame.sw / step))
    return cv2.resize(shade, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)


def collarbones_relief(
    landmarks: np.ndarray,
    frame: TorsoFrame,
    shape: tuple[int, int],
    offset: tuple[int, int],
    step: int = 1,
) -> np.ndarray:
    """Brightness factor (around 1) of the collarbones and the notch between them.

    A bare neckline without them reads as a painted slab. Each collarbone runs from beside
    the notch at the neck's base out to its shoulder: lit along its top, a hollow in shade
    under it, fading out at both ends; the notch is a small shaded dip. Every ``step``-th
    pixel of the window (``shape`` at ``offset``).
    """
    xs, ys = _grid(shape, offset, step)
    sw = frame.sw
    down = frame.down.astype(np.float32)
    notch = (frame.smid + 0.06 * sw * frame.down).astype(np.float32)
    relief = np.ones(xs.shape, dtype=np.float32)
    for side in ("left", "right"):
        shoulder = landmarks[LM[f"{side}_shoulder"], :2].astype(np.float32) - 0.06 * sw * down
        start = notch + 0.1 * (shoulder - notch)
        d = shoulder - start
        length2 = max(float(d @ d), 1e-6)
        t = ((xs - start[0]) * d[0] + (ys - start[1]) * d[1]) / length2
        # Distance below the bone (along the torso's down), zero on it.
        below = (xs - start[0]) * down[0] + (ys - start[1]) * down[1]
        below -= np.clip(t, 0.0, 1.0) * float(d @ down)
        fade = np.sqrt(np.clip(np.sin(np.pi * np.clip(t, 0.0, 1.0)), 0.0, 1.0))
        ridge = 0.05 * np.exp(-(((below + 0.01 * sw) / (0.02 * sw)) ** 2))
        hollow = 0.07 * np.exp(-(((below - 0.05 * sw) / (0.035 * sw)) ** 2))
        relief *= 1.0 + fade * (ridge - hollow)
    dip = np.hypot(xs - notch[0], ys - notch[1]) / (0.035 * sw)
    relief *= 1.0 - 0.08 * np.exp(-(dip**2))
    return relief


def legs_relief(
    landmarks: np.ndarray,
    frame: TorsoFrame,
    shape: tuple[int, int],
    offset: tuple[int, int],
    step: int = 1,
) -> np.ndarray:
    """Brightness factor (around 1) of the kneecaps and the shins' crests.

    Legs invented as plain cylinders read as a mannequin's. From the front, a kneecap is a
    rounded rise catching the light, with a hollow under it beside the tendon; below, the
    shin bone's crest runs as a faint lit ridge, a little inside the leg's middle. Seen
    from the back (the person's left on the picture's left) there is neither.
    """
    xs, ys = _grid(shape, offset, step)
    relief = np.ones(xs.shape, dtype=np.float32)
    if frame.lat[0] <= 0:
        return relief
    sw = frame.sw
    p = {name: landmarks[LM[name], :2].astype(np.float32) for name in LM}
    for side, other in (("left", "right"), ("right", "left")):
        knee, ankle = p[f"{side}_knee"], p[f"{side}_ankle"]
        shin = ankle - knee
        length = float(np.hypot(*shin))
        if length < 0.2 * sw:
            continue
        down = shin / length
        # Across the shin, positive towards the other leg (the inside).
        inward = np.array([-down[1], down[0]], dtype=np.float32)
        if float((p[f"{other}_knee"] - knee) @ inward) < 0:
            inward = -inward
        along = (xs - knee[0]) * down[0] + (ys - knee[1]) * down[1]
        across = (xs - knee[0]) * inward[0] + (ys - knee[1]) * inward[1]
        cap = np.exp(-((across / (0.05 * sw)) ** 2) - ((along + 0.01 * sw) / (0.055 * sw)) ** 2)
        under = np.exp(
            -(((np.abs(across) - 0.035 * sw) / (0.03 * sw)) ** 2)
            - ((along - 0.075 * sw) / (0.03 * sw)) ** 2
        )
        t = along / length
        fade = np.clip(np.sin(np.pi * np.clip((t - 0.12) / 0.7, 0.0, 1.0)), 0.0, 1.0)
        crest = fade * np.exp(-(((across - 0.015 * sw) / (0.025 * sw)) ** 2))
        relief *= 1.0 + 0.06 * cap - 0.07 * under + 0.035 * crest
    return relief


def _grid(shape: tuple[int, int], offset: tuple[int, int], step: int) -> tuple[np.ndarray, ...]:
    """Photo x and y (float32) of every ``step``-th pixel of a window at ``offset``."""
    ys, xs = np.mgrid[0 : shape[0] : step, 0 : shape[1] : step].astype(np.float32)
    return xs + offset[1], ys + offset[0]
