"""Pose-guided garment warp: a thin-plate spline pinned by landmarks, refined by a learned flow.

The spline carries the product shot's landmarks (shoulder seams, armpits, hem, sleeve ends;
waistband, crotch and leg openings for bottoms) onto the points the wearer's MediaPipe pose
puts them (tryon_worker.gan.data.conditioning.body_slots). That gets the garment to the right
place and size without any learning; the refiner then predicts a residual flow from the
spline-warped garment, the pose and the agnostic person (sleeves bending with the arm,
the hem following the hips), starting from zero so an untrained refiner changes nothing.

Coordinates are normalised to [-1, 1] (x across, y down), as grid_sample expects.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from tryon_worker.gan.networks.blocks import UNet

#: Regularisation of a pinned landmark (a little smoothing) and of an absent one (ignored).
_PINNED = 1e-3
_ABSENT = 1e4


def tps_grid(
    target: torch.Tensor, source: torch.Tensor, valid: torch.Tensor, size: tuple[int, int]
) -> torch.Tensor:
    """Sampling grid (B, H, W, 2) that moves ``source`` points onto ``target`` points.

    ``target``/``source``: (B, S, 2) normalised coordinates; ``valid``: (B, S) bool, absent
    landmarks are ignored (their positions need only be distinct). At least three valid,
    non-collinear points per sample. Always computed in float32, also under autocast: the
    spline's terms are large and cancel, and half precision would move the garment.
    """
    with torch.autocast(target.device.type, enabled=False):
        return _tps_grid(target.float(), source.float(), valid, size)


def _tps_grid(
    target: torch.Tensor, source: torch.Tensor, valid: torch.Tensor, size: tuple[int, int]
) -> torch.Tensor:
    batch, count, _ = target.shape
    device = target.device
    regulariser = torch.where(valid, _PINNED, _ABSENT).to(torch.float32)
    kernel = _radial(torch.cdist(target, target)) + torch.diag_embed(regulariser)
    affine = torch.cat([torch.ones(batch, count, 1, device=device), target], dim=2)
    system = torch.zeros(batch, count + 3, count + 3, device=device)
    system[:, :count, :count] = kernel
    system[:, :count, count:] = affine
    system[:, count:, :count] = affine.transpose(1, 2)
    rhs = torch.zeros(batch, count + 3, 2, device=device)
    rhs[:, :count] = source
    params = torch.linalg.solve(system, rhs)
    height, width = size
    ys = torch.linspace(-1, 1, height, device=device)
    xs = torch.linspace(-1, 1, width, device=device)
    grid_y, grid_x = torch.meshgrid(ys, xs, indexing="ij")
    points = torch.stack([grid_x, grid_y], dim=-1).reshape(1, -1, 2).expand(batch, -1, -1)
    radial = _radial(torch.cdist(points, target))
    points_affine = torch.cat([torch.ones(batch, height * width, 1, device=device), points], 2)
    mapped = radial @ params[:, :count] + points_affine @ params[:, count:]
    return mapped.reshape(batch, height, width, 2)


def _radial(distance: torch.Tensor) -> torch.Tensor:
    squared = distance.square()
    return squared * torch.log(squared + 1e-9)


class GarmentWarper(nn.Module):
    """Spline from landmarks, then a learned residual flow; returns the garment on the body."""

    def __init__(self, condition_channels: int, width: int, depth: int, max_flow: float) -> None:
        super().__init__()
        self.max_flow = max_flow
        # Input: the spline-warped garment (RGB + mask) and the condition (pose, agnostic).
        self.refiner = UNet(4 + condition_channels, 2, width, depth)
        nn.init.zeros_(self.refiner.head.weight)
        nn.init.zeros_(self.refiner.head.bias)

    def forward(
        self,
        garment: torch.Tensor,
        garment_mask: torch.Tensor,
        condition: torch.Tensor,
        body_points: torch.Tensor,
        garment_points: torch.Tensor,
        valid: torch.Tensor,
    ) -> dict[str, torch.Tensor]:
        """Warp ``garment`` (B, 3, H, W) and its mask (B, 1, H, W) onto the body.

        Returns ``rgb`` and ``mask`` (warped), ``grid`` (where each output pixel samples the
        garment: resolution-free, so a sharper product shot can be warped with it),
        ``coarse_rgb``/``coarse_mask`` (spline only) and ``flow`` (B, 2, H, W, normalised
        units) for the smoothness loss.
        """
        size = garment.shape[-2:]
        grid = tps_grid(body_points, garment_points, valid, (int(size[0]), int(size[1])))
        coarse_rgb, coarse_mask = sample_garment(garment, garment_mask, grid)
        flow = self.max_flow * torch.tanh(
            self.refiner(torch.cat([coarse_rgb, coarse_mask, condition], dim=1))
        )
        final_grid = grid + flow.float().permute(0, 2, 3, 1)
        rgb, mask = sample_garment(garment, garment_mask, final_grid)
        return {
            "grid": final_grid,
            "rgb": rgb,
            "mask": mask,
            "coarse_rgb": coarse_rgb,
            "coarse_mask": coarse_mask,
            "flow": flow,
        }


def sample_garment(
    garment: torch.Tensor, mask: torch.Tensor, grid: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Garment colour (border-extended) and mask (zero outside) sampled along ``grid``.

    In float32 whatever the autocast: a sampling position off by a half-precision step
    lands on the other side of a stripe or an edge.
    """
    with torch.autocast(grid.device.type, enabled=False):
        grid = grid.float()
        rgb = F.grid_sample(
            garment.float(), grid, mode="bilinear", padding_mode="border", align_corners=True
        )
        warped_mask = F.grid_sample(
            mask.float(), grid, mode="bilinear", padding_mode="zeros", align_corners=True
        )
    return rgb, warped_mask
