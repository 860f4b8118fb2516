"""Erasure end to end: the storefront's forget message reaches a real recommender worker process,
which drops the shopper's profile."""

import time
from pathlib import Path

import pytest
from django.conf import settings

from lifecycle.services import shopper_erase
from privacy.models import ErasureRecord
from recommender.profile_store import ProfileStore
from shoppers.services import shopper_profile_update
from tests.support.factories import shopper_create

pytestmark = pytest.mark.slow


def _wait_until(condition, what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} not within {timeout_s}s")


def test_the_recommender_worker_forgets_an_erased_shopper(
    transactional_db, recommender_worker, worker_processes
) -> None:
    # No models to load: profiles without a photo and an empty catalogue need none.
    recommender_worker(env={"RECOMMENDER_WARM_UP": "0"})
    profiles = ProfileStore(Path(settings.RECOMMENDER_DATA_DIR) / "profiles.sqlite3")
    shopper = shopper_create()
    pseudonym = shopper.pseudonym
    shopper_profile_update(shopper=shopper, measurements={"chest_cm": 92, "preferred_size": "M"})
    _wait_until(lambda: profiles.known(pseudonym), "the profile in the recommender")

    shopper_erase(shopper=shopper, channel=ErasureRecord.Channel.COMMAND)
    _wait_until(lambda: not profiles.known(pseudonym), "the recommender forgetting")
    deadline = time.monotonic() + 10
    while "forgot a shopper" not in (log := worker_processes.log("recommender")):
        assert time.monotonic() < deadline, log[-3000:]
        time.sleep(0.1)
    assert "Traceback" not in log and "ERROR" not in log
