"""Private files are the owner's alone: the SQLite database with its WAL files, and every
file and folder the platform writes to local media storage (issue 12, item 8)."""

import os
import stat
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.utils import ConnectionHandler
from django.test import Client
from django.urls import reverse

from shoppers.services import shopper_sign_up


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_is_readable_by_its_owner_only(
    tmp_path: Path, django_db_blocker
) -> None:
    previous = os.umask(0o022)  # the usual umask, under which SQLite makes it 0o644
    try:
        database = tmp_path / "db.sqlite3"
        # Opened through Django's own backend with the platform's options (WAL), as the
        # settings open var/db.sqlite3.
        handler = ConnectionHandler(
            {
                "default": {
                    "ENGINE": "django.db.backends.sqlite3",
                    "NAME": str(database),
                    "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
                }
            }
        )
        connection = handler["default"]
        try:
            with django_db_blocker.unblock(), connection.cursor() as cursor:
                cursor.execute("CREATE TABLE t (x)")
                cursor.execute("INSERT INTO t VALUES (1)")
            files = [database, *database.parent.glob("db.sqlite3-*")]
            assert database.is_file() and len(files) >= 2  # the WAL is there too
            assert {path.name: _mode(path) for path in files} == {
                path.name: 0o600 for path in files
            }
        finally:
            connection.close()
    finally:
        os.umask(previous)


def test_uploaded_photos_and_media_are_owner_only(db, tmp_path: Path, astronaut_jpeg) -> None:
    previous = os.umask(0o022)
    try:
        shopper = shopper_sign_up(username="modes", password="a long enough passphrase")
        client = Client()
        client.force_login(shopper.user)
        upload = SimpleUploadedFile("me.jpg", astronaut_jpeg, content_type="image/jpeg")
        assert client.post(reverse("shoppers:photo_upload"), {"photo": upload}).status_code == 302
    finally:
        os.umask(previous)
    private = tmp_path / "private"
    written = [path for path in private.rglob("*")]
    assert any(path.is_file() for path in written)
    for path in written:
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path
