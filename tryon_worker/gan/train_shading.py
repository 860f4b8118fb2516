"""Train the shading GAN: ``python -m tryon_worker.gan.train_shading --out DIR --steps N``.

The pictures are drawn procedurally (``tryon_worker.gan.data.shaded_fabric``), an endless
stream, so no data set is needed. Writes into ``--out``: ``latest.pt`` (resumable; options
inside), ``shading.pt`` (the EMA network to ship, what ``TRYON_SHADING_CHECKPOINT`` points
at), ``loss_log.jsonl`` and ``samples/step_NNNNNN.png`` (picture | true shading | learned).
Resumes from ``latest.pt`` when it exists; ``--init-from shading.pt`` fine-tunes.
"""

from __future__ import annotations

import json
import logging
import platform
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from tryon_worker.gan.data.shaded_fabric import fabric_features, shaded_fabric_example
from tryon_worker.gan.models.checkpoint import device_pick
from tryon_worker.gan.models.shading_gan import (
    SHIPPED_FILE,
    TRAINING_STATE,
    ShadingGAN,
    ShadingOptions,
    shading_net_load,
    shape_options_saved,
)
from tryon_worker.gan.options import flags_parse

logger = logging.getLogger("tryon_worker.gan.train_shading")
SAMPLE_ROWS = 6


class ShadedFabricStream(IterableDataset):
    """Endless procedural examples; each loader worker draws from its own seed."""

    def __init__(self, crop: int, seed: int) -> None:
        self.crop = crop
        self.seed = seed

    def __iter__(self) -> Iterator[dict[str, torch.Tensor]]:
        info = get_worker_info()
        rng = np.random.default_rng([self.seed, info.id if info else 0])
        while True:
            yield example_tensors(shaded_fabric_example(rng, self.crop))


def example_tensors(example: dict[str, np.ndarray]) -> dict[str, torch.Tensor]:
    """A drawn example as the network's ``features`` and ``log_shading`` tensors."""
    return {
        "features": torch.from_numpy(fabric_features(example["rgb"], example["mask"])),
        "log_shading": torch.from_numpy(example["log_shading"])[None],
    }


def train(options: ShadingOptions) -> Path:
    """Run (or resume) a training run; returns the path of the shipped network."""
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(options.seed)
    if options.threads:
        torch.set_num_threads(options.threads)
    state = out / TRAINING_STATE
    # The weights fix the shape: a resumed or fine-tuned run keeps theirs, whatever the flags.
    if state.is_file():
        options = replace(options, **shape_options_saved(state))
    elif options.init_from:
        options = replace(options, **shape_options_saved(Path(options.init_from)))
    gan = ShadingGAN(options, device_pick(options.device))
    if state.is_file():
        gan.training_state_load(state)
        logger.info("resumed from %s at step %d", state, gan.step)
    elif options.init_from:
        start = shading_net_load(Path(options.init_from), gan.device)
        gan.generator.load_state_dict(start.state_dict())
        gan.ema.load_state_dict(start.state_dict())
        logger.info("fine-tuning from %s (a fresh discriminator)", options.init_from)
    loader = DataLoader(
        ShadedFabricStream(options.crop, options.seed + gan.step),
        batch_size=options.batch_size,
        num_workers=options.workers,
    )
    samples = _sample_batch(options.crop)
    started, first = time.perf_counter(), gan.step
    for batch in loader:
        if gan.step >= options.steps:
            break
        gan.set_input(batch)
        losses = gan.optimize_parameters()
        step = gan.step
        if step % options.log_every == 0 or step == options.steps:
            rate = (step - first) / max(time.perf_counter() - started, 1e-9)
            record = {"step": step, **{k: round(v, 5) for k, v in losses.items()},
                      "steps_per_s": round(rate, 3)}  # fmt: skip
            with (out / "loss_log.jsonl").open("a") as log:
                log.write(json.dumps(record) + "\n")
            logger.info("%s", record)
        if step % options.sample_every == 0 or step == options.steps:
            _sample_write(gan, samples, out / "samples" / f"step_{step:06d}.png")
        if step % options.checkpoint_every == 0 or step == options.steps:
            gan.training_state_save(out)
            gan.ship(out / SHIPPED_FILE, _metadata(gan))
    return out / SHIPPED_FILE


def _sample_batch(crop: int) -> dict[str, torch.Tensor]:
    rng = np.random.default_rng(12345)  # fixed pictures, so grids of steps compare
    rows = [example_tensors(shaded_fabric_example(rng, crop)) for _ in range(SAMPLE_ROWS)]
    return {key: torch.stack([row[key] for row in rows]) for key in rows[0]}


@torch.no_grad()
def _sample_write(gan: ShadingGAN, batch: dict[str, torch.Tensor], path: Path) -> None:
    learned = gan.ema(batch["features"].to(gan.device)).cpu()
    columns = [_grey(batch["features"][:, :1]), _grey(batch["log_shading"]), _grey(learned)]
    grid = torch.cat([torch.cat(list(column), dim=1) for column in columns], dim=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray((grid.permute(1, 2, 0).numpy() * 255).astype(np.uint8)).save(path)


def _grey(log_values: torch.Tensor) -> torch.Tensor:
    """Log luminance or shading as a grey picture (0 is mid grey)."""
    return (log_values * 1.5 + 0.5).clamp(0, 1).expand(-1, 3, -1, -1)


def _metadata(gan: ShadingGAN) -> dict[str, object]:
    return {
        "data": "procedural (tryon_worker.gan.data.shaded_fabric)",
        "device": str(gan.device),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "torch": str(torch.__version__),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    options = flags_parse(
        ShadingOptions, argv, "python -m tryon_worker.gan.train_shading",
        "Train the shading GAN on procedural pictures of cloth under light.",
    )  # fmt: skip
    print(f"shading network written to {train(options)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
