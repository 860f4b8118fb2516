"""Multi-scale PatchGAN discriminator (pix2pixHD): judges local realism at several scales."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class PatchDiscriminator(nn.Module):
    """70x70-style PatchGAN; returns every layer's features (the last are the logits)."""

    def __init__(self, in_channels: int, width: int, layers: int) -> None:
        super().__init__()
        blocks: list[nn.Module] = [
            nn.Sequential(nn.Conv2d(in_channels, width, 4, 2, 1), nn.LeakyReLU(0.2, True))
        ]
        channels = width
        for index in range(1, layers):
            out = min(channels * 2, width * 8)
            stride = 2 if index < layers - 1 else 1
            blocks.append(
                nn.Sequential(
                    nn.Conv2d(channels, out, 4, stride, 1),
                    nn.InstanceNorm2d(out, affine=True),
                    nn.LeakyReLU(0.2, True),
                )
            )
            channels = out
        blocks.append(nn.Conv2d(channels, 1, 4, 1, 1))
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Features of each block for (B, C, H, W) input."""
        features = []
        for block in self.blocks:
            x = block(x)
            features.append(x)
        return features


class MultiScaleDiscriminator(nn.Module):
    """PatchGANs on the image at full, half, quarter... resolution."""

    def __init__(self, in_channels: int, width: int, layers: int, scales: int) -> None:
        super().__init__()
        self.scales = nn.ModuleList(
            PatchDiscriminator(in_channels, width, layers) for _ in range(scales)
        )

    def forward(self, x: torch.Tensor) -> list[list[torch.Tensor]]:
        """Per scale, per layer features; ``[-1]`` of each scale are its patch logits."""
        results = []
        for index, discriminator in enumerate(self.scales):
            if index:
                x = F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)
            results.append(discriminator(x))
        return results
