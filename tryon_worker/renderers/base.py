"""What every try-on renderer offers the pipeline, whatever it is inside (geometry, a GAN...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from tryon_worker.garment import GarmentAnalysis
from vision.pose import PersonAnalysis


@dataclass
class RenderOutput:
    """The try-on picture, where the garment was painted into it and what was changed.

    ``edit_region`` is every pixel the renderer may have changed (None: it does not say);
    outside it the picture is bit-identical to the photo. ``confidence`` (0..1, None: not
    judged) is the renderer's own estimate that the picture is convincing.
    """

    image: np.ndarray  # (H, W, 3) uint8 RGB, the size of the person's photo
    garment_mask: np.ndarray  # (H, W) bool: pixels where the garment was painted
    edit_region: np.ndarray | None = None  # (H, W) bool
    confidence: float | None = None


@dataclass
class WarpedGarment:
    """A garment moved onto the person's body but not yet blended into the photo.

    ``rgb`` and ``alpha`` are in the person's photo frame (full size). ``support`` says where
    painting is allowed at all (0..1): the person's silhouette, grown a little, or more for a
    skirt that flares past the legs. ``extras`` carries renderer-specific planes.
    """

    rgb: np.ndarray  # (H, W, 3) float32 0..255, garment colour (not premultiplied)
    alpha: np.ndarray  # (H, W) float32 0..1, garment coverage
    support: np.ndarray  # (H, W) float32 0..1
    category: str = ""
    extras: dict[str, np.ndarray] = field(default_factory=dict)


@runtime_checkable
class Renderer(Protocol):
    """Puts a garment on the person in a photo."""

    name: str

    def render(self, person: PersonAnalysis, garment: GarmentAnalysis) -> RenderOutput:
        """Return the person's photo with the garment on them (same size as the photo)."""
        ...


@runtime_checkable
class StagedRenderer(Renderer, Protocol):
    """A renderer whose work splits into a geometric warp and a photometric composite.

    The pipeline times the two separately when a renderer offers them; ``render`` must equal
    ``composite(person, warp(person, garment))``.
    """

    def warp(self, person: PersonAnalysis, garment: GarmentAnalysis) -> WarpedGarment:
        """Move the garment onto the body, in the photo's frame."""
        ...

    def composite(self, person: PersonAnalysis, warped: WarpedGarment) -> RenderOutput:
        """Blend a warped garment into the photo."""
        ...
