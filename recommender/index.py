"""The nearest-garment index: FAISS, exact for small catalogues, HNSW above a threshold.

Vectors are unit style vectors, so inner product is cosine similarity. The index holds
garment ids and vectors only, never anything about shoppers.

* ``exact``: ``IndexIDMap2(IndexFlatIP)``, labelled by garment id. Exact and fast enough up to
  tens of thousands of garments (one query scans them all); removal is real.
* ``hnsw``: ``IndexHNSWFlat``, chosen automatically once the catalogue grows past
  ``exact_max``. HNSW cannot delete, so each entry gets its own label, a garment's current
  label is tracked, and removed or replaced entries become tombstones that searches skip
  (an ``IDSelector`` inside the search, so ``k`` results still come back). When tombstones
  pass ``COMPACT_SHARE`` of the entries the graph is rebuilt from the live vectors; if the
  catalogue has shrunk to half the threshold it goes back to exact.

Everything is incremental: ``upsert`` and ``remove`` change single garments. ``to_bytes`` /
``from_bytes`` serialise the whole state (for a file, ``save``/``load`` write atomically, or
an object store), with ``applied_seq`` recording which catalogue change it has seen.
"""

from __future__ import annotations

import io
import json
import logging
import os
import threading
import zipfile
from array import array
from pathlib import Path
from typing import Literal

import faiss
import numpy as np

logger = logging.getLogger(__name__)

#: Above this many garments the index switches to HNSW (a clothing shop rarely has more).
EXACT_MAX = 20_000
#: Rebuild an HNSW graph once this share of its entries are tombstones.
COMPACT_SHARE = 0.2
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 128
FORMAT_VERSION = 1

Kind = Literal["exact", "hnsw"]


