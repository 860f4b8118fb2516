"""The learned renderer: the try-on GAN (tryon_worker.gan.models) behind the Renderer interface.

Which weights: ``TRYON_CHECKPOINT`` (a ``renderer.pt`` written by ``python -m
tryon_worker.gan.train``) when set, else the default checkpoint shipped in
``tryon_worker/checkpoints/`` (see its MODEL_CARD.md). ``TRYON_DEVICE``: "auto" (CUDA when
present), "cuda" or "cpu". ``TRYON_TORCH_THREADS``: CPU threads torch may use in this
process (unset: torch's default, every core); several CPU workers on one machine should
share the cores rather than each take all of them. The model is loaded once per process,
on first use.
"""

from __future__ import annotations

import threading
from pathlib import Path

import torch

from tryon_worker.config import WorkerConfig
from tryon_worker.gan.inference import GanInference
from tryon_worker.garment import GarmentAnalysis
from tryon_worker.renderers.base import RenderOutput
from vision.pose import PersonAnalysis

DEFAULT_CHECKPOINT = Path(__file__).resolve().parent.parent / "checkpoints" / "tryon_default.pt"

_loaded: dict[tuple[str, str], GanInference] = {}
_loading = threading.Lock()


def checkpoint_path() -> Path:
    """The checkpoint this process renders with (setting, else the shipped default)."""
    return WorkerConfig.from_env().checkpoint or DEFAULT_CHECKPOINT


def gan_inference() -> GanInference:
    """The process-wide loaded model for the configured checkpoint and device."""
    config = WorkerConfig.from_env()
    key = (str(config.checkpoint or DEFAULT_CHECKPOINT), config.device)
    with _loading:
        if key not in _loaded:
            path = Path(key[0])
            if not path.is_file():
                raise FileNotFoundError(f"try-on checkpoint {path} not found (TRYON_CHECKPOINT)")
            if config.torch_threads:
                torch.set_num_threads(config.torch_threads)
            _loaded[key] = GanInference(path, key[1])
        return _loaded[key]


class GanRenderer:
    """Renders with the try-on GAN."""

    name = "gan"

    def render(self, person: PersonAnalysis, garment: GarmentAnalysis) -> RenderOutput:
        """Put the garment on the person (see tryon_worker.gan.inference)."""
        return gan_inference().render(person, garment)
