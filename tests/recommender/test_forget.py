"""`recommender.forget`: an erased shopper's profile and interactions leave the recommender's
store, for good, and nothing of them stays readable in its files."""

from pathlib import Path
from types import ModuleType

import pytest
from celery import current_app

from contracts.recommender import Forget, Interaction, ProfileUpdate

ERASED = "psn_erased0123456789abcdef"
KEPT = "psn_kept0123456789abcdef"


@pytest.fixture
def tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The worker's task module over a fresh data directory, as a worker process reads it."""
    storefront_app = current_app._get_current_object()
    from recommender import tasks

    # Importing the worker's Celery app makes it current; later tests need the storefront's.
    storefront_app.set_current()
    monkeypatch.setenv("RECOMMENDER_DATA_DIR", str(tmp_path / "recommender"))
    monkeypatch.setattr(tasks, "_service", None)
    return tasks


def _profiles_files(tmp_path: Path) -> bytes:
    folder = tmp_path / "recommender"
    return b"".join(p.read_bytes() for p in folder.glob("profiles.sqlite3*") if p.is_file())


def test_forget_task_erases_the_profile_and_keeps_it_erased(
    tasks: ModuleType, tmp_path: Path
) -> None:
    service = tasks.recommender()
    for subject in (ERASED, KEPT):
        service.profile_update(
            ProfileUpdate(subject=subject, measurements={"chest_cm": 93.0}, preferred_size="M")
        )
        service.interaction(Interaction(subject, 7, "like", "2026-11-20T12:00:00+00:00"))
    assert service.profiles.known(ERASED)
    assert service.profiles.get(ERASED).preferred_size == "M"

    tasks.forget(**Forget(subject=ERASED).to_dict())

    assert not service.profiles.known(ERASED)
    assert service.profiles.get(ERASED).declared == {}  # an empty profile, as for a stranger
    assert service.profiles.recent_interactions(ERASED) == []
    assert ERASED.encode() not in _profiles_files(tmp_path)  # not even in free pages or the log
    # A message sent before the erasure but handled after it brings nothing back.
    service.profile_update(ProfileUpdate(subject=ERASED, preferred_size="L"))
    assert service.interaction(Interaction(ERASED, 8, "view", "2026-11-21T12:00:00+00:00")) is False
    assert not service.profiles.known(ERASED)
    # Others are untouched; forgetting again is harmless.
    assert service.profiles.get(KEPT).preferred_size == "M"
    assert [i.garment_id for i in service.profiles.recent_interactions(KEPT)] == [7]
    tasks.forget(**Forget(subject=ERASED).to_dict())
    assert service.profiles.known(KEPT) and not service.profiles.known(ERASED)


def test_forget_refuses_what_is_not_a_pseudonym(tasks: ModuleType, caplog) -> None:
    tasks.forget(subject="ada@example.org", schema_version=1)
    tasks.forget(subject=ERASED, schema_version=99)
    assert caplog.text.count("recommender.forget: message refused") == 2


def test_forget_message_v1_round_trips() -> None:
    message = {"subject": ERASED, "schema_version": 1}
    assert Forget.from_dict(message).to_dict() == message
