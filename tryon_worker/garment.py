"""Cut a garment out of its product shot and find its landmarks from the silhouette.

Product shots (ghost-mannequin or flat-lay) show one garment on a plain, light backdrop. The
backdrop is modelled from the image border as a smooth colour surface (it is often a gently
lit sweep, not one flat colour); the garment is what differs from it in colour, plus the faint
outlines where white fabric meets a white backdrop, closed and hole-filled so white stripes and
white panels stay part of the garment. Landmarks come from the silhouette's geometry: the
pockets of backdrop inside its convex hull with garment above them end at the armpits (under
a sleeve) and the crotch (between legs); the shoulders sit on the top outline above the
armpits; hems and the waist come from row widths. Tops are then split into torso and sleeves
along the armholes, trousers into legs at the crotch.

Left and right are the WEARER's, as for body landmarks: a garment shot from the front has
its left sleeve on the right of the picture, so ``left_shoulder`` has the larger x. That way
garment and body landmarks of the same name are matched directly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import cv2
import numpy as np

from contracts.vocabulary import CATEGORIES
from vision.errors import ImageInputError

logger = logging.getLogger(__name__)

#: Product shots are analysed at most this big: a torso in a shopper's photo is rarely wider
#: than that, and the cut-out stays fast.
WORK_MAX_SIDE = 1024
#: The garment must cover at least / at most this share of the picture.
MIN_COVERAGE = 0.02
MAX_COVERAGE = 0.9
#: A backdrop noisier than this (Lab units, robust spread of the border) is not a plain one.
MAX_BACKDROP_NOISE = 6.0
#: A crew neck's front drop below its corners (the collar's outer top), in half neck widths.
CREW_NECK_DEPTH = 1.05
#: An open front's edges (bands, a placket) are this much stronger than the cloth's grain.
OPEN_FRONT_EDGE = 3.0
#: The shadow in a gap between sleeve and body is at most this much darker (Lab L) than
#: the backdrop; dark cloth of the backdrop's hue (black, grey) is darker still.
PALE_SHADOW_DEPTH = 20.0
#: No top we have seen has its armpit lower than this share of its height.
LOWEST_ARMPIT = 0.45
#: An inside found this many times wider than the neck's corners are apart is a print's.
INSIDE_WIDER = 1.6
#: A print's spacing (share of the chest's width) the inside's search bridges between its
#: light parts (see _inner_back).
PRINT_SPACING = 0.16

Point = tuple[float, float]


@dataclass(frozen=True)
class GarmentAnalysis:
    """A garment cut out of its product shot, with its landmarks (pixels of ``rgba``).

    ``parts`` splits ``mask`` into pieces that move differently on a body: "torso" and
    "left_sleeve"/"right_sleeve" for tops, outerwear and dresses; "left_leg"/"right_leg" for
    trousers and shorts; a skirt is one "torso" piece.
    """

    rgba: np.ndarray  # (H, W, 4) uint8, alpha 0 outside the garment
    mask: np.ndarray  # (H, W) bool
    landmarks: dict[str, Point]
    category: str
    parts: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def has_legs(self) -> bool:
        """Whether this bottom has two legs (trousers, shorts) rather than one tube (skirt)."""
        return "crotch" in self.landmarks


def analyse_garment(image: np.ndarray, *, category: str) -> GarmentAnalysis:
    """Separate the garment from its backdrop and estimate its landmarks.

    Landmarks (wearer's left/right): tops and outerwear have neck, left/right_shoulder,
    left/right_armpit, left/right_hem (hem corners) and left/right_sleeve_end where a sleeve
    is present; bottoms have left/right_waist, left/right_hem (centre of each leg opening, or
    the hem corners of a skirt) and crotch for two-legged garments; dresses have the top's
    points plus left/right_waist (narrowest row) and hem corners. Where the inside of the back
    shows through the front neckline (the label, the back of the collar), an upper
    garment's "torso" part leaves it out and ``neck_front`` marks the front neckline's
    lowest point.
    Raises ImageInputError("garment_not_found") when no garment stands out from the backdrop.
    """
    if category not in CATEGORIES:
        raise ValueError(f"unknown garment category {category!r}; valid: {', '.join(CATEGORIES)}")
    work = _downscale(image, WORK_MAX_SIDE)
    mask, backdrop, shadow, pale = _segment(work)
    landmarks, parts = garment_landmarks(mask, category=category)
    if "crotch" in landmarks:
        tip = _crotch_shadow(mask, shadow & ~backdrop, backdrop, landmarks["crotch"])
        if tip.any():
            mask = mask & ~tip
            landmarks, parts = garment_landmarks(mask, category=category)
    wedges = np.zeros(mask.shape, dtype=bool)
    if category != "bottom":
        wedges = _shaded_slits(mask, backdrop | shadow, landmarks)
        if wedges.any():
            landmarks, parts = garment_landmarks(mask, category=category, gaps=wedges)
        inside = _inner_back(work, mask, landmarks, crew=category != "outerwear")
        if inside is not None:
            region, front = inside
            parts["torso"] = parts["torso"] & ~region
            landmarks["neck_front"] = front
        # The pale shadow widens some runs past a slit's width: both ways, what either finds.
        slits = (
            wedges
            | _armpit_slits(mask, backdrop, landmarks)
            | _armpit_slits(mask, backdrop | pale, landmarks)
        )
    else:
        slits = np.zeros(mask.shape, dtype=bool)
    rgba = _cut_out(work, mask, backdrop | shadow, slits)
    return GarmentAnalysis(
        rgba=rgba, mask=mask, landmarks=landmarks, category=category, parts=parts
    )


def _crotch_shadow(
    mask: np.ndarray, shadow: np.ndarray, backdrop: np.ndarray, crotch: Point
) -> np.ndarray:
    """The tip of the gap between a product shot's legs, taken for cloth.

    The gap narrows to a point up into the crotch, too narrow for the segmentation to keep
    open, and the backdrop there lies in the legs' shadow: the mask closed it, the crotch
    landmark stopped at the tip's foot, and the wedge, opaque grey, was worn as a light
    teardrop over the fly. The wedge: pixels just above the crotch, joined to it, that
    are the backdrop's colour (``backdrop``) or its hue clearly darker (``shadow``). Rows
    where those run wide are a light stripe of the cloth: there only the shadow is the tip.
    """
    x0, y0, x1, y1 = _bounds(mask)
    width, height = x1 - x0 + 1, y1 - y0 + 1
    cx, cy = round(crotch[0]), round(crotch[1])
    half = max(2, round(0.04 * width))
    box = np.zeros(mask.shape, dtype=bool)
    box[max(0, cy - round(0.12 * height)) : cy + 2, max(0, cx - half) : cx + half + 1] = True
    candidates = (mask & (shadow | backdrop) & box).astype(np.uint8)
    _, labels = cv2.connectedComponents(candidates, connectivity=8)
    # The component that reaches the gap's top (a couple of rows round the landmark).
    touching = np.unique(labels[max(0, cy - 3) : cy + 2, max(0, cx - 3) : cx + 4])
    tip = np.isin(labels, touching[touching > 0])
    wide = tip.sum(axis=1) >= 2 * half
    return tip & (~wide[:, None] | shadow)


def garment_landmarks(
    mask: np.ndarray, *, category: str, gaps: np.ndarray | None = None
) -> tuple[dict[str, Point], dict[str, np.ndarray]]:
    """Landmarks and parts of a garment from its silhouette alone (see analyse_garment).

    For masks that come with a data set (VITON-HD's cloth-mask) rather than from a product
    shot we segment ourselves. ``gaps`` (tops, dresses, outerwear): pixels of the mask that
    are backdrop seen between a sleeve and the body, pockets for finding the armpits.
    """
    if category == "bottom":
        return _bottom_landmarks(mask)
    return _upper_landmarks(mask, dress=category == "dress", gaps=gaps)


def _shaded_slits(mask: np.ndarray, shade: np.ndarray, landmarks: dict[str, Point]) -> np.ndarray:
    """Backdrop in the shade of a hanging sleeve, taken for cloth, above the pocket under it.

    On a flat lay the gap between a hanging sleeve and the body narrows up to the armpit in
    the sleeve's shadow: the segmentation keeps its grey for cloth, so the pocket it leaves
    open starts far below the armpit. Placed there (or at the lowest armpit a top has), the
    armpit joined the sleeve to the body a hand's width too low, and the grey wedge was
    worn as a stripe down the wearer's side. From each pocket's top lower than any top's
    armpit, the narrow run of backdrop or its shadow (``shade``) that goes on up is the
    slit. (A pocket open higher up is left as it is: the sleeve's warp is tuned to it.)
    """
    labels, mouth = _covered_gaps(mask)
    cx = landmarks["neck"][0]
    x0, y0, x1, y1 = _bounds(mask)
    lowest = y0 + LOWEST_ARMPIT * (y1 - y0 + 1)
    rows = np.arange(mask.shape[0])[:, None]
    # Where a long slit goes on up, the pocket's top opens narrower than the shade round
    # it: its flanks, this far beside it, are the slit too (left as cloth, their grey was
    # worn as a pale tick on the sleeve).
    reach = max(3, round(0.02 * (x1 - x0 + 1)))
    wedges = np.zeros(mask.shape, dtype=bool)
    for side, sign in (("left", 1), ("right", -1)):
        pocket = _side_pocket(mask, labels, mouth, cx, sign)
        if pocket is None or pocket[0].min() <= lowest:
            continue
        ys, xs = pocket
        top = int(ys.min())
        start = {f"{side}_armpit": (float(xs[ys <= top + 1].mean()), float(top))}
        slit = _armpit_slits(mask, shade, start) & (rows < top)
        wedges |= slit
        run = np.nonzero(slit.any(axis=1))[0]
        if not len(run) or run[-1] - run[0] < 0.15 * (y1 - y0):
            continue  # a short one is a sleeve's shadow (c16's), not a hanging sleeve's slit
        opening = np.zeros(mask.shape, dtype=np.uint8)
        opening[ys, xs] = 1
        beside = cv2.dilate(opening, np.ones((1, 2 * reach + 1), np.uint8)) > 0
        wedges |= beside & shade & mask & (rows < top + reach)
    # The rows just above the pocket's top may be skipped by the walk (wide there): joined.
    return (cv2.dilate(wedges.astype(np.uint8), np.ones((5, 1), np.uint8)) > 0) & mask


def _cut_out(
    image: np.ndarray, mask: np.ndarray, backdrop_like: np.ndarray, slits: np.ndarray
) -> np.ndarray:
    """RGBA cut-out whose edge pixels carry the garment's colour, not the backdrop's.

    Pixels at the silhouette mix fabric and backdrop (and the contact shadow), and the
    closing in the segmentation fills sharp inner corners (armpits) with backdrop; warped
    onto a body they would draw a pale outline. Backdrop-coloured pixels near the edge are
    dropped, the alpha edge is pulled in by a pixel or two, and the colours there are
    replaced by those of the fabric just inside. ``slits`` (backdrop seen up between a
    sleeve and the body) stay covered, in the colours of the fabric beside them in the same
    row (stripes and checks run on across them; a blur of both would be a grey bar): worn,
    the garment is closed there.
    """
    side = max(mask.shape)
    band = _edge_band(side)
    near_edge = mask & ~cv2.erode(mask.astype(np.uint8), np.ones((band, band), np.uint8)).astype(
        bool
    )
    core = (mask & ~(near_edge & backdrop_like)).astype(np.uint8)
    # Stripes as light as the backdrop end a little short of the dark ones beside them, a
    # comb along the edge: each small gap of the garment's own mask between two kept pixels
    # in the same column (or row) is closed again. Long ones (between two trouser legs, an
    # armpit) stay open.
    for kernel in (np.ones((band, 1), np.uint8), np.ones((1, band), np.uint8)):
        gaps = cv2.morphologyEx(core, cv2.MORPH_CLOSE, kernel) & mask.astype(np.uint8) & ~core
        count, labels, stats, _ = cv2.connectedComponentsWithStats(gaps, connectivity=4)
        small = np.zeros(count, dtype=bool)
        small[1:] = stats[1:, cv2.CC_STAT_AREA] <= band * band
        core |= small[labels].astype(np.uint8)
    core[slits] = 0
    shrink = max(1, round(0.002 * side))
    erosion = np.ones((2 * shrink + 1,) * 2, np.uint8)
    inner = cv2.erode(core, erosion).astype(np.float32)
    sigma = 2.0 * shrink + 1.0
    spread = cv2.GaussianBlur(inner, (0, 0), sigma)
    colour = image.astype(np.float32)
    bled = cv2.GaussianBlur(colour * inner[..., None], (0, 0), sigma)
    bled /= np.maximum(spread, 1e-3)[..., None]
    colour = np.where((inner == 0)[..., None], bled, colour)
    ys, xs = np.nonzero(slits)
    if len(ys):
        source = _nearest_in_row(inner > 0, ys, xs)
        source = np.where(source >= 0, source, xs)  # (fabric is beside every slit's row)
        colour[ys, xs] = image[ys, source]
    covered = cv2.erode(core | slits.astype(np.uint8), erosion).astype(np.float32)
    alpha = cv2.GaussianBlur(covered, (0, 0), 0.6)
    alpha[(spread < 1e-3) & ~slits] = 0.0
    return np.dstack([np.clip(colour, 0, 255), alpha * 255.0]).round().astype(np.uint8)


def _nearest_in_row(valid: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """For each pixel (ys, xs), the column of the nearest ``valid`` pixel in its row (-1: none)."""
    width = valid.shape[1]
    columns = np.arange(width)[None, :]
    left = np.maximum.accumulate(np.where(valid, columns, -1), axis=1)
    right = np.minimum.accumulate(np.where(valid, columns, width)[:, ::-1], axis=1)[:, ::-1]
    before, after = left[ys, xs], right[ys, xs]
    nearer_after = (after < width) & ((before < 0) | (after - xs < xs - before))
    return np.where(nearer_after, after, before)


def _armpit_slits(
    mask: np.ndarray, backdrop: np.ndarray, landmarks: dict[str, Point]
) -> np.ndarray:
    """Backdrop seen between a sleeve and the body near each armpit, inside the mask.

    On a ghost mannequin or a flat lay a hanging sleeve and the body part a little above
    the armpit: a thin wedge of backdrop (or of its pale shadow) that the segmentation
    takes into the garment (too narrow to tell from fabric by shape). From the armpit, row
    by row up and down, the run of backdrop (or outside) that continues the one before is
    the slit while it stays narrow. A stripe as light as the backdrop crossing it makes a
    wide run: the slit goes on through it in the columns it had, for a stripe's height at
    most, so a gap crossed by stripes is found whole, and a stripe alone (with no narrow
    run beyond it) keeps its colour. Under a short sleeve a wedge of shadow may narrow up
    into the armpit from a wide pocket: wide rows each within the one below are taken whole
    once a narrow row above confirms them.
    """
    height, width = mask.shape
    side = max(height, width)
    max_run, reach = max(3, round(0.02 * side)), round(0.25 * side)
    open_ = backdrop | ~mask
    slits = np.zeros(mask.shape, dtype=bool)
    for name in ("left_armpit", "right_armpit"):
        if name not in landmarks:
            continue
        x, y = (round(v) for v in landmarks[name])
        upwards = range(min(height - 1, y + 2), max(-1, y - reach), -1)
        downwards = range(min(height, y + 3), min(height, y + reach))
        for rows in (upwards, downwards):
            if not len(rows):
                continue
            # The pocket's deepest point may lie a few pixels beside the slit's foot.
            first = max(0, x - max_run)
            near = first + np.nonzero(open_[rows[0], first : x + max_run + 1])[0]
            if not len(near):
                continue
            left = right = int(near[np.argmin(np.abs(near - x))])
            bridged: list[int] = []  # wide rows crossed since the last narrow one
            # A wedge of shadow over a wide pocket: wide rows narrowing up to a slit.
            wedge: list[tuple[int, int, int]] = []
            for row in rows:
                line = open_[row]
                hits = np.nonzero(line[max(0, left - 1) : right + 2])[0]
                if not len(hits):
                    break
                # The run of open pixels through the part of this row over the one before.
                start = max(0, left - 1) + hits[0]
                end = max(0, left - 1) + hits[-1]
                while start > 0 and line[start - 1]:
                    start -= 1
                while end < width - 1 and line[end + 1]:
                    end += 1
                if end - start + 1 > max_run:
                    if rows is upwards and row >= y - 2:
                        continue  # the pocket's top may be wide under a short sleeve
                    if left == right and rows is upwards:
                        # Not yet narrow: the run must close in on itself row by row
                        # (a stripe would widen it).
                        if wedge and not (wedge[-1][1] <= start and end <= wedge[-1][2]):
                            break
                        if len(wedge) >= reach // 2:
                            break
                        wedge.append((row, start, end))
                        continue
                    if left == right or len(bridged) >= 2 * max_run:
                        break
                    bridged.append(row)
                    continue
                for crossed in bridged:
                    slits[crossed, left : right + 1] = True
                for crossed, first_column, last_column in wedge:
                    slits[crossed, first_column : last_column + 1] = True
                bridged, wedge = [], []
                slits[row, start : end + 1] = True
                left, right = start, end
    # The slit's edge pixels mix fabric and backdrop.
    return (cv2.dilate(slits.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & mask


def garment_mask(image: np.ndarray) -> np.ndarray:
    """Boolean mask of the garment in an RGB product shot (any size; best at <= 1024 px).

    Raises ImageInputError("garment_not_found") if the backdrop is not plain or nothing (or
    nearly everything) differs from it.
    """
    return _segment(image)[0]


def _segment(image: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The garment mask, where pixels look like the backdrop or its shadow (for cleaning
    the edge), and where like its pale shadow only (a gap between sleeve and body)."""
    height, width = image.shape[:2]
    lab = cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    ring_width = max(2, round(0.02 * min(height, width)))
    ring = np.zeros((height, width), dtype=bool)
    ring[:ring_width], ring[-ring_width:] = True, True
    ring[:, :ring_width], ring[:, -ring_width:] = True, True
    backdrop, noise = _backdrop_model(lab, ring)
    if noise > MAX_BACKDROP_NOISE:
        raise _not_found("busy_backdrop")
    # Lightness counts half: soft shadows on the backdrop change lightness, not hue.
    distance = np.linalg.norm((lab - backdrop) * np.float32([0.5, 1.0, 1.0]), axis=-1)
    strong = distance > max(10.0, 8.0 * noise)
    weak = distance > max(5.0, 4.0 * noise)
    # Faint outlines: where white fabric meets a white backdrop only a thin grey edge shows.
    lightness = cv2.GaussianBlur(lab[..., 0], (0, 0), 1.0)
    gradient = np.hypot(
        cv2.Sobel(lightness, cv2.CV_32F, 1, 0, ksize=3),
        cv2.Sobel(lightness, cv2.CV_32F, 0, 1, ksize=3),
    ) / np.float32(8.0)
    gradient_noise = 1.4826 * float(np.median(gradient[ring]))
    candidate = (weak | (gradient > max(1.0, 6.0 * gradient_noise))).astype(np.uint8)
    # Keep candidate regions anchored by clearly different pixels (drops stray edges).
    count, labels = cv2.connectedComponents(candidate, connectivity=8)
    anchored = np.zeros(count, dtype=bool)
    anchored[np.unique(labels[strong])] = True
    anchored[0] = False
    mask = anchored[labels].astype(np.uint8)
    side = max(height, width)
    small = max(3, round(0.004 * side)) | 1
    mask = _closed(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (small, small)))
    # A vertical closing bridges white horizontal stripes that run out to the garment's edge,
    # without bridging the vertical gaps between legs or between a sleeve and the body.
    tall = max(3, round(0.03 * height)) | 1
    mask = _closed(mask, np.ones((tall, 1), np.uint8))
    mask = _fill_holes(mask > 0).astype(np.uint8)
    opening = max(3, round(0.008 * side)) | 1
    mask = cv2.morphologyEx(
        mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (opening, opening))
    )
    # The outline smoothed: a dark garment's edge in shadow comes out in small steps, which
    # a warp that stretches the garment would enlarge into a saw-tooth along its side.
    mask = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), max(1.0, 0.0025 * side)) > 0.5
    mask = _large_components(mask)
    coverage = float(mask.mean())
    if coverage < MIN_COVERAGE:
        raise _not_found("empty")
    if coverage > MAX_COVERAGE:
        raise _not_found("whole_image")
    # Backdrop or its shadow: the backdrop's hue and no lighter (used to clean the edge)...
    delta = lab - backdrop
    shadow = (np.hypot(delta[..., 1], delta[..., 2]) < max(5.0, 4.0 * noise)) & (
        delta[..., 0] < 2.0 + 3.0 * noise
    )
    # ...and nearer the backdrop's colour than the fabric's beside it: a black or grey
    # garment has the backdrop's (lack of) hue and is darker too, and its whole edge band
    # would be cut away as shadow, leaving a ragged comb along its sides.
    shadow &= ~_like_fabric_beside(lab, mask, backdrop, side)
    return mask, ~weak, shadow, shadow & (delta[..., 0] > -PALE_SHADOW_DEPTH)


