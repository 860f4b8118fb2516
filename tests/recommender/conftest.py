"""Fixtures of the recommender tests: one sentence model per session, cached photo estimates,
a Recommender over a fresh data directory per test; and, without Django, a Redis and real
worker processes on it."""

from pathlib import Path

import pytest

from recommender.service import Recommender
from recommender.style import SentenceTextEncoder
from tests.recommender.catalogue import BodyPhotos
from tests.support.worker_fixtures import redis_url, worker_processes  # noqa: F401


@pytest.fixture(scope="session")
def text_encoder() -> SentenceTextEncoder:
    """The real bundled sentence model, loaded once for the whole session."""
    encoder = SentenceTextEncoder()
    encoder.encode(["warm up"])
    return encoder


@pytest.fixture(scope="session")
def body_photos() -> BodyPhotos:
    """Body estimates of the shared photos, MediaPipe running once per photo per session."""
    return BodyPhotos()


@pytest.fixture
def recommender(tmp_path: Path, text_encoder: SentenceTextEncoder) -> Recommender:
    """A Recommender over an empty data directory, with the real models."""
    return Recommender(tmp_path / "recommender", encoder=text_encoder)
