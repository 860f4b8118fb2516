"""Light and folds of the photo's old garment, to lay on the new garment and restored skin.

A multiplicative map around 1, estimated per garment (each parsing label on its own) at the
fold scale only: the broad light is the exposure's business (``photo_light``). Two
estimators, chosen by ``TRYON_SHADING``:

* ``learned`` (default): the shading GAN's generator (``tryon_worker.gan.models.shading_gan``,
  checkpoint ``TRYON_SHADING_CHECKPOINT`` or the shipped ``checkpoints/shading_default.pt``),
  trained to tell light from print and wash, so an acid-wash tee lends its folds and not
  its blotches.
* ``classical``: the ratio of a fine to a broad smoothing of the luminance over the
  garment's plain-coloured pixels (prints far from its median colour left out).
"""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import torch

from tryon_worker.config import WorkerConfig
from tryon_worker.gan.data.shaded_fabric import SW_PX, fabric_features
from tryon_worker.gan.models.shading_gan import shading_net_load
from tryon_worker.gan.networks.shading import ShadingNet

#: Fills and shading are computed at most this big (they are smooth by nature).
FILL_MAX_SIDE = 512
DEFAULT_CHECKPOINT = Path(__file__).resolve().parent.parent / "checkpoints" / "shading_default.pt"
ESTIMATORS = ("learned", "classical")
#: Lab chroma distance from a garment's median beyond which a pixel is another colour (a
#: print, a hand), not the same cloth in other light.
HUE_SPREAD = 12.0
#: Lab lightness distance from a garment's median beyond which a pixel is a print (black
#: on white), not the same cloth in shade.
PRINT_LIGHTNESS = 35.0
#: The learned folds approach this log factor (about x0.89 .. x1.13) but never pass it.
FOLD_SOFT_LIMIT = 0.12
#: The folds may darken the new garment this much and lighten it this much, no more.
MIN_FOLD_GAIN, MAX_FOLD_GAIN = 0.8, 1.12

_loaded: dict[str, ShadingNet] = {}
_loading = threading.Lock()


def shading_estimator() -> str:
    """The configured estimator (``TRYON_SHADING``), "learned" unless set otherwise."""
    name = WorkerConfig.from_env().shading
    if name not in ESTIMATORS:
        raise ValueError(f"TRYON_SHADING must be one of {', '.join(ESTIMATORS)}, not {name!r}")
    return name