def _edge_band(side: int) -> int:
    """Width (odd, pixels) of the band along a cut-out's edge where fabric and backdrop mix:
    cleaned by the cut-out, and the fabric's colour is sampled just inside it."""
    return max(5, round(0.02 * side)) | 1


def _like_fabric_beside(
    lab: np.ndarray, mask: np.ndarray, backdrop: np.ndarray, side: int
) -> np.ndarray:
    """Pixels nearer (CIELAB, lightness halved) the colour of the garment's fabric a little
    inside its edge than the backdrop's: the fabric, not a shadow cast on the backdrop."""
    band = _edge_band(side)
    inner = cv2.erode(mask.astype(np.uint8), np.ones((band, band), np.uint8)).astype(np.float32)
    sigma = float(band)
    weight = cv2.GaussianBlur(inner, (0, 0), sigma)
    fabric = cv2.GaussianBlur(lab * inner[..., None], (0, 0), sigma)
    fabric /= np.maximum(weight, 1e-6)[..., None]
    # Lightness counts half, as in the segmentation: a shadow is darker, of the same hue.
    weights = np.float32([0.5, 1.0, 1.0])
    to_fabric = np.linalg.norm((lab - fabric) * weights, axis=-1)
    to_backdrop = np.linalg.norm((lab - backdrop) * weights, axis=-1)
    return (weight > 1e-3) & (to_fabric < to_backdrop)


