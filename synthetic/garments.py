"""Procedural flat-lay product shots of garments for the demo catalogue.

We have no licensed product photography, so the demo storefront is filled with
synthetic "flat-lay" shots: a garment laid on a light, near-white surface,
photographed from above, with a soft drop shadow.  Everything is drawn from
vector outlines described in *garment units* (the garment is ~1 unit tall, x is
centred on 0, y grows downwards) so one description works at any output size.

Rendering pipeline (all at a supersampled resolution, then reduced with
LANCZOS so silhouettes, seams and pattern edges come out anti-aliased):

1. every garment *piece* (sleeve, body, collar, lapel...) is rasterised as a
   polygon and filled with its fabric (base colour + pattern, rotated to follow
   the piece's grain);
2. a shading field (light fall-off, soft folds, low-frequency unevenness, edge
   roll-off) modulates the fabric;
3. seams, topstitching, buttons and labels are drawn on top;
4. the result is composited, premultiplied, onto a near-white backdrop with a
   contact shadow and a soft drop shadow.

Only stdlib, numpy and Pillow are used so the module can run outside Django
(management commands, Celery tasks, tests, offline scripts).
"""

from __future__ import annotations

import colorsys
import itertools
import logging
import math
import numbers
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

logger = logging.getLogger(__name__)

__all__ = [
    "BACKGROUND_RGB",
    "KINDS",
    "PATTERNS",
    "GarmentArtSpec",
    "render_garment",
    "render_garment_mask",
]


KINDS: dict[str, tuple[str, ...]] = {
    "top": ("t-shirt", "long-sleeve", "tank-top", "shirt"),
    "bottom": ("trousers", "shorts", "skirt"),
    "dress": ("shift-dress", "a-line-dress", "maxi-dress"),
    "outerwear": ("jacket", "coat"),
}

PATTERNS: tuple[str, ...] = ("solid", "stripes", "checks", "dots", "floral")

#: Backdrop colour at the centre of the frame; corners are a touch darker.
BACKGROUND_RGB: tuple[int, int, int] = (248, 247, 245)

Point = tuple[float, float]
RGB = tuple[int, int, int]

# Fraction of the frame the garment's bounding box may occupy.  Height is the
# target (the storefront grid is portrait), width only caps very wide garments.
_HEIGHT_FILL = 0.78
_WIDTH_FILL = 0.9
# Padding (output pixels) around the garment's box for the working canvas: it
# must cover the LANCZOS kernel so nothing is clipped at the silhouette.
_WINDOW_PAD = 4
_MIN_SIZE = 16


@dataclass(frozen=True)
class GarmentArtSpec:
    """What to draw: garment category/kind, fabric colours and pattern.

    ``seed`` drives the deterministic variation (fold placement, fabric
    unevenness, pattern phase, floral layout); the silhouette itself depends
    only on ``category``/``kind`` so masks stay comparable across seeds.
    """

    category: str
    kind: str
    colour: tuple[int, int, int]
    pattern: str = "solid"
    accent: tuple[int, int, int] | None = None
    seed: int = 0

    def validate(self) -> None:
        """Raise ``ValueError`` (naming the valid choices) if the spec is unusable."""
        if self.category not in KINDS:
            raise ValueError(
                f"unknown garment category {self.category!r}; valid categories: {', '.join(KINDS)}"
            )
        kinds = KINDS[self.category]
        if self.kind not in kinds:
            raise ValueError(
                f"unknown kind {self.kind!r} for category {self.category!r}; "
                f"valid kinds: {', '.join(kinds)}"
            )
        if self.pattern not in PATTERNS:
            raise ValueError(
                f"unknown pattern {self.pattern!r}; valid patterns: {', '.join(PATTERNS)}"
            )
        _check_rgb("colour", self.colour)
        if self.accent is not None:
            _check_rgb("accent", self.accent)


def _check_rgb(name: str, value: object) -> None:
    ok = (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 3
        and all(
            isinstance(c, numbers.Integral) and not isinstance(c, bool) and 0 <= c <= 255
            for c in value
        )
    )
    if not ok:
        raise ValueError(f"{name} must be an (r, g, b) tuple of ints in 0..255, got {value!r}")


# ---------------------------------------------------------------------------
# Geometry helpers (garment units)
# ---------------------------------------------------------------------------


def _qbez(p0: Point, p1: Point, p2: Point, n: int = 14) -> list[Point]:
    """Quadratic Bézier sampled as a polyline."""
    out = []
    for t in np.linspace(0.0, 1.0, n):
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t * t
        out.append((a * p0[0] + b * p1[0] + c * p2[0], a * p0[1] + b * p1[1] + c * p2[1]))
    return out


def _cbez(p0: Point, p1: Point, p2: Point, p3: Point, n: int = 20) -> list[Point]:
    """Cubic Bézier sampled as a polyline."""
    out = []
    for t in np.linspace(0.0, 1.0, n):
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
        out.append(
            (
                a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
            )
        )
    return out


def _path(*parts: Sequence[Point]) -> list[Point]:
    """Concatenate polyline parts, dropping the duplicated joint points."""
    out: list[Point] = []
    for part in parts:
        for p in part:
            pt = (float(p[0]), float(p[1]))
            if not out or math.dist(out[-1], pt) > 1e-9:
                out.append(pt)
    return out


def _mirror(points: Sequence[Point]) -> list[Point]:
    return [(-x, y) for x, y in points]


def _symmetric(half: Sequence[Point]) -> list[Point]:
    """Close a right-half outline (centre-top -> centre-bottom) into a full outline."""
    return _path(half, _mirror(list(reversed(half))))


def _across(half: Sequence[Point]) -> list[Point]:
    """Turn a right-half open curve into a full left-to-right curve.

    The half may run either way (centre -> side or side -> centre); it is
    normalised so callers can reuse whichever outline segment they already have.
    """
    half = list(half)
    if abs(half[0][0]) > abs(half[-1][0]):
        half.reverse()
    return _path(_mirror(list(reversed(half))), half)


def _offset(points: Sequence[Point], d: float) -> list[Point]:
    """Polyline shifted sideways by ``d``; positive is to the right of travel (y down)."""
    arr = np.asarray(points, dtype=np.float64)
    tangent = np.gradient(arr, axis=0)
    norm = np.linalg.norm(tangent, axis=1, keepdims=True)
    tangent = tangent / np.maximum(norm, 1e-12)
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1)
    return [(float(x), float(y)) for x, y in arr + d * normal]


def _inset(a: Point, b: Point, toward: Point, d: float, shrink: float = 0.06) -> list[Point]:
    """Segment a-b moved ``d`` towards ``toward`` and trimmed at both ends.

    Used for hem/cuff stitching, which runs parallel to an edge a little inside it;
    trimming keeps the line from poking past slanted side edges.
    """
    ax, ay = a
    bx, by = b
    nx, ny = -(by - ay), bx - ax
    length = math.hypot(nx, ny) or 1.0
    nx, ny = nx / length, ny / length
    if (toward[0] - ax) * nx + (toward[1] - ay) * ny < 0:
        nx, ny = -nx, -ny
    pa = (ax + nx * d, ay + ny * d)
    pb = (bx + nx * d, by + ny * d)
    return [
        (pa[0] + (pb[0] - pa[0]) * shrink, pa[1] + (pb[1] - pa[1]) * shrink),
        (pb[0] + (pa[0] - pb[0]) * shrink, pb[1] + (pa[1] - pb[1]) * shrink),
    ]


def _rect(x0: float, y0: float, x1: float, y1: float) -> list[Point]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _lerp(p: Point, q: Point, t: float) -> Point:
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)


# ---------------------------------------------------------------------------
# Layout description
# ---------------------------------------------------------------------------


@dataclass
class _Piece:
    """One flat piece of fabric, drawn in list order (later pieces on top)."""

    outline: list[Point]
    # Lengthwise grain in degrees (90 = straight down).  Patterns are rotated so
    # stripes run around a sleeve rather than across it, as on real garments.
    grain: float = 90.0
    pivot: Point = (0.0, 0.0)
    # Brightness multiplier: insides of necklines / linings sit in shadow.
    tone: float = 1.0
    # Strength of the soft contact shadow this piece casts on pieces below it;
    # this is what makes collars, lapels and flaps read as separate layers.
    casts: float = 0.0
    # Plain pieces ignore the pattern: linings are a different, solid cloth.
    plain: bool = False


@dataclass
class _Fold:
    start: Point
    end: Point
    width: float
    strength: float = 1.0


