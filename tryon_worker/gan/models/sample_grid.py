"""Sample grids written during training: agnostic person | garment | warped | result | target."""

from __future__ import annotations

from pathlib import Path

import torch
from PIL import Image

from tryon_worker.gan.data.inputs import image_from_network
from tryon_worker.gan.models.tryon_gan import TryOnRenderer

#: Rows shown at most (the first examples of the fixed sample batch).
MAX_ROWS = 6


@torch.no_grad()
def sample_grid_write(renderer: TryOnRenderer, batch: dict[str, torch.Tensor], path: Path) -> None:
    """Render the batch and write one row per example as a PNG."""
    was_training = renderer.training
    renderer.eval()
    rows = {key: value[:MAX_ROWS] for key, value in batch.items()}
    out = renderer(rows)
    renderer.train(was_training)
    white = torch.ones_like(out["warped_rgb"])
    warped = out["warped_mask"] * out["warped_rgb"] + (1 - out["warped_mask"]) * white
    columns = [rows["agnostic"], rows["garment"], warped, out["image"], rows["person"]]
    grid = torch.cat([torch.cat(list(column), dim=1) for column in columns], dim=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(image_from_network(grid)).save(path)
