"""SQLite connections the recommender's processes share safely (WAL, waits on locks).

Several worker processes (Celery's prefork children, the rebuild command) open the same
files: WAL lets readers run beside one writer, and ``busy_timeout`` makes a writer wait for
another rather than fail. Read-modify-write sequences use ``write()`` (BEGIN IMMEDIATE), so
two processes folding interactions into one profile never lose an update.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 30_000


class SqliteDatabase:
    """One SQLite file: a connection per thread, schema applied on first open."""

    def __init__(self, path: Path, schema: str, *, secure_delete: bool = False) -> None:
        self.path = path
        self._schema = schema
        # Overwrite deleted rows with zeros instead of leaving them in free pages (files that
        # hold people's data: an erased profile must not linger in the file).
        self._secure_delete = secure_delete
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        # Outside a transaction: executescript commits whatever is pending first. Every
        # statement is CREATE ... IF NOT EXISTS, so processes opening at once agree.
        self._connection().executescript(schema)

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            # isolation_level=None: transactions are explicit (BEGIN ... COMMIT) below.
            connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA synchronous=NORMAL")
            if self._secure_delete:
                connection.execute("PRAGMA secure_delete=ON")
            connection.row_factory = sqlite3.Row
            self._local.connection = connection
        return connection

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent read snapshot (one deferred transaction)."""
        connection = self._connection()
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            connection.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds the write lock from its start (BEGIN IMMEDIATE)."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def checkpoint(self) -> bool:
        """Copy the write-ahead log into the file and empty it; False if readers held it.

        After a deletion, so that older copies of the deleted rows leave the log too.
        """
        busy, _log_frames, _copied = (
            self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        )
        return not busy

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