@dataclass
class _Layout:
    pieces: list[_Piece] = field(default_factory=list)
    seams: list[list[Point]] = field(default_factory=list)
    stitches: list[list[Point]] = field(default_factory=list)
    folds: list[_Fold] = field(default_factory=list)
    buttons: list[tuple[Point, float]] = field(default_factory=list)
    labels: list[Point] = field(default_factory=list)
    button_style: str = "tonal"
    # Dominant direction (degrees) of the random folds added per seed: bottoms and
    # dresses hang vertically, tops crease more freely.
    fold_axis: float = 90.0
    fold_spread: float = 35.0

    def add_pair(self, half_piece: _Piece) -> None:
        """Add a right-side piece and its mirror image (sleeves, lapels, flaps)."""
        self.pieces.append(half_piece)
        self.pieces.append(
            _Piece(
                outline=_mirror(half_piece.outline),
                grain=180.0 - half_piece.grain,
                pivot=(-half_piece.pivot[0], half_piece.pivot[1]),
                tone=half_piece.tone,
                casts=half_piece.casts,
            )
        )

    def seam_pair(self, line: Sequence[Point]) -> None:
        """A seam on the right side and its mirror image."""
        self.seams.append(list(line))
        self.seams.append(_mirror(line))

    def stitch_pair(self, line: Sequence[Point]) -> None:
        self.stitches.append(list(line))
        self.stitches.append(_mirror(line))

    def fold_pair(self, start: Point, end: Point, width: float, strength: float = 1.0) -> None:
        self.folds.append(_Fold(start, end, width, strength))
        self.folds.append(_Fold((-start[0], start[1]), (-end[0], end[1]), width, -strength))

    def bounds(self) -> tuple[float, float, float, float]:
        pts = np.asarray([p for piece in self.pieces for p in piece.outline])
        return (
            float(pts[:, 0].min()),
            float(pts[:, 1].min()),
            float(pts[:, 0].max()),
            float(pts[:, 1].max()),
        )


def _stretch_x(lay: _Layout, sx: float) -> _Layout:
    """Scale a layout horizontally (outlines were sketched on a shared grid; this
    tunes a garment's width-to-length proportion without redrawing it)."""

    def pts(points: Sequence[Point]) -> list[Point]:
        return [(x * sx, y) for x, y in points]

    for piece in lay.pieces:
        piece.outline = pts(piece.outline)
        piece.pivot = (piece.pivot[0] * sx, piece.pivot[1])
        g = math.radians(piece.grain)
        piece.grain = math.degrees(math.atan2(math.sin(g), math.cos(g) * sx))
    lay.seams = [pts(line) for line in lay.seams]
    lay.stitches = [pts(line) for line in lay.stitches]
    for fold in lay.folds:
        fold.start, fold.end = pts([fold.start, fold.end])
    lay.buttons = [((x * sx, y), r) for (x, y), r in lay.buttons]
    lay.labels = pts(lay.labels)
    return lay


def _grain_of(top: Point, bottom: Point) -> float:
    return math.degrees(math.atan2(bottom[1] - top[1], bottom[0] - top[0]))


def _neck_opening(
    lay: _Layout,
    back_half: Sequence[Point],
    front_half: Sequence[Point],
    *,
    rib: float | None = None,
    label_y: float | None = None,
) -> None:
    """Inside-of-the-back visible through a front neckline, plus its finishing."""
    back = _across(back_half)
    front = list(reversed(_across(front_half)))
    lay.pieces.append(_Piece(outline=_path(back, front), tone=0.74))
    front_curve = _across(front_half)
    lay.seams.append(front_curve)
    if rib:
        # The rib band sits on the body side of the opening (below the curve).
        lay.seams.append(_offset(front_curve, rib))
        lay.stitches.append(_offset(front_curve, rib * 0.55))
    if label_y is not None:
        lay.labels.append((0.0, label_y))


# ---------------------------------------------------------------------------
# Garment outlines.  Right halves run from the top centre clockwise to the
# bottom centre; the left half is the mirror image.
# ---------------------------------------------------------------------------


def _layout_tee(long_sleeves: bool) -> _Layout:
    lay = _Layout(fold_axis=70.0, fold_spread=60.0)
    neck = (0.105, 0.0)
    shoulder = (0.265, 0.045)
    underarm = (0.30, 0.27)
    back_neck = _qbez((0.0, 0.025), (0.07, 0.025), neck)
    if long_sleeves:
        cuff_out, cuff_in = (0.445, 0.83), (0.355, 0.85)
        sleeve = _path(
            [(0.2, 0.08), shoulder],
            _qbez(shoulder, (0.39, 0.2), cuff_out),
            [cuff_in],
            _qbez(cuff_in, (0.33, 0.5), underarm),
            [(0.22, 0.2)],
        )
    else:
        cuff_out, cuff_in = (0.45, 0.25), (0.36, 0.335)
        sleeve = _path(
            [(0.2, 0.08), shoulder],
            _qbez(shoulder, (0.375, 0.095), cuff_out),
            [cuff_in, underarm, (0.22, 0.2)],
        )
    hem_mid = _lerp(cuff_out, cuff_in, 0.5)
    lay.add_pair(_Piece(sleeve, grain=_grain_of((0.29, 0.1), hem_mid), pivot=shoulder, tone=0.97))
    armhole = _qbez(shoulder, (0.255, 0.17), underarm)
    body = _path(
        back_neck,
        armhole,
        [(0.303, 0.6)],
        _qbez((0.305, 0.985), (0.15, 1.0), (0.0, 1.0)),
    )
    lay.pieces.append(_Piece(_symmetric(body), casts=0.2))
    _neck_opening(lay, back_neck, _qbez(neck, (0.1, 0.085), (0.0, 0.085)), rib=0.022, label_y=0.042)
    lay.seam_pair(armhole)
    if long_sleeves:
        lay.seam_pair(_inset(cuff_out, cuff_in, shoulder, 0.06, shrink=0.02))
        lay.stitch_pair(_inset(cuff_out, cuff_in, shoulder, 0.045, shrink=0.03))
        lay.fold_pair((0.37, 0.45), (0.41, 0.62), 0.02)
        lay.fold_pair((0.34, 0.66), (0.39, 0.74), 0.015, -0.8)
    else:
        lay.stitch_pair(_inset(cuff_out, cuff_in, shoulder, 0.024))
    lay.stitches.append(_across(_qbez((0.0, 0.975), (0.15, 0.975), (0.3, 0.96))))
    lay.fold_pair((0.27, 0.32), (0.15, 0.44), 0.03)
    lay.fold_pair((0.12, 0.6), (0.16, 0.92), 0.04, 0.6)
    return lay


def _layout_tank() -> _Layout:
    lay = _Layout(fold_axis=80.0, fold_spread=45.0)
    neck_in = (0.11, 0.0)
    strap_out = (0.185, 0.0)
    back_neck = _qbez((0.0, 0.06), (0.08, 0.06), neck_in)
    armhole = _cbez(strap_out, (0.19, 0.17), (0.235, 0.27), (0.29, 0.30))
    body = _path(
        back_neck,
        armhole,
        [(0.298, 0.62)],
        _qbez((0.305, 0.985), (0.15, 1.0), (0.0, 1.0)),
    )
    lay.pieces.append(_Piece(_symmetric(body)))
    front_half = _cbez(neck_in, (0.105, 0.14), (0.06, 0.19), (0.0, 0.19))
    _neck_opening(lay, back_neck, front_half, rib=0.014, label_y=0.078)
    lay.stitch_pair(_offset(armhole, 0.012))
    lay.stitches.append(_across(_qbez((0.0, 0.975), (0.15, 0.975), (0.3, 0.96))))
    lay.fold_pair((0.24, 0.36), (0.14, 0.5), 0.03)
    lay.fold_pair((0.1, 0.62), (0.12, 0.93), 0.04, 0.6)
    return lay