def _backdrop_model(lab: np.ndarray, ring: np.ndarray) -> tuple[np.ndarray, float]:
    """Fit a quadratic colour surface to the border, ignoring garment pixels that touch it."""
    height, width = ring.shape
    ys, xs = np.nonzero(ring)
    # Subsample: a few thousand border pixels pin down six coefficients per channel.
    step = max(1, len(xs) // 6000)
    ys, xs = ys[::step], xs[::step]
    x, y = xs / width - 0.5, ys / height - 0.5
    basis = np.stack([np.ones_like(x), x, y, x * x, y * y, x * y], axis=1)
    values = lab[ys, xs].astype(np.float64)
    keep = np.ones(len(xs), dtype=bool)
    weights = np.array([0.5, 1.0, 1.0])
    spread = 0.0
    for _ in range(3):
        coef, *_ = np.linalg.lstsq(basis[keep], values[keep], rcond=None)
        residual = np.linalg.norm((values - basis @ coef) * weights, axis=1)
        spread = float(np.median(residual[keep]))
        keep = residual < max(3.0 * 1.4826 * spread, 2.0)
        if keep.sum() < 12:
            return np.zeros_like(lab), np.inf
    gy, gx = np.mgrid[0:height, 0:width].astype(np.float32)
    gx, gy = gx / width - 0.5, gy / height - 0.5
    full_basis = np.stack([np.ones_like(gx), gx, gy, gx * gx, gy * gy, gx * gy], axis=-1)
    backdrop = (full_basis @ coef.astype(np.float32)).astype(np.float32)
    return backdrop, 1.4826 * spread


def _closed(mask: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Morphological closing with backdrop beyond the frame.

    OpenCV's own closing takes the outside as garment where it erodes: a hem a few pixels
    above the shot's bottom edge grew a band of backdrop down to it (the knit dress's
    scallops stood on a white strip).
    """
    pad_y, pad_x = kernel.shape[0], kernel.shape[1]
    padded = cv2.copyMakeBorder(mask, pad_y, pad_y, pad_x, pad_x, cv2.BORDER_CONSTANT, value=0)
    closed = cv2.morphologyEx(padded, cv2.MORPH_CLOSE, kernel)
    return closed[pad_y:-pad_y, pad_x:-pad_x]


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    background = (~mask).astype(np.uint8)
    _, labels = cv2.connectedComponents(background, connectivity=4)
    outside = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    return mask | ((labels > 0) & ~np.isin(labels, outside))


def _large_components(mask: np.ndarray) -> np.ndarray:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8))
    if count <= 2:
        return mask
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.nonzero(areas >= 0.05 * areas.max())[0] + 1
    return np.isin(labels, keep)


def _largest_component(mask: np.ndarray) -> np.ndarray:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8))
    if count <= 1:
        return np.zeros(mask.shape, dtype=bool)
    return labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))


def _not_found(reason: str) -> ImageInputError:
    return ImageInputError(
        "garment_not_found",
        "We couldn't pick out the garment in its product image (it needs a plain, light "
        "background). The shop has been told; please try another garment for now.",
        reason=reason,
    )


def _downscale(image: np.ndarray, max_side: int) -> np.ndarray:
    height, width = image.shape[:2]
    scale = max_side / max(height, width)
    if scale >= 1.0:
        return np.ascontiguousarray(image)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


# --- landmarks --------------------------------------------------------------------------------


def _covered_gaps(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Label the backdrop inside the garment's convex hull that has garment above it.

    These are the pockets under a sleeve (deepest point: the armpit) and between the legs
    (deepest point: the crotch); necklines and armholes are open to the top and drop out.
    Returns (labels, mouth): component labels, and the pixels where a pocket opens onto the
    outside of the hull.
    """
    # The hull of the outlines is the hull of the mask, from far fewer points.
    contours, _ = cv2.findContours(
        mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    hull = np.zeros(mask.shape, dtype=np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(np.vstack(contours)), 1)
    above = np.maximum.accumulate(mask, axis=0)
    covered = (hull > 0) & ~mask & above
    _, labels = cv2.connectedComponents(covered.astype(np.uint8))
    # The mouth borders open backdrop: outside the hull, or inside it with no garment above
    # (beside a sleeve that bulges out further up than the hull's edge below it).
    open_backdrop = (~mask & ~covered).astype(np.uint8)
    outside = cv2.dilate(open_backdrop, np.ones((3, 3), np.uint8)) > 0
    return labels, covered & outside


def _gap_deepest(
    labels: np.ndarray, mouth: np.ndarray, select: np.ndarray, min_area: float
) -> tuple[np.ndarray | None, float]:
    """Deepest pixel (x, y) of the largest covered pocket within ``select``, and its depth.

    Depth is the distance from the straight line the pocket opens along (its mouth on the
    hull), so a long narrow gap under a hanging sleeve ends at the armpit, and a triangle
    under a short sleeve at its inner corner.
    """
    select = np.broadcast_to(select, labels.shape)
    inside = labels[select]
    ids, counts = np.unique(inside[inside > 0], return_counts=True)
    if not len(ids) or counts.max() < min_area:
        return None, 0.0
    pocket = (labels == ids[np.argmax(counts)]) & select
    my, mx = np.nonzero(pocket & mouth)
    ys, xs = np.nonzero(pocket)
    if len(mx) < 2:
        return None, 0.0
    vx, vy, px, py = cv2.fitLine(
        np.column_stack([mx, my]).astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01
    ).ravel()
    depth = np.abs((xs - px) * vy - (ys - py) * vx)
    deepest = depth >= depth.max() - 1.0
    return np.array([float(xs[deepest].mean()), float(ys[deepest].mean())]), float(depth.max())


def _bounds(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _column_top(mask: np.ndarray, x: float) -> float:
    column = mask[:, int(np.clip(round(x), 0, mask.shape[1] - 1))]
    rows = np.nonzero(column)[0]
    return float(rows[0]) if len(rows) else float(np.nonzero(mask.any(axis=1))[0][0])


def _row_extent(mask: np.ndarray, y: float) -> tuple[float, float]:
    row = mask[int(np.clip(round(y), 0, mask.shape[0] - 1))]
    xs = np.nonzero(row)[0]
    return (float(xs[0]), float(xs[-1])) if len(xs) else (np.nan, np.nan)


def _run_around(mask: np.ndarray, y: float, x: float) -> tuple[float, float]:
    """The run of garment pixels in row ``y`` that contains (or is nearest to) column ``x``."""
    row = mask[int(np.clip(round(y), 0, mask.shape[0] - 1))].astype(np.int8)
    xs = np.nonzero(row)[0]
    if not len(xs):
        return np.nan, np.nan
    x = int(xs[np.argmin(np.abs(xs - x))])
    edges = np.diff(np.concatenate([[0], row, [0]]))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0] - 1
    index = np.nonzero((starts <= x) & (ends >= x))[0][0]
    return float(starts[index]), float(ends[index])


def _upper_landmarks(
    mask: np.ndarray, *, dress: bool, gaps: np.ndarray | None = None
) -> tuple[dict[str, Point], dict[str, np.ndarray]]:
    x0, y0, x1, y1 = _bounds(mask)
    width, height = x1 - x0 + 1, y1 - y0 + 1
    top_rows = np.nonzero(mask[y0 : y0 + max(2, int(0.05 * height))].any(axis=0))[0]
    cx = float(top_rows.min() + top_rows.max()) / 2  # the collar is the best-centred part
    marks: dict[str, Point] = {}
    hull_top = np.nonzero(np.maximum.accumulate(mask[:, int(cx)]))[0]
    marks["neck"] = (cx, float(hull_top[0]) if len(hull_top) else float(y0))

    # The body hem: lowest garment row near the middle (sleeves may hang lower).
    middle = mask[:, int(cx - 0.05 * width) : int(cx + 0.05 * width) + 1].any(axis=1)
    hem_y = float(np.nonzero(middle)[0].max())
    labels, mouth = _covered_gaps(mask if gaps is None else mask & ~gaps)
    for side, sign in (("left", 1), ("right", -1)):
        armpit = _armpit(mask, labels, mouth, cx, sign)
        if armpit is not None:
            sx = _shoulder_x(mask, cx, float(armpit[0]), sign)
        else:
            # Sleeveless: the armhole ends where the side outline stops widening.
            armpit = _sleeveless_armpit(mask, cx, sign)
            sx = float(top_rows.max() if sign > 0 else top_rows.min())
        marks[f"{side}_shoulder"] = (float(sx), _column_top(mask, sx))
        body_x = float(armpit[0])
        marks[f"{side}_armpit"] = (float(armpit[0]), float(armpit[1]))
        hem_left, hem_right = _run_around(mask, hem_y - 0.03 * height, cx)
        hem_x = hem_right if sign > 0 else hem_left
        # Where a sleeve hangs against the body at the hem, the run there includes it:
        # then keep the body's side straight down from the armpit (a dress may flare).
        if not np.isfinite(hem_x) or (not dress and abs(hem_x - body_x) > 0.15 * width):
            hem_x = body_x
        marks[f"{side}_hem"] = (float(hem_x), hem_y - 0.03 * height)

    parts = _split_upper(mask, marks, cx)
    for side in ("left", "right"):
        sleeve = parts.get(f"{side}_sleeve")
        if sleeve is None:
            continue
        root = np.add(marks[f"{side}_shoulder"], marks[f"{side}_armpit"]) / 2
        ys, xs = np.nonzero(sleeve)
        distance = np.hypot(xs - root[0], ys - root[1])
        far = distance >= 0.9 * distance.max()
        marks[f"{side}_sleeve_end"] = (float(xs[far].mean()), float(ys[far].mean()))
    if dress:
        _dress_points(mask, marks, cx, hem_y)
    return marks, parts


def _armpit(
    mask: np.ndarray, labels: np.ndarray, mouth: np.ndarray, cx: float, sign: int
) -> np.ndarray | None:
    """The armpit on one side: the top inner corner of the pocket under the sleeve.

    The pocket between a sleeve and the body runs from the armpit down to wherever the
    hull closes it (the hem, or the flare of a dress). Its corner furthest up and in
    towards the centre is the armpit whatever the pocket's shape: the top of the slit
    beside a hanging sleeve, the inner corner of the triangle under a short one, and not
    the waist of a fitted dress (deeper from the pocket's mouth, but lower) nor the strip
    of backdrop beside a puffed sleeve (higher, but far out). None without a real pocket
    (sleeveless, or sleeves lying against the body).
    """
    pocket = _side_pocket(mask, labels, mouth, cx, sign)
    if pocket is None:
        return None
    ys, xs = pocket
    _, y0, _, y1 = _bounds(mask)
    height = y1 - y0 + 1
    if ys.min() > y0 + 0.65 * height:
        # Sleeves lying against the body show no gap beside it, only the one under the hem
        # between them. The sleeve's inner edge starts at that gap's top outer corner: the
        # body's side runs straight up from there to an armpit at a typical height.
        top = ys <= ys.min() + 0.03 * height
        outer = float((sign * xs[top]).max() * sign)
        return np.array([outer, y0 + 0.4 * height])
    # Inwards counts twice as much as upwards.
    score = -0.5 * ys - sign * (xs - cx)
    corner = score >= score.max() - 1.0
    point = np.array([float(xs[corner].mean()), float(ys[corner].mean())])
    point[1] = min(point[1], y0 + LOWEST_ARMPIT * height)
    return point


def _side_pocket(
    mask: np.ndarray, labels: np.ndarray, mouth: np.ndarray, cx: float, sign: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Rows and columns of the largest pocket (see _covered_gaps) on one side of the centre
    line, None unless it is deep enough to be one under a sleeve."""
    x0, y0, x1, y1 = _bounds(mask)
    width, height = x1 - x0 + 1, y1 - y0 + 1
    columns = np.arange(mask.shape[1])[None, :]
    rows = np.arange(mask.shape[0])[:, None]
    select = (sign * (columns - cx) > 0.05 * width) & (rows > y0 + 0.08 * height)
    _, depth = _gap_deepest(labels, mouth, select, 0.002 * mask.sum())
    if depth <= 0.03 * height:
        return None
    select = np.broadcast_to(select, labels.shape)
    inside = labels[select]
    ids, counts = np.unique(inside[inside > 0], return_counts=True)
    ys, xs = np.nonzero((labels == ids[np.argmax(counts)]) & select)
    return ys, xs


def _shoulder_x(mask: np.ndarray, cx: float, armpit_x: float, sign: int) -> float:
    """Where the shoulder seam ends: the top outline's corner into the sleeve.

    Outwards from the collar the top outline runs down gently along the shoulder; past
    the seam it falls steeply down a hanging sleeve, or runs on at the same gentle slope
    along a sleeve held out. Walking in from a little outside the armpit, the seam ends
    where the outline stops falling at more than 45 degrees (a standing collar further in,
    steep too, is never reached).
    """
    x0, _, x1, _ = _bounds(mask)
    width = x1 - x0 + 1
    outer = float(np.clip(armpit_x + sign * 0.02 * width, 0, mask.shape[1] - 1))
    inner = cx + sign * 0.1 * width
    if sign * (outer - inner) <= 2:
        return outer
    columns = np.arange(round(outer), round(inner), -sign)  # from the outside in
    filled = mask[:, columns].any(axis=0)
    tops = np.where(filled, np.argmax(mask[:, columns], axis=0), mask.shape[0])
    step = max(2, round(0.01 * width))
    # How far the outline falls per pixel outwards, just outside each column.
    fall = (tops[:-step] - tops[step:]) / step
    gentle = np.nonzero(fall <= 1.0)[0]
    return float(columns[gentle[0] + step]) if len(gentle) else float(columns[-1])


def _sleeveless_armpit(mask: np.ndarray, cx: float, sign: int) -> np.ndarray:
    """Where a sleeveless armhole ends: the side outline has (almost) stopped widening.

    Going down from a strap, the armhole curves out to the side seam; below it the side
    runs straight, narrows to a waist or flares slowly. The armpit is where the outline
    first comes within 3% of its widest point in the top 40% of the garment.
    """
    x0, y0, x1, y1 = _bounds(mask)
    height = y1 - y0 + 1
    rows = np.arange(y0, y0 + max(2, int(0.4 * height)))
    reach = np.array([_side_reach(mask[y], cx, sign) for y in rows])
    known = np.isfinite(reach)
    if not known.any():
        return np.array([cx + sign * 0.25 * (x1 - x0), y0 + 0.3 * height])
    widest = float(reach[known].max())
    index = int(np.argmax(known & (reach >= 0.97 * widest)))
    return np.array([cx + sign * reach[index], float(rows[index])])


def _side_reach(row: np.ndarray, cx: float, sign: int) -> float:
    """How far the garment reaches from the centre line to one side in one row (nan: no run)."""
    xs = np.nonzero(row)[0]
    side = xs[sign * (xs - cx) >= 0]
    return float(np.abs(side - cx).max()) if len(side) else np.nan


def _split_upper(mask: np.ndarray, marks: dict[str, Point], cx: float) -> dict[str, np.ndarray]:
    """Torso = inside the polygon shoulder-armpit-hem on both sides; outside it, sleeves."""
    height, width = mask.shape
    polygon = np.array(
        [
            (marks["right_shoulder"][0], -1),
            marks["right_shoulder"],
            marks["right_armpit"],
            (marks["right_hem"][0], marks["right_hem"][1]),
            (marks["right_hem"][0], height),
            (marks["left_hem"][0], height),
            (marks["left_hem"][0], marks["left_hem"][1]),
            marks["left_armpit"],
            marks["left_shoulder"],
            (marks["left_shoulder"][0], -1),
        ],
        dtype=np.float64,
    )
    inside = np.zeros((height, width), dtype=np.uint8)
    cv2.fillPoly(inside, [np.round(polygon).astype(np.int32)], 1)
    torso = mask & (inside > 0)
    rest = (mask & ~torso).astype(np.uint8)
    parts = {"torso": torso}
    min_area = 0.015 * mask.sum()
    thickness = max(3, round(0.03 * width))
    side_px = max(3, round(0.04 * (np.ptp(np.nonzero(mask)[1]) + 1))) | 1
    opening = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side_px, side_px))
    for side in ("left", "right"):
        # A sleeve is what hangs off the armhole (shoulder to armpit); pieces outside the
        # polygon elsewhere (a flared skirt, a boxy side seam) belong to the body.
        armhole = np.zeros((height, width), dtype=np.uint8)
        start = np.round(marks[f"{side}_shoulder"]).astype(int)
        end = np.round(marks[f"{side}_armpit"]).astype(int)
        cv2.line(armhole, tuple(start.tolist()), tuple(end.tolist()), 1, thickness)
        _, labels = cv2.connectedComponents(rest)
        touching = np.unique(labels[(armhole > 0) & (rest > 0)])
        sleeve = np.isin(labels, touching[touching > 0]).astype(np.uint8)
        # Thin slivers left along the body's side by the straight polygon edge are body.
        sleeve = _largest_component(cv2.morphologyEx(sleeve, cv2.MORPH_OPEN, opening))
        if sleeve.sum() >= min_area:
            parts[f"{side}_sleeve"] = sleeve
            rest[sleeve] = 0
    parts["torso"] = torso | (rest > 0)
    return parts


def _inner_back(
    image: np.ndarray, mask: np.ndarray, marks: dict[str, Point], *, crew: bool = True
) -> tuple[np.ndarray, Point] | None:
    """The inside of the back seen through the front neckline, and the neckline's bottom.

    A product shot shows the back of the neck from the inside above the front neckline (a
    label, the inside of a collar); worn, the wearer's neck hides it. That inside is in
    the garment's own shadow: darker than the front. The front neckline is searched as a
    U or V curve hanging from the top outline around the collar's middle, the one that
    best separates pixels darker than the front (above it) from the rest (below), snapped
    to where the colour changes sharply. Nothing is cut when no region above a curve is
    clearly darker than the front (a collar, a neckline with nothing behind it, a black
    garment whose inside looks like its front); there a closed neck with ``crew`` gets a
    crew neck's usual depth (see _crew_neckline). An open front (a cardigan, a jacket) is
    also cut down its front's edges (see _open_front). None when nothing is found.
    """
    cx, neck_y = marks["neck"]
    chest = abs(marks["left_armpit"][0] - marks["right_armpit"][0])
    height = mask.shape[0]
    if chest < 20:
        return None
    lab = cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    lab = cv2.GaussianBlur(lab, (0, 0), max(1.0, 0.006 * chest))
    lightness = lab[..., 0]
    # The outline's top row per column (below the picture where a column holds no garment).
    tops = np.where(mask.any(axis=0), np.argmax(mask, axis=0), height)
    grad_x = cv2.Sobel(lab, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    grad_y = cv2.Sobel(lab, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    found = _inside_search(lightness, mask, grad_x, grad_y, tops, cx, neck_y, chest)
    neck = _closed_neck(mask, tops, cx, chest)
    if found is not None and neck is not None:
        # Behind a neck with corners of its own, a shallow inside much wider than them
        # is a print's dark band along the shoulders (a check's top row), not the inside
        # (an open collar's deep V may be): cut, it left the garment a flat top edge from
        # shoulder to shoulder.
        columns = np.nonzero(found[0].any(axis=0))[0]
        width = columns[-1] - columns[0]
        if width > 2.0 * INSIDE_WIDER * neck[1] and found[1][1] - neck[2] < 0.25 * width:
            found = None
    if found is None and not (crew and neck is not None):
        # A light print on a dark ground (white dots on black) is no darker inside at its
        # median, where the ground is: its light parts are, in the garment's shade. Its
        # bright envelope (a closing as wide as the print's spacing) is judged instead,
        # where a crew neck's usual depth cannot stand in (a scoop, an open front): the
        # envelope blurs the neckline by as much.
        size = max(3, round(PRINT_SPACING * chest)) | 1
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
        envelope = cv2.morphologyEx(lightness, cv2.MORPH_CLOSE, kernel)
        found = _inside_search(envelope, mask, grad_x, grad_y, tops, cx, neck_y, chest)
    if crew:
        return found if found is not None else _crew_neckline(mask, neck)
    # Down an open front, what its edges fence in under the back neck is inside too, darker
    # or not (a black jacket's lining is only a little darker at its top).
    opened = _open_front(mask, grad_x, grad_y, tops, cx, chest, neck)
    if found is None or opened is None:
        return found if opened is None else opened
    return found[0] | opened[0], max(found[1], opened[1], key=lambda point: point[1])


def _inside_search(
    lightness: np.ndarray,
    mask: np.ndarray,
    grad_x: np.ndarray,
    grad_y: np.ndarray,
    tops: np.ndarray,
    cx: float,
    neck_y: float,
    chest: float,
) -> tuple[np.ndarray, Point] | None:
    """The inside darker than the front's level (see _inside_thresholds), or None."""
    for threshold in _inside_thresholds(lightness, mask, tops, cx, neck_y, chest):
        found = _inside_above(mask, lightness, grad_x, grad_y, tops, cx, chest, threshold)
        if found is not None:
            return found
    return None


def _inside_thresholds(
    lightness: np.ndarray,
    mask: np.ndarray,
    tops: np.ndarray,
    cx: float,
    neck_y: float,
    chest: float,
) -> list[float]:
    """Lightness levels an inside must be darker than: the front's, less a margin.

    The front is the chest below any neckline, in the middle, and the shoulders beside the
    neck (lit like the collar; a print on the chest may be lighter or darker). A
    colour-blocked front (c04's navy body under a light yoke) hides its dark inside from
    the chest's level: the collar is then judged by the shoulders beside it alone.
    """
    height, width = mask.shape
    rows = slice(int(neck_y + 0.45 * chest), int(min(neck_y + 0.75 * chest, height)))
    cols = slice(int(max(cx - 0.3 * chest, 0)), int(min(cx + 0.3 * chest, width)))
    chest_front = lightness[rows, cols][mask[rows, cols]]
    shoulders = np.concatenate(
        [
            lightness[int(tops[x] + 0.05 * chest) : int(tops[x] + 0.2 * chest), x]
            for x in np.r_[
                cx - 0.45 * chest : cx - 0.3 * chest, cx + 0.3 * chest : cx + 0.45 * chest
            ]
            .astype(int)
            .clip(0, width - 1)
            if mask[:, x].any()
        ]
        or [np.zeros(0, np.float32)]
    )
    if len(chest_front) < 20 or len(shoulders) < 20:
        return []
    chest_level, shoulder_level = float(np.median(chest_front)), float(np.median(shoulders))
    thresholds = [min(chest_level, shoulder_level) - 6.0]
    if chest_level < shoulder_level - 25.0:
        thresholds.append(shoulder_level - 6.0)
    return thresholds


def _closed_neck(
    mask: np.ndarray, tops: np.ndarray, cx: float, chest: float
) -> tuple[float, float, float] | None:
    """(middle, half width, row) of a neck opening whose back is in view, or None.

    The corners are the outline's highest points on either side of the neck. When the top
    outline runs across the neck close to their height, the back of the neck is in view
    and the front neckline lies below it. None when the outline itself dips between them
    (a scoop or square neck with nothing behind it) or they are too far apart for a neck
    (a boat neck).
    """
    width = mask.shape[1]
    sides = []
    for sign in (-1, 1):
        columns = np.arange(int(cx + sign * 0.04 * chest), int(cx + sign * 0.35 * chest), sign)
        columns = columns[(columns >= 0) & (columns < width)]
        if not len(columns):
            return None
        sides.append(int(columns[np.argmin(tops[columns])]))
    half = (sides[1] - sides[0]) / 2.0
    end_y = float(tops[sides].mean())
    if not 0.08 * chest <= half <= 0.3 * chest or tops[int(cx)] - end_y > 0.08 * chest:
        return None
    return (sides[0] + sides[1]) / 2.0, half, end_y


def _crew_neckline(
    mask: np.ndarray, neck: tuple[float, float, float] | None
) -> tuple[np.ndarray, Point] | None:
    """A crew neckline's inside where no darker inside was found (a black tee, a knit).

    With the back of the neck in view (``neck``, see _closed_neck), a crew neck's front
    drops about as far as it is wide: the curve hangs from the corners that deep; worn,
    everything above it is hidden by the neck.
    """
    if neck is None:
        return None
    middle, half, end_y = neck
    curve = (half, end_y, CREW_NECK_DEPTH * half, "u")
    region = _above_neckline(mask, middle, curve)
    if region.sum() < 0.001 * mask.sum():
        return None
    return region, (middle, end_y + curve[2])


def _open_front(
    mask: np.ndarray,
    grad_x: np.ndarray,
    grad_y: np.ndarray,
    tops: np.ndarray,
    cx: float,
    chest: float,
    neck: tuple[float, float, float] | None,
) -> tuple[np.ndarray, Point] | None:
    """The inside seen down an open front (a cardigan's V) where nothing darker marks it.

    c14's inside back is the grey of its front: worn over a top, it showed as a grey bib
    between its bands. With the back of the neck in view (``neck``, see _closed_neck), the
    inside is the smooth stretch of cloth just under the back neck, fenced in by the front's
    edges (bands, a placket): grown from there without crossing an edge, it must stay
    near the neck's column and above the waist, or it is the front itself.
    """
    # A domed top (a jacket's collar laid round) has no corners: grown from its middle.
    middle, _, end_y = neck if neck is not None else (cx, 0.0, float(tops[int(cx)]))
    strength = np.hypot(np.linalg.norm(grad_x, axis=2), np.linalg.norm(grad_y, axis=2))
    inner = cv2.erode(mask.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    typical = max(float(np.median(strength[inner])), 0.3)
    smooth = (inner & (strength < OPEN_FRONT_EDGE * typical)).astype(np.uint8)
    smooth = cv2.morphologyEx(smooth, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    _, labels = cv2.connectedComponents(smooth, connectivity=4)
    # Down the middle from the back neck: past its collar band, the first stretch that is
    # fenced in is the inside.
    column = round(middle)
    tried = {0}
    for row in range(
        int(tops[column] + 0.02 * chest), min(int(tops[column] + 0.3 * chest), len(labels))
    ):
        label = int(labels[row, column])
        if label in tried:
            continue
        tried.add(label)
        region = labels == label
        ys, xs = np.nonzero(region)
        if (
            0.005 * mask.sum() < region.sum() < 0.08 * mask.sum()
            and xs.min() > middle - 0.35 * chest
            and xs.max() < middle + 0.35 * chest
            and ys.max() < end_y + 1.2 * chest
            # a stretch of cloth, not a band (the collar's, which runs on down the front)
            and cv2.distanceTransform(region.astype(np.uint8), cv2.DIST_L2, 3).max() > 0.05 * chest
        ):
            break
    else:
        return None
    # What the growth left out inside it (a label, stitching) and the soft edge along its
    # fence are inside too: the opening is convex (a V, a U).
    hull = np.zeros(mask.shape, dtype=np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(np.stack([xs, ys], axis=1).astype(np.int32)), 1)
    grow = 2 * max(1, round(0.01 * chest)) + 1
    hull = cv2.dilate(hull, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow)))
    region = (hull > 0) & mask
    # Above it the collar's back crosses behind the neck: worn, a line across the throat.
    columns = np.nonzero(region.any(axis=0))[0]
    first = np.argmax(region[:, columns], axis=0)
    rows = np.arange(mask.shape[0])[:, None]
    region[:, columns] |= mask[:, columns] & (rows < first[None, :])
    return region, (float(xs[np.argmax(ys)]), float(ys.max()))


def _inside_above(
    mask: np.ndarray,
    lightness: np.ndarray,
    grad_x: np.ndarray,
    grad_y: np.ndarray,
    tops: np.ndarray,
    cx: float,
    chest: float,
    threshold: float,
) -> tuple[np.ndarray, Point] | None:
    """The best neckline curve with pixels darker than ``threshold`` above it (see
    _inner_back), and the region above it; None when that region is not darker."""
    height, width = mask.shape
    # Above a curve, darker pixels count for it and lighter ones against; the running sums
    # down each column give any curve's total at once.
    vote = np.where(mask, np.tanh((threshold - lightness) / 6.0), 0.0)
    running = np.vstack([np.zeros((1, width)), np.cumsum(vote, axis=0)])
    best, best_score = None, 0.0
    # Straps rising well above the back of the neck (a sundress's, a tank top's) are the
    # front's: a neckline between them hangs from the back neck's height, not their tops
    # (from there a V was too deep to try, and a U cut from it left the V's sides).
    back = float(tops[int(cx)])
    straps = tops < back - 0.1 * chest
    top_rows = np.where(straps, int(back), tops)
    for half in np.linspace(0.1, 0.42, 13) * chest:
        columns = np.arange(int(np.ceil(cx - half)), int(np.floor(cx + half)) + 1)
        if columns[0] < 0 or columns[-1] >= width or not mask[:, columns].any(axis=0).all():
            continue
        end_y = float(top_rows[columns[[0, -1]]].mean())
        u = (columns - cx) / half
        # Wide necklines (a boat neck) are shallow.
        deepest = 2.0 if half <= 0.3 * chest else 0.5
        for depth in np.linspace(0.05, deepest, 27) * half:
            # A round neckline is not deeper than it is wide; a scoop (steep sides, flat
            # bottom) or a V may be.
            for shape in ("u", "square", "v") if depth <= half else ("square", "v"):
                curve = (half, end_y, depth, shape)
                _, ys, nx, ny = _neckline(cx, curve, u)
                bottom = np.clip(np.round(ys).astype(int), top_rows[columns], height - 1)
                dark = float((running[bottom, columns] - running[top_rows[columns], columns]).sum())
                across = (
                    grad_x[bottom, columns] * nx[:, None] + grad_y[bottom, columns] * ny[:, None]
                )
                # The outline's own edge (garment against backdrop) does not count.
                inner = bottom > top_rows[columns] + 0.03 * chest
                edge = float(np.linalg.norm(across, axis=1)[inner].sum())
                score = dark + 1.5 * edge
                if score > best_score:
                    best, best_score = curve, score
    if best is None:
        return None
    region = _above_neckline(mask, cx, best)
    region[: int(back), straps] = False
    # A collar's outer back band may lie above its dark inside, in the collar's colour.
    if region.sum() < 0.002 * mask.sum() or (lightness[region] < threshold).mean() < 0.3:
        return None
    region &= ~_front_rib(mask, lightness, region, cx, chest, best)
    return region, (float(cx), float(best[1] + best[2]))


def _front_rib(
    mask: np.ndarray,
    lightness: np.ndarray,
    region: np.ndarray,
    cx: float,
    chest: float,
    curve: tuple[float, float, float, str],
) -> np.ndarray:
    """A collar rib just above a darkness-found neckline: it is the front's (empty if none).

    c01's dark purple rib is darker than its lilac front, so the neckline search put it
    with the inside, and worn the tee had no collar; but its inside is darker still. Only
    where the front is far lighter than the inside's shadow (an inside merely shaded a
    little darker has no rib to tell apart).
    """
    height, width = mask.shape
    nothing = np.zeros_like(mask)
    columns = np.arange(int(np.ceil(cx - curve[0])), int(np.floor(cx + curve[0])) + 1)
    xs, ys, _, _ = _neckline(cx, curve, (columns - cx) / curve[0])
    below = np.clip(np.round(ys + 0.02 * chest).astype(int), 0, height - 1)
    rows = np.arange(height)[:, None]
    deep = region & (rows < np.interp(np.arange(width), columns, ys)[None, :] - 0.07 * chest)
    if not deep.any():
        return nothing
    front = float(np.median(lightness[below, columns]))
    # The inside's shadow is its darkest part (a lighter back collar may lie above it).
    inside = float(np.percentile(lightness[deep], 25))
    if front - inside < 40.0:
        return nothing
    line = np.zeros(mask.shape, dtype=np.uint8)
    points = np.round(np.stack([xs, ys], axis=1)).astype(np.int32)
    cv2.polylines(line, [points], isClosed=False, color=1)
    to_curve = cv2.distanceTransform(1 - line, cv2.DIST_L2, 3)
    # Whatever is clearly lighter than the inside within reach of the curve, and joined
    # to it: the rib, and the front's own edge where the curve ran wide of the neck.
    lighter = (region & (lightness - inside > 10.0) & (to_curve <= 0.07 * chest)).astype(np.uint8)
    _, labels = cv2.connectedComponents(lighter, connectivity=8)
    touching = np.unique(labels[(lighter > 0) & (to_curve <= 1.5)])
    rib = np.isin(labels, touching[touching > 0]).astype(np.float32)
    # Its inner edge is a soft shadow: thresholded, a saw-tooth; smoothed, a rib's line.
    rib = (cv2.GaussianBlur(rib, (0, 0), max(1.0, 0.012 * chest)) > 0.5) & region
    return rib if rib.sum() >= 0.01 * chest * curve[0] else nothing


def _neckline(
    cx: float, curve: tuple[float, float, float, str], u: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Points of a neckline curve at ``u`` (-1..1 across it) and their unit normals.

    ``curve`` is (half width, row of its ends, depth, shape): "u" an ellipse, "square" a
    squarer curve, "v" two straight lines.
    """
    half, end_y, depth, shape = curve
    if shape in ("u", "square"):
        # An ellipse, or a squarer curve with steep sides and a flat bottom.
        power = 2.0 if shape == "u" else 4.0
        base = np.clip(1.0 - np.abs(u) ** power, 1e-6, 1.0)
        drop = base ** (1.0 / power)
        slope = -np.sign(u) * np.abs(u) ** (power - 1.0) * base ** (1.0 / power - 1.0)
    else:
        drop = 1.0 - np.abs(u)
        slope = -np.sign(u)
    xs, ys = cx + u * half, end_y + depth * drop
    # d(y)/d(x) = depth/half * slope; the normal is (-dy/dx, 1), normalised.
    dy = depth / half * slope
    norm = np.hypot(dy, 1.0)
    return xs, ys, -dy / norm, 1.0 / norm


def _above_neckline(
    mask: np.ndarray, cx: float, curve: tuple[float, float, float, str]
) -> np.ndarray:
    """Garment pixels between the top outline and a neckline curve."""
    half = curve[0]
    region = np.zeros(mask.shape, dtype=bool)
    columns = np.arange(int(np.ceil(cx - half)), int(np.floor(cx + half)) + 1)
    _, ys, _, _ = _neckline(cx, curve, (columns - cx) / half)
    rows = np.arange(mask.shape[0])[:, None]
    region[:, columns] = rows < ys[None, :]
    return region & mask


def _dress_points(mask: np.ndarray, marks: dict[str, Point], cx: float, hem_y: float) -> None:
    top = max(marks["left_armpit"][1], marks["right_armpit"][1])
    y0, y1 = _bounds(mask)[1], _bounds(mask)[3]
    rows = np.arange(int(top + 0.05 * (y1 - y0)), int(top + 0.4 * (y1 - y0)))
    rows = rows[(rows > 0) & (rows < mask.shape[0])]
    if len(rows):
        widths = [np.subtract(*_run_around(mask, y, cx)[::-1]) for y in rows]
        waist_y = float(rows[int(np.nanargmin(widths))])
    else:
        waist_y = top + 0.2 * (y1 - y0)
    w_left, w_right = _run_around(mask, waist_y, cx)
    marks["left_waist"], marks["right_waist"] = (w_right, waist_y), (w_left, waist_y)
    hy = hem_y - 0.03 * (y1 - y0)
    h_left, h_right = _row_extent(mask, hy)
    marks["left_hem"], marks["right_hem"] = (h_right, hy), (h_left, hy)


def _bottom_landmarks(mask: np.ndarray) -> tuple[dict[str, Point], dict[str, np.ndarray]]:
    x0, y0, x1, y1 = _bounds(mask)
    width, height = x1 - x0 + 1, y1 - y0 + 1
    columns = np.arange(mask.shape[1])[None, :]
    rows = np.arange(mask.shape[0])[:, None]
    marks: dict[str, Point] = {}
    wy = y0 + 0.02 * height
    w_left, w_right = _row_extent(mask, wy)
    marks["left_waist"], marks["right_waist"] = (w_right, wy), (w_left, wy)
    cx = (w_left + w_right) / 2
    labels, mouth = _covered_gaps(mask)
    select = (np.abs(columns - cx) < 0.15 * width) & (rows > y0 + 0.15 * height)
    crotch, depth = _gap_deepest(labels, mouth, select, 0.002 * mask.sum())
    if crotch is None or depth < 0.15 * height:
        # One tube: a skirt. Its hem corners are the outermost points near the bottom.
        hy = y1 - 0.03 * height
        h_left, h_right = _row_extent(mask, hy)
        marks["left_hem"], marks["right_hem"] = (h_right, hy), (h_left, hy)
        return marks, {"torso": mask}
    marks["crotch"] = (float(crotch[0]), float(crotch[1]))
    parts = {
        "left_leg": mask & (columns > crotch[0]),
        "right_leg": mask & (columns <= crotch[0]),
    }
    for side in ("left", "right"):
        leg = parts[f"{side}_leg"]
        bottom = np.nonzero(leg.any(axis=1))[0].max()
        # The opening's middle, across the leg just above the hem: a hem cut on the slant
        # (shorts, lower on the inside) has only its inner corner in the lowest rows.
        inner, outer = _row_extent(leg, bottom - 0.05 * height)
        marks[f"{side}_hem"] = ((inner + outer) / 2, float(bottom - 0.01 * height))
    return marks, parts
