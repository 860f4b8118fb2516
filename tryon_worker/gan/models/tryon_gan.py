"""The try-on GAN as one trainable whole: renderer (warp + generator), discriminator, losses.

``TryOnRenderer`` is what inference needs (warp and generator); ``TryOnGAN`` adds the
discriminator, optimisers and an EMA copy of the renderer, behind pix2pix's model contract
(models/base_model.py), with one subclass per mode:

* paired (pix2pix, ``PairedTryOnModel``): the person wearing the garment is the target. L1
  on the image, the warp's fit to the garment's region on the person (colour and mask), a
  smoothness term on the learned flow, a pull of the composition mask towards the warped
  garment inside the garment's region, multi-scale hinge GAN and feature matching.
* cycle (unpaired, CycleGAN-style, ``CycleTryOnModel``): garment B goes onto a person wearing
  A; then, with only where B was painted hidden again, A goes back on and the original photo
  must come back.
  The discriminator judges the intermediate (the person in B) for realism.

The discriminator is frozen during the generator's step (its parameters get no gradient from
the generator's loss), and gets its own step after it on the detached fake.
"""

from __future__ import annotations

import copy
from abc import abstractmethod

import torch
from torch import nn
from torch.nn import functional as F

from tryon_worker.gan.data.example import BODY_KEYPOINTS
from tryon_worker.gan.models.base_model import BaseModel
from tryon_worker.gan.networks.discriminator import MultiScaleDiscriminator
from tryon_worker.gan.networks.generator import TryOnGenerator
from tryon_worker.gan.networks.losses import (
    discriminator_hinge,
    feature_matching,
    flow_smoothness,
    generator_hinge,
)
from tryon_worker.gan.networks.warp import GarmentWarper
from tryon_worker.gan.options import ModelOptions, TrainOptions

POSE_CHANNELS = len(BODY_KEYPOINTS)
#: What the cycle mode swaps: garment B's arrays come as ``other_<key>`` in the batch.
OTHER_GARMENT_KEYS = ("garment", "garment_mask", "garment_points", "body_points", "point_valid")