def _layout_shirt() -> _Layout:
    lay = _Layout(fold_axis=75.0, fold_spread=50.0, button_style="shirt")
    neck = (0.1, 0.0)
    shoulder = (0.27, 0.05)
    underarm = (0.305, 0.28)
    cuff_out, cuff_in = (0.45, 0.84), (0.355, 0.86)
    sleeve = _path(
        [(0.2, 0.08), shoulder],
        _qbez(shoulder, (0.39, 0.2), cuff_out),
        [cuff_in],
        _qbez(cuff_in, (0.33, 0.5), underarm),
        [(0.22, 0.2)],
    )
    lay.add_pair(
        _Piece(
            sleeve,
            grain=_grain_of((0.29, 0.1), _lerp(cuff_out, cuff_in, 0.5)),
            pivot=shoulder,
            tone=0.97,
        )
    )
    armhole = _qbez(shoulder, (0.26, 0.17), underarm)
    body = _path(
        _qbez((0.0, 0.02), (0.07, 0.02), neck),
        armhole,
        [(0.308, 0.6), (0.31, 0.88)],
        _cbez((0.31, 0.88), (0.30, 0.99), (0.14, 1.0), (0.0, 1.0)),
    )
    lay.pieces.append(_Piece(_symmetric(body), casts=0.2))
    # Inside of the collar stand at the back of the neck.
    stand = _path(
        _qbez((-0.118, -0.004), (0.0, -0.04), (0.118, -0.004)),
        _qbez((0.1, 0.022), (0.0, 0.002), (-0.1, 0.022)),
    )
    lay.pieces.append(_Piece(stand, tone=0.8))
    # Collar wings folded down over the yoke.
    wing_edge = _path(
        [(0.118, -0.006), (0.142, 0.02)], _qbez((0.142, 0.02), (0.13, 0.08), (0.1, 0.14))
    )
    wing = _path(
        [(0.004, 0.05)],
        wing_edge,
        [(0.088, 0.145)],
        _qbez((0.088, 0.145), (0.04, 0.1), (0.004, 0.068)),
    )
    lay.add_pair(_Piece(wing, tone=1.02, casts=0.35))
    lay.stitch_pair(_offset(wing_edge, 0.01)[1:])
    # Button placket and buttons.
    for x in (-0.03, 0.03):
        lay.seams.append([(x, 0.07), (x, 1.0)])
        inner_x = x - 0.007 if x > 0 else x + 0.007
        lay.stitches.append([(inner_x, 0.08), (inner_x, 0.995)])
    for y in (0.1, 0.245, 0.39, 0.535, 0.68, 0.825):
        lay.buttons.append(((0.0, y), 0.011))
    # Chest pocket on the wearer's left (viewer's right).
    pocket = [(0.1, 0.25), (0.1, 0.40), (0.1625, 0.425), (0.225, 0.40), (0.225, 0.25)]
    lay.seams.append(pocket)
    lay.stitches.append(_offset(pocket, -0.008))
    lay.stitches.append([(0.102, 0.272), (0.223, 0.272)])
    # Cuffs with a button each.
    lay.seam_pair(_inset(cuff_out, cuff_in, shoulder, 0.075, shrink=0.0))
    lay.stitch_pair(_inset(cuff_out, cuff_in, shoulder, 0.064, shrink=0.04))
    cuff_btn = _lerp(*_inset(cuff_out, cuff_in, shoulder, 0.037), 0.5)
    lay.buttons.append((cuff_btn, 0.009))
    lay.buttons.append(((-cuff_btn[0], cuff_btn[1]), 0.009))
    lay.seam_pair(armhole)
    hem = _cbez((0.31, 0.88), (0.30, 0.99), (0.14, 1.0), (0.0, 1.0))
    lay.stitches.append(_across(list(reversed(_offset(hem, 0.016)))))
    lay.fold_pair((0.28, 0.34), (0.14, 0.47), 0.03)
    lay.fold_pair((0.37, 0.45), (0.41, 0.64), 0.02)
    lay.fold_pair((0.12, 0.55), (0.17, 0.86), 0.04, 0.6)
    return lay


def _bottom_waist_details(lay: _Layout, waist_half: float, band: float, fly_len: float) -> None:
    """Waistband, belt loops, fly and button shared by trousers and shorts."""
    lay.seams.append([(-waist_half - 0.02, band), (waist_half + 0.02, band)])
    lay.stitches.append([(-waist_half, band * 0.22), (waist_half, band * 0.22)])
    lay.stitches.append([(-waist_half, band * 0.82), (waist_half, band * 0.82)])
    for x in (waist_half * 0.36, waist_half * 0.86):
        lay.add_pair(
            _Piece(_rect(x - 0.009, -0.006, x + 0.009, band + 0.012), tone=1.03, casts=0.3)
        )
    lay.buttons.append(((0.012, band * 0.5), 0.012))
    lay.seams.append([(0.0, band), (0.0, fly_len + 0.04)])
    fly = _path(
        [(0.038, band)], _qbez((0.038, fly_len - 0.03), (0.038, fly_len), (0.0, fly_len + 0.03))
    )
    lay.stitches.append(fly)


def _layout_trousers() -> _Layout:
    lay = _Layout(fold_axis=90.0, fold_spread=18.0, button_style="tonal")
    hem_out, hem_in = (0.195, 1.0), (0.045, 1.0)
    half = _path(
        [(0.0, 0.0), (0.205, 0.0), (0.215, 0.08)],
        _qbez((0.222, 0.16), (0.232, 0.3), (0.215, 0.5)),
        [hem_out, hem_in],
        _qbez(hem_in, (0.03, 0.6), (0.014, 0.37)),
        _qbez((0.014, 0.37), (0.008, 0.335), (0.0, 0.325)),
    )
    lay.pieces.append(_Piece(_symmetric(half)))
    _bottom_waist_details(lay, 0.207, 0.06, 0.24)
    pocket = _qbez((0.12, 0.06), (0.15, 0.16), (0.226, 0.18))
    lay.seam_pair(pocket)
    lay.stitch_pair(_offset(pocket, 0.01))
    lay.stitch_pair([(0.05, 0.976), (0.192, 0.976)])
    # Pressed creases down the front of each leg plus soft knee wrinkles.
    lay.fold_pair((0.117, 0.34), (0.121, 0.995), 0.008, 1.2)
    lay.fold_pair((0.07, 0.55), (0.17, 0.58), 0.025, 0.5)
    lay.fold_pair((0.06, 0.84), (0.18, 0.87), 0.02, -0.5)
    return lay


def _layout_shorts() -> _Layout:
    lay = _Layout(fold_axis=90.0, fold_spread=25.0, button_style="tonal")
    hem_out, hem_in = (0.43, 0.955), (0.045, 1.0)
    half = _path(
        [(0.0, 0.0), (0.325, 0.0), (0.34, 0.09)],
        _qbez((0.35, 0.2), (0.375, 0.5), hem_out),
        [hem_in],
        _qbez(hem_in, (0.03, 0.75), (0.02, 0.6)),
        _qbez((0.02, 0.6), (0.012, 0.56), (0.0, 0.55)),
    )
    lay.pieces.append(_Piece(_symmetric(half)))
    _bottom_waist_details(lay, 0.33, 0.09, 0.42)
    pocket = _qbez((0.19, 0.09), (0.23, 0.24), (0.355, 0.27))
    lay.seam_pair(pocket)
    lay.stitch_pair(_offset(pocket, 0.012))
    # Turned-up cuff at the leg opening.
    lay.seam_pair(_inset(hem_out, hem_in, (0.2, 0.5), 0.085, shrink=0.0))
    lay.stitch_pair(_inset(hem_out, hem_in, (0.2, 0.5), 0.07, shrink=0.04))
    lay.fold_pair((0.2, 0.5), (0.25, 0.85), 0.03, 0.7)
    return lay


def _layout_skirt() -> _Layout:
    lay = _Layout(fold_axis=90.0, fold_spread=20.0, button_style="tonal")
    band = 0.075
    hem = _qbez((0.43, 0.97), (0.22, 1.015), (0.0, 1.0))
    half = _path(
        [(0.0, 0.0), (0.24, 0.0), (0.25, band)],
        _cbez((0.25, band), (0.3, 0.4), (0.38, 0.75), (0.43, 0.97)),
        hem,
    )
    lay.pieces.append(_Piece(_symmetric(half)))
    lay.seams.append([(-0.27, band), (0.27, band)])
    lay.stitches.append([(-0.24, band * 0.2), (0.24, band * 0.2)])
    lay.stitches.append([(-0.245, band * 0.82), (0.245, band * 0.82)])
    lay.buttons.append(((0.0, band * 0.5), 0.013))
    lay.seam_pair(_qbez((0.12, band), (0.15, 0.5), (0.22, 1.0)))
    lay.stitches.append(_across(list(reversed(_offset(hem, 0.03)))))
    # Soft radiating folds give the A-line its drape.
    lay.fold_pair((0.06, 0.2), (0.09, 0.96), 0.03, 0.9)
    lay.fold_pair((0.2, 0.25), (0.32, 0.95), 0.035, -0.8)
    return lay


