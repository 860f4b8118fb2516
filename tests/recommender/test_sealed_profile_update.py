"""`recommender.profile_update` reads measurements the storefront sealed for it (they never sit
readable in the broker), and refuses a sealed update it cannot open instead of storing guesses."""

import base64
import os
from pathlib import Path
from types import ModuleType

import pytest
from celery import current_app

from contracts.recommender import ProfileUpdate
from contracts.sealing import fields_seal

SUBJECT = "psn_sealed0123456789abcdef"
KEY = os.urandom(32)


@pytest.fixture
def tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The worker's task module over a fresh data directory, with a worker key of its own."""
    storefront_app = current_app._get_current_object()
    from recommender import tasks

    # Importing the worker's Celery app makes it current; later tests need the storefront's.
    storefront_app.set_current()
    monkeypatch.setenv("RECOMMENDER_DATA_DIR", str(tmp_path / "recommender"))
    monkeypatch.setenv("FITTINGROOM_WORKER_KEY", base64.b64encode(KEY).decode())
    monkeypatch.setattr(tasks, "_service", None)
    monkeypatch.setattr(tasks, "_emit", lambda suggestions: None)  # no broker in this test
    return tasks


def _update(subject: str = SUBJECT, key: bytes = KEY) -> dict:
    sealed = fields_seal(
        {"measurements": {"chest_cm": 93.5}, "preferred_size": "M"},
        transport_key=key,
        subject=subject,
    )
    return ProfileUpdate(subject=SUBJECT, sealed=sealed).to_dict()


def test_sealed_measurements_reach_the_profile(tasks: ModuleType) -> None:
    tasks.profile_update(**_update())
    profile = tasks.recommender().profiles.get(SUBJECT)
    assert profile.declared == {"chest_cm": 93.5} and profile.preferred_size == "M"


@pytest.mark.parametrize(
    "update",
    [
        pytest.param(lambda: _update(key=os.urandom(32)), id="another key"),
        pytest.param(lambda: _update(subject="psn_someone_else"), id="another shopper"),
    ],
)
def test_a_sealed_update_that_does_not_open_is_refused(
    tasks: ModuleType, update, caplog: pytest.LogCaptureFixture
) -> None:
    tasks.profile_update(**update())
    assert not tasks.recommender().profiles.known(SUBJECT)
    assert "message refused" in caplog.text
