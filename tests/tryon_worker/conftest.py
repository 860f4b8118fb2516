"""Fixtures of the worker tests."""

import pytest

from tests.tryon_worker.helpers import Photos


@pytest.fixture(scope="session")
def photos() -> Photos:
    """Decoded and analysed photos, shared by all worker tests of the session."""
    return Photos()
