"""Try-on renderers: they put an analysed garment on an analysed person."""

from tryon_worker.renderers.base import Renderer, RenderOutput, StagedRenderer, WarpedGarment
from tryon_worker.renderers.geometric import GeometricRenderer
from tryon_worker.renderers.registry import RENDERERS, renderer_create

__all__ = [
    "RENDERERS",
    "GeometricRenderer",
    "RenderOutput",
    "Renderer",
    "StagedRenderer",
    "WarpedGarment",
    "renderer_create",
]
