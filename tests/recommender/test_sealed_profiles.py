"""The recommender keeps a shopper's declared measurements, size, photo estimate and the
reason naming them sealed in its profile file (issue 12: "the recommender stores declared
measurements in plain text"); taste and pseudonyms stay queryable."""

import base64
import os
import sqlite3
from pathlib import Path

import pytest

from recommender.profile_store import ProfileStore, ShopperProfile, profile_key_derive

SUBJECT = "psn_sealed0123456789abcdef"


def _profile() -> ShopperProfile:
    return ShopperProfile(
        subject=SUBJECT,
        declared={"chest_cm": 93.7, "waist_cm": 71.3, "hips_cm": 99.1},
        preferred_size="XL",
        estimate=None,
        body_shape="hourglass",
        body_reason="From your measurements: waist 71.3 cm against hips 99.1 cm.",
    )


def _file_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.glob("profiles.sqlite3*") if p.is_file())


def test_measurements_are_sealed_in_the_file_and_read_back(tmp_path: Path) -> None:
    key = profile_key_derive(os.urandom(32))
    store = ProfileStore(tmp_path / "profiles.sqlite3", key=key)
    store.save(_profile())
    again = ProfileStore(tmp_path / "profiles.sqlite3", key=key).get(SUBJECT)
    assert again.declared == _profile().declared and again.preferred_size == "XL"
    assert again.body_reason == _profile().body_reason and again.body_shape == "hourglass"
    raw = _file_bytes(tmp_path)
    for secret in (b"93.7", b"71.3", b"99.1", b"chest_cm", b'"XL"'):
        assert secret not in raw
    assert SUBJECT.encode() in raw  # the pseudonym is what rows are found by


def test_another_key_does_not_open_them(tmp_path: Path) -> None:
    ProfileStore(tmp_path / "profiles.sqlite3", key=profile_key_derive(b"a" * 32)).save(_profile())
    # After the worker key is replaced the body fields are unread (sent again with the
    # shopper's next update), the profile itself still serves.
    other = ProfileStore(tmp_path / "profiles.sqlite3", key=profile_key_derive(b"b" * 32))
    assert other.get(SUBJECT).declared == {} and other.get(SUBJECT).body_shape == "hourglass"
    with pytest.raises(ValueError, match="sealed"):
        ProfileStore(tmp_path / "profiles.sqlite3").get(SUBJECT)


def test_rows_written_before_sealing_still_read(tmp_path: Path) -> None:
    ProfileStore(tmp_path / "profiles.sqlite3").save(_profile())
    store = ProfileStore(tmp_path / "profiles.sqlite3", key=profile_key_derive(b"k" * 32))
    assert store.get(SUBJECT).declared == _profile().declared
    store.save(store.get(SUBJECT))  # the next save seals it
    with sqlite3.connect(tmp_path / "profiles.sqlite3") as connection:
        row = connection.execute("SELECT * FROM profiles WHERE subject = ?", (SUBJECT,)).fetchone()
    assert not [column for column in row if isinstance(column, str) and "93.7" in column]


def test_the_workers_store_is_sealed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from celery import current_app

    storefront = current_app._get_current_object()
    from recommender import tasks

    storefront.set_current()
    monkeypatch.setenv("RECOMMENDER_DATA_DIR", str(tmp_path / "recommender"))
    monkeypatch.setenv("FITTINGROOM_WORKER_KEY", base64.b64encode(b"w" * 32).decode())
    monkeypatch.setattr(tasks, "_service", None)
    service = tasks.recommender()
    service.profiles.save(_profile())
    assert service.profiles.key is not None
    assert b"93.7" not in _file_bytes(tmp_path / "recommender")
