"""Typed options of the try-on GAN: the model's shape and the training run.

Both are dataclasses turned into command-line flags (``--batch-size 8``) and saved as JSON
beside every checkpoint, so a checkpoint always says how it was built and trained.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

T = TypeVar("T")


@dataclass
class ModelOptions:
    """The networks' shape: needed to rebuild the model from a checkpoint."""

    net_height: int = 256
    net_width: int = 192
    gen_width: int = 24  # channels of the generator's first level (doubling, capped at x8)
    gen_depth: int = 5
    warp_width: int = 12
    warp_depth: int = 4
    max_flow: float = 0.25  # largest learned correction, in half image sizes
    pose_sigma: float = 0.02  # keypoint bumps, as a share of the input height
    disc_width: int = 32
    disc_layers: int = 3
    disc_scales: int = 2


@dataclass
class TrainOptions:
    """One training run (``python -m tryon_worker.gan.train --help``)."""

    data: list[str] = field(default_factory=list)  # data directories, any supported layout
    out: str = "var/tryon-train"
    mode: str = "paired"  # "paired" (pix2pix) or "cycle" (unpaired, cycle consistency)
    steps: int = 20000
    batch_size: int = 8
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    lambda_l1: float = 10.0
    lambda_fm: float = 10.0
    lambda_adv: float = 1.0
    lambda_warp: float = 5.0
    lambda_flow_tv: float = 2.0
    lambda_composition: float = 10.0
    lambda_cycle: float = 10.0
    # Share of paired examples whose product shot is replaced by their own garment cut from
    # the person, as self-supervised pairs from plain photos make it (sleeves as worn, holes
    # where arms cross): the renderer learns that kind of garment input too.
    worn_garment_share: float = 0.0
    adversarial_after: int = 500  # steps of reconstruction only before the GAN terms start
    ema_decay: float = 0.999
    log_every: int = 50
    sample_every: int = 500
    checkpoint_every: int = 1000
    seed: int = 0
    device: str = "auto"  # "auto" (CUDA when present), "cuda" or "cpu"
    amp: bool = True  # mixed precision on CUDA (ignored on CPU)
    workers: int = 2  # data loader processes
    threads: int = 0  # CPU threads for torch (0: torch's default)
    resume: bool = True  # continue from OUT/latest.pt when it exists
    init_from: str = ""  # fine-tune: start from this renderer.pt (its model options win)


MODES = ("paired", "cycle")


def options_parse(argv: list[str] | None = None) -> tuple[TrainOptions, ModelOptions]:
    """Both option groups from command-line flags (defaults from the dataclasses)."""
    parser = argparse.ArgumentParser(
        prog="python -m tryon_worker.gan.train",
        description="Train the try-on GAN on one or more data directories.",
    )
    _add_flags(parser, TrainOptions, "training")
    _add_flags(parser, ModelOptions, "model")
    args = vars(parser.parse_args(argv))
    train = _build(TrainOptions, args)
    if train.mode not in MODES:
        parser.error(f"--mode must be one of {', '.join(MODES)}")
    if not train.data:
        parser.error("--data DIR is required (one or more directories)")
    return train, _build(ModelOptions, args)


def flags_parse(cls: type[T], argv: list[str] | None, prog: str, description: str) -> T:
    """One options dataclass from command-line flags (``--batch-size 8``; defaults from it)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    _add_flags(parser, cls, "options")
    return _build(cls, vars(parser.parse_args(argv)))


def options_save(path: Path, train: TrainOptions | None, model: ModelOptions) -> None:
    """Write the options as JSON (``{"model": {...}, "train": {...}}``)."""
    payload: dict[str, Any] = {"model": dataclasses.asdict(model)}
    if train is not None:
        payload["train"] = dataclasses.asdict(train)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")


def model_options_from_dict(values: dict[str, Any]) -> ModelOptions:
    """ModelOptions from saved values; unknown keys are an error (a newer checkpoint)."""
    names = {f.name for f in dataclasses.fields(ModelOptions)}
    unknown = set(values) - names
    if unknown:
        raise ValueError(f"checkpoint has unknown model options: {', '.join(sorted(unknown))}")
    return ModelOptions(**values)


def _add_flags(parser: argparse.ArgumentParser, cls: type, title: str) -> None:
    group = parser.add_argument_group(title)
    hints = get_type_hints(cls)
    for spec in dataclasses.fields(cls):
        flag = "--" + spec.name.replace("_", "-")
        kind = hints[spec.name]
        default = spec.default if spec.default is not dataclasses.MISSING else None
        if kind is bool:
            group.add_argument(flag, action=argparse.BooleanOptionalAction, default=default)
        elif kind == list[str]:
            group.add_argument(flag, nargs="+", default=[])
        else:
            group.add_argument(flag, type=kind, default=default, help=f"default: {default}")


def _build(cls: type[T], args: dict[str, Any]) -> T:
    return cls(**{spec.name: args[spec.name] for spec in dataclasses.fields(cls)})  # type: ignore[arg-type]
