"""The SQLite database (and its WAL and shared-memory files) readable by the owner only.

It holds sessions and every shopper's rows; on a shared machine no other user may read it.
SQLite creates the file with the process umask (0o644 under the usual 022) and gives its
-wal/-shm companions the main file's mode, so the main file is tightened as soon as a
connection opens it and the companions are made alike. `bin/up` also runs under umask 077,
so there the file is never readable by others, not even for a moment.
"""

import os
import stat
from pathlib import Path
from typing import Any

OWNER_ONLY = 0o600
COMPANION_SUFFIXES = ("", "-wal", "-shm", "-journal")


def sqlite_files_restrict(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created receiver: chmod a file-backed SQLite database's files to 0o600."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in COMPANION_SUFFIXES:
        path = Path(name + suffix)
        try:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                os.chmod(path, OWNER_ONLY)
        except FileNotFoundError:
            continue