class TryOnRenderer(nn.Module):
    """Warp the garment onto the body, then render the person wearing it."""

    def __init__(self, options: ModelOptions) -> None:
        super().__init__()
        self.options = options
        self.warper = GarmentWarper(
            POSE_CHANNELS + 4, options.warp_width, options.warp_depth, options.max_flow
        )
        self.generator = TryOnGenerator(POSE_CHANNELS, options.gen_width, options.gen_depth)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Render a batch of network_inputs (see tryon_worker.gan.data.inputs)."""
        condition = torch.cat([batch["pose"], batch["agnostic"], batch["zone"]], dim=1)
        warped = self.warper(
            batch["garment"],
            batch["garment_mask"],
            condition,
            batch["body_points"],
            batch["garment_points"],
            batch["point_valid"],
        )
        rendered = self.generator(
            batch["agnostic"], batch["zone"], batch["pose"], warped["rgb"], warped["mask"]
        )
        return {**rendered, "warped_rgb": warped["rgb"], "warped_mask": warped["mask"],
                "coarse_rgb": warped["coarse_rgb"], "flow": warped["flow"],
                "grid": warped["grid"]}  # fmt: skip


class TryOnGAN(BaseModel):
    """Renderer, its EMA copy, the discriminator and their optimisers; the step of one mode
    is a subclass's (``PairedTryOnModel``, ``CycleTryOnModel``; ``TRYON_MODELS`` by mode)."""

    #: The ``TrainOptions.mode`` a subclass trains.
    mode = ""

    def __init__(self, model: ModelOptions, train: TrainOptions, device: torch.device) -> None:
        super().__init__()
        if train.mode != self.mode:
            raise ValueError(f"{type(self).__name__} trains mode {self.mode!r}, not {train.mode!r}")
        self.train_options = train
        self.renderer = TryOnRenderer(model)
        self.ema = copy.deepcopy(self.renderer).requires_grad_(False).eval()
        # Condition (agnostic person and zone) beside the image: a conditional PatchGAN.
        self.discriminator = MultiScaleDiscriminator(
            3 + 1 + 3, model.disc_width, model.disc_layers, model.disc_scales
        )
        self.to(device)
        self.device = device
        betas = (train.beta1, train.beta2)
        self.optimizer_g = torch.optim.Adam(self.renderer.parameters(), train.lr_g, betas=betas)
        self.optimizer_d = torch.optim.Adam(
            self.discriminator.parameters(), train.lr_d, betas=betas
        )
        self.use_amp = train.amp and device.type == "cuda"
        self.scaler_g = torch.amp.GradScaler("cuda", enabled=self.use_amp)
        self.scaler_d = torch.amp.GradScaler("cuda", enabled=self.use_amp)
        self.step = 0
        self.batch: dict[str, torch.Tensor] = {}

    def set_input(self, batch: dict[str, torch.Tensor]) -> None:
        """Take a batch of network_inputs (see tryon_worker.gan.data.inputs)."""
        self.batch = {key: value.to(self.device) for key, value in batch.items()}

    def optimize_parameters(self) -> dict[str, float]:
        """The generator's step, then (once adversarial) the discriminator's; the losses."""
        adversarial = self.step >= self.train_options.adversarial_after
        self.forward()
        terms = self.optimize_generator(adversarial)
        if adversarial:
            terms["d"] = self.optimize_discriminator()
        self._ema_update()
        self.step += 1
        return {name: float(value.detach()) for name, value in terms.items()}

    def optimize_generator(self, adversarial: bool) -> dict[str, torch.Tensor]:
        """One step of the renderer on the last ``forward``'s output, the discriminator
        frozen; the loss terms."""
        self.set_requires_grad(self.discriminator, False)
        try:
            with self._autocast():
                terms = self._generator_terms(adversarial)
                total_g = sum(terms.values())
            self._backward(total_g, self.optimizer_g, self.scaler_g)
        finally:
            self.set_requires_grad(self.discriminator, True)
        return terms

    @abstractmethod
    def _generator_terms(self, adversarial: bool) -> dict[str, torch.Tensor]:
        """The renderer's loss terms of this mode (under autocast)."""

    @abstractmethod
    def optimize_discriminator(self) -> torch.Tensor:
        """One step of the discriminator (real person against this mode's fake); its loss."""

    def _autocast(self) -> torch.autocast:
        return torch.autocast(self.device.type, dtype=torch.float16, enabled=self.use_amp)

    def _generator_gan_terms(
        self, batch: dict[str, torch.Tensor], fake: torch.Tensor, target: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        fake_features = self.discriminator(self._d_input(batch, fake))
        with torch.no_grad():
            real_features = self.discriminator(self._d_input(batch, target))
        return {
            "adv": generator_hinge(fake_features) * self.train_options.lambda_adv,
            "fm": feature_matching(real_features, fake_features) * self.train_options.lambda_fm,
        }

    def _discriminator_step(
        self, batch: dict[str, torch.Tensor], fake: torch.Tensor, real: torch.Tensor
    ) -> torch.Tensor:
        """One step of the discriminator on real and (detached) fake images; its loss."""
        with self._autocast():
            loss = discriminator_hinge(
                self.discriminator(self._d_input(batch, real)),
                self.discriminator(self._d_input(batch, fake)),
            )
        self._backward(loss, self.optimizer_d, self.scaler_d)
        return loss.detach()

    @staticmethod
    def _d_input(batch: dict[str, torch.Tensor], image: torch.Tensor) -> torch.Tensor:
        return torch.cat([batch["agnostic"], batch["zone"], image], dim=1)

    @staticmethod
    def _backward(
        loss: torch.Tensor, optimizer: torch.optim.Optimizer, scaler: torch.amp.GradScaler
    ) -> None:
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()

    @torch.no_grad()
    def _ema_update(self) -> None:
        # Warm up: early on the average would be mostly random initial weights.
        decay = min(self.train_options.ema_decay, (1 + self.step) / (10 + self.step))
        for ema, live in zip(self.ema.parameters(), self.renderer.parameters(), strict=True):
            ema.lerp_(live, 1 - decay)
        for ema, live in zip(self.ema.buffers(), self.renderer.buffers(), strict=True):
            ema.copy_(live)


class PairedTryOnModel(TryOnGAN):
    """pix2pix: the person wearing the garment is the target (see the module's docstring)."""

    mode = "paired"

    def forward(self) -> torch.Tensor:
        """Render the person wearing the batch's garment; returns the image."""
        with self._autocast():
            self.out = self.renderer(self.batch)
        return self.out["image"]

    def _generator_terms(self, adversarial: bool) -> dict[str, torch.Tensor]:
        options, batch, out = self.train_options, self.batch, self.out
        target = batch["person"]
        region = batch["region"] * batch["has_region"].view(-1, 1, 1, 1)
        fake = out["image"]
        terms = {
            "l1": F.l1_loss(fake, target) * options.lambda_l1,
            "warp": _warp_fit(out, target, region) * options.lambda_warp,
            # Show the warped garment's own pixels where it fits (sharp, true colour)
            # rather than repainting them (CP-VTON's composition-mask term).
            "composition": _composition_gap(out, region) * options.lambda_composition,
            "flow_tv": flow_smoothness(out["flow"]) * options.lambda_flow_tv,
        }
        if adversarial:
            terms.update(self._generator_gan_terms(batch, fake, target))
        return terms

    def optimize_discriminator(self) -> torch.Tensor:
        """One step of the discriminator: the person against the rendering."""
        return self._discriminator_step(
            self.batch, self.out["image"].detach(), self.batch["person"]
        )


class CycleTryOnModel(TryOnGAN):
    """CycleGAN-style, unpaired: B on, then A back on (see the module's docstring)."""

    mode = "cycle"

    def forward(self) -> torch.Tensor:
        """Put garment B on, then A back; returns the intermediate (the person in B)."""
        batch = self.batch
        target = batch["person"]
        # Garment B (another example's, pinned to this body by the collate) replaces A.
        other = {key: batch[f"other_{key}"] for key in OTHER_GARMENT_KEYS}
        with self._autocast():
            self.swapped = self.renderer({**batch, **other})
            self.intermediate = self.swapped["image"]
            # Hide only what B covered, keep everything the generator painted around it.
            covered = batch["zone"] * self.swapped["composition"].clamp(0, 1)
            covered = (F.max_pool2d(covered, 5, stride=1, padding=2) > 0.5).to(target.dtype)
            back_in = {**batch, "agnostic": self.intermediate * (1 - covered), "zone": covered}
            self.restored = self.renderer(back_in)["image"]
        return self.intermediate

    def _generator_terms(self, adversarial: bool) -> dict[str, torch.Tensor]:
        options = self.train_options
        terms = {
            "cycle": F.l1_loss(self.restored, self.batch["person"]) * options.lambda_cycle,
            "flow_tv": flow_smoothness(self.swapped["flow"]) * options.lambda_flow_tv,
        }
        if adversarial:
            fake_features = self.discriminator(self._d_input(self.batch, self.intermediate))
            terms["adv"] = generator_hinge(fake_features) * options.lambda_adv
        return terms

    def optimize_discriminator(self) -> torch.Tensor:
        """One step of the discriminator: the person against the person in B."""
        return self._discriminator_step(
            self.batch, self.intermediate.detach(), self.batch["person"]
        )


#: The model class of each training mode (``--mode``).
TRYON_MODELS: dict[str, type[TryOnGAN]] = {"paired": PairedTryOnModel, "cycle": CycleTryOnModel}


def _composition_gap(out: dict[str, torch.Tensor], region: torch.Tensor) -> torch.Tensor:
    """Mean (1 - blend) where the warped garment lies on the garment's region."""
    where = out["warped_mask"] * region
    return ((1 - out["blend"]) * where).sum() / where.sum().clamp_min(1.0)


def _warp_fit(out: dict[str, torch.Tensor], target: torch.Tensor, region: torch.Tensor):
    """How well the warped garment matches the garment on the person (colour and shape)."""
    colour = ((out["warped_rgb"] - target).abs() * region).sum() / region.sum().clamp_min(1.0)
    shape = F.l1_loss(out["warped_mask"] * (region.sum((1, 2, 3), keepdim=True) > 0), region)
    return colour / 3 + shape
