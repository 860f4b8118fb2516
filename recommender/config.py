"""The recommender's settings, read from the environment in this one place.

RECOMMENDER_DATA_DIR      where the stores and the saved index live (default: var/recommender)
RECOMMENDER_EXACT_MAX     catalogue size above which the index turns approximate (HNSW)
TRYON_PUBLIC_STORE_URL    garment images (file:///path or s3://bucket/prefix)
TRYON_PRIVATE_STORE_URL   shoppers' encrypted photos
FITTINGROOM_WORKER_KEY    transport key that opens a photo's wrapped data key
RECOMMENDER_WARM_UP       "0" to skip loading the models when a worker process starts
DJANGO_AWS_*              S3 endpoint and keys of the blob stores (transport.blob_store)
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from recommender.index import EXACT_MAX
from transport.blob_store import S3Settings

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class RecommenderSettings:
    data_dir: Path
    exact_max: int
    public_store_url: str
    private_store_url: str
    worker_key: str
    warm_up: bool
    s3: S3Settings = field(default_factory=S3Settings)

    @classmethod
    def from_env(cls) -> "RecommenderSettings":
        """Settings from the process environment (missing store URLs are "")."""
        return cls(
            data_dir=Path(os.environ.get("RECOMMENDER_DATA_DIR") or REPO / "var" / "recommender"),
            exact_max=int(os.environ.get("RECOMMENDER_EXACT_MAX") or EXACT_MAX),
            public_store_url=os.environ.get("TRYON_PUBLIC_STORE_URL", ""),
            private_store_url=os.environ.get("TRYON_PRIVATE_STORE_URL", ""),
            worker_key=os.environ.get("FITTINGROOM_WORKER_KEY", ""),
            warm_up=os.environ.get("RECOMMENDER_WARM_UP", "1") != "0",
            s3=S3Settings.from_env(os.environ),
        )
