"""Try-on generator: paints the person wearing the warped garment, plus a composition mask.

Input: the clothing-agnostic person (RGB with the zone greyed, and the zone itself), the
pose maps and the warped garment (RGB and mask). Output: an image and a composition mask
``m``; where ``m`` is 1 the warped garment's own pixels are shown (its colours and print
pass through untouched), elsewhere the generated image (skin, shading, the garment's
edges). The mask is limited to where the warped garment is, and the whole rendering to the
agnostic zone: outside it the photo is kept as it was.
"""

from __future__ import annotations

import torch
from torch import nn

from tryon_worker.gan.networks.blocks import UNet


class TryOnGenerator(nn.Module):
    """U-Net from (agnostic person, zone, pose, warped garment) to image and mask."""

    def __init__(self, pose_channels: int, width: int, depth: int) -> None:
        super().__init__()
        self.net = UNet(3 + 1 + pose_channels + 3 + 1, 4, width, depth)

    def forward(
        self,
        agnostic: torch.Tensor,
        zone: torch.Tensor,
        pose: torch.Tensor,
        warped_rgb: torch.Tensor,
        warped_mask: torch.Tensor,
    ) -> dict[str, torch.Tensor]:
        """Returns ``image`` (the composited result), ``generated``, ``blend`` (the mask the
        network asks for) and ``composition`` (``blend`` where the warped garment is)."""
        out = self.net(torch.cat([agnostic, zone, pose, warped_rgb, warped_mask], dim=1))
        generated = torch.tanh(out[:, :3])
        blend = torch.sigmoid(out[:, 3:4])
        composition = blend * warped_mask
        rendered = composition * warped_rgb + (1 - composition) * generated
        image = zone * rendered + (1 - zone) * agnostic
        return {"image": image, "generated": generated, "blend": blend, "composition": composition}
