"""What some tests need from outside the repo: the shared photos, a compose binary, Chromium.

A clone without them skips those tests with the reason; CI (`.ci/run`) sets
FITTINGROOM_REQUIRE_TEST_ASSETS=1, so there a missing one fails the test instead, and
nothing is silently left out of the run.
"""

import os
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[2]
#: The real photos beside the repo (people/, groups/, no_person/, garments/): only this
#: team's machines and CI have them; they are never copied into the repo.
SHARED_IMAGES = REPO.parent / "shared" / "images"
REQUIRE_ENV = "FITTINGROOM_REQUIRE_TEST_ASSETS"


def missing_asset(reason: str) -> NoReturn:
    """Skip the test for a missing outside asset, or fail it where every asset must be there."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: it must be there)", pytrace=False)
    pytest.skip(reason)


def shared_images_dir(sub: str = "") -> Path:
    """``SHARED_IMAGES / sub``, or the test is skipped (failed under REQUIRE_ENV) without it."""
    folder = SHARED_IMAGES / sub if sub else SHARED_IMAGES
    if not folder.is_dir():
        missing_asset(
            f"the shared test photos are not here ({folder}); they are not in the repo "
            "(only this team's machines and CI have ../shared/images)"
        )
    return folder
