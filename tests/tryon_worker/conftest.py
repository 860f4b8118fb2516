"""Fixtures of the worker tests."""

from pathlib import Path

import pytest

from synthetic.people import write_dress_code, write_viton_hd
from tests.tryon_worker.helpers import Photos


@pytest.fixture(scope="session")
def photos() -> Photos:
    """Decoded and analysed photos, shared by all worker tests of the session."""
    return Photos()


@pytest.fixture(scope="session")
def viton_hd_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny data set in the VITON-HD layout (synthetic people, generated here)."""
    root = tmp_path_factory.mktemp("viton-hd")
    write_viton_hd(root, 6, seed=1)
    return root


@pytest.fixture(scope="session")
def dress_code_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny data set in the DressCode layout: two of each category."""
    root = tmp_path_factory.mktemp("dress-code")
    write_dress_code(root, 2, seed=2)
    return root