class GarmentIndex:
    """Garment ids and unit vectors, searchable by inner product; see the module docstring."""

    def __init__(
        self,
        dim: int,
        *,
        exact_max: int = EXACT_MAX,
        hnsw_m: int = HNSW_M,
        ef_construction: int = HNSW_EF_CONSTRUCTION,
        ef_search: int = HNSW_EF_SEARCH,
    ) -> None:
        self.dim = dim
        self.exact_max = exact_max
        self.hnsw_m = hnsw_m
        self.ef_construction = ef_construction
        self.ef_search = ef_search
        #: The last catalogue change (CatalogueStore sequence number) this index reflects.
        self.applied_seq = 0
        self._lock = threading.RLock()
        self._reset("exact")

    # --- state ----------------------------------------------------------------------------

    def _reset(self, kind: Kind) -> None:
        self.kind: Kind = kind
        self._selector: faiss.IDSelector | None = None
        self._selector_parts: tuple = ()
        self._dead: set[int] = set()  # hnsw labels no longer live
        self._label_of: dict[int, int] = {}  # garment id -> label (hnsw) or itself (exact)
        self._garment_of = array("q")  # hnsw label -> garment id
        if kind == "exact":
            self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
        else:
            hnsw = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efConstruction = self.ef_construction
            hnsw.hnsw.efSearch = self.ef_search
            self._index = hnsw

    def __len__(self) -> int:
        return len(self._label_of)

    def __contains__(self, garment_id: object) -> bool:
        return garment_id in self._label_of

    @property
    def tombstones(self) -> int:
        """HNSW entries that searches skip (0 for the exact index)."""
        return len(self._dead)

    def ids(self) -> np.ndarray:
        """The live garment ids (int64)."""
        return np.fromiter(self._label_of.keys(), dtype=np.int64, count=len(self._label_of))

    # --- building -------------------------------------------------------------------------

    @classmethod
    def build(
        cls, ids: np.ndarray, vectors: np.ndarray, *, dim: int, exact_max: int = EXACT_MAX, **opts
    ) -> GarmentIndex:
        """A fresh index over ``ids`` / ``vectors``, exact or HNSW by their number."""
        index = cls(dim, exact_max=exact_max, **opts)
        ids, vectors = _checked(ids, vectors, dim)
        if len(np.unique(ids)) != len(ids):
            raise ValueError("duplicate garment ids")
        index._reset("hnsw" if len(ids) > exact_max else "exact")
        index._add(ids, vectors)
        logger.info("built a %s index of %d garments", index.kind, len(index))
        return index

    def _add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if not len(ids):
            return
        if self.kind == "exact":
            self._index.add_with_ids(vectors, ids)
            for garment_id in ids.tolist():
                self._label_of[garment_id] = garment_id
        else:
            first = self._index.ntotal
            self._index.add(vectors)
            self._garment_of.extend(ids.tolist())
            for offset, garment_id in enumerate(ids.tolist()):
                self._label_of[garment_id] = first + offset

    # --- incremental changes --------------------------------------------------------------

    def upsert(self, ids: np.ndarray | list[int], vectors: np.ndarray) -> None:
        """Add garments, or replace the vectors of ones already in the index."""
        ids, vectors = _checked(np.asarray(ids, dtype=np.int64), vectors, self.dim)
        if not len(ids):
            return
        # The last vector wins when a batch names a garment twice.
        _, last = np.unique(ids[::-1], return_index=True)
        keep = np.sort(len(ids) - 1 - last)
        ids, vectors = ids[keep], vectors[keep]
        with self._lock:
            self._drop([i for i in ids.tolist() if i in self._label_of])
            self._add(ids, vectors)
            self._changed()
            if self.kind == "exact" and len(self) > self.exact_max:
                logger.info("catalogue passed %d garments: switching to HNSW", self.exact_max)
                self._rebuild("hnsw")

    def remove(self, ids: list[int] | np.ndarray) -> int:
        """Remove garments (unknown ids are ignored); returns how many were removed."""
        with self._lock:
            present = [int(i) for i in ids if int(i) in self._label_of]
            self._drop(present)
            self._changed()
            total = self._index.ntotal
            if self.kind == "hnsw" and total and len(self._dead) > COMPACT_SHARE * total:
                self.compact()
            return len(present)

    def _drop(self, ids: list[int]) -> None:
        if not ids:
            return
        if self.kind == "exact":
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))
        else:
            self._dead.update(self._label_of[i] for i in ids)
        for garment_id in ids:
            del self._label_of[garment_id]

    def compact(self) -> None:
        """Rebuild without tombstones (HNSW); back to exact if the catalogue has shrunk."""
        with self._lock:
            kind: Kind = "exact" if len(self) <= self.exact_max // 2 else self.kind
            if self.kind == "hnsw" or kind != self.kind:
                self._rebuild(kind)

    def _rebuild(self, kind: Kind) -> None:
        ids, vectors = self.live_vectors()
        dead = len(self._dead)
        self._reset(kind)
        self._add(ids, vectors)
        self._changed()
        logger.info("rebuilt as %s: %d garments, %d tombstones dropped", kind, len(ids), dead)

    def live_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """The live garment ids and their vectors, as stored in the index."""
        with self._lock:
            total = self._index.ntotal
            if not total:
                return np.zeros(0, np.int64), np.zeros((0, self.dim), np.float32)
            if self.kind == "exact":
                ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
                vectors = self._index.index.reconstruct_n(0, total)
                return ids, vectors
            labels = np.fromiter(self._label_of.values(), dtype=np.int64, count=len(self))
            labels.sort()
            vectors = self._index.reconstruct_n(0, total)[labels]
            garments = np.frombuffer(self._garment_of, dtype=np.int64)[labels].copy()
            return garments, vectors

    def _changed(self) -> None:
        self._selector = None  # the tombstone set changed: build the skip list again
        self._selector_parts = ()

    # --- search ---------------------------------------------------------------------------

    def search_batch(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest live garments of each query: (ids, scores), id -1 past the end."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if queries.shape[1] != self.dim:
            raise ValueError(f"queries have {queries.shape[1]} dims, the index {self.dim}")
        with self._lock:
            k = min(k, len(self))
            if k <= 0:
                empty = np.zeros((len(queries), 0))
                return empty.astype(np.int64), empty.astype(np.float32)
            if self.kind == "exact":
                scores, ids = self._index.search(queries, k)
                return ids, scores
            params = faiss.SearchParametersHNSW()
            params.efSearch = max(self.ef_search, k)
            if self._dead:
                params.sel = self._tombstone_selector()
            scores, labels = self._index.search(queries, k, params=params)
            lookup = np.frombuffer(self._garment_of, dtype=np.int64)
            ids = np.where(labels >= 0, lookup[np.maximum(labels, 0)], -1)
            return ids, scores

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest live garments of one query as (garment id, cosine) pairs."""
        ids, scores = self.search_batch(query, k)
        if not ids.size:
            return []
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def _tombstone_selector(self) -> faiss.IDSelector:
        if self._selector is None:
            dead = np.fromiter(self._dead, dtype=np.int64, count=len(self._dead))
            batch = faiss.IDSelectorBatch(dead)
            # The selectors keep raw pointers: hold their parts for as long as they are used.
            self._selector_parts = (dead, batch)
            self._selector = faiss.IDSelectorNot(batch)
        return self._selector

    # --- size -----------------------------------------------------------------------------

    def memory_bytes(self) -> int:
        """Bytes held by the FAISS structures and the id tables (estimate from their sizes)."""
        with self._lock:
            total = self._index.ntotal
            size = total * self.dim * 4  # the vectors themselves
            if self.kind == "exact":
                size += total * 8 * 3  # id map, and the reverse map's hash entries
            else:
                graph = self._index.hnsw
                size += graph.neighbors.size() * 4 + graph.offsets.size() * 8
                size += graph.levels.size() * 4 + graph.assign_probas.size() * 8
                size += len(self._garment_of) * 8
            # The garment -> label dict: ~100 bytes an entry in CPython.
            size += len(self._label_of) * 100
            return int(size)

    # --- persistence ----------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """Serialise the whole state (FAISS index, labels, tombstones, applied_seq)."""
        buffer = io.BytesIO()
        self._write(buffer)
        return buffer.getvalue()

    def _write(self, handle: io.IOBase) -> None:
        with self._lock:
            meta = {
                "format": FORMAT_VERSION,
                "kind": self.kind,
                "dim": self.dim,
                "exact_max": self.exact_max,
                "hnsw_m": self.hnsw_m,
                "ef_construction": self.ef_construction,
                "ef_search": self.ef_search,
                "applied_seq": self.applied_seq,
            }
            np.savez(
                handle,
                meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
                faiss=faiss.serialize_index(self._index),
                garment_of=np.frombuffer(self._garment_of, dtype=np.int64),
                dead=np.fromiter(self._dead, dtype=np.int64, count=len(self._dead)),
            )

    @classmethod
    def from_bytes(cls, data: bytes) -> GarmentIndex:
        """Read what ``to_bytes`` wrote; ValueError for anything else."""
        return cls._read(io.BytesIO(data))

    @classmethod
    def _read(cls, handle: io.IOBase | Path) -> GarmentIndex:
        try:
            with np.load(handle, allow_pickle=False) as parts:
                meta = json.loads(parts["meta"].tobytes())
                if meta.get("format") != FORMAT_VERSION:
                    raise ValueError(f"unsupported index format {meta.get('format')!r}")
                index = cls(
                    meta["dim"],
                    exact_max=meta["exact_max"],
                    hnsw_m=meta["hnsw_m"],
                    ef_construction=meta["ef_construction"],
                    ef_search=meta["ef_search"],
                )
                index.kind = meta["kind"]
                index.applied_seq = int(meta["applied_seq"])
                index._index = faiss.deserialize_index(parts["faiss"])
                garment_of = parts["garment_of"].astype(np.int64)
                dead = set(parts["dead"].astype(np.int64).tolist())
        except (OSError, KeyError, ValueError, RuntimeError, zipfile.BadZipFile) as exc:
            raise ValueError(f"not a garment index: {exc}") from exc
        if index.kind == "exact":
            for garment_id in faiss.vector_to_array(index._index.id_map).tolist():
                index._label_of[garment_id] = garment_id
        else:
            index._index.hnsw.efSearch = index.ef_search
            index._garment_of = array("q", garment_of.tobytes())
            index._dead = dead
            for label, garment_id in enumerate(garment_of.tolist()):
                if label not in dead:
                    index._label_of[garment_id] = label
        return index

    def save(self, path: Path) -> None:
        """Write to ``path`` atomically: readers see the old file or the new one, never half."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        with partial.open("wb") as handle:
            self._write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(path)
        logger.info("saved the %s index (%d garments) to %s", self.kind, len(self), path)

    @classmethod
    def load(cls, path: Path) -> GarmentIndex:
        """Read an index ``save`` wrote (FileNotFoundError, or ValueError if damaged)."""
        with path.open("rb") as handle:
            return cls._read(handle)


def _checked(ids: np.ndarray, vectors: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray]:
    ids = np.ascontiguousarray(ids, dtype=np.int64).ravel()
    vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, dim)
    if len(ids) != len(vectors):
        raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors")
    if not np.isfinite(vectors).all():
        raise ValueError("vectors must be finite")
    return ids, vectors
