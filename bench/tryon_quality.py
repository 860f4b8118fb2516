"""Try-on quality on the worker's real path: every person photo x every garment x every renderer.

Each render goes through ``tryon_worker.pipeline.run_tryon`` exactly as a try-on job does
(photo and product shot as file bytes, decode, pose, segmentation, parsing, the renderer,
WebP encoding); the scores are taken on ``result.output`` (the picture before encoding)
against ``result.person`` (the photo as rendered, with its parsing). A refusal
(``ImageInputError``) is counted per renderer by its code; a renderer that cannot be built,
or a render that crashes, is reported, not fatal.

Per rendered pair (means and medians over pairs per renderer; NaN where not measurable,
left out of means and medians; "body height" is H below):

* ``changed_outside_edit``: pixels of the result that differ at all from the photo outside
  the scoring edit region (and ``_share``: of all pixels; ``_visible``: those with CIE76
  deltaE > 6). The scoring edit region is the same whatever the renderer: the clothes a
  garment of the category replaces in the INPUT parsing (vision.parsing.replaced_clothes:
  top: "upper" and a dress's bodice, bottom: "lower" or a dress's skirt, dress: both,
  outerwear: none) union the renderer's ``garment_mask``, dilated by max(3, 0.004 x longest
  side) px.
  ``edit_region_violations``: pixels changed outside the renderer's own ``edit_region``
  where it states one (must be 0).
* ``old_garment_left``: share of the old garment's pixels (input parsing, as above; NaN for
  outerwear, which goes over what is worn) that lie outside the new garment mask and are
  still within deltaE 6 of the photo, i.e. still visible. ``old_garment_unchanged``: share of
  the old garment's pixels within deltaE 6 of the photo anywhere (covered or not).
* ``sharpness_ratio``: sharpness of the result inside the garment mask (eroded by
  max(2, 0.006 x longest side) px) over that of the product shot's garment region resampled
  to the same scale (sqrt(garment mask area / product garment area); product mask from
  ``analyse_garment`` at its working size), eroded alike. Sharpness = MEAN Sobel gradient
  magnitude (3x3) of the luma. Below 1: blurrier than the product shot allows.
* ``hem_error`` / ``sleeve_error``: |measured - expected| / H of the hem's and the sleeve
  ends' positions. Body from the input landmarks: outer shoulder width = 1.15 x the
  shoulder joints' distance, hip width = 1.6 x the hip joints' distance; neck point = the
  shoulders' midpoint moved up the torso axis by 0.1 shoulder widths, waist = the hips'
  midpoint moved up by 0.15 torso lengths. Expected hem: the garment's own length (neck to
  hem for tops, dresses and outerwear in shoulder widths; waist to hem for bottoms in waist
  widths, per leg) times the body's shoulder (hip) width, from the neck point (waist),
  along the torso axis (the image's vertical for an upright person). Measured: the garment
  mask's lowest point along that axis within 0.15 shoulder widths of the body's centre
  line; for bottoms, of the mask pixels nearer each leg's bones (hip-knee-ankle), the mean
  of both legs. NaN when that point touches the bottom of the frame; no hem is expected
  below the lowest seen ankle, heel or toe (the floor). Sleeves (per side,
  where the garment has a sleeve end; mean of both): expected = the garment's
  shoulder-to-sleeve-end distance in shoulder widths times the body's; measured = how far
  along the arm (outer shoulder -> elbow -> wrist, then half the forearm's length on into
  the hand, cut at the frame) the mask covers the bone line (to 0.05 shoulder widths)
  without a gap longer than 0.1 shoulder widths. When the expected sleeve is longer than
  that visible arm (wrist or elbow out of frame, a long sleeve past the hand), a rendered
  sleeve reaching the arm's end is NaN and one stopping short is measured against the
  arm's end; no elbow seen: NaN. H = nose-to-ankles x 1.1 when the nose and an ankle are
  seen, else 3.3 x the torso length (shoulders' to hips' midpoint).
* ``delta_e_colour``: CIE76 between the product's garment-region mean Lab and the result's
  garment-mask mean Lab.
* ``pose_drift_px`` (and ``_share`` of H): MediaPipe Pose on the result against the same on
  the input photo (once per person), mean distance over landmarks seen in both.
* ``confidence`` (the renderer's own, where given), refusals by code, seconds per image
  (``result.timings.total`` and the wall clock around ``run_tryon``; p50 and mean).

``--self-supervised`` adds the held-out pairs of the former bench, scored ONLY inside the
garment region against the photo: the ../shared/images/people photos in self-supervised
mode (``PersonPhotoReader``: the worn top cut out into a pseudo product shot) and synthetic
pairs from an unseen seed. Renderers get the real photo (already wearing the garment) and
the pseudo product shot through ``run_tryon``, so a renderer that paints nothing scores
perfectly here: read it with ``old_garment_left`` above. FID and LPIPS need ImageNet
networks downloaded at run time and are not computed.

    python -m bench.tryon_quality [--people DIR] [--garments DIR] [--renderers gan,geometric]
        [--people-glob 'p1*'] [--garments-glob 'c0*,c11*'] [--limit N] [--demo-catalogue]
        [--self-supervised [--synthetic 40]] [--checkpoint PATH] [--marks]

``--demo-catalogue`` adds the demo catalogue's 24 procedural product images (what a new
shop shows first; the garments glob applies to their names, ``demo-*.png``).
``--limit N`` takes N pairs from a fixed shuffle of all pairs (so a small run spans people
and garments); the globs are comma-separated file name patterns. ``--marks`` draws on the
sheet's results what was measured: the scoring edit region (cyan outline), pixels changed
outside it (magenta), expected (green) against measured (red) hem and sleeve ends (hollow:
not measurable).

Prints a table, writes bench/results/tryon_quality.json and a contact sheet
bench/results/tryon_quality_sheet.png (tryon_quality_sheet_1.png, ... above 40 rows).
"""

import argparse
import contextlib
import csv
import fnmatch
import io
import itertools
import math
import os
import re
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]

