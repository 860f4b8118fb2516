"""The shading GAN: learns the light and folds on cloth apart from its print and wash.

pix2pix's contract (models/base_model.py: ``set_input``, ``forward``, ``optimize_parameters``
returning the losses): the generator (``ShadingNet``) maps a picture of cloth to its log shading; a
conditional PatchGAN judges (picture, shading) pairs, so folds come out as crisp ridges
rather than the blurred average an L1 loss alone settles for. Losses: L1 on the log shading
and on its gradients (folds are edges), hinge GAN after a warm-up; the discriminator is
frozen during the generator's step. An EMA copy of the generator is what ships.

Checkpoints are plain ``torch.save`` dictionaries loaded with ``weights_only=True``; the
options travel inside, so a file always says how it was built and trained.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from tryon_worker.gan.models.base_model import BaseModel
from tryon_worker.gan.networks.discriminator import PatchDiscriminator
from tryon_worker.gan.networks.losses import discriminator_hinge, generator_hinge
from tryon_worker.gan.networks.shading import FEATURE_CHANNELS, ShadingNet

FORMAT = "fitting-room-shading/1"
#: The options that fix the networks' shape: a resumed or fine-tuned run keeps the file's.
SHAPE_OPTIONS = ("width", "depth", "disc_width", "disc_layers")
TRAINING_STATE = "latest.pt"
SHIPPED_FILE = "shading.pt"


@dataclass
class ShadingOptions:
    """The network's shape and one training run (``python -m tryon_worker.gan.train_shading``)."""

    out: str = "var/shading-train"
    width: int = 12
    depth: int = 3
    disc_width: int = 16
    disc_layers: int = 3
    crop: int = 96
    steps: int = 6000
    batch_size: int = 12
    lr_g: float = 1e-3
    lr_d: float = 2e-4
    lambda_l1: float = 10.0
    lambda_gradient: float = 10.0
    lambda_adv: float = 0.2
    adversarial_after: int = 1000
    ema_decay: float = 0.995
    log_every: int = 50
    sample_every: int = 1000
    checkpoint_every: int = 500
    seed: int = 0
    device: str = "auto"
    workers: int = 1
    threads: int = 0
    init_from: str = ""  # fine-tune from a shipped shading.pt (its shape wins)


