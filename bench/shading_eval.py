"""Shading estimators against known light: how well each separates folds from print and wash.

Held-out procedural pictures of cloth (``tryon_worker.gan.data.shaded_fabric``, a seed no
training run uses) carry their true shading. Each estimator the layered renderer can use
(``learned``: the shading GAN; ``classical``: luminance smoothing over plain pixels; and
``none``: no folds at all) gives its fold-scale ratio map; the error is the mean absolute
difference of log shading inside the cloth against the truth at the same (fold) scale,
overall and per fabric. Lower is better; "none" scores the folds' own size.

    python -m bench.shading_eval [--count 400]

Prints the figures and writes bench/results/shading_eval.json.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np
import torch

from bench.report import machine_info, report_write
from tryon_worker.gan.data.shaded_fabric import SW_PX, shaded_fabric_example
from tryon_worker.renderers.fold_shading import (
    ESTIMATORS,
    MAX_FOLD_GAIN,
    MIN_FOLD_GAIN,
    fold_ratio,
    masked_blur,
)

HELD_OUT_SEED = 2026_12_05


def shading_errors(count: int, seed: int = HELD_OUT_SEED) -> dict[str, dict[str, float]]:
    """Mean log-shading error per estimator ("none" included): overall and per fabric."""
    rng = np.random.default_rng(seed)
    errors: dict[str, dict[str, list[float]]] = {
        name: defaultdict(list) for name in (*ESTIMATORS, "none")
    }
    for _ in range(count):
        example = shaded_fabric_example(rng)
        inside = example["mask"] > 0.5
        truth = example["log_shading"]
        truth = truth - masked_blur(truth, inside, max(3.0, 0.3 * SW_PX))
        for name in errors:
            if name == "none":
                estimate = np.zeros_like(truth)
            else:
                ratio = fold_ratio(example["rgb"], inside, SW_PX, name)
                # Clipped as the renderer clips it: what reaches the picture.
                estimate = (
                    np.zeros_like(truth)
                    if ratio is None
                    else np.log(np.clip(ratio, MIN_FOLD_GAIN, MAX_FOLD_GAIN))
                )
            error = float(np.abs(estimate - truth)[inside].mean())
            errors[name]["all"].append(error)
            errors[name][example["fabric"]].append(error)
    return {
        name: {kind: round(float(np.mean(values)), 4) for kind, values in sorted(per.items())}
        for name, per in errors.items()
    }


def main() -> None:
    """Run the comparison and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=400)
    args = parser.parse_args()
    torch.set_num_threads(1)
    started = time.perf_counter()
    errors = shading_errors(args.count)
    report = {
        "machine": machine_info(torch=torch.__version__),
        "pictures": args.count,
        "seed": HELD_OUT_SEED,
        "mean_abs_log_shading_error": errors,
        "seconds": round(time.perf_counter() - started, 1),
    }
    report_write(report, name="shading_eval")


if __name__ == "__main__":
    main()
