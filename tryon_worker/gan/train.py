"""Train the try-on GAN: ``python -m tryon_worker.gan.train --data DIR --mode paired|cycle``.

Reads any supported layout (VITON-HD, DressCode, a shop export, a folder of person photos;
several ``--data`` directories mix), trains on CUDA with mixed precision when present and
on the CPU otherwise (``--init-from renderer.pt`` fine-tunes a shipped model, e.g. the
default checkpoint on a shop's own export), and writes into ``--out``: ``latest.pt``
(resumable training state), ``renderer.pt`` (the EMA renderer to ship, what
TRYON_CHECKPOINT points at),
``options.json``, ``loss_log.jsonl`` and ``samples/step_NNNNNN.png`` grids
(agnostic person | garment | warped | result | target).
"""

from __future__ import annotations

import json
import logging
import platform
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader

from tryon_worker.gan.data.dataset import TryOnDataset
from tryon_worker.gan.data.layouts import layout_of, reader_open
from tryon_worker.gan.models.checkpoint import (
    RENDERER_FILE,
    TRAINING_STATE,
    device_pick,
    renderer_load,
    renderer_save,
    training_state_load,
    training_state_model_options,
    training_state_save,
)
from tryon_worker.gan.models.sample_grid import sample_grid_write
from tryon_worker.gan.models.tryon_gan import TRYON_MODELS, TryOnGAN
from tryon_worker.gan.options import ModelOptions, TrainOptions, options_parse

logger = logging.getLogger("tryon_worker.gan.train")


def train(options: TrainOptions, model: ModelOptions) -> Path:
    """Run (or resume) a training run; returns the path of the shipped renderer."""
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(options.seed)
    if options.threads:
        torch.set_num_threads(options.threads)
    device = device_pick(options.device)
    readers = [reader_open(path) for path in options.data]
    state_path = out / TRAINING_STATE
    resuming = options.resume and state_path.is_file()
    start = renderer_load(Path(options.init_from)) if options.init_from and not resuming else None
    # The weights fix the architecture: a resumed or fine-tuned run keeps theirs.
    if resuming:
        model = training_state_model_options(state_path)
    elif start is not None:
        model = start.options
    dataset = TryOnDataset(
        readers,
        model,
        swap_garments=options.mode == "cycle",
        worn_garment_share=options.worn_garment_share if options.mode == "paired" else 0.0,
        seed=options.seed,
    )
    # pix2pix's or CycleGAN's step, behind the same set_input / optimize_parameters.
    gan = TRYON_MODELS[options.mode](model, options, device)
    if resuming:
        training_state_load(gan, state_path)
        logger.info("resumed from %s at step %d", state_path, gan.step)
    elif start is not None:
        gan.renderer.load_state_dict(start.state_dict())
        gan.ema.load_state_dict(start.state_dict())
        logger.info("fine-tuning from %s (a fresh discriminator)", options.init_from)
    logger.info(
        "training %s on %s: %d examples from %s; renderer %.2fM parameters",
        options.mode,
        device,
        len(dataset),
        ", ".join(f"{path} ({layout_of(Path(path))})" for path in options.data),
        sum(p.numel() for p in gan.renderer.parameters()) / 1e6,
    )
    batches = _forever(dataset, options, device)
    sample_batch = next(batches)
    log_path = out / "loss_log.jsonl"
    started = time.perf_counter()
    first_step = gan.step
    while gan.step < options.steps:
        batch = next(batches)
        gan.set_input(batch)
        losses = gan.optimize_parameters()
        step = gan.step
        if step % options.log_every == 0 or step == options.steps:
            rate = (step - first_step) / max(time.perf_counter() - started, 1e-9)
            record = {"step": step, **{k: round(v, 5) for k, v in losses.items()},
                      "steps_per_s": round(rate, 3)}  # fmt: skip
            with log_path.open("a") as log:
                log.write(json.dumps(record) + "\n")
            logger.info("step %d %s", step, record)
        if step % options.sample_every == 0 or step == options.steps:
            sample_grid_write(gan.ema, sample_batch, out / "samples" / f"step_{step:06d}.png")
        if step % options.checkpoint_every == 0 or step == options.steps:
            training_state_save(gan, out, model)
            renderer_save(gan.ema, out / RENDERER_FILE, metadata=_metadata(options, gan))
    if not (out / RENDERER_FILE).is_file():
        renderer_save(gan.ema, out / RENDERER_FILE, metadata=_metadata(options, gan))
    return out / RENDERER_FILE


def _forever(
    dataset: TryOnDataset, options: TrainOptions, device: torch.device
) -> Iterator[dict[str, torch.Tensor]]:
    generator = torch.Generator().manual_seed(options.seed)
    loader = DataLoader(
        dataset,
        batch_size=options.batch_size,
        shuffle=True,
        drop_last=len(dataset) >= options.batch_size,
        num_workers=options.workers,
        generator=generator,
        persistent_workers=options.workers > 0,
        pin_memory=device.type == "cuda",
    )
    while True:
        for batch in loader:
            yield {key: value.to(device, non_blocking=True) for key, value in batch.items()}


def _metadata(options: TrainOptions, gan: TryOnGAN) -> dict[str, object]:
    return {
        "steps": gan.step,
        "mode": options.mode,
        "data": [str(path) for path in options.data],
        "batch_size": options.batch_size,
        "device": str(gan.device),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "torch": str(torch.__version__),
        "numpy": str(np.__version__),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    options, model = options_parse(argv)
    path = train(options, model)
    print(f"renderer written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
