"""Small building blocks shared by the networks."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class ConvBlock(nn.Sequential):
    """3x3 convolution, instance norm, LeakyReLU (stride 2 halves the size)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__(
            nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1),
            nn.InstanceNorm2d(out_channels, affine=True),
            nn.LeakyReLU(0.2, inplace=True),
        )


class UNet(nn.Module):
    """Encoder-decoder with skip connections; the output keeps the input's size.

    Sizes must be divisible by 2**depth (256x192 and 512x384 are, for depth <= 6).
    """

    def __init__(self, in_channels: int, out_channels: int, width: int, depth: int) -> None:
        super().__init__()
        widths = [min(width * 2**level, width * 8) for level in range(depth + 1)]
        self.stem = ConvBlock(in_channels, widths[0])
        self.down = nn.ModuleList(
            nn.Sequential(ConvBlock(widths[i], widths[i + 1], stride=2),
                          ConvBlock(widths[i + 1], widths[i + 1]))
            for i in range(depth)
        )  # fmt: skip
        self.up = nn.ModuleList(
            nn.Sequential(ConvBlock(widths[i + 1] + widths[i], widths[i]),
                          ConvBlock(widths[i], widths[i]))
            for i in reversed(range(depth))
        )  # fmt: skip
        self.head = nn.Conv2d(widths[0], out_channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map (B, in, H, W) to (B, out, H, W)."""
        skips = [self.stem(x)]
        for block in self.down:
            skips.append(block(skips[-1]))
        y = skips.pop()
        for block in self.up:
            skip = skips.pop()
            y = F.interpolate(y, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            y = block(torch.cat([y, skip], dim=1))
        return self.head(y)