def fold_shading(
    photo: np.ndarray,
    region: np.ndarray,
    sw: float,
    labels: np.ndarray,
    estimator: str | None = None,
) -> np.ndarray:
    """Multiplicative light-and-fold map (around 1) of the photo inside ``region``; 1 outside
    and on its outline (the folds ease in from it).

    Computed per garment, so the edge between a dark and a light garment is not mistaken for
    a shadow; dark garments lend weaker folds (their luminance is mostly noise).
    """
    estimator = estimator or shading_estimator()
    height, width = region.shape
    if not region.any():
        return np.ones((height, width), dtype=np.float32)
    scale = min(1.0, FILL_MAX_SIDE / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(photo, size, interpolation=cv2.INTER_AREA) if scale < 1 else photo
    small_labels = cv2.resize(labels, size, interpolation=cv2.INTER_NEAREST)
    small_region = cv2.resize(region.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    lab = cv2.cvtColor(small.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    sw_small = sw * scale
    # Each garment's folds, weighted by its (softened) presence: where two meet (a top's hem
    # on a belt) they blend without a step.
    folds = np.zeros(small_region.shape, dtype=np.float32)
    weight = np.zeros(small_region.shape, dtype=np.float32)
    for label in np.unique(small_labels[small_region]):
        inside = small_region & (small_labels == label)
        if inside.sum() < 20:
            continue
        ratio = fold_ratio(small, inside, sw_small, estimator)
        if ratio is None:
            continue
        median_luma = float(np.median(lab[..., 0][inside]))
        gain = float(np.clip((median_luma - 15.0) / 25.0, 0.2, 1.0))
        piece = np.clip(1.0 + gain * (ratio - 1.0), MIN_FOLD_GAIN, MAX_FOLD_GAIN)
        presence = np.clip(blur(inside.astype(np.float32), max(0.8, 0.06 * sw_small)), 0, 1)
        folds += (piece - 1.0) * presence
        weight += presence
    # Towards the old garment's outline the folds ease out: the new garment goes on past it
    # (a tee hanging over the belt the old one was tucked into) and a fold cut off there
    # would draw the old hem across it as a stain.
    softened = blur(small_region.astype(np.float32), max(0.8, 0.05 * sw_small))
    ease = np.clip(2.0 * softened - 1.0, 0.0, 1.0)
    shading = 1.0 + ease * folds / np.maximum(weight, 1e-6)
    if scale < 1:
        shading = cv2.resize(shading, (width, height), interpolation=cv2.INTER_LINEAR)
    return shading.astype(np.float32)


def fold_ratio(rgb: np.ndarray, inside: np.ndarray, sw: float, estimator: str) -> np.ndarray | None:
    """The fold-scale light on the cloth ``inside`` as a ratio map (None: too little to judge).

    ``sw`` is the wearer's shoulder width in pixels of ``rgb``.
    """
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    median = np.median(lab[inside], axis=0)
    if estimator == "learned":
        # Light does not change hue: a print or a hand of another colour is left out and
        # filled from around it; what differs only in lightness (a wash, a heather, a
        # fold) is the network's to tell apart.
        same_hue = inside & (np.linalg.norm(lab[..., 1:] - median[1:], axis=-1) < HUE_SPREAD)
        # Nor does a fold turn white cloth black: on a grey or white tee a black print has
        # the cloth's (lack of) hue, and came through the new garment as a ghost of itself.
        # Such pixels, and the print's soft edges around them, are left out too.
        printed = inside & (np.abs(lab[..., 0] - median[0]) > PRINT_LIGHTNESS)
        if printed.any():
            edge = max(1, round(0.02 * sw)) * 2 + 1
            printed = cv2.dilate(printed.astype(np.uint8), np.ones((edge, edge), np.uint8)) > 0
            same_hue &= ~printed
        if same_hue.sum() < 20:
            same_hue = inside
        # The network sees the cloth without the print (filled from the cloth around it),
        # or the print's outline still reads as folds beside it.
        cloth = rgb.astype(np.float32)
        others = inside & ~same_hue
        if others.any():
            around = masked_blur(cloth, same_hue, max(1.5, 0.1 * sw))
            cloth[others] = around[others]
        log_shading = learned_log_shading(cloth, same_hue, sw)
        # Across what was left out, the cloth's light around it, eased in over a band: a
        # step there would draw the print's outline as a fold.
        around = masked_blur(log_shading, same_hue, max(1.5, 0.1 * sw))
        band = max(1.0, 0.05 * sw)
        depth = cv2.distanceTransform(same_hue.astype(np.uint8), cv2.DIST_L2, 3)
        own = np.clip(depth / band, 0.0, 1.0)
        log_shading = own * log_shading + (1.0 - own) * around
        # The fold scale only, as the classical estimator: broad light is the exposure's.
        folds = log_shading - masked_blur(log_shading, inside, max(3.0, 0.3 * sw))
        # Folds are gentle; a deep dark or bright patch is more likely the fabric misread
        # (a wash's blotch) than light: such extremes are compressed, small values kept.
        return np.exp(FOLD_SOFT_LIMIT * np.tanh(folds / FOLD_SOFT_LIMIT))
    plain = inside & (np.linalg.norm(lab - median, axis=-1) < 15.0)
    if plain.sum() < 20:
        return None
    luma = lab[..., 0]
    fine = masked_blur(luma, plain, max(0.8, 0.025 * sw))
    broad = masked_blur(luma, plain, max(3.0, 0.3 * sw))
    return (fine + 15.0) / (broad + 15.0)


def learned_log_shading(rgb: np.ndarray, inside: np.ndarray, sw: float) -> np.ndarray:
    """The shading network's log shading of the cloth ``inside`` (zero outside it).

    The network works at ``SW_PX`` pixels per shoulder width: the garment's box is scaled to
    that, run, and scaled back.
    """
    height, width = inside.shape
    ys, xs = np.nonzero(inside)
    pad = int(0.1 * sw) + 2
    y0, y1 = max(0, ys.min() - pad), min(height, ys.max() + pad + 1)
    x0, x1 = max(0, xs.min() - pad), min(width, xs.max() + pad + 1)
    factor = SW_PX / max(sw, 1.0)
    size = (max(8, round((x1 - x0) * factor)), max(8, round((y1 - y0) * factor)))
    crop = cv2.resize(rgb[y0:y1, x0:x1], size, interpolation=cv2.INTER_AREA)
    mask = cv2.resize(inside[y0:y1, x0:x1].astype(np.float32), size, interpolation=cv2.INTER_AREA)
    net = shading_net()
    multiple = 2**net.depth
    features = fabric_features(crop, mask)
    padded = np.zeros((4, -(-size[1] // multiple) * multiple, -(-size[0] // multiple) * multiple),
                      np.float32)  # fmt: skip
    padded[:, : size[1], : size[0]] = features
    with torch.inference_mode():
        out = net(torch.from_numpy(padded)[None])[0, 0, : size[1], : size[0]].numpy()
    log_shading = np.zeros((height, width), np.float32)
    log_shading[y0:y1, x0:x1] = cv2.resize(out, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    return np.where(inside, log_shading, 0.0).astype(np.float32)


def shading_net() -> ShadingNet:
    """The process-wide shading network (``TRYON_SHADING_CHECKPOINT`` or the shipped one)."""
    path = WorkerConfig.from_env().shading_checkpoint or DEFAULT_CHECKPOINT
    with _loading:
        if str(path) not in _loaded:
            if not path.is_file():
                raise FileNotFoundError(f"shading checkpoint {path} not found")
            _loaded[str(path)] = shading_net_load(path)
        return _loaded[str(path)]


def masked_blur(values: np.ndarray, mask: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of ``values`` (H, W) or (H, W, C) over ``mask`` (H, W) only,
    normalised by the mask's own blur."""
    weight = blur(mask.astype(np.float32), sigma)
    if values.ndim == 3:
        mask, weight = mask[..., None], weight[..., None]
    return blur(values * mask, sigma) / np.maximum(weight, 1e-4)


def blur(values: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur; wide ones on a smaller copy (the result is smooth anyway, and 10x faster)."""
    values = values.astype(np.float32)
    factor = int(sigma // 4)
    if factor < 2:
        return cv2.GaussianBlur(values, (0, 0), sigma)
    height, width = values.shape[:2]
    size = (max(1, width // factor), max(1, height // factor))
    small = cv2.resize(values, size, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma / factor)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