def _layout_shift_dress() -> _Layout:
    lay = _Layout(fold_axis=90.0, fold_spread=20.0)
    neck = (0.095, 0.0)
    shoulder = (0.185, 0.025)
    underarm = (0.225, 0.2)
    cuff_out, cuff_in = (0.305, 0.15), (0.248, 0.218)
    back_neck = _qbez((0.0, 0.022), (0.06, 0.022), neck)
    sleeve = _path(
        [(0.14, 0.05), shoulder],
        _qbez(shoulder, (0.26, 0.05), cuff_out),
        [cuff_in, underarm, (0.16, 0.15)],
    )
    lay.add_pair(
        _Piece(sleeve, grain=_grain_of((0.2, 0.08), _lerp(cuff_out, cuff_in, 0.5)), pivot=shoulder)
    )
    armhole = _qbez(shoulder, (0.18, 0.13), underarm)
    body = _path(
        back_neck,
        armhole,
        [(0.232, 0.26)],
        _qbez((0.232, 0.26), (0.21, 0.4), (0.225, 0.5)),
        [(0.26, 0.985)],
        _qbez((0.26, 0.985), (0.13, 1.0), (0.0, 1.0)),
    )
    lay.pieces.append(_Piece(_symmetric(body), casts=0.2))
    _neck_opening(lay, back_neck, _qbez(neck, (0.09, 0.09), (0.0, 0.09)), rib=0.012, label_y=0.04)
    lay.seam_pair(armhole)
    lay.stitch_pair(_inset(cuff_out, cuff_in, shoulder, 0.016))
    lay.seam_pair([(0.232, 0.27), (0.15, 0.29)])
    lay.seam_pair(_qbez((0.125, 0.33), (0.118, 0.44), (0.128, 0.56)))
    lay.stitches.append(_across(_qbez((0.0, 0.978), (0.13, 0.978), (0.255, 0.962))))
    lay.fold_pair((0.18, 0.6), (0.2, 0.95), 0.04, 0.7)
    return lay


def _layout_a_line_dress() -> _Layout:
    lay = _Layout(fold_axis=90.0, fold_spread=22.0)
    neck = (0.085, 0.0)
    shoulder = (0.15, 0.008)
    waist = (0.165, 0.36)
    back_neck = _qbez((0.0, 0.035), (0.055, 0.035), neck)
    armhole = _cbez(shoulder, (0.15, 0.1), (0.17, 0.16), (0.195, 0.175))
    hem = _qbez((0.4, 0.965), (0.2, 1.015), (0.0, 1.0))
    body = _path(
        back_neck,
        armhole,
        [(0.198, 0.22)],
        _qbez((0.198, 0.22), (0.17, 0.3), waist),
        _cbez(waist, (0.25, 0.5), (0.35, 0.75), (0.4, 0.965)),
        hem,
    )
    lay.pieces.append(_Piece(_symmetric(body)))
    _neck_opening(lay, back_neck, _qbez(neck, (0.08, 0.12), (0.0, 0.12)), rib=0.01, label_y=0.052)
    lay.stitch_pair(_offset(armhole, 0.01))
    lay.seams.append(_across(_qbez((0.0, 0.368), (0.1, 0.366), (0.17, 0.358))))
    lay.seam_pair([(0.196, 0.23), (0.12, 0.25)])
    lay.stitches.append(_across(list(reversed(_offset(hem, 0.025)))))
    for t, s in ((0.3, 0.9), (0.65, -0.9), (0.95, 0.8)):
        lay.fold_pair((t * 0.15, 0.38), (t * 0.38, 0.97), 0.028, s)
    return lay


def _layout_maxi_dress() -> _Layout:
    lay = _Layout(fold_axis=90.0, fold_spread=15.0)
    waist = (0.168, 0.29)
    hem = _qbez((0.33, 0.985), (0.16, 1.005), (0.0, 1.0))
    body = _path(
        [(0.0, 0.085), (0.095, 0.085), (0.095, 0.0), (0.115, 0.0), (0.122, 0.095)],
        _qbez((0.122, 0.095), (0.17, 0.1), (0.195, 0.14)),
        [(0.19, 0.2)],
        _qbez((0.19, 0.2), (0.17, 0.26), waist),
        _cbez(waist, (0.22, 0.5), (0.28, 0.8), (0.33, 0.985)),
        hem,
    )
    lay.pieces.append(_Piece(_symmetric(body)))
    # Back bodice seen through the V neckline.
    inner = [(-0.098, 0.085), (0.098, 0.085), (0.11, 0.097), (0.0, 0.215), (-0.11, 0.097)]
    lay.pieces.append(_Piece(inner, tone=0.74))
    lay.seam_pair([(0.11, 0.097), (0.0, 0.215)])
    lay.stitch_pair(_offset([(0.122, 0.1), (0.0, 0.228)], 0.0))
    lay.labels.append((0.0, 0.1))
    lay.seams.append(_across(_qbez((0.0, 0.3), (0.1, 0.298), (0.17, 0.288))))
    lay.seam_pair(_qbez((0.168, 0.2), (0.12, 0.215), (0.09, 0.25)))
    lay.stitches.append(_across(list(reversed(_offset(hem, 0.02)))))
    for t, s in ((0.15, 0.9), (0.45, -0.8), (0.75, 0.9), (0.97, -0.6)):
        lay.fold_pair((t * 0.16, 0.31), (t * 0.31, 0.98), 0.022, s)
    return lay


def _layout_jacket() -> _Layout:
    lay = _Layout(fold_axis=80.0, fold_spread=50.0, button_style="horn")
    shoulder = (0.29, 0.035)
    underarm = (0.315, 0.27)
    cuff_out, cuff_in = (0.46, 0.86), (0.37, 0.88)
    sleeve = _path(
        [(0.21, 0.08), shoulder],
        _qbez(shoulder, (0.41, 0.2), cuff_out),
        [cuff_in],
        _qbez(cuff_in, (0.345, 0.5), underarm),
        [(0.23, 0.2)],
    )
    lay.add_pair(
        _Piece(
            sleeve,
            grain=_grain_of((0.31, 0.1), _lerp(cuff_out, cuff_in, 0.5)),
            pivot=shoulder,
            tone=0.96,
        )
    )
    armhole = _qbez(shoulder, (0.285, 0.16), underarm)
    right = _path(
        _qbez((0.0, -0.02), (0.08, -0.02), (0.12, 0.0)),
        armhole,
        [(0.315, 0.6), (0.318, 0.985), (0.11, 1.0)],
        _qbez((0.11, 1.0), (0.0, 0.995), (-0.03, 0.93)),
    )
    left = _mirror(list(reversed(right[: right.index((0.318, 0.985)) + 1])))
    body = _path(right, _qbez((-0.03, 0.93), (-0.05, 0.99), (-0.11, 1.0)), left)
    lay.pieces.append(_Piece(body, casts=0.22))
    # Lining visible between the lapels.
    lay.pieces.append(_Piece([(-0.09, -0.005), (0.09, -0.005), (0.0, 0.4)], tone=0.55, plain=True))
    lay.labels.append((0.0, 0.035))
    lapel_edge = [(0.125, 0.0), (0.2, 0.13), (0.175, 0.15), (0.215, 0.175), (0.012, 0.415)]
    lay.add_pair(_Piece(_path([(0.088, -0.005)], lapel_edge, [(0.0, 0.4)]), tone=1.03, casts=0.35))
    lay.seam_pair([(0.175, 0.15), (0.125, 0.07)])
    lay.seam_pair(lapel_edge)
    lay.stitch_pair(_offset(lapel_edge[-2:], 0.009))
    lay.stitch_pair(_offset(lapel_edge[:2], 0.009))
    lay.seams.append(_path(_qbez((0.0, 0.4), (-0.03, 0.415), (-0.03, 0.46)), [(-0.03, 0.93)]))
    lay.buttons.extend((((0.0, 0.48), 0.017), ((0.0, 0.63), 0.017)))
    # Flap pockets and a breast welt.
    lay.add_pair(_Piece(_rect(0.12, 0.64, 0.275, 0.69), tone=1.02, casts=0.35))
    lay.pieces.append(
        _Piece([(0.15, 0.335), (0.25, 0.322), (0.252, 0.342), (0.152, 0.355)], tone=1.02, casts=0.3)
    )
    lay.seam_pair(armhole)
    cuff_line = _inset(cuff_out, cuff_in, shoulder, 0.08, shrink=0.0)
    lay.stitch_pair(cuff_line)
    for t in (0.12, 0.25, 0.38):
        p = _lerp(*_inset(cuff_out, cuff_in, shoulder, 0.05 + t * 0.2, shrink=0.0), 0.18)
        lay.buttons.append((p, 0.008))
        lay.buttons.append(((-p[0], p[1]), 0.008))
    lay.fold_pair((0.3, 0.32), (0.19, 0.45), 0.03)
    lay.fold_pair((0.38, 0.5), (0.42, 0.66), 0.02)
    return lay