from bench.report import RESULTS, machine_info, report_write  # noqa: E402
from synthetic.people import write_viton_hd  # noqa: E402
from tryon_worker.gan.data.inputs import UnusableExample  # noqa: E402
from tryon_worker.gan.data.person_photos import PersonPhotoReader  # noqa: E402
from tryon_worker.gan.data.viton_hd import VitonHDReader  # noqa: E402
from tryon_worker.garment import WORK_MAX_SIDE, GarmentAnalysis, analyse_garment  # noqa: E402
from tryon_worker.pipeline import TryOnResult, run_tryon  # noqa: E402
from tryon_worker.renderers.gan import checkpoint_path  # noqa: E402
from tryon_worker.renderers.registry import RENDERERS  # noqa: E402
from vision.errors import ImageInputError  # noqa: E402
from vision.image_decode import decode_image  # noqa: E402
from vision.parsing import person_parsed, replaced_clothes  # noqa: E402
from vision.pose import LM, PoseEstimate, estimate_pose, landmark_seen  # noqa: E402

PEOPLE = REPO.parent / "shared" / "images" / "people"
GARMENTS = REPO.parent / "shared" / "images" / "garments"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")

#: Parsing labels of the garment a new one of each category replaces (outerwear: none).
#: CIE76 deltaE below which a pixel counts as unchanged.
UNCHANGED_DELTA_E = 6.0
#: The scoring edit region is grown by max(FEATHER_MIN_PX, FEATHER_SHARE x longest side).
FEATHER_SHARE, FEATHER_MIN_PX = 0.004, 3
#: Garment masks are eroded by max(ERODE_MIN_PX, ERODE_SHARE x longest side) for sharpness.
ERODE_SHARE, ERODE_MIN_PX = 0.006, 2
#: Outer shoulder width = this x the distance of the shoulder joints (Pose landmarks).
OUTER_SHOULDER = 1.15
#: Hip width = this x the distance of the hip joints.
HIP_WIDTH = 1.6
#: The neck point sits this many shoulder widths above the shoulders' midpoint.
NECK_RAISE = 0.1
#: The waist sits this many torso lengths above the hips' midpoint.
WAIST_RAISE = 0.15
#: Body height = nose-to-ankle x NOSE_ANKLE_HEIGHT, or torso length x TORSO_HEIGHT.
NOSE_ANKLE_HEIGHT, TORSO_HEIGHT = 1.1, 3.3
#: Landmarks whose lowest seen one marks the floor: no hem is expected below it.
FEET = ("left_ankle", "right_ankle", "left_heel", "right_heel")
FEET += ("left_foot_index", "right_foot_index")
#: The hem is looked for within this many shoulder widths of the body's centre line.
HEM_BAND = 0.15
#: A sleeve covers the arm's bone line to within this many shoulder widths; a gap longer
#: than SLEEVE_GAP shoulder widths ends it.
SLEEVE_TOLERANCE, SLEEVE_GAP = 0.05, 0.1
#: The arm's line runs on past the wrist by this share of the forearm (into the hand).
SLEEVE_PAST_WRIST = 0.5
#: Contact sheet: tiles of TILE_W x TILE_H pixels plus a caption band, rows per PNG.
TILE_W, TILE_H, CAPTION_LINES, LINE_H = 200, 256, 5, 12
SHEET_ROWS = 40

METRICS = (
    "changed_outside_edit",
    "changed_outside_edit_share",
    "changed_outside_edit_visible",
    "edit_region_violations",
    "old_garment_left",
    "old_garment_unchanged",
    "sharpness_ratio",
    "hem_error",
    "sleeve_error",
    "delta_e_colour",
    "pose_drift_px",
    "pose_drift_share",
    "confidence",
)


def garment_category(name: str) -> str | None:
    """The category a product photo's file name says (None: no known word in it).

    The first matching line wins, so a "polo dress" is a dress and a "shirt jacket" outerwear.
    """
    words = set(re.split(r"[^a-z]+", Path(name).stem.lower()))
    for category, names in (
        ("dress", {"dress", "gown"}),
        ("outerwear", {"cardigan", "jacket", "coat"}),
        ("bottom", {"trousers", "jeans", "shorts", "skirt"}),
        ("top", {"tshirt", "top", "shirt", "polo", "jersey", "longsleeve"}),
    ):
        if words & names:
            return category
    return None


# --- colour and image helpers ---------------------------------------------------------------------


def lab(image: np.ndarray) -> np.ndarray:
    """CIELAB (L 0..100) of an RGB uint8 image or of (N, 3) pixels, float32."""
    shape = image.shape
    pixels = image.reshape(-1, 1, 3).astype(np.float32) / 255.0
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2Lab).reshape(shape)