class ShadingGAN(BaseModel):
    """Generator, its EMA copy, the discriminator and their optimisers."""

    def __init__(self, options: ShadingOptions, device: torch.device) -> None:
        super().__init__()
        self.options = options
        self.generator = ShadingNet(options.width, options.depth)
        self.ema = copy.deepcopy(self.generator).requires_grad_(False).eval()
        self.discriminator = PatchDiscriminator(
            FEATURE_CHANNELS + 1, options.disc_width, options.disc_layers
        )
        self.to(device)
        self.device = device
        self.optimizer_g = torch.optim.Adam(
            self.generator.parameters(), options.lr_g, betas=(0.5, 0.999)
        )
        self.optimizer_d = torch.optim.Adam(
            self.discriminator.parameters(), options.lr_d, betas=(0.5, 0.999)
        )
        self.step = 0
        self.features = self.target = self.fake = torch.empty(0)

    def set_input(self, batch: dict[str, torch.Tensor]) -> None:
        """Take a batch of ``features`` (B, 4, H, W) and ``log_shading`` (B, 1, H, W)."""
        self.features = batch["features"].to(self.device)
        self.target = batch["log_shading"].to(self.device)

    def forward(self) -> torch.Tensor:
        """The generator's shading for the current input."""
        self.fake = self.generator(self.features)
        return self.fake

    def optimize_parameters(self) -> dict[str, float]:
        """One generator step (and one discriminator step once adversarial); the losses."""
        adversarial = self.step >= self.options.adversarial_after
        self.forward()
        mask = self.features[:, 3:4]
        terms = {
            "l1": _masked_l1(self.fake, self.target, mask) * self.options.lambda_l1,
            "gradient": _gradient_l1(self.fake, self.target, mask) * self.options.lambda_gradient,
        }
        if adversarial:
            self.set_requires_grad(self.discriminator, False)
            fake_logits = self.discriminator(torch.cat([self.features, self.fake], 1))[-1]
            terms["adv"] = generator_hinge([[fake_logits]]) * self.options.lambda_adv
            self.set_requires_grad(self.discriminator, True)
        self.optimizer_g.zero_grad(set_to_none=True)
        sum(terms.values()).backward()
        self.optimizer_g.step()
        if adversarial:
            real = self.discriminator(torch.cat([self.features, self.target], 1))[-1]
            fake = self.discriminator(torch.cat([self.features, self.fake.detach()], 1))[-1]
            loss_d = discriminator_hinge([[real]], [[fake]])
            self.optimizer_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.optimizer_d.step()
            terms["d"] = loss_d
        self._ema_update()
        self.step += 1
        return {name: float(value.detach()) for name, value in terms.items()}

    @torch.no_grad()
    def _ema_update(self) -> None:
        decay = min(self.options.ema_decay, (1 + self.step) / (10 + self.step))
        for ema, live in zip(self.ema.parameters(), self.generator.parameters(), strict=True):
            ema.lerp_(live, 1 - decay)
        for ema, live in zip(self.ema.buffers(), self.generator.buffers(), strict=True):
            ema.copy_(live)

    def training_state_save(self, directory: Path) -> Path:
        """Everything needed to resume, options included (atomic)."""
        state = {
            "format": FORMAT,
            "step": self.step,
            "options": dataclasses.asdict(self.options),
            "generator": self.generator.state_dict(),
            "ema": self.ema.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            "optimizer_g": self.optimizer_g.state_dict(),
            "optimizer_d": self.optimizer_d.state_dict(),
        }
        return _atomic_save(state, directory / TRAINING_STATE)

    def training_state_load(self, path: Path) -> None:
        """Resume from a training state written by ``training_state_save``."""
        state = torch.load(path, map_location=self.device, weights_only=True)
        for name in ("generator", "ema", "discriminator", "optimizer_g", "optimizer_d"):
            getattr(self, name).load_state_dict(state[name])
        self.step = int(state["step"])

    def ship(self, path: Path, metadata: dict[str, Any]) -> Path:
        """Write the EMA generator alone, in half precision, with its shape and metadata."""
        state = {
            "format": FORMAT,
            "shape": {"width": self.options.width, "depth": self.options.depth},
            "weights": {k: _half(v) for k, v in self.ema.state_dict().items()},
            "metadata": {"options": dataclasses.asdict(self.options), "steps": self.step}
            | metadata,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        return _atomic_save(state, path)


def shading_net_load(path: Path, device: torch.device | str = "cpu") -> ShadingNet:
    """A shipped shading network (eval mode, float32)."""
    state = torch.load(Path(path), map_location=device, weights_only=True)
    if state.get("format") != FORMAT:
        raise ValueError(f"{path} is not a shading checkpoint ({FORMAT})")
    net = ShadingNet(int(state["shape"]["width"]), int(state["shape"]["depth"]))
    net.load_state_dict({k: v.float() if v.is_floating_point() else v
                         for k, v in state["weights"].items()})  # fmt: skip
    return net.to(device).eval()


def shape_options_saved(path: Path) -> dict[str, int]:
    """The shape options a training state or a shipped network was built with."""
    state = torch.load(Path(path), map_location="cpu", weights_only=True)
    if state.get("format") != FORMAT:
        raise ValueError(f"{path} is not a shading checkpoint ({FORMAT})")
    saved = state["options"] if "options" in state else state["metadata"]["options"]
    return {name: int(saved[name]) for name in SHAPE_OPTIONS}


def shading_metadata(path: Path) -> dict[str, Any]:
    """What a shipped shading checkpoint says about its training."""
    return dict(torch.load(Path(path), map_location="cpu", weights_only=True)["metadata"])


def _half(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.half() if tensor.is_floating_point() else tensor


def _masked_l1(fake: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return ((fake - target).abs() * mask).sum() / mask.sum().clamp_min(1.0)


def _gradient_l1(fake: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """L1 between the shadings' horizontal and vertical differences, inside the mask."""
    total = fake.new_zeros(())
    for dim in (2, 3):
        df, dt = fake.diff(dim=dim), target.diff(dim=dim)
        both = mask.narrow(dim, 1, mask.shape[dim] - 1) * mask.narrow(dim, 0, mask.shape[dim] - 1)
        total = total + _masked_l1(df, dt, both)
    return total


def _atomic_save(state: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    torch.save(state, temporary)
    os.replace(temporary, path)
    return path
