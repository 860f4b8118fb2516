"""Checkpoints: the full training state (to resume) and the renderer alone (to ship).

Both are plain ``torch.save`` dictionaries of tensors and primitives, loaded with
``weights_only=True`` so a checkpoint can never run code. The options are saved inside (the
training state holds the training options too, from issue 14 on: older ones lack the key and
still load) and as ``options.json`` beside them.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import torch

from tryon_worker.gan.models.tryon_gan import TryOnGAN, TryOnRenderer
from tryon_worker.gan.options import ModelOptions, model_options_from_dict, options_save

TRAINING_STATE = "latest.pt"
RENDERER_FILE = "renderer.pt"
FORMAT = "fitting-room-tryon/1"


def training_state_save(gan: TryOnGAN, directory: Path, model: ModelOptions) -> Path:
    """Write everything needed to resume (atomic: a crash never leaves half a file)."""
    state = {
        "format": FORMAT,
        "step": gan.step,
        "model_options": dataclasses.asdict(model),
        "train_options": dataclasses.asdict(gan.train_options),
        "renderer": gan.renderer.state_dict(),
        "ema": gan.ema.state_dict(),
        "discriminator": gan.discriminator.state_dict(),
        "optimizer_g": gan.optimizer_g.state_dict(),
        "optimizer_d": gan.optimizer_d.state_dict(),
        "scaler_g": gan.scaler_g.state_dict(),
        "scaler_d": gan.scaler_d.state_dict(),
    }
    path = directory / TRAINING_STATE
    _atomic_save(state, path)
    options_save(directory / "options.json", gan.train_options, model)
    return path


def training_state_load(gan: TryOnGAN, path: Path) -> None:
    """Restore a TryOnGAN (same options) from a training state."""
    state = torch.load(path, map_location=gan.device, weights_only=True)
    gan.renderer.load_state_dict(state["renderer"])
    gan.ema.load_state_dict(state["ema"])
    gan.discriminator.load_state_dict(state["discriminator"])
    gan.optimizer_g.load_state_dict(state["optimizer_g"])
    gan.optimizer_d.load_state_dict(state["optimizer_d"])
    gan.scaler_g.load_state_dict(state["scaler_g"])
    gan.scaler_d.load_state_dict(state["scaler_d"])
    gan.step = int(state["step"])


def training_state_model_options(path: Path) -> ModelOptions:
    """The architecture a training state was saved with (it wins over flags on resume)."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    return model_options_from_dict(state["model_options"])


def renderer_save(
    renderer: TryOnRenderer, path: Path, *, metadata: dict[str, Any] | None = None
) -> Path:
    """Ship a renderer: its weights in half precision (inference casts back), options inside."""
    state = {
        "format": FORMAT,
        "model_options": dataclasses.asdict(renderer.options),
        "weights": {key: _half(value) for key, value in renderer.state_dict().items()},
        "metadata": metadata or {},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_save(state, path)
    options_save(path.with_suffix(".json"), None, renderer.options)
    return path


def renderer_load(path: Path, device: torch.device | str = "cpu") -> TryOnRenderer:
    """A renderer (eval mode, float32) from a file written by renderer_save."""
    state = torch.load(Path(path), map_location=device, weights_only=True)
    if state.get("format") != FORMAT:
        raise ValueError(f"{path} is not a try-on renderer checkpoint ({FORMAT})")
    renderer = TryOnRenderer(model_options_from_dict(state["model_options"]))
    weights = {key: value.float() if value.is_floating_point() else value
               for key, value in state["weights"].items()}  # fmt: skip
    renderer.load_state_dict(weights)
    return renderer.to(device).eval()


def renderer_metadata(path: Path) -> dict[str, Any]:
    """The metadata saved with a renderer (training data, steps, machine...)."""
    return dict(torch.load(Path(path), map_location="cpu", weights_only=True)["metadata"])


def device_pick(name: str) -> torch.device:
    """A torch device by name; "auto" is CUDA when present, else the CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def _half(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.half() if tensor.is_floating_point() else tensor


def _atomic_save(state: dict[str, Any], path: Path) -> None:
    temporary = path.with_name(path.name + ".tmp")
    torch.save(state, temporary)
    os.replace(temporary, path)
