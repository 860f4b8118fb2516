"""Try-on GAN speed: render latency and images per second, batch 1 and 8, two input sizes.

The network (warp + generator) of the checkpoint runs on random inputs of the right shape
at 256x192 and 512x384 (it is fully convolutional), on the CPU and, when one is present, on
a CUDA GPU in half precision. Also reports the parameter count and FLOPs per image
(multiply-adds x 2, counted by torch's FLOP counter).

    python -m bench.tryon_speed [--checkpoint PATH] [--repeats 10]

Prints the figures and writes bench/results/tryon_speed.json.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from bench.report import machine_info, report_write
from tryon_worker.gan.data.conditioning import SLOTS
from tryon_worker.gan.models.checkpoint import renderer_load
from tryon_worker.gan.models.tryon_gan import POSE_CHANNELS
from tryon_worker.renderers.gan import checkpoint_path

SIZES = ((256, 192), (512, 384))
BATCHES = (1, 8)


def inputs(batch: int, size: tuple[int, int], device: torch.device) -> dict[str, torch.Tensor]:
    """Random network inputs of the right shapes (a plausible landmark layout)."""
    height, width = size
    rng = torch.Generator().manual_seed(0)
    image = lambda c: torch.rand(batch, c, height, width, generator=rng) * 2 - 1  # noqa: E731
    points = torch.rand(batch, len(SLOTS), 2, generator=rng) * 1.6 - 0.8
    return {
        key: value.to(device)
        for key, value in {
            "agnostic": image(3),
            "zone": (image(1) > 0).float(),
            "pose": image(POSE_CHANNELS).abs(),
            "garment": image(3),
            "garment_mask": (image(1) > -0.5).float(),
            "garment_points": points,
            "body_points": points + 0.05,
            "point_valid": torch.ones(batch, len(SLOTS), dtype=torch.bool),
        }.items()
    }


def time_renderer(renderer, device: torch.device, size, batch: int, repeats: int) -> dict:
    """Latency per batch (p50/p95 ms) and images per second."""
    data = inputs(batch, size, device)
    half = device.type == "cuda"
    timings = []
    with torch.no_grad(), torch.autocast("cuda", torch.float16, enabled=half):
        for index in range(repeats + 2):
            if device.type == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
            renderer(data)
            if device.type == "cuda":
                torch.cuda.synchronize()
            if index >= 2:  # the first runs warm up allocators and kernels
                timings.append(time.perf_counter() - start)
    p50 = float(np.percentile(timings, 50))
    return {
        "batch": batch,
        "size": f"{size[0]}x{size[1]}",
        "latency_ms_p50": round(p50 * 1000, 2),
        "latency_ms_p95": round(float(np.percentile(timings, 95)) * 1000, 2),
        "ms_per_image": round(p50 * 1000 / batch, 2),
        "images_per_s": round(batch / p50, 2),
        "precision": "fp16" if half else "fp32",
    }


def flops_per_image(renderer, size) -> float:
    """FLOPs of one forward pass on one image."""
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        renderer(inputs(1, size, torch.device("cpu")))
    return float(counter.get_total_flops())


def main() -> None:
    """Time every size, batch and device; report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint", type=Path, default=checkpoint_path())
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    renderer = renderer_load(args.checkpoint)
    report = {
        "machine": machine_info(
            torch=torch.__version__,
            threads=torch.get_num_threads(),
            gpu=torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        ),
        "checkpoint": str(args.checkpoint),
        "parameters": sum(p.numel() for p in renderer.parameters()),
        "gflops_per_image": {
            f"{h}x{w}": round(flops_per_image(renderer, (h, w)) / 1e9, 3) for h, w in SIZES
        },
        "runs": [],
    }
    for device in devices:
        model = renderer.to(device)
        for size in SIZES:
            for batch in BATCHES:
                run = time_renderer(model, device, size, batch, args.repeats)
                report["runs"].append({"device": device.type, **run})
    report_write(report, name="tryon_speed")


if __name__ == "__main__":
    main()