def _layout_coat() -> _Layout:
    lay = _Layout(fold_axis=90.0, fold_spread=25.0, button_style="horn")
    shoulder = (0.25, 0.03)
    underarm = (0.27, 0.2)
    cuff_out, cuff_in = (0.405, 0.62), (0.325, 0.645)
    sleeve = _path(
        [(0.19, 0.06), shoulder],
        _qbez(shoulder, (0.35, 0.15), cuff_out),
        [cuff_in],
        _qbez(cuff_in, (0.3, 0.4), underarm),
        [(0.2, 0.15)],
    )
    lay.add_pair(
        _Piece(
            sleeve,
            grain=_grain_of((0.27, 0.08), _lerp(cuff_out, cuff_in, 0.5)),
            pivot=shoulder,
            tone=0.96,
        )
    )
    armhole = _qbez(shoulder, (0.245, 0.13), underarm)
    body = _path(
        _qbez((0.0, -0.015), (0.07, -0.015), (0.1, 0.0)),
        armhole,
        [(0.275, 0.45), (0.32, 0.985)],
        _qbez((0.32, 0.985), (0.16, 1.0), (0.0, 1.0)),
    )
    lay.pieces.append(_Piece(_symmetric(body), casts=0.22))
    lay.pieces.append(
        _Piece([(-0.085, -0.005), (0.085, -0.005), (-0.09, 0.33)], tone=0.55, plain=True)
    )
    lay.labels.append((-0.005, 0.03))
    # Double-breasted: the wearer's left front overlaps well past the centre.
    right_edge = [(0.12, 0.0), (0.21, 0.12), (0.185, 0.145), (0.235, 0.165), (-0.07, 0.345)]
    lay.pieces.append(
        _Piece(_path([(0.085, -0.005)], right_edge, [(-0.09, 0.33)]), tone=1.03, casts=0.35)
    )
    left_edge = [(-0.12, 0.0), (-0.21, 0.12), (-0.185, 0.145), (-0.235, 0.165), (-0.105, 0.33)]
    lay.pieces.append(
        _Piece(_path([(-0.085, -0.005)], left_edge, [(-0.09, 0.33)]), tone=1.03, casts=0.35)
    )
    lay.seams.extend((right_edge, left_edge))
    lay.seams.append([(0.185, 0.145), (0.13, 0.07)])
    lay.seams.append([(-0.185, 0.145), (-0.13, 0.07)])
    lay.seams.append([(-0.09, 0.33), (-0.09, 1.0)])
    lay.stitches.append([(-0.08, 0.35), (-0.08, 0.99)])
    for y in (0.4, 0.52, 0.64):
        lay.buttons.append(((-0.055, y), 0.016))
        lay.buttons.append(((0.075, y), 0.016))
    lay.add_pair(_Piece(_rect(0.13, 0.6, 0.265, 0.648), tone=1.02, casts=0.35))
    lay.seam_pair(armhole)
    lay.stitch_pair(_inset(cuff_out, cuff_in, shoulder, 0.07, shrink=0.0))
    lay.fold_pair((0.26, 0.25), (0.17, 0.36), 0.03)
    lay.fold_pair((0.18, 0.7), (0.22, 0.97), 0.04, 0.7)
    return lay


_BUILDERS: dict[tuple[str, str], Callable[[], _Layout]] = {
    ("top", "t-shirt"): lambda: _stretch_x(_layout_tee(long_sleeves=False), 1.05),
    ("top", "long-sleeve"): lambda: _stretch_x(_layout_tee(long_sleeves=True), 1.05),
    ("top", "tank-top"): lambda: _stretch_x(_layout_tank(), 1.08),
    ("top", "shirt"): lambda: _stretch_x(_layout_shirt(), 1.05),
    ("bottom", "trousers"): _layout_trousers,
    ("bottom", "shorts"): _layout_shorts,
    ("bottom", "skirt"): _layout_skirt,
    ("dress", "shift-dress"): _layout_shift_dress,
    ("dress", "a-line-dress"): _layout_a_line_dress,
    ("dress", "maxi-dress"): lambda: _stretch_x(_layout_maxi_dress(), 0.8),
    ("outerwear", "jacket"): _layout_jacket,
    ("outerwear", "coat"): _layout_coat,
}


# ---------------------------------------------------------------------------
# Raster frame: maps garment units to supersampled pixels of a working window
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    ss: int  # supersampling factor
    scale: float  # output pixels per garment unit
    origin: Point  # output-pixel position of the garment-unit origin
    window: tuple[int, int, int, int]  # x0, y0, x1, y1 in output pixels

    @property
    def size(self) -> tuple[int, int]:
        x0, y0, x1, y1 = self.window
        return (x1 - x0) * self.ss, (y1 - y0) * self.ss

    @property
    def unit_px(self) -> float:
        """Supersampled pixels per garment unit."""
        return self.scale * self.ss

    def to_px(self, pts: Sequence[Point]) -> list[Point]:
        ox, oy = self.origin
        x0, y0 = self.window[:2]
        k = self.ss
        return [((ox + self.scale * x - x0) * k, (oy + self.scale * y - y0) * k) for x, y in pts]

    def unit_grid(self) -> tuple[np.ndarray, np.ndarray]:
        """Garment-unit coordinates of every supersampled pixel centre."""
        w, h = self.size
        x0, y0 = self.window[:2]
        xs = ((np.arange(w, dtype=np.float32) + 0.5) / self.ss + x0 - self.origin[0]) / self.scale
        ys = ((np.arange(h, dtype=np.float32) + 0.5) / self.ss + y0 - self.origin[1]) / self.scale
        return np.meshgrid(xs, ys)


def _make_frame(layout: _Layout, width: int, height: int) -> _Frame:
    bx0, by0, bx1, by1 = layout.bounds()
    scale = min(_HEIGHT_FILL * height / (by1 - by0), _WIDTH_FILL * width / (bx1 - bx0))
    ox = width / 2 - scale * (bx0 + bx1) / 2
    oy = height / 2 - scale * (by0 + by1) / 2
    window = (
        max(0, math.floor(ox + scale * bx0) - _WINDOW_PAD),
        max(0, math.floor(oy + scale * by0) - _WINDOW_PAD),
        min(width, math.ceil(ox + scale * bx1) + _WINDOW_PAD),
        min(height, math.ceil(oy + scale * by1) + _WINDOW_PAD),
    )
    # 3x is visually indistinguishable from 4x after LANCZOS; very large renders
    # drop to 2x to bound memory (the working planes are float32).
    ss = 3 if width * height <= 1_000_000 else 2
    return _Frame(ss=ss, scale=scale, origin=(ox, oy), window=window)


def _polygon_mask(frame: _Frame, outline: Sequence[Point]) -> Image.Image:
    img = Image.new("L", frame.size, 0)
    ImageDraw.Draw(img).polygon(frame.to_px(outline), fill=255)
    return img


def _blur(img: Image.Image, radius: float, reduce: int = 1) -> np.ndarray:
    """Gaussian blur of an 8-bit mask, returned as float32 in 0..1.

    ``reduce`` blurs at 1/reduce resolution and scales back up: for wide, soft
    blurs the result is indistinguishable and several times cheaper.
    """
    if reduce > 1 and radius / reduce >= 1.5:
        small = img.reduce(reduce)
        blurred = small.filter(ImageFilter.GaussianBlur(radius=radius / reduce))
        blurred = blurred.resize(img.size, Image.Resampling.BILINEAR)
    else:
        blurred = img.filter(ImageFilter.GaussianBlur(radius=max(radius, 0.5)))
    return np.asarray(blurred, dtype=np.float32) / 255.0


def _shift(arr: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """Translate a 2-D array by whole pixels, filling with zeros (no wrap-around)."""
    out = np.zeros_like(arr)
    h, w = arr.shape
    if abs(dx) >= w or abs(dy) >= h:
        return out
    src = arr[max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)]
    out[max(0, dy) : max(0, dy) + src.shape[0], max(0, dx) : max(0, dx) + src.shape[1]] = src
    return out


