"""Losses of the try-on GAN: hinge adversarial, feature matching, flow smoothness."""

from __future__ import annotations

import torch
from torch.nn import functional as F


def discriminator_hinge(
    real: list[list[torch.Tensor]], fake: list[list[torch.Tensor]]
) -> torch.Tensor:
    """Hinge loss of the discriminator over all scales."""
    loss = sum(
        F.relu(1 - r[-1]).mean() + F.relu(1 + f[-1]).mean() for r, f in zip(real, fake, strict=True)
    )
    return loss / len(real)


def generator_hinge(fake: list[list[torch.Tensor]]) -> torch.Tensor:
    """Adversarial loss of the generator over all scales."""
    return sum(-f[-1].mean() for f in fake) / len(fake)


def feature_matching(
    real: list[list[torch.Tensor]], fake: list[list[torch.Tensor]]
) -> torch.Tensor:
    """L1 between the discriminator's features of the real and the generated image."""
    total = 0.0
    count = 0
    for real_scale, fake_scale in zip(real, fake, strict=True):
        for r, f in zip(real_scale[:-1], fake_scale[:-1], strict=True):
            total = total + F.l1_loss(f, r.detach())
            count += 1
    return total / max(count, 1)


def flow_smoothness(flow: torch.Tensor) -> torch.Tensor:
    """Total variation of a (B, 2, H, W) flow: neighbouring pixels should move alike."""
    dx = (flow[..., :, 1:] - flow[..., :, :-1]).abs().mean()
    dy = (flow[..., 1:, :] - flow[..., :-1, :]).abs().mean()
    return dx + dy
