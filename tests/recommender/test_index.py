"""The FAISS garment index: exact or HNSW by size, incremental changes, persistence."""

from pathlib import Path

import numpy as np
import pytest

from recommender.index import GarmentIndex

DIM = 32


def units(count: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def exact_top(ids: np.ndarray, vectors: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    return ids[np.argsort(-(vectors @ query))[:k]].tolist()


def test_exact_below_the_threshold_and_hnsw_above() -> None:
    vectors = units(60)
    ids = np.arange(1000, 1060)
    small = GarmentIndex.build(ids[:20], vectors[:20], dim=DIM, exact_max=40)
    large = GarmentIndex.build(ids, vectors, dim=DIM, exact_max=40)
    assert (small.kind, large.kind) == ("exact", "hnsw")
    for index, count in ((small, 20), (large, 60)):
        found = [i for i, _ in index.search(vectors[5], 5)]
        assert found == exact_top(ids[:count], vectors[:count], vectors[5], 5)


def test_growing_past_the_threshold_switches_to_hnsw_by_itself() -> None:
    index = GarmentIndex(DIM, exact_max=10)
    vectors = units(15)
    index.upsert(np.arange(10), vectors[:10])
    assert index.kind == "exact"
    index.upsert(np.arange(10, 15), vectors[10:])
    assert index.kind == "hnsw" and len(index) == 15
    assert index.search(vectors[12], 1)[0][0] == 12


@pytest.mark.parametrize("exact_max", [1000, 10])
def test_incremental_add_update_remove_without_rebuild(exact_max: int) -> None:
    vectors = units(40, seed=1)
    index = GarmentIndex.build(np.arange(30), vectors[:30], dim=DIM, exact_max=exact_max)
    faiss_object = index._index
    index.upsert([30, 31], vectors[30:32])  # created
    index.upsert([3], vectors[35:36])  # changed: now looks like another garment
    index.remove([7, 999])  # deleted (an unknown id is ignored)
    assert index._index is faiss_object, "an incremental change must not rebuild"
    assert len(index) == 31
    assert 7 not in index and 30 in index
    assert [i for i, _ in index.search(vectors[30], 1)] == [30]
    assert [i for i, _ in index.search(vectors[35], 1)] == [3]
    found = [i for i, _ in index.search(vectors[7], 31)]
    assert 7 not in found and len(found) == len(set(found)) == 31
    if index.kind == "hnsw":
        assert index.tombstones == 2  # the old vector of 3, and 7


def test_hnsw_compacts_when_tombstones_pile_up() -> None:
    vectors = units(50, seed=2)
    index = GarmentIndex.build(np.arange(50), vectors, dim=DIM, exact_max=20)
    index.remove(list(range(12)))  # 24% tombstones: past the 20% line
    assert index.tombstones == 0 and len(index) == 38 and index.kind == "hnsw"
    index.remove(list(range(12, 40)))  # down to 10 live: half the threshold, exact again
    assert index.kind == "exact" and len(index) == 10
    assert [i for i, _ in index.search(vectors[40], 1)] == [40]


def test_persistence_round_trip(tmp_path: Path) -> None:
    vectors = units(30, seed=3)
    for exact_max in (100, 10):
        index = GarmentIndex.build(np.arange(30), vectors, dim=DIM, exact_max=exact_max)
        index.remove([4])
        index.upsert([5], vectors[6:7])
        index.applied_seq = 77
        path = tmp_path / f"index-{exact_max}.npz"
        index.save(path)
        for loaded in (GarmentIndex.load(path), GarmentIndex.from_bytes(index.to_bytes())):
            assert (loaded.kind, len(loaded), loaded.applied_seq) == (index.kind, 29, 77)
            assert loaded.tombstones == index.tombstones
            assert 4 not in loaded
            assert loaded.search(vectors[9], 5) == index.search(vectors[9], 5)
            loaded.upsert([4], vectors[4:5])  # still incremental after loading
            assert loaded.search(vectors[4], 1)[0][0] == 4
    assert not list(tmp_path.glob("*.partial"))
    (tmp_path / "broken.npz").write_bytes(b"not an index")
    with pytest.raises(ValueError, match="not a garment index"):
        GarmentIndex.load(tmp_path / "broken.npz")


def test_empty_index_and_bad_input() -> None:
    index = GarmentIndex(DIM)
    assert index.search(units(1)[0], 10) == []
    assert index.remove([1, 2]) == 0
    with pytest.raises(ValueError, match="ids for"):
        index.upsert([1, 2], units(1))
    with pytest.raises(ValueError, match="finite"):
        index.upsert([1], np.full((1, DIM), np.nan, dtype=np.float32))


def test_holds_garment_ids_only() -> None:
    index = GarmentIndex.build(np.array([11, 12]), units(2), dim=DIM)
    assert sorted(index.ids().tolist()) == [11, 12]
    assert index.ids().dtype == np.int64
