"""Rebuild the garment index from the stored catalogue: ``python -m recommender.rebuild``.

Workers keep their indexes current from the change log, so this is for recovery (a damaged
or lost index file), after changing RECOMMENDER_EXACT_MAX, or with ``--reembed`` after a
change to the style model (vectors are computed again from the stored documents and the
product images in TRYON_PUBLIC_STORE_URL). Running workers load the new index on their
next message.
"""

import argparse
import logging
import time
from pathlib import Path

from recommender.config import RecommenderSettings
from recommender.service import Recommender
from transport.blob_store import blob_store_from_url

logger = logging.getLogger("recommender.rebuild")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, rebuild, log a one-line summary; returns the exit status."""
    settings = RecommenderSettings.from_env()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=settings.data_dir)
    parser.add_argument("--exact-max", type=int, default=settings.exact_max)
    parser.add_argument("--reembed", action="store_true", help="compute garment vectors again")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    service = Recommender(args.data_dir, exact_max=args.exact_max)
    images = None
    if args.reembed and settings.public_store_url:
        images = blob_store_from_url(settings.public_store_url, s3=settings.s3)
    started = time.perf_counter()
    index = service.rebuild(reembed=args.reembed, images=images)
    logger.info(
        "rebuilt a %s index of %d garments in %.1f s at %s",
        index.kind,
        len(index),
        time.perf_counter() - started,
        service.index_path,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