def _downsample(arr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """LANCZOS reduction of a float plane (mode "F" keeps full precision)."""
    img = Image.fromarray(np.ascontiguousarray(arr, dtype=np.float32), mode="F")
    return np.asarray(img.resize(size, Image.Resampling.LANCZOS), dtype=np.float32)


# ---------------------------------------------------------------------------
# Colour helpers
# ---------------------------------------------------------------------------


def _luma(c: Sequence[float]) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def _mix(a: Sequence[float], b: Sequence[float], t: float) -> RGB:
    return tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))  # type: ignore[return-value]


def _default_accent(colour: RGB, pattern: str) -> RGB:
    """A secondary colour that reads well against ``colour`` when none is given."""
    h, s, _ = colorsys.rgb_to_hsv(*(c / 255 for c in colour))
    dark = _luma(colour) < 140
    reddish = s > 0.25 and (h < 0.06 or h > 0.85)
    if pattern == "floral":
        # Blooms in rose (or blue/cream on red grounds): a hue rotation of the base
        # tends to land on murky teals that merge with the leaves.
        if dark:
            return (246, 232, 196) if reddish else (244, 184, 196)
        return (58, 86, 150) if reddish else (196, 64, 96)
    if dark:
        return (242, 239, 230)
    if s < 0.12:
        return (34, 46, 82)  # navy on whites/greys, the classic Breton/gingham pairing
    r, g, b = colorsys.hsv_to_rgb(h, min(1.0, s + 0.25), 0.3)
    return (int(r * 255), int(g * 255), int(b * 255))


# ---------------------------------------------------------------------------
# Fabric patterns
# ---------------------------------------------------------------------------


def _band(coord: np.ndarray, period: float, duty: float, phase: float, px: float) -> np.ndarray:
    """Anti-aliased periodic band coverage (0..1) along one axis."""
    f = coord / period + phase
    dist = np.abs(np.mod(f - duty / 2 + 0.5, 1.0) - 0.5) * period
    return np.clip((duty * period / 2 - dist) / px + 0.5, 0.0, 1.0)


def _grain_coords(u: np.ndarray, v: np.ndarray, piece: _Piece) -> tuple[np.ndarray, np.ndarray]:
    """Rotate unit coordinates so the piece's grain maps to +v (pattern 'down')."""
    if abs(piece.grain - 90.0) < 1e-6:
        return u, v
    rot = math.radians(piece.grain - 90.0)
    c, s = math.cos(rot), math.sin(rot)
    du, dv = u - piece.pivot[0], v - piece.pivot[1]
    return c * du + s * dv + piece.pivot[0], -s * du + c * dv + piece.pivot[1]


def _geometric_pattern(
    pattern: str, u: np.ndarray, v: np.ndarray, px: float, phase: tuple[float, float]
) -> np.ndarray:
    """Accent coverage for stripes/checks/dots in (grain-rotated) unit coordinates."""
    if pattern == "stripes":
        return _band(v, 0.07, 0.36, phase[0], px)
    if pattern == "checks":
        # Gingham: accent where both bands cross, half-tone where only one does.
        return 0.5 * (_band(u, 0.06, 0.5, phase[0], px) + _band(v, 0.06, 0.5, phase[1], px))
    if pattern == "dots":
        period, radius = 0.06, 0.0115
        row_h = period * 0.8660254
        row = np.round(v / row_h - phase[1])
        shift = np.mod(row, 2.0) * (period / 2) + phase[0] * period
        cu = np.round((u - shift) / period) * period + shift
        cv = (row + phase[1]) * row_h
        d = np.hypot(u - cu, v - cv)
        return np.clip((radius - d) / px + 0.5, 0.0, 1.0)
    return np.zeros_like(u)


def _floral_layers(
    frame: _Frame,
    bounds: tuple[float, float, float, float],
    base: RGB,
    accent: RGB,
    rng: np.random.Generator,
) -> list[tuple[np.ndarray, RGB]]:
    """Scattered five-petal flowers with leaves, drawn as coverage layers."""
    size = frame.size
    leaves_img = Image.new("L", size, 0)
    petals_img = Image.new("L", size, 0)
    centres_img = Image.new("L", size, 0)
    d_leaf, d_petal, d_centre = (ImageDraw.Draw(i) for i in (leaves_img, petals_img, centres_img))
    bx0, by0, bx1, by1 = bounds
    spacing = 0.1
    rows = int((by1 - by0) / (spacing * 0.866)) + 3
    cols = int((bx1 - bx0) / spacing) + 3
    theta = np.linspace(0.0, 2 * math.pi, 60, endpoint=False)
    for r in range(rows):
        for c in range(cols):
            cx = bx0 - spacing + c * spacing + (r % 2) * spacing / 2
            cy = by0 - spacing + r * spacing * 0.866
            cx += rng.uniform(-0.025, 0.025)
            cy += rng.uniform(-0.02, 0.02)
            radius = rng.uniform(0.02, 0.029)
            rot = rng.uniform(0.0, 2 * math.pi)
            # Two leaves peeking out from behind the bloom.
            for k in range(2):
                ang = rot + 0.6 + k * rng.uniform(2.2, 3.2)
                length, w = radius * 1.45, radius * 0.34
                t = np.linspace(0.0, 1.0, 16)
                side = np.concatenate([np.sin(np.pi * t), -np.sin(np.pi * t[::-1])]) * w
                along = np.concatenate([t, t[::-1]]) * length
                lx = cx + along * math.cos(ang) - side * math.sin(ang)
                ly = cy + along * math.sin(ang) + side * math.cos(ang)
                d_leaf.polygon(frame.to_px(list(zip(lx, ly, strict=True))), fill=255)
            rr = radius * (0.38 + 0.62 * np.abs(np.cos(2.5 * (theta - rot))) ** 0.7)
            petal = list(zip(cx + rr * np.cos(theta), cy + rr * np.sin(theta), strict=True))
            d_petal.polygon(frame.to_px(petal), fill=255)
            (px0, py0), (px1, py1) = frame.to_px(
                [(cx - radius * 0.27, cy - radius * 0.27), (cx + radius * 0.27, cy + radius * 0.27)]
            )
            d_centre.ellipse((px0, py0, px1, py1), fill=255)
    leaf_colour = _mix((96, 128, 92), base, 0.35)
    centre_colour = (236, 196, 92) if _luma(accent) < 170 else _mix(accent, (90, 60, 40), 0.6)
    return [
        (np.asarray(leaves_img, dtype=np.float32) / 255.0, leaf_colour),
        (np.asarray(petals_img, dtype=np.float32) / 255.0, accent),
        (np.asarray(centres_img, dtype=np.float32) / 255.0, centre_colour),
    ]


# ---------------------------------------------------------------------------
# Shading
# ---------------------------------------------------------------------------


def _add_fold(shade: np.ndarray, frame: _Frame, fold: _Fold, amplitude: float) -> None:
    """Add a crease: light on one flank, shadow on the other, tapering at the ends."""
    (x0, y0), (x1, y1) = frame.to_px([fold.start, fold.end])
    w = max(fold.width * frame.unit_px, 1.0)
    h_img, w_img = shade.shape
    left = max(0, int(min(x0, x1) - 3 * w))
    right = min(w_img, int(max(x0, x1) + 3 * w) + 1)
    top = max(0, int(min(y0, y1) - 3 * w))
    bottom = min(h_img, int(max(y0, y1) + 3 * w) + 1)
    if left >= right or top >= bottom:
        return
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    tx, ty = (x1 - x0) / length, (y1 - y0) / length
    yy, xx = np.mgrid[top:bottom, left:right].astype(np.float32)
    along = ((xx - x0) * tx + (yy - y0) * ty) / length
    across = ((xx - x0) * -ty + (yy - y0) * tx) / w
    taper = np.clip(np.sin(np.pi * np.clip(along, 0.0, 1.0)), 0.0, 1.0) ** 1.5
    # x*exp(-x^2) peaks at 0.4289; normalise so amplitude is the peak change.
    shade[top:bottom, left:right] += (
        amplitude * fold.strength * 2.3316 * across * np.exp(-(across**2)) * taper
    )