def delta_e(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """CIE76 deltaE per pixel of two RGB uint8 images of one size."""
    return np.linalg.norm(lab(a) - lab(b), axis=-1)


def disc(radius: int) -> np.ndarray:
    """An elliptic structuring element of the given radius."""
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def sharpness(image: np.ndarray, mask: np.ndarray) -> float:
    """Mean Sobel gradient magnitude of the luma inside ``mask`` (NaN for a tiny mask)."""
    if mask.sum() < 20:
        return math.nan
    luma = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gx = cv2.Sobel(luma, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(luma, cv2.CV_32F, 0, 1, ksize=3)
    return float(np.hypot(gx, gy)[mask].mean())


def ssim_map(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-pixel SSIM of two RGB images (luma, Gaussian window sigma 1.5)."""
    x = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float64)
    y = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY).astype(np.float64)
    blur = lambda image: cv2.GaussianBlur(image, (11, 11), 1.5)  # noqa: E731
    mx, my = blur(x), blur(y)
    vx, vy, cov = blur(x * x) - mx**2, blur(y * y) - my**2, blur(x * y) - mx * my
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    return ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB over the given pixels."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else float(10 * np.log10(255**2 / mse))


def png_bytes(image: np.ndarray) -> bytes:
    """An RGB array as PNG file bytes (what run_tryon takes)."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def work_size(image: np.ndarray) -> np.ndarray:
    """The product shot at analyse_garment's working size (its mask's frame)."""
    height, width = image.shape[:2]
    scale = WORK_MAX_SIDE / max(height, width)
    if scale >= 1.0:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


# --- the product shot -----------------------------------------------------------------------------


@dataclass
class Product:
    """One garment photo, its category and (when usable) its analysis."""

    path: Path
    category: str
    data: bytes
    image: np.ndarray | None = None  # at analyse_garment's working size
    analysis: GarmentAnalysis | None = None
    refused: str | None = None  # ImageInputError code when the product shot is unusable

    @classmethod
    def load(cls, path: Path, category: str) -> "Product":
        """Read and analyse a product shot (an unusable one is kept, with its code)."""
        product = cls(path=path, category=category, data=path.read_bytes())
        try:
            image = decode_image(product.data, role="garment")
            product.analysis = analyse_garment(image, category=category)
            product.image = work_size(image)
        except ImageInputError as error:
            product.refused = error.code
        return product

    def mask(self) -> np.ndarray:
        """The garment mask in ``image``'s frame."""
        mask = self.analysis.mask
        if mask.shape != self.image.shape[:2]:
            size = self.image.shape[1::-1]
            mask = cv2.resize(mask.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
        return mask

    def mean_lab(self) -> np.ndarray:
        """Mean Lab colour of the garment (its edge left out)."""
        mask = self.mask()
        core = cv2.erode(mask.astype(np.uint8), disc(3)) > 0
        return lab(self.image[core if core.sum() >= 20 else mask]).mean(axis=0)


# --- the body -------------------------------------------------------------------------------------


class Body:
    """Body measures from the input photo's Pose landmarks (see the module docstring)."""

    def __init__(self, landmarks: np.ndarray, shape: tuple[int, ...]) -> None:
        self.landmarks = landmarks
        self.height_px, self.width_px = shape[:2]
        ls, rs = self.point("left_shoulder"), self.point("right_shoulder")
        lh, rh = self.point("left_hip"), self.point("right_hip")
        self.shoulder_mid, self.hip_mid = (ls + rs) / 2, (lh + rh) / 2
        axis = self.hip_mid - self.shoulder_mid
        self.torso = float(np.linalg.norm(axis))
        self.down = axis / self.torso if self.torso > 1 else np.array([0.0, 1.0])
        self.across = np.array([-self.down[1], self.down[0]])
        self.shoulder_width = OUTER_SHOULDER * float(np.linalg.norm(ls - rs))
        self.hip_width = HIP_WIDTH * float(np.linalg.norm(lh - rh))
        self.neck = self.shoulder_mid - self.down * NECK_RAISE * self.shoulder_width
        self.waist = self.hip_mid - self.down * WAIST_RAISE * self.torso
        feet = [self.point(n) for n in FEET if self.seen(n)]
        #: How far below the neck point the floor is (px along the torso axis); None: unseen.
        self.floor = float(self.axial(np.array(feet)).max()) if feet else None
        ankles = [self.point(n) for n in ("left_ankle", "right_ankle") if self.seen(n)]
        if ankles and self.seen("nose"):
            reach = float(np.linalg.norm(self.point("nose") - np.mean(ankles, axis=0)))
            self.height, self.height_from = NOSE_ANKLE_HEIGHT * reach, "nose_ankle"
        else:
            self.height, self.height_from = TORSO_HEIGHT * self.torso, "torso"

    def point(self, name: str) -> np.ndarray:
        return self.landmarks[LM[name], :2].astype(np.float64)

    def seen(self, name: str) -> bool:
        return landmark_seen(self.landmarks[LM[name]], self.height_px, self.width_px)

    def axial(self, points: np.ndarray) -> np.ndarray:
        """Distance below the neck point along the torso axis (px)."""
        return (points - self.neck) @ self.down

    def lateral(self, points: np.ndarray) -> np.ndarray:
        """Signed distance from the body's centre line (px)."""
        return (points - self.shoulder_mid) @ self.across

    def leg_distance(self, side: str, points: np.ndarray) -> np.ndarray:
        """Distance (px) of each point from the leg's bones (hip, knee, ankle)."""
        hip, knee = self.point(f"{side}_hip"), self.point(f"{side}_knee")
        ankle = self.point(f"{side}_ankle") if self.seen(f"{side}_ankle") else 2 * knee - hip
        best = np.full(len(points), np.inf)
        for a, b in ((hip, knee), (knee, ankle)):
            ab = b - a
            t = np.clip((points - a) @ ab / max(float(ab @ ab), 1e-6), 0, 1)
            best = np.minimum(best, np.linalg.norm(points - (a + t[:, None] * ab), axis=1))
        return best

    def outer_shoulder(self, side: str) -> np.ndarray:
        joint = self.point(f"{side}_shoulder")
        return self.shoulder_mid + (joint - self.shoulder_mid) * OUTER_SHOULDER


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(np.hypot(a[0] - b[0], a[1] - b[1]))


#: (expected, measured, judged) of each hem or sleeve end, for the contact sheet's marks.
Marks = list[tuple[np.ndarray, np.ndarray, bool]]


def hem_measure(body: Body, mask: np.ndarray, garment: GarmentAnalysis) -> tuple[float, Marks]:
    """Signed hem error (measured - expected) as a share of body height; NaN if unmeasurable."""
    marks = garment.landmarks
    ys, xs = np.nonzero(mask)
    if not len(xs):
        return math.nan, []
    points = np.column_stack([xs, ys]).astype(np.float64)
    axial, lateral = body.axial(points), body.lateral(points)
    if garment.category == "bottom":
        if not all(k in marks for k in ("left_waist", "right_waist", "left_hem", "right_hem")):
            return math.nan, []
        waist_width = _distance(marks["left_waist"], marks["right_waist"])
        waist_y = (marks["left_waist"][1] + marks["right_waist"][1]) / 2
        start = float(body.axial(body.waist[None])[0])
        errors, drawn = [], []
        nearer_left = body.leg_distance("left", points) < body.leg_distance("right", points)
        for side in ("left", "right"):
            expected = start + (marks[f"{side}_hem"][1] - waist_y) / waist_width * body.hip_width
            band = nearer_left if side == "left" else ~nearer_left
            error, found = _lowest(body, points, axial, band, expected)
            errors.append(error)
            drawn += found
        finite = [e for e in errors if np.isfinite(e)]
        return (float(np.mean(finite)) if finite else math.nan), drawn
    if not all(k in marks for k in ("neck", "left_shoulder", "right_shoulder", "left_hem")):
        return math.nan, []
    shoulder_width = _distance(marks["left_shoulder"], marks["right_shoulder"])
    hem_y = (marks["left_hem"][1] + marks["right_hem"][1]) / 2
    expected = (hem_y - marks["neck"][1]) / shoulder_width * body.shoulder_width
    band = np.abs(lateral) < HEM_BAND * body.shoulder_width
    return _lowest(body, points, axial, band, expected)


def _lowest(
    body: Body, points: np.ndarray, axial: np.ndarray, band: np.ndarray, expected: float
) -> tuple[float, Marks]:
    if not band.any():
        return math.nan, []
    if body.floor is not None:
        expected = min(expected, body.floor)  # a longer garment ends on the floor
    index = np.flatnonzero(band)[np.argmax(axial[band])]
    measured = points[index]
    expected_point = measured + body.down * (expected - axial[index])
    if measured[1] >= body.height_px - 2:
        # The garment runs out of the frame: its hem is not seen.
        return math.nan, [(expected_point, measured, False)]
    return float(axial[index] - expected) / body.height, [(expected_point, measured, True)]


def sleeve_measure(body: Body, mask: np.ndarray, garment: GarmentAnalysis) -> tuple[float, Marks]:
    """Mean signed sleeve-end error over the sides that can be measured (share of height).

    Where the garment's sleeve is longer than the visible arm (the arm leaves the frame or
    is cut at the elbow, or a long sleeve passes the hand), a rendered sleeve that runs to
    the arm's end cannot be judged (NaN); one that stops visibly short of it is measured
    against the arm's end.
    """
    marks = garment.landmarks
    if garment.category == "bottom" or "left_shoulder" not in marks:
        return math.nan, []
    shoulder_width = _distance(marks["left_shoulder"], marks["right_shoulder"])
    # Distance to the nearest garment pixel, for every pixel.
    to_garment = cv2.distanceTransform((~mask).astype(np.uint8), cv2.DIST_L2, 3)
    errors, drawn = [], []
    for side in ("left", "right"):
        if f"{side}_sleeve_end" not in marks or not body.seen(f"{side}_elbow"):
            continue
        expected = (
            _distance(marks[f"{side}_shoulder"], marks[f"{side}_sleeve_end"])
            / shoulder_width
            * body.shoulder_width
        )
        chain = [body.outer_shoulder(side), body.point(f"{side}_elbow")]
        if body.seen(f"{side}_wrist"):
            wrist = body.point(f"{side}_wrist")
            chain += [wrist, wrist + SLEEVE_PAST_WRIST * (wrist - chain[1])]
        samples, arc = _polyline(chain)
        reached, usable = _covered_along(samples, arc, to_garment, body)
        gap = SLEEVE_GAP * body.shoulder_width
        ends = np.searchsorted(arc, [min(expected, usable), reached]).clip(0, len(arc) - 1)
        judged = not (expected > usable and reached >= usable - gap)
        drawn.append((samples[ends[0]], samples[ends[1]], judged))
        if judged:
            errors.append((reached - min(expected, usable)) / body.height)
    return (float(np.mean(errors)) if errors else math.nan), drawn


def _polyline(chain: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Points about 1 px apart along the polyline, and their distance from its start."""
    samples, arc = [], []
    travelled = 0.0
    for a, b in itertools.pairwise(chain):
        length = float(np.linalg.norm(b - a))
        steps = max(1, int(np.ceil(length)))
        for t in np.arange(steps) / steps:
            samples.append(a + t * (b - a))
            arc.append(travelled + t * length)
        travelled += length
    samples.append(chain[-1])
    arc.append(travelled)
    return np.array(samples), np.array(arc)


def _covered_along(
    samples: np.ndarray, arc: np.ndarray, to_garment: np.ndarray, body: Body
) -> tuple[float, float]:
    """How far along the polyline the garment covers it, and its length inside the frame."""
    height, width = to_garment.shape
    tolerance = SLEEVE_TOLERANCE * body.shoulder_width
    gap = SLEEVE_GAP * body.shoulder_width
    reached, usable = 0.0, float(arc[-1])
    for point, position in zip(samples, arc, strict=True):
        x, y = round(point[0]), round(point[1])
        if not (0 <= x < width and 0 <= y < height):
            usable = float(position)
            break
        if to_garment[y, x] <= tolerance:
            reached = float(position)
        elif position - reached > gap:
            break
    return reached, usable


# --- scoring one render ---------------------------------------------------------------------------


def score(
    result: TryOnResult, product: Product, input_pose: PoseEstimate | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every figure of one render (see the module docstring), and what to mark on its tile:
    the scoring edit region, the pixels changed outside it, hem and sleeve points."""
    person, output = result.person, result.output
    if person.parsing is None:
        person = person_parsed(person)
    photo, image = person.image, output.image
    garment = output.garment_mask.astype(bool)
    height, width = photo.shape[:2]
    side = max(height, width)
    old = replaced_clothes(person, product.category)
    feather = max(FEATHER_MIN_PX, round(FEATHER_SHARE * side))
    region = cv2.dilate((old | garment).astype(np.uint8), disc(feather)) > 0
    changed = (image != photo).any(axis=-1)
    difference = delta_e(image, photo)
    unchanged = difference < UNCHANGED_DELTA_E
    body = Body(person.landmarks, photo.shape)
    figures: dict[str, Any] = {
        "changed_outside_edit": int((changed & ~region).sum()),
        "changed_outside_edit_share": float((changed & ~region).mean()),
        "changed_outside_edit_visible": int((~unchanged & ~region).sum()),
        "edit_region_violations": (
            int((changed & ~output.edit_region).sum()) if output.edit_region is not None else None
        ),
        "old_garment_px": int(old.sum()),
        "old_garment_left": math.nan,
        "old_garment_unchanged": math.nan,
        "garment_px": int(garment.sum()),
        "pixels": height * width,
        "body_height_px": body.height,
        "body_height_from": body.height_from,
    }
    if old.any():
        figures["old_garment_left"] = float((old & ~garment & unchanged).sum() / old.sum())
        figures["old_garment_unchanged"] = float((old & unchanged).sum() / old.sum())
    # The pipeline refuses a product shot analyse_garment refuses; should that ever differ,
    # the figures that need the product's own analysis are NaN.
    analysed = product.analysis is not None
    figures["sharpness_ratio"] = (
        _sharpness_ratio(image, garment, product, side) if analysed else math.nan
    )
    figures["hem_signed"], hem_marks = (
        hem_measure(body, garment, product.analysis) if analysed else (math.nan, [])
    )
    figures["sleeve_signed"], sleeve_marks = (
        sleeve_measure(body, garment, product.analysis) if analysed else (math.nan, [])
    )
    figures["hem_error"] = abs(figures["hem_signed"])
    figures["sleeve_error"] = abs(figures["sleeve_signed"])
    figures["delta_e_colour"] = (
        float(np.linalg.norm(product.mean_lab() - lab(image[garment]).mean(axis=0)))
        if garment.any() and analysed
        else math.nan
    )
    figures["pose_drift_px"] = figures["pose_drift_share"] = math.nan
    drifted = estimate_pose(image).landmarks
    if input_pose is not None and input_pose.landmarks is not None and drifted is not None:
        both = [
            index
            for index in range(len(LM))
            if landmark_seen(input_pose.landmarks[index], height, width)
            and landmark_seen(drifted[index], height, width)
        ]
        if both:
            moved = np.linalg.norm(input_pose.landmarks[both, :2] - drifted[both, :2], axis=1)
            figures["pose_drift_px"] = float(moved.mean())
            figures["pose_drift_share"] = float(moved.mean()) / body.height
    figures["pose_found"] = drifted is not None
    figures["confidence"] = None if output.confidence is None else float(output.confidence)
    shown = {"region": region, "outside": changed & ~region, "marks": hem_marks + sleeve_marks}
    return figures, shown


def _sharpness_ratio(image: np.ndarray, garment: np.ndarray, product: Product, side: int):
    product_mask = product.mask()
    if garment.sum() < 100 or product_mask.sum() < 100:
        return math.nan
    erode = max(ERODE_MIN_PX, round(ERODE_SHARE * side))
    rendered = sharpness(image, cv2.erode(garment.astype(np.uint8), disc(erode)) > 0)
    scale = math.sqrt(garment.sum() / product_mask.sum())
    height, width = product.image.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    shot = cv2.resize(product.image, size, interpolation=interpolation)
    mask = cv2.resize(product_mask.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
    reference = sharpness(shot, cv2.erode(mask, disc(erode)) > 0)
    return rendered / reference if reference > 0 else math.nan


# --- running the grid -----------------------------------------------------------------------------


@dataclass
class Tile:
    """One renderer's cell of the contact sheet."""

    image: np.ndarray | None  # the result, or None for a refusal / crash
    lines: list[str]
    refused: str | None = None
    crashed: bool = False


@dataclass
class Row:
    person: str
    garment: str
    category: str
    photo: np.ndarray | None = None
    product: np.ndarray | None = None
    photo_size: str = ""
    tiles: dict[str, Tile] = field(default_factory=dict)


def renderers_build(names: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Build the named renderers; those that fail are reported with their error."""
    built, failed = {}, {}
    for name in names:
        if name not in RENDERERS:
            failed[name] = f"not in the registry (known: {', '.join(RENDERERS)})"
            continue
        try:
            built[name] = RENDERERS[name]()
        except Exception as error:  # a broken renderer is a finding
            failed[name] = f"{type(error).__name__}: {error}"
    return built, failed


def pairs_choose(people: list[Path], products: list[Product], limit: int | None) -> list:
    """Every (person, garment) pair; with ``limit``, that many from a fixed shuffle."""
    pairs = list(itertools.product(people, products))
    if limit is not None and limit < len(pairs):
        order = np.random.default_rng(20261203).permutation(len(pairs))[:limit]
        pairs = [pairs[i] for i in sorted(order)]
    return pairs


def grid_run(
    pairs: list, renderers: dict[str, Any], marks: bool = False
) -> tuple[dict, list[dict], list[Row]]:
    """Render and score every pair with every renderer (``marks``: draw what was measured)."""
    stats = {
        name: {"figures": [], "refusals": Counter(), "errors": Counter(), "total": [], "wall": []}
        for name in renderers
    }
    input_poses: dict[tuple[str, tuple[int, ...]], PoseEstimate] = {}
    per_pair: list[dict] = []
    rows: list[Row] = []
    started = time.perf_counter()
    for number, (person_path, product) in enumerate(pairs, 1):
        row = Row(person_path.name, product.path.name, product.category)
        entry: dict[str, Any] = {
            "person": row.person,
            "garment": row.garment,
            "category": row.category,
            "results": {},
        }
        photo_bytes = person_path.read_bytes()
        for name, renderer in renderers.items():
            wall = time.perf_counter()
            try:
                result = run_tryon(
                    photo_bytes, product.data, category=product.category, renderer=renderer
                )
            except ImageInputError as error:
                stats[name]["refusals"][error.code] += 1
                detail = error.details.get("part") or error.details.get("reason")
                entry["results"][name] = {"refused": error.code, "detail": detail}
                row.tiles[name] = Tile(None, [name, "refused"], refused=error.code)
                if detail:
                    row.tiles[name].lines.append(str(detail))
                continue
            except Exception as error:  # a crash is reported, not fatal
                traceback.print_exc()
                kind = type(error).__name__
                stats[name]["errors"][kind] += 1
                entry["results"][name] = {"error": f"{kind}: {error}"}
                row.tiles[name] = Tile(None, [name, "ERROR", kind], crashed=True)
                continue
            wall = time.perf_counter() - wall
            photo = result.person.image
            key = (row.person, photo.shape)
            if key not in input_poses:
                input_poses[key] = estimate_pose(photo)
            figures, shown = score(result, product, input_poses[key])
            figures["seconds_total"] = result.timings.total
            figures["seconds_wall"] = wall
            stats[name]["figures"].append(figures)
            stats[name]["total"].append(result.timings.total)
            stats[name]["wall"].append(wall)
            entry["results"][name] = _rounded(figures)
            row.photo = photo
            image = _marked(result.output.image, shown) if marks else result.output.image
            row.tiles[name] = Tile(image, _caption(name, figures))
        if row.photo is None:
            row.photo = _photo_read(photo_bytes)
        if row.photo is not None:
            row.photo_size = f"{row.photo.shape[1]}x{row.photo.shape[0]} px"
        row.product = product.image if product.image is not None else _photo_read(product.data)
        row.photo = _tile_image(row.photo)
        row.product = _tile_image(row.product)
        for tile in row.tiles.values():
            if tile.image is not None:
                tile.image = _tile_image(tile.image)
        per_pair.append(entry)
        rows.append(row)
        elapsed = time.perf_counter() - started
        print(
            f"[{number}/{len(pairs)} {elapsed:.0f}s] {row.person} x {row.garment}: "
            + ", ".join(
                f"{n}={v.get('refused') or v.get('error', 'ok')}"
                for n, v in entry["results"].items()
            ),
            file=sys.stderr,
            flush=True,
        )
    return stats, per_pair, rows


def _photo_read(data: bytes) -> np.ndarray | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return np.asarray(image.convert("RGB"))
    except Exception:  # an unreadable picture: a blank tile
        return None


def summarise(stats: dict, failed: dict[str, str]) -> dict[str, dict]:
    """Per renderer: counts, refusals, mean/median of every figure, timings."""
    summary: dict[str, dict] = {}
    for name, data in stats.items():
        figures = data["figures"]
        entry: dict[str, Any] = {
            "rendered": len(figures),
            "refused": sum(data["refusals"].values()),
            "refusals": dict(data["refusals"]),
            "errors": dict(data["errors"]),
        }
        for metric in METRICS:
            values = [f[metric] for f in figures if f.get(metric) is not None]
            values = [v for v in values if np.isfinite(v)]
            entry[metric] = {
                "mean": _round(float(np.mean(values))) if values else None,
                "median": _round(float(np.median(values))) if values else None,
                "n": len(values),
            }
        entry["edit_region_violations"]["total"] = int(
            sum(f["edit_region_violations"] or 0 for f in figures)
        )
        entry["pose_not_found_on_result"] = sum(1 for f in figures if not f["pose_found"])
        for clock in ("total", "wall"):
            values = data[clock]
            entry[f"seconds_{clock}"] = {
                "p50": _round(float(np.median(values))) if values else None,
                "mean": _round(float(np.mean(values))) if values else None,
            }
        summary[name] = entry
    for name, error in failed.items():
        summary[name] = {"unavailable": error}
    return summary


def _round(value: float) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(value, 4) if abs(value) < 1000 else round(value, 1)


def _rounded(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: _round(v) if isinstance(v, float) else v for k, v in figures.items()}


# --- the contact sheet ----------------------------------------------------------------------------


def _tile_image(image: np.ndarray | None) -> np.ndarray:
    """The picture letterboxed into TILE_W x TILE_H (light grey around it)."""
    tile = np.full((TILE_H, TILE_W, 3), 225, dtype=np.uint8)
    if image is None:
        return tile
    height, width = image.shape[:2]
    scale = min(TILE_H / height, TILE_W / width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(np.ascontiguousarray(image[..., :3]), size, interpolation=interpolation)
    y, x = (TILE_H - size[1]) // 2, (TILE_W - size[0]) // 2
    tile[y : y + size[1], x : x + size[0]] = small
    return tile


def _f(value: Any, pattern: str = "{:.2f}") -> str:
    return "-" if value is None or not np.isfinite(value) else pattern.format(value)


def _caption(name: str, figures: dict[str, Any]) -> list[str]:
    confidence = figures["confidence"]
    own = figures["edit_region_violations"]
    visible = figures["changed_outside_edit_visible"] / max(1, figures["pixels"]) * 100
    return [
        f"{name}" + (f"  conf {confidence:.2f}" if confidence is not None else ""),
        f"outside {figures['changed_outside_edit_share'] * 100:.1f}% (vis {visible:.1f}%)"
        + (f" own {own}" if own is not None else ""),
        f"old left {_f(figures['old_garment_left'] * 100, '{:.0f}')}%"
        f" unch {_f(figures['old_garment_unchanged'] * 100, '{:.0f}')}%",
        f"sharp {_f(figures['sharpness_ratio'])} dE {_f(figures['delta_e_colour'], '{:.1f}')}"
        f" pose {_f(figures['pose_drift_share'] * 100, '{:.1f}')}%",
        f"hem {_f(figures['hem_signed'], '{:+.3f}')} slv {_f(figures['sleeve_signed'], '{:+.3f}')}",
    ]


def _marked(image: np.ndarray, shown: dict[str, Any]) -> np.ndarray:
    """The result with the scoring edit region (cyan outline), pixels changed outside it
    (magenta) and expected (green) against measured (red) hem and sleeve ends."""
    out = image.copy()
    thick = max(1, round(max(image.shape[:2]) / 300))
    out[shown["outside"]] = (255, 0, 255)
    contours, _ = cv2.findContours(
        shown["region"].astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    cv2.drawContours(out, contours, -1, (0, 200, 255), thick)
    for expected, measured, judged in shown["marks"]:
        e, m = tuple(np.round(expected).astype(int)), tuple(np.round(measured).astype(int))
        fill = -1 if judged else thick  # hollow: not measurable (NaN)
        cv2.line(out, e, m, (255, 220, 0), thick)
        cv2.circle(out, e, 3 * thick, (0, 200, 0), fill)
        cv2.circle(out, m, 3 * thick, (230, 0, 0), fill)
    return out


def _text(canvas: np.ndarray, text: str, x: int, y: int, scale: float = 0.36, colour=(0, 0, 0)):
    """Small text, shrunk to fit the tile's width."""
    width = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0][0]
    scale *= min(1.0, (TILE_W - x - 2) / max(width, 1))
    cv2.putText(canvas, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv2.LINE_AA)


def _cell(image: np.ndarray | None, lines: list[str], fill: tuple[int, int, int] | None = None):
    cell = np.full((TILE_H + CAPTION_LINES * LINE_H + 4, TILE_W, 3), 255, dtype=np.uint8)
    if image is not None:
        cell[:TILE_H] = image
    elif fill is not None:
        cell[:TILE_H] = fill
    for index, line in enumerate(lines[:CAPTION_LINES]):
        _text(cell, line, 3, TILE_H + LINE_H * (index + 1) - 2)
    cv2.rectangle(cell, (0, 0), (TILE_W - 1, cell.shape[0] - 1), (160, 160, 160), 1)
    return cell


def sheet_write(rows: list[Row], renderer_names: list[str]) -> list[Path]:
    """One row per pair: person | garment | each renderer; 40 rows per PNG at most."""
    for stale in RESULTS.glob("tryon_quality_sheet*.png"):
        stale.unlink()
    lines = []
    for row in rows:
        cells = [
            _cell(row.photo, [row.person, row.photo_size]),
            _cell(row.product, [row.garment, row.category]),
        ]
        for name in renderer_names:
            tile = row.tiles.get(name)
            if tile is None:
                cells.append(_cell(None, [name, "unavailable"], fill=(90, 90, 90)))
            elif tile.image is not None:
                cells.append(_cell(tile.image, tile.lines))
            else:
                fill = (150, 40, 40) if tile.crashed else (128, 128, 128)
                cell = _cell(None, tile.lines, fill=fill)
                label = tile.refused or tile.lines[-1]
                width = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, 0.45, 1)[0][0]
                _text(cell, label, max(2, (TILE_W - width) // 2), TILE_H // 2, 0.45, (255,) * 3)
                cells.append(cell)
        lines.append(np.concatenate(cells, axis=1))
    if not lines:
        return []
    chunks = [lines[i : i + SHEET_ROWS] for i in range(0, len(lines), SHEET_ROWS)]
    paths = []
    for index, chunk in enumerate(chunks, 1):
        name = "tryon_quality_sheet.png" if len(chunks) == 1 else f"tryon_quality_sheet_{index}.png"
        path = RESULTS / name
        Image.fromarray(np.concatenate(chunk, axis=0)).save(path, optimize=True)
        paths.append(path)
    return paths


# --- the self-supervised held-out pairs -----------------------------------------------------------


def self_supervised(
    renderers: dict[str, Any], people: Path, globs: list[str], synthetic: int, cache: Path
) -> dict:
    """The former bench's held-out pairs, on the real path, scored inside the garment only."""
    report: dict[str, Any] = {}
    reader = PersonPhotoReader(people, category="top", cache_dir=cache / "photos")
    reader.paths = [p for p in reader.paths if _matches(p.name, globs)]
    examples, unusable = [], []
    for index in range(len(reader)):
        try:
            examples.append(reader[index])
        except UnusableExample:
            unusable.append(reader.paths[index].name)
    report["real"] = held_out(examples, renderers)
    report["real"]["photos_without_a_usable_garment_region"] = unusable
    if synthetic:
        root = cache / "synthetic"
        write_viton_hd(root, synthetic, seed=987654)
        report["synthetic"] = held_out(list(VitonHDReader(root)), renderers)
    return report


def held_out(examples: list, renderers: dict[str, Any]) -> dict:
    """Render each example through run_tryon; SSIM, PSNR and deltaE inside its garment."""
    keys = ("ssim_garment", "psnr_garment", "delta_e_pixel", "delta_e_colour")
    scores: dict[str, list] = {name: [] for name in renderers}
    refusals: dict[str, Counter] = {name: Counter() for name in renderers}
    for example in examples:
        photo, product = png_bytes(example.person), png_bytes(example.garment)
        product_lab = lab(example.garment[example.garment_mask]).mean(axis=0)
        for name, renderer in renderers.items():
            try:
                result = run_tryon(photo, product, category=example.category, renderer=renderer)
            except ImageInputError as error:
                refusals[name][error.code] += 1
                continue
            except Exception as error:  # a crash is reported, not fatal
                traceback.print_exc()
                refusals[name][f"error:{type(error).__name__}"] += 1
                continue
            target, image = result.person.image, result.output.image
            region = example.person_garment
            if region.shape != target.shape[:2]:
                size = target.shape[1::-1]
                resized = cv2.resize(region.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
                region = resized > 0
            if not region.any():
                continue
            scores[name].append(
                {
                    "example": example.name,
                    "ssim_garment": float(ssim_map(image, target)[region].mean()),
                    "psnr_garment": psnr(image[region], target[region]),
                    "delta_e_pixel": float(delta_e(image, target)[region].mean()),
                    "delta_e_colour": float(
                        np.linalg.norm(product_lab - lab(image[region]).mean(axis=0))
                    ),
                }
            )
    summary = {}
    for name in renderers:
        values = scores[name]
        summary[name] = {
            key: _round(float(np.mean([v[key] for v in values]))) if values else None
            for key in keys
        }
        summary[name]["rendered"] = len(values)
        summary[name]["refusals"] = dict(refusals[name])
        summary[name]["per_example"] = [_rounded(v) for v in values]
    return summary


# --- the command ----------------------------------------------------------------------------------


def demo_products(globs: list[str]) -> list[Product]:
    """The demo catalogue's product images, one per SKU (matching ``globs`` if any), with
    the categories its CSV gives them."""
    sys.path.insert(0, str(REPO / "platform"))  # a plain module of the storefront's
    from shop.demo_catalogue import demo_catalogue_files

    files = demo_catalogue_files()
    rows = csv.DictReader(io.StringIO(files.csv_bytes.decode()))
    categories = {row["images"]: row["category"] for row in rows}
    products = []
    with tempfile.TemporaryDirectory() as root, zipfile.ZipFile(io.BytesIO(files.zip_bytes)) as z:
        for name, category in sorted(categories.items()):
            if globs and not _matches(name, globs):
                continue
            path = Path(root) / name
            path.write_bytes(z.read(name))
            products.append(Product.load(path, category))
    return products


def _matches(name: str, globs: list[str]) -> bool:
    return not globs or any(fnmatch.fnmatch(name, pattern) for pattern in globs)


def _images(root: Path, globs: list[str]) -> list[Path]:
    return sorted(
        p
        for p in root.iterdir()
        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and _matches(p.name, globs)
    )


def table_print(summary: dict[str, dict]) -> None:
    """A compact table: one column per renderer, mean (median) per figure."""
    names = list(summary)
    rows: list[tuple[str, list[str]]] = []

    def add(label: str, cell) -> None:
        rows.append((label, [cell(summary[n]) if "unavailable" not in summary[n] else "-"
                             for n in names]))  # fmt: skip

    def stat(metric: str, pattern: str = "{:.3f}", factor: float = 1.0):
        def cell(entry):
            figure = entry[metric]
            if figure["mean"] is None:
                return "-"
            mean, median = figure["mean"] * factor, figure["median"] * factor
            return f"{pattern.format(mean)} ({pattern.format(median)}) n{figure['n']}"

        return cell

    add("rendered / refused / errors", lambda e: (
        f"{e['rendered']} / {e['refused']} / {sum(e['errors'].values())}"))  # fmt: skip
    add("changed outside edit, px", stat("changed_outside_edit", "{:.0f}"))
    add("  same, % of image", stat("changed_outside_edit_share", "{:.2f}", 100))
    add("  same, visible (dE>6) px", stat("changed_outside_edit_visible", "{:.0f}"))
    add("own edit_region violations", lambda e: (
        str(e["edit_region_violations"]["total"]) if e["edit_region_violations"]["n"]
        else "n/a"))  # fmt: skip
    add("old garment left, %", stat("old_garment_left", "{:.1f}", 100))
    add("old garment unchanged, %", stat("old_garment_unchanged", "{:.1f}", 100))
    add("sharpness ratio", stat("sharpness_ratio", "{:.2f}"))
    add("hem error, share of H", stat("hem_error"))
    add("sleeve error, share of H", stat("sleeve_error"))
    add("colour dE (product vs result)", stat("delta_e_colour", "{:.1f}"))
    add("pose drift, px", stat("pose_drift_px", "{:.1f}"))
    add("pose drift, % of H", stat("pose_drift_share", "{:.2f}", 100))
    add("confidence", stat("confidence", "{:.2f}"))
    add("s/image total p50 / mean", lambda e: (
        f"{_f(e['seconds_total']['p50'])} / {_f(e['seconds_total']['mean'])}"))  # fmt: skip
    add("s/image wall p50 / mean", lambda e: (
        f"{_f(e['seconds_wall']['p50'])} / {_f(e['seconds_wall']['mean'])}"))  # fmt: skip
    width = max(len(label) for label, _ in rows)
    widths = [max(len(n), *(len(cells[i]) for _, cells in rows)) for i, n in enumerate(names)]
    print(" " * width + " | " + " | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)))
    for label, cells in rows:
        print(
            label.ljust(width)
            + " | "
            + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
        )
    for name in names:
        entry = summary[name]
        if "unavailable" in entry:
            print(f"{name}: unavailable ({entry['unavailable']})")
            continue
        refusals = ", ".join(f"{k} {v}" for k, v in sorted(entry["refusals"].items()))
        errors = ", ".join(f"{k} {v}" for k, v in sorted(entry["errors"].items()))
        print(f"{name} refusals: {refusals or 'none'}" + (f"; errors: {errors}" if errors else ""))


def main(argv: list[str] | None = None) -> None:
    """Run the grid (and optionally the self-supervised pairs), print and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=Path, default=PEOPLE)
    parser.add_argument("--garments", type=Path, default=GARMENTS)
    parser.add_argument(
        "--renderers", default=",".join(RENDERERS), help="comma-separated (default: registry)"
    )
    parser.add_argument("--people-glob", default="", help="comma-separated file name patterns")
    parser.add_argument("--garments-glob", default="", help="comma-separated file name patterns")
    parser.add_argument("--limit", type=int, default=None, help="N pairs from a fixed shuffle")
    parser.add_argument(
        "--demo-catalogue",
        action="store_true",
        help="add the demo catalogue's product images (as `manage.py seed_demo` draws them)",
    )
    parser.add_argument("--self-supervised", action="store_true", help="add the held-out pairs")
    parser.add_argument("--synthetic", type=int, default=40, help="synthetic held-out pairs")
    parser.add_argument("--checkpoint", type=Path, default=None, help="GAN renderer.pt")
    parser.add_argument(
        "--marks",
        action="store_true",
        help="draw on the sheet's results: scoring edit region (cyan), changes outside it "
        "(magenta), expected (green) vs measured (red) hem and sleeve ends",
    )
    args = parser.parse_args(argv)
    if args.checkpoint is not None:
        os.environ["TRYON_CHECKPOINT"] = str(args.checkpoint)  # what GanRenderer loads
    people_globs = [g for g in args.people_glob.split(",") if g]
    garment_globs = [g for g in args.garments_glob.split(",") if g]
    names = [n.strip() for n in args.renderers.split(",") if n.strip()]
    renderers, failed = renderers_build(names)

    people = _images(args.people, people_globs)
    products, skipped = [], {}
    for path in _images(args.garments, garment_globs):
        category = garment_category(path.name)
        if category is None:
            skipped[path.name] = "no category word in the file name"
            continue
        products.append(Product.load(path, category))
    if args.demo_catalogue:
        products += demo_products(garment_globs)
    pairs = pairs_choose(people, products, args.limit)
    print(
        f"{len(pairs)} pairs ({len(people)} people x {len(products)} garments"
        + (f", limited to {args.limit}" if args.limit else "")
        + f") x renderers {', '.join(renderers) or 'none'}",
        file=sys.stderr,
    )
    stats, per_pair, rows = grid_run(pairs, renderers, args.marks)
    summary = summarise(stats, failed)
    RESULTS.mkdir(parents=True, exist_ok=True)
    sheets = sheet_write(rows, list(renderers) + list(failed))
    report: dict[str, Any] = {
        "machine": machine_info(),
        "checkpoint": str(checkpoint_path()),
        "people": str(args.people),
        "garments": {p.path.name: p.category for p in products},
        "garments_unusable": {p.path.name: p.refused for p in products if p.refused},
        "garments_skipped": skipped,
        "pairs_total": len(pairs),
        "renderers": summary,
        "constants": {
            "unchanged_delta_e": UNCHANGED_DELTA_E,
            "feather": f"max({FEATHER_MIN_PX}, {FEATHER_SHARE} x longest side) px",
            "sharpness": "mean Sobel 3x3 gradient magnitude of luma, masks eroded by "
            f"max({ERODE_MIN_PX}, {ERODE_SHARE} x longest side) px",
            "outer_shoulder": OUTER_SHOULDER,
            "hip_width": HIP_WIDTH,
            "neck_raise_shoulder_widths": NECK_RAISE,
            "waist_raise_torso_lengths": WAIST_RAISE,
            "body_height": f"nose-to-ankle x {NOSE_ANKLE_HEIGHT}, else torso x {TORSO_HEIGHT}",
        },
        "sheets": [str(p.relative_to(REPO)) for p in sheets],
        "pairs": per_pair,
    }
    if args.self_supervised:
        with tempfile.TemporaryDirectory() as cache:
            report["self_supervised"] = self_supervised(
                renderers, args.people, people_globs, args.synthetic, Path(cache)
            )
    with contextlib.redirect_stdout(io.StringIO()):  # report_write prints the whole JSON
        path = report_write(report, name="tryon_quality")
    table_print(summary)
    if args.self_supervised:
        print("\nself-supervised held-out pairs (inside the garment region only):")
        for section, results in report["self_supervised"].items():
            for name, entry in results.items():
                if name in renderers:
                    print(
                        f"  {section:9s} {name:10s} SSIM {_f(entry['ssim_garment'], '{:.3f}')}"
                        f"  PSNR {_f(entry['psnr_garment'], '{:.1f}')}"
                        f"  dE px {_f(entry['delta_e_pixel'], '{:.1f}')}"
                        f"  dE colour {_f(entry['delta_e_colour'], '{:.1f}')}"
                        f"  n {entry['rendered']}  refused {entry['refusals']}"
                    )
    print(f"written to {path}")
    for sheet in sheets:
        print(f"contact sheet: {sheet}")


if __name__ == "__main__":
    main()
