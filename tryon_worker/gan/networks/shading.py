"""The shading network: the light and folds on a picture of cloth, without its print or wash."""

from __future__ import annotations

import torch
from torch import nn

from tryon_worker.gan.data.shaded_fabric import MAX_LOG_SHADING
from tryon_worker.gan.networks.blocks import UNet

#: Input channels: log luminance, two chroma offsets, mask (see data.shaded_fabric).
FEATURE_CHANNELS = 4


class ShadingNet(nn.Module):
    """Fully convolutional U-Net from fabric features to log shading (zero outside the mask)."""

    def __init__(self, width: int, depth: int) -> None:
        super().__init__()
        self.depth = depth
        self.unet = UNet(FEATURE_CHANNELS, 1, width, depth)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """(B, 4, H, W) features, H and W divisible by 2**depth, to (B, 1, H, W) log shading."""
        mask = features[:, 3:4]
        raw = self.unet(features)
        return MAX_LOG_SHADING * torch.tanh(raw / MAX_LOG_SHADING) * mask