def _shading(
    frame: _Frame,
    layout: _Layout,
    union: Image.Image,
    u: np.ndarray,
    v: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Multiplicative light field: ~1.0 on flat fabric, lower in creases/at edges."""
    bx0, by0, bx1, by1 = layout.bounds()
    # Key light from the top-left, as in a softbox product setup.
    nu = (u - (bx0 + bx1) / 2) / max(bx1 - bx0, 1e-6)
    nv = (v - (by0 + by1) / 2) / max(by1 - by0, 1e-6)
    shade = 1.0 - 0.06 * nv - 0.03 * nu
    # Low-frequency unevenness so large areas are not a flat fill.
    w, h = frame.size
    coarse = rng.uniform(-1.0, 1.0, size=(7, 6)).astype(np.float32)
    coarse_img = Image.fromarray(coarse, mode="F").resize((w, h), Image.Resampling.BICUBIC)
    shade = shade + 0.03 * np.asarray(coarse_img, dtype=np.float32)
    # Edge roll-off: fabric curves away from the camera at the silhouette.
    inner = _blur(union, 0.02 * frame.unit_px, reduce=frame.ss)
    rolloff = np.sqrt(np.clip((inner - 0.5) * 2.0, 0.0, 1.0))
    shade = shade * (0.86 + 0.14 * rolloff)
    shade = shade.astype(np.float32)
    for fold in layout.folds:
        jitter = rng.uniform(-0.015, 0.015, size=4)
        moved = _Fold(
            (fold.start[0] + jitter[0], fold.start[1] + jitter[1]),
            (fold.end[0] + jitter[2], fold.end[1] + jitter[3]),
            fold.width * rng.uniform(0.85, 1.2),
            fold.strength,
        )
        _add_fold(shade, frame, moved, rng.uniform(0.05, 0.08))
    # A few random wrinkles per seed so every product looks individually laid out.
    for _ in range(7):
        cx = rng.uniform(bx0 * 0.8, bx1 * 0.8)
        cy = rng.uniform(by0 + 0.1 * (by1 - by0), by1 - 0.05 * (by1 - by0))
        ang = math.radians(layout.fold_axis + rng.uniform(-1, 1) * layout.fold_spread)
        half = rng.uniform(0.06, 0.16)
        fold = _Fold(
            (cx - half * math.cos(ang), cy - half * math.sin(ang)),
            (cx + half * math.cos(ang), cy + half * math.sin(ang)),
            rng.uniform(0.012, 0.03),
            float(rng.choice([-1.0, 1.0])),
        )
        _add_fold(shade, frame, fold, rng.uniform(0.025, 0.05))
    return shade


def _apply_shade(rgb: np.ndarray, shade: np.ndarray) -> np.ndarray:
    """Darken by multiplication, brighten towards white.

    Pure multiplication would make highlights invisible on dark fabric and
    shadows vanish on white fabric; splitting the two keeps folds legible on both.
    """
    s = shade[..., None]
    dark = rgb * np.minimum(s, 1.0)
    return dark + (255.0 - dark) * np.clip(s - 1.0, 0.0, None) * 0.9


# ---------------------------------------------------------------------------
# Detail drawing (seams, stitches, buttons, labels)
# ---------------------------------------------------------------------------


def _dashes(points: Sequence[Point], dash: float, gap: float) -> list[list[Point]]:
    """Split a pixel-space polyline into dash segments (for topstitching)."""
    out: list[list[Point]] = []
    pos, on, current = 0.0, True, [points[0]]
    for a, b in itertools.pairwise(points):
        seg = math.dist(a, b)
        t0 = 0.0
        while seg > 0:
            limit = dash if on else gap
            step = min(limit - pos, seg - t0)
            t1 = t0 + step
            p = _lerp(a, b, t1 / seg)
            if on:
                current.append(p)
            pos += step
            t0 = t1
            if pos >= limit - 1e-9:
                if on and len(current) > 1:
                    out.append(current)
                on, pos, current = not on, 0.0, [p]
            if t0 >= seg - 1e-9:
                break
    if on and len(current) > 1:
        out.append(current)
    return out


def _detail_masks(frame: _Frame, layout: _Layout) -> tuple[Image.Image, Image.Image, Image.Image]:
    """Rasterise seams (dark line + offset highlight) and dashed topstitching."""
    size = frame.size
    seam_img, hi_img, stitch_img = (Image.new("L", size, 0) for _ in range(3))
    d_seam, d_hi, d_stitch = (ImageDraw.Draw(i) for i in (seam_img, hi_img, stitch_img))
    k = frame.unit_px
    seam_w = max(1, round(0.0028 * k))
    stitch_w = max(1, round(0.0022 * k))
    hi_off = max(1.0, 0.003 * k)
    for line in layout.seams:
        px = frame.to_px(line)
        d_seam.line(px, fill=255, width=seam_w, joint="curve")
        d_hi.line([(x + hi_off * 0.5, y + hi_off) for x, y in px], fill=255, width=seam_w)
    for line in layout.stitches:
        for dash in _dashes(frame.to_px(line), 0.011 * k, 0.007 * k):
            d_stitch.line(dash, fill=255, width=stitch_w)
    return seam_img, hi_img, stitch_img


def _button_colours(style: str, fabric: RGB) -> tuple[RGB, RGB]:
    """(face, rim) colours for a button style on the given fabric."""
    if style == "shirt":
        face = (238, 236, 230) if _luma(fabric) < 205 else (206, 201, 190)
    elif style == "horn":
        face = (62, 47, 38) if _luma(fabric) > 80 else (150, 138, 120)
    else:
        face = (
            _mix(fabric, (30, 28, 26), 0.45)
            if _luma(fabric) > 60
            else _mix(fabric, (255,) * 3, 0.3)
        )
    return face, _mix(face, (0, 0, 0), 0.3)


def _draw_overlays(rgb: np.ndarray, frame: _Frame, layout: _Layout, fabric: RGB) -> np.ndarray:
    """Buttons (with a small cast shadow) and neck labels, composited onto ``rgb``."""
    if not layout.buttons and not layout.labels:
        return rgb
    size = frame.size
    k = frame.unit_px
    shadow_img = Image.new("L", size, 0)
    over = Image.new("RGBA", size, (0, 0, 0, 0))
    d_shadow, d_over = ImageDraw.Draw(shadow_img), ImageDraw.Draw(over)
    face, rim = _button_colours(layout.button_style, fabric)
    for (cx, cy), r in layout.buttons:
        ((px, py),) = frame.to_px([(cx, cy)])
        rp = r * k
        d_shadow.ellipse(
            (px - rp + rp * 0.15, py - rp + rp * 0.3, px + rp * 1.15, py + rp * 1.3), fill=255
        )
        d_over.ellipse((px - rp, py - rp, px + rp, py + rp), fill=(*face, 255))
        ring = max(1, round(rp * 0.12))
        d_over.ellipse(
            (px - rp * 0.8, py - rp * 0.8, px + rp * 0.8, py + rp * 0.8),
            outline=(*rim, 255),
            width=ring,
        )
        hole = rp * 0.13
        for hx, hy in ((-1, -1), (1, -1), (-1, 1), (1, 1)):
            qx, qy = px + hx * rp * 0.27, py + hy * rp * 0.27
            d_over.ellipse((qx - hole, qy - hole, qx + hole, qy + hole), fill=(*rim, 255))
    for cx, cy in layout.labels:
        (x0, y0), (x1, y1) = frame.to_px([(cx - 0.026, cy - 0.011), (cx + 0.026, cy + 0.011)])
        d_shadow.rectangle((x0 + 1, y0 + 2, x1 + 1, y1 + 2), fill=200)
        d_over.rectangle((x0, y0, x1, y1), fill=(244, 242, 238, 255))
        (tx0, ty0), (tx1, ty1) = frame.to_px([(cx - 0.014, cy - 0.002), (cx + 0.014, cy + 0.002)])
        d_over.rectangle((tx0, ty0, tx1, ty1), fill=(120, 116, 110, 255))
    shadow = _blur(shadow_img, 0.004 * k)
    rgb = rgb * (1.0 - 0.35 * shadow[..., None])
    over_arr = np.asarray(over, dtype=np.float32)
    alpha = over_arr[..., 3:4] / 255.0
    return rgb * (1.0 - alpha) + over_arr[..., :3] * alpha


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def _rng(spec: GarmentArtSpec, stream: str) -> np.random.Generator:
    # zlib.crc32 (unlike hash()) is stable across processes, keeping renders
    # byte-identical between runs and machines.
    salt = zlib.crc32(f"{spec.category}/{spec.kind}/{stream}".encode())
    return np.random.default_rng([salt, int(spec.seed) % (1 << 64)])


def _check_size(width: int, height: int) -> None:
    if not (isinstance(width, int) and isinstance(height, int)):
        raise ValueError(f"width and height must be ints, got {width!r}x{height!r}")
    if width < _MIN_SIZE or height < _MIN_SIZE:
        raise ValueError(f"image must be at least {_MIN_SIZE}x{_MIN_SIZE}, got {width}x{height}")


def _prepare(spec: GarmentArtSpec, width: int, height: int) -> tuple[_Layout, _Frame]:
    spec.validate()
    _check_size(width, height)
    layout = _BUILDERS[(spec.category, spec.kind)]()
    return layout, _make_frame(layout, width, height)


def _union_mask(frame: _Frame, layout: _Layout) -> tuple[Image.Image, list[Image.Image]]:
    union = Image.new("L", frame.size, 0)
    masks = []
    for piece in layout.pieces:
        m = _polygon_mask(frame, piece.outline)
        masks.append(m)
        union.paste(255, mask=m)
    return union, masks


def _to_full(window_arr: np.ndarray, frame: _Frame, width: int, height: int) -> np.ndarray:
    """Reduce a supersampled window plane and place it in a full-size zero plane."""
    x0, y0, x1, y1 = frame.window
    out = np.zeros((height, width), dtype=np.float32)
    out[y0:y1, x0:x1] = _downsample(window_arr, (x1 - x0, y1 - y0))
    return out


def render_garment_mask(
    spec: GarmentArtSpec, *, width: int = 600, height: int = 800
) -> Image.Image:
    """Binary garment silhouette (mode "L": 255 on fabric, 0 elsewhere, no shadow).

    Pixel-aligned with :func:`render_garment` for the same spec and size: it is
    the anti-aliased coverage of that render thresholded at 50%.
    """
    layout, frame = _prepare(spec, width, height)
    union, _ = _union_mask(frame, layout)
    cover = _to_full(np.asarray(union, dtype=np.float32) / 255.0, frame, width, height)
    return Image.fromarray(np.where(cover >= 0.5, 255, 0).astype(np.uint8), mode="L")


def render_garment(spec: GarmentArtSpec, *, width: int = 600, height: int = 800) -> Image.Image:
    """Render a flat-lay product shot (RGB, ``width`` x ``height``).

    Deterministic: the same spec and size always produce byte-identical pixels.
    Raises ``ValueError`` for unknown category/kind/pattern or bad colours/size.
    """
    layout, frame = _prepare(spec, width, height)
    logger.debug(
        "rendering %s/%s (%s) at %dx%d, ss=%d",
        spec.category,
        spec.kind,
        spec.pattern,
        width,
        height,
        frame.ss,
    )
    base = spec.colour
    accent = spec.accent if spec.accent is not None else _default_accent(base, spec.pattern)
    u, v = frame.unit_grid()
    px = 1.0 / frame.unit_px
    union, masks = _union_mask(frame, layout)
    pattern_rng = _rng(spec, "pattern")
    phase = (float(pattern_rng.uniform()), float(pattern_rng.uniform()))
    floral = (
        _floral_layers(frame, layout.bounds(), base, accent, pattern_rng)
        if spec.pattern == "floral"
        else []
    )
    base_arr = np.asarray(base, dtype=np.float32)
    accent_arr = np.asarray(accent, dtype=np.float32)

    w, h = frame.size
    fabric = np.zeros((h, w, 3), dtype=np.float32)
    for piece, mask_img in zip(layout.pieces, masks, strict=True):
        bbox = mask_img.getbbox()
        if bbox is None:
            continue
        left, top, right, bottom = bbox
        if piece.casts > 0:
            # Soft contact shadow on whatever lies beneath this piece, computed
            # only around the piece since small pieces (loops, flaps) are common.
            radius = 0.007 * frame.unit_px
            off = max(1, round(0.004 * frame.unit_px))
            grow = int(3 * radius) + off + 1
            box = (
                max(0, left - grow),
                max(0, top - grow),
                min(w, right + grow),
                min(h, bottom + grow),
            )
            cast = _blur(mask_img.crop(box), radius, reduce=frame.ss)
            cast = _shift(cast, off // 2, off)
            fabric[box[1] : box[3], box[0] : box[2]] *= 1.0 - piece.casts * cast[..., None]
        m = np.asarray(mask_img.crop(bbox), dtype=np.float32)[..., None] / 255.0
        colour = np.broadcast_to(base_arr, (bottom - top, right - left, 3)).copy()
        if piece.plain:
            pass
        elif spec.pattern in ("stripes", "checks", "dots"):
            gu, gv = _grain_coords(u[top:bottom, left:right], v[top:bottom, left:right], piece)
            a = _geometric_pattern(spec.pattern, gu, gv, px, phase)[..., None]
            colour += (accent_arr - colour) * a
        for layer, layer_colour in [] if piece.plain else floral:
            a = layer[top:bottom, left:right, None]
            colour += (np.asarray(layer_colour, dtype=np.float32) - colour) * a
        colour *= piece.tone
        region = fabric[top:bottom, left:right]
        region += (colour - region) * m

    shade_rng = _rng(spec, "shade")
    rgb = _apply_shade(fabric, _shading(frame, layout, union, u, v, shade_rng))
    del u, v

    seam_img, hi_img, stitch_img = _detail_masks(frame, layout)
    inside = np.asarray(union, dtype=np.float32) / 255.0
    seam = np.asarray(seam_img, dtype=np.float32)[..., None] / 255.0
    seam_soft = _blur(seam_img, 0.004 * frame.unit_px)[..., None]
    hi = np.asarray(hi_img, dtype=np.float32)[..., None] / 255.0 * (1.0 - seam)
    stitch = np.asarray(stitch_img, dtype=np.float32)[..., None] / 255.0
    inside3 = inside[..., None]
    rgb *= 1.0 - inside3 * (0.3 * seam + 0.1 * seam_soft)
    rgb += (255.0 - rgb) * 0.14 * hi * inside3
    thread = np.asarray(
        _mix(base, (255, 255, 255), 0.45) if _luma(base) < 120 else _mix(base, (0, 0, 0), 0.35),
        dtype=np.float32,
    )
    rgb += (thread - rgb) * (0.75 * stitch * inside3)
    rgb = _draw_overlays(rgb, frame, layout, base)

    # Composite premultiplied so the LANCZOS reduction blends edges correctly.
    alpha = _to_full(inside, frame, width, height)
    planes = [_to_full(rgb[..., c] * inside, frame, width, height) for c in range(3)]
    alpha = np.clip(alpha, 0.0, 1.0)
    garment = np.clip(np.stack(planes, axis=-1), 0.0, 255.0)

    backdrop = _backdrop(alpha, width, height)
    out = backdrop * (1.0 - alpha[..., None]) + garment
    # Faint, horizontally correlated grain reads as woven texture and keeps flat
    # areas from looking vector-drawn; scaled with brightness so whites get some too.
    noise = _rng(spec, "grain").standard_normal((height, width)).astype(np.float32)
    weave = (noise + np.roll(noise, 1, axis=1) + np.roll(noise, -1, axis=1)) / math.sqrt(3.0)
    out += (weave * alpha)[..., None] * (0.6 + 0.009 * out)
    return Image.fromarray(np.clip(np.round(out), 0, 255).astype(np.uint8), mode="RGB")


def _backdrop(alpha: np.ndarray, width: int, height: int) -> np.ndarray:
    """Near-white sweep with a gentle vignette, a contact shadow and a soft drop shadow."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    r2 = ((xs / width - 0.5) ** 2 + (ys / height - 0.5) ** 2) * 2.0
    bg = np.asarray(BACKGROUND_RGB, dtype=np.float32) - 7.0 * r2[..., None]
    alpha_img = Image.fromarray(np.round(alpha * 255).astype(np.uint8), mode="L")
    size = min(width, height)
    soft = _shift(_blur(alpha_img, 0.022 * size), round(0.008 * size), round(0.02 * size))
    contact = _shift(_blur(alpha_img, 0.005 * size), round(0.002 * size), round(0.005 * size))
    shadow = 1.0 - (1.0 - 0.2 * soft) * (1.0 - 0.22 * contact)
    # Slightly cool shadow, like daylight bouncing off a white sweep.
    tint = np.asarray([1.0, 0.98, 0.93], dtype=np.float32)
    return bg * (1.0 - shadow[..., None] * tint)
