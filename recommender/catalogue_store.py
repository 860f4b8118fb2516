"""The recommender's copy of the catalogue: garment documents, vectors and popularity.

One SQLite file (``catalogue.sqlite3`` in the data directory) shared by every process. It is
the source of truth the FAISS index is built from, and it keeps a change log: each upsert
or removal appends the garment's id with a sequence number, so any process can bring its
in-memory index up to date by replaying the changes after its ``applied_seq``, garment by
garment, without a rebuild. Only garment ids and catalogue facts are stored here.

Popularity is a decayed, weighted count of interactions per garment, stored in log2 space
relative to a fixed epoch: ordering by the stored value orders by the current decayed value,
and the value never overflows.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from contracts.recommender import GarmentDocument
from recommender.sqlite_db import SqliteDatabase
from recommender.style import INTERACTION_WEIGHTS, STYLE_DIM

POPULARITY_HALF_LIFE_DAYS = 14.0
_POPULARITY_EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z
#: Keep this many changes in the log; a process further behind rebuilds its index instead.
CHANGE_LOG_KEEP = 200_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS garments (
    garment_id INTEGER PRIMARY KEY,
    document TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    in_stock INTEGER NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS garments_in_stock ON garments (in_stock, updated_at);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    garment_id INTEGER NOT NULL,
    vector_changed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS popularity (
    garment_id INTEGER PRIMARY KEY,
    log_score REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS popularity_order ON popularity (log_score);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# Lists of ids go in as "?" placeholders only: {marks} is "?,?,...", never a value.
_GARMENTS_SQL = (
    "SELECT g.garment_id, g.document, g.vector, p.log_score FROM garments g "
    "LEFT JOIN popularity p USING (garment_id) WHERE g.garment_id IN ({marks})"
)
_IN_STOCK_SQL = (
    "SELECT garment_id, vector FROM garments WHERE in_stock = 1 AND garment_id IN ({marks})"
)


@dataclass(frozen=True)
class StoredGarment:
    """A garment as stored: its document, unit style vector and popularity now."""

    document: GarmentDocument
    vector: np.ndarray
    popularity: float

    @property
    def garment_id(self) -> int:
        return self.document.garment_id


@dataclass(frozen=True)
class IndexChange:
    """What an index must do for one garment: put its vector in, or take it out."""

    garment_id: int
    vector: np.ndarray | None  # None: remove (deleted, inactive or out of stock)
    vector_changed: bool


def content_hash(document: GarmentDocument) -> str:
    """A digest of everything the garment's vector depends on (not stock or price)."""
    basis = {
        "category": document.category,
        "name": document.name,
        "description": document.description,
        "colour": document.colour,
        "material": document.material,
        "style_tags": list(document.style_tags),
        "image_key": document.image_key,
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


def _vector_blob(vector: np.ndarray) -> bytes:
    vector = np.asarray(vector, dtype=np.float32).ravel()
    if vector.shape != (STYLE_DIM,):
        raise ValueError(f"a garment vector has {STYLE_DIM} dims, not {vector.shape}")
    return vector.tobytes()


def _vector(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32).copy()


class CatalogueStore:
    """Garment documents, vectors, popularity and the change log in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.db = SqliteDatabase(path, _SCHEMA)

    # --- garments -------------------------------------------------------------------------

    def vector_if_unchanged(self, document: GarmentDocument) -> np.ndarray | None:
        """The stored vector when nothing it depends on changed (a stock or price update)."""
        with self.db.read() as connection:
            row = connection.execute(
                "SELECT content_hash, vector FROM garments WHERE garment_id = ?",
                (document.garment_id,),
            ).fetchone()
        if row is None or row["content_hash"] != content_hash(document):
            return None
        return _vector(row["vector"])

    def upsert(self, document: GarmentDocument, vector: np.ndarray) -> int:
        """Store a garment and log the change; returns the change's sequence number."""
        digest = content_hash(document)
        blob = _vector_blob(vector)
        with self.db.write() as connection:
            old = connection.execute(
                "SELECT vector FROM garments WHERE garment_id = ?", (document.garment_id,)
            ).fetchone()
            connection.execute(
                "INSERT INTO garments (garment_id, document, content_hash, vector, in_stock, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (garment_id) DO UPDATE SET "
                "document = excluded.document, content_hash = excluded.content_hash, "
                "vector = excluded.vector, in_stock = excluded.in_stock, "
                "updated_at = excluded.updated_at",
                (
                    document.garment_id,
                    json.dumps(document.to_dict()),
                    digest,
                    blob,
                    int(document.in_stock),
                    time.time(),
                ),
            )
            return self._log(connection, document.garment_id, old is None or old[0] != blob)

    def remove(self, garment_id: int) -> int | None:
        """Forget a garment; returns the change's sequence number (None if unknown)."""
        with self.db.write() as connection:
            gone = connection.execute(
                "DELETE FROM garments WHERE garment_id = ?", (garment_id,)
            ).rowcount
            connection.execute("DELETE FROM popularity WHERE garment_id = ?", (garment_id,))
            return self._log(connection, garment_id, True) if gone else None

    def _log(self, connection, garment_id: int, vector_changed: bool) -> int:
        cursor = connection.execute(
            "INSERT INTO changes (garment_id, vector_changed) VALUES (?, ?)",
            (garment_id, int(vector_changed)),
        )
        seq = int(cursor.lastrowid)
        if seq % 1000 == 0:
            floor = seq - CHANGE_LOG_KEEP
            if floor > 0:
                connection.execute("DELETE FROM changes WHERE seq <= ?", (floor,))
                connection.execute(
                    "INSERT INTO meta (key, value) VALUES ('pruned_through', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(floor),),
                )
        return seq

    def garments(
        self, garment_ids: Iterable[int], now: float | None = None
    ) -> dict[int, StoredGarment]:
        """The stored garments among ``garment_ids`` (unknown ids are left out)."""
        ids = list(dict.fromkeys(int(i) for i in garment_ids))
        now = time.time() if now is None else now
        found: dict[int, StoredGarment] = {}
        with self.db.read() as connection:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                sql = _GARMENTS_SQL.format(marks=marks)
                rows = connection.execute(sql, chunk).fetchall()
                for row in rows:
                    found[row["garment_id"]] = StoredGarment(
                        document=GarmentDocument.from_dict(json.loads(row["document"])),
                        vector=_vector(row["vector"]),
                        popularity=_popularity_now(row["log_score"], now),
                    )
        return found

    def count(self, *, in_stock_only: bool = False) -> int:
        """How many garments are stored (in stock only, if asked)."""
        where = " WHERE in_stock = 1" if in_stock_only else ""
        with self.db.read() as connection:
            return int(connection.execute(f"SELECT count(*) FROM garments{where}").fetchone()[0])  # noqa: S608 - fixed text

    def popular_in_stock(self, limit: int) -> list[int]:
        """In-stock garment ids, most popular first, then the newest never interacted with."""
        with self.db.read() as connection:
            rows = connection.execute(
                "SELECT g.garment_id FROM garments g LEFT JOIN popularity p USING (garment_id) "
                "WHERE g.in_stock = 1 ORDER BY p.log_score IS NULL, p.log_score DESC, "
                "g.updated_at DESC, g.garment_id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [row[0] for row in rows]

    def popularity_max(self, now: float | None = None) -> float:
        """The largest popularity now (0 without any interaction)."""
        with self.db.read() as connection:
            row = connection.execute("SELECT max(log_score) FROM popularity").fetchone()
        return _popularity_now(row[0], time.time() if now is None else now)

    # --- popularity -----------------------------------------------------------------------

    def popularity_add(self, garment_id: int, kind: str, at: float) -> None:
        """Count one interaction of ``kind`` at epoch seconds ``at`` towards popularity.

        A kind of negative weight (a return) counts nothing: a returned garment is no more
        popular for it (and a log-sum cannot subtract).
        """
        if INTERACTION_WEIGHTS[kind] <= 0:
            return
        term = math.log2(INTERACTION_WEIGHTS[kind]) + (at - _POPULARITY_EPOCH) / _half_life_s()
        with self.db.write() as connection:
            row = connection.execute(
                "SELECT log_score FROM popularity WHERE garment_id = ?", (garment_id,)
            ).fetchone()
            score = term if row is None else float(np.logaddexp2(row[0], term))
            connection.execute(
                "INSERT INTO popularity (garment_id, log_score) VALUES (?, ?) "
                "ON CONFLICT (garment_id) DO UPDATE SET log_score = excluded.log_score",
                (garment_id, score),
            )

    # --- the index's view -----------------------------------------------------------------

    def all_ids(self) -> list[int]:
        """Every stored garment's id, in stock or not."""
        with self.db.read() as connection:
            return [r[0] for r in connection.execute("SELECT garment_id FROM garments")]

    def sample_in_stock_vectors(self, limit: int) -> np.ndarray:
        """Vectors of up to ``limit`` in-stock garments picked at random (for statistics)."""
        with self.db.read() as connection:
            rows = connection.execute(
                "SELECT vector FROM garments WHERE in_stock = 1 ORDER BY random() LIMIT ?",
                (limit,),
            ).fetchall()
        if not rows:
            return np.zeros((0, STYLE_DIM), dtype=np.float32)
        return np.frombuffer(b"".join(r[0] for r in rows), dtype=np.float32).reshape(-1, STYLE_DIM)

    def index_generation(self) -> str:
        """Changes when a rebuild replaced the saved index ("" before the first rebuild)."""
        with self.db.read() as connection:
            row = connection.execute(
                "SELECT value FROM meta WHERE key = 'index_generation'"
            ).fetchone()
        return row[0] if row else ""

    def index_generation_bump(self) -> str:
        """Mark a new saved index: every process reloads it on its next sync."""
        generation = f"{time.time():.6f}"
        with self.db.write() as connection:
            connection.execute(
                "INSERT INTO meta (key, value) VALUES ('index_generation', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (generation,),
            )
        return generation

    def last_seq(self) -> int:
        """The sequence number of the latest change (0 before any)."""
        with self.db.read() as connection:
            row = connection.execute("SELECT max(seq) FROM changes").fetchone()
        return int(row[0] or 0)

    def changes_since(self, seq: int, limit: int = 50_000) -> tuple[list[IndexChange], int] | None:
        """Index changes after ``seq`` (one per garment, latest state) and the last seq seen.

        None when the log no longer reaches back to ``seq``: rebuild from ``all_in_stock``.
        """
        with self.db.read() as connection:
            pruned = connection.execute(
                "SELECT value FROM meta WHERE key = 'pruned_through'"
            ).fetchone()
            if pruned is not None and seq < int(pruned[0]):
                return None
            rows = connection.execute(
                "SELECT seq, garment_id, vector_changed FROM changes WHERE seq > ? "
                "ORDER BY seq LIMIT ?",
                (seq, limit),
            ).fetchall()
            if not rows:
                return [], seq
            changed: dict[int, bool] = {}
            for row in rows:
                changed[row["garment_id"]] = changed.get(row["garment_id"], False) or bool(
                    row["vector_changed"]
                )
            ids = list(changed)
            current: dict[int, np.ndarray] = {}
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for row in connection.execute(_IN_STOCK_SQL.format(marks=marks), chunk):
                    current[row["garment_id"]] = _vector(row["vector"])
        result = [IndexChange(i, current.get(i), changed[i]) for i in ids]
        return result, int(rows[-1]["seq"])

    def all_in_stock(self) -> tuple[np.ndarray, np.ndarray, int]:
        """Every suggestible garment's id and vector, and the change seq they reflect."""
        with self.db.read() as connection:
            seq = connection.execute("SELECT max(seq) FROM changes").fetchone()[0] or 0
            rows = connection.execute(
                "SELECT garment_id, vector FROM garments WHERE in_stock = 1 ORDER BY garment_id"
            ).fetchall()
        ids = np.array([row[0] for row in rows], dtype=np.int64)
        vectors = (
            np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float32).reshape(-1, STYLE_DIM)
            if rows
            else np.zeros((0, STYLE_DIM), dtype=np.float32)
        )
        return ids, vectors, int(seq)


def _half_life_s() -> float:
    return POPULARITY_HALF_LIFE_DAYS * 86400.0


def _popularity_now(log_score: float | None, now: float) -> float:
    if log_score is None:
        return 0.0
    return float(2.0 ** (log_score - (now - _POPULARITY_EPOCH) / _half_life_s()))
