"""The try-on worker's settings, read from the environment in this one place.

REDIS_URL                  the broker (default: a local Redis)
TRYON_PUBLIC_STORE_URL     garment images (file:///path or s3://bucket/prefix)
TRYON_PRIVATE_STORE_URL    shoppers' encrypted photos, and where results are written
FITTINGROOM_WORKER_KEY     transport key that opens a photo's wrapped data key
TRYON_CHECKPOINT           the try-on GAN's weights (unset: the shipped default)
TRYON_DEVICE               "auto" (CUDA when present), "cuda" or "cpu"
TRYON_TORCH_THREADS        CPU threads torch may use in this process (unset: every core)
TRYON_SHADING              fold-shading estimator, "learned" (default) or "classical"
TRYON_SHADING_CHECKPOINT   the shading GAN's weights (unset: the shipped default)
TRYON_TASK_SOFT_LIMIT_S,   the job time limits and the redelivery sweep
  TRYON_TASK_HARD_LIMIT_S,   (contracts.limits.TryOnLimits)
  TRYON_RESTORE_SWEEP_S
DJANGO_AWS_*               S3 endpoint and keys of the blob stores (transport.blob_store)

Read when used rather than once at import (except the broker and the limits, which the
Celery app needs at import), so a test or a bench that sets a variable is heard.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from contracts.limits import TryOnLimits
from transport.blob_store import S3Settings

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def _path_or_none(value: str | None) -> Path | None:
    value = (value or "").strip()
    return Path(value) if value else None


@dataclass(frozen=True)
class WorkerConfig:
    """Every setting of the try-on worker; the defaults are those of an unset environment."""

    redis_url: str = DEFAULT_REDIS_URL
    #: None when unset: the task refuses to start a job without them.
    public_store_url: str | None = None
    private_store_url: str | None = None
    worker_key: str | None = None
    #: None: the checkpoint shipped in tryon_worker/checkpoints/.
    checkpoint: Path | None = None
    device: str = "auto"
    #: None: torch's default (every core).
    torch_threads: int | None = None
    shading: str = "learned"
    shading_checkpoint: Path | None = None
    limits: TryOnLimits = field(default_factory=TryOnLimits)
    s3: S3Settings = field(default_factory=S3Settings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "WorkerConfig":
        """The settings from ``environ`` (the process environment unless given)."""
        threads = environ.get("TRYON_TORCH_THREADS", "").strip()
        return cls(
            redis_url=environ.get("REDIS_URL", DEFAULT_REDIS_URL),
            public_store_url=environ.get("TRYON_PUBLIC_STORE_URL"),
            private_store_url=environ.get("TRYON_PRIVATE_STORE_URL"),
            worker_key=environ.get("FITTINGROOM_WORKER_KEY"),
            checkpoint=_path_or_none(environ.get("TRYON_CHECKPOINT")),
            device=environ.get("TRYON_DEVICE", "auto"),
            torch_threads=int(threads) if threads else None,
            shading=environ.get("TRYON_SHADING", "").strip() or "learned",
            shading_checkpoint=_path_or_none(environ.get("TRYON_SHADING_CHECKPOINT")),
            limits=TryOnLimits.from_env(environ),
            s3=S3Settings.from_env(environ),
        )

    def required_store_urls(self) -> tuple[str, str]:
        """The public and private store URLs; KeyError naming the variable when one is unset
        (a worker cannot run a job without them)."""
        if self.public_store_url is None:
            raise KeyError("TRYON_PUBLIC_STORE_URL")
        if self.private_store_url is None:
            raise KeyError("TRYON_PRIVATE_STORE_URL")
        return self.public_store_url, self.private_store_url

    def required_worker_key(self) -> str:
        """The worker key as configured (base64); KeyError naming the variable when unset."""
        if self.worker_key is None:
            raise KeyError("FITTINGROOM_WORKER_KEY")
        return self.worker_key
