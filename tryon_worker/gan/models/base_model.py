"""The model contract of pix2pix/CycleGAN, which every trainable GAN here follows.

A training loop only ever calls ``set_input(batch)`` then ``optimize_parameters()``, whatever
the model: the paired and the cycle try-on models and the shading GAN are interchangeable
behind it, and each returns its step's losses as plain floats for the log.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

import torch
from torch import nn


class BaseModel(nn.Module, ABC):
    """Networks, optimisers and one optimisation step, driven by the training loop."""

    @abstractmethod
    def set_input(self, batch: dict[str, torch.Tensor]) -> None:
        """Take the batch the next ``forward`` and ``optimize_parameters`` work on."""

    @abstractmethod
    def forward(self) -> torch.Tensor:
        """Run the generator(s) on the current input; returns what the discriminator judges."""

    @abstractmethod
    def optimize_parameters(self) -> dict[str, float]:
        """One optimisation step on the current input; its losses as plain floats."""

    @staticmethod
    def set_requires_grad(nets: nn.Module | Iterable[nn.Module], flag: bool) -> None:
        """Turn gradients of every parameter of ``nets`` on or off (the discriminator is
        frozen during the generator's step: its loss then computes no gradient for it)."""
        for net in [nets] if isinstance(nets, nn.Module) else nets:
            net.requires_grad_(flag)
