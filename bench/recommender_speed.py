"""Recommender index benchmark: query latency, throughput, recall, memory and build time.

For each catalogue size (10k, 100k and 1M garments by default) it builds the index the
recommender itself would choose (``GarmentIndex.build``: exact ``IndexFlatIP`` up to
``EXACT_MAX`` garments, HNSW above) and, in the same run, answers the same queries by exact
brute force in numpy. Reported per size:

* build time and index memory (FAISS structures and id tables, and the process's RSS growth);
* single-query latency p50/p99 and queries per second (one query at a time, as a worker
  asks), for the chosen index and for numpy;
* recall@10 of the chosen index against the exact numpy top 10.

The vectors are synthetic, with the real dimension (``STYLE_DIM`` = 384 text + 32 image) and
the structure real garment vectors have: unit vectors drawn around 300 style clusters in a
32-dimensional latent space, embedded in the full dimension with isotropic noise
(``synthetic_vectors``). Queries come from the same distribution (a shopper's taste vector is
a blend of garment vectors). Random isotropic vectors would be a much harder, unrealistic
case for any approximate index. Prints the figures and writes
bench/results/recommender_speed.json (with the machine it ran on).
"""

import argparse
import gc
import time

import faiss
import numpy as np
import psutil

from bench.report import machine_info, report_write
from recommender.index import (
    EXACT_MAX,
    HNSW_EF_CONSTRUCTION,
    HNSW_EF_SEARCH,
    HNSW_M,
    GarmentIndex,
)
from recommender.style import STYLE_DIM

LATENT_DIM = 32
CLUSTERS = 300
K = 10
GENERATOR = (
    f"unit vectors of {STYLE_DIM} dims: {CLUSTERS} style clusters in a {LATENT_DIM}-dim latent "
    "space (cluster spread 0.7), randomly embedded, plus isotropic noise (0.5 per dim)"
)


class SyntheticGarments:
    """Unit vectors around shared style clusters (see the module docstring)."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        self.embedding = self.rng.standard_normal((LATENT_DIM, STYLE_DIM)).astype(np.float32)
        self.centres = self.rng.standard_normal((CLUSTERS, LATENT_DIM)).astype(np.float32)

    def vectors(self, count: int, chunk: int = 100_000) -> np.ndarray:
        out = np.empty((count, STYLE_DIM), dtype=np.float32)
        for start in range(0, count, chunk):
            n = min(chunk, count - start)
            latent = self.centres[self.rng.integers(0, CLUSTERS, n)]
            latent = latent + 0.7 * self.rng.standard_normal((n, LATENT_DIM)).astype(np.float32)
            block = latent @ self.embedding
            block += 0.5 * self.rng.standard_normal((n, STYLE_DIM)).astype(np.float32)
            block /= np.linalg.norm(block, axis=1, keepdims=True)
            out[start : start + n] = block
        return out


def percentile_ms(seconds: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(seconds) * 1000, q)), 3)


def exact_numpy_top(vectors: np.ndarray, query: np.ndarray, k: int) -> np.ndarray:
    """Brute force: all scores, then the k best (argpartition, then sort those k)."""
    scores = vectors @ query
    top = np.argpartition(-scores, k)[:k]
    return top[np.argsort(-scores[top])]


def ground_truth(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Exact top k of every query, batched (not timed)."""
    found = np.empty((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), 100):
        scores = queries[start : start + 100] @ vectors.T
        top = np.argpartition(-scores, k, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
        found[start : start + 100] = np.take_along_axis(top, order, axis=1)
    return found


def rss_bytes() -> int:
    return psutil.Process().memory_info().rss


def run_size(
    size: int, queries: int, numpy_queries: int, generator: SyntheticGarments
) -> dict[str, object]:
    print(f"\n== {size:,} garments", flush=True)
    started = time.perf_counter()
    vectors = generator.vectors(size)
    ids = np.arange(size, dtype=np.int64)  # the index labels garments by id; ids = rows here
    query_vectors = generator.vectors(queries)
    print(f"   generated in {time.perf_counter() - started:.1f} s", flush=True)

    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    index = GarmentIndex.build(ids, vectors, dim=STYLE_DIM)
    build_s = time.perf_counter() - started
    rss_growth = rss_bytes() - before
    print(f"   built a {index.kind} index in {build_s:.1f} s", flush=True)

    index.search(query_vectors[0], K)  # warm caches
    latencies, found = [], np.empty((queries, K), dtype=np.int64)
    for row, query in enumerate(query_vectors):
        t0 = time.perf_counter()
        result = index.search(query, K)
        latencies.append(time.perf_counter() - t0)
        found[row] = [garment_id for garment_id, _ in result] + [-1] * (K - len(result))

    numpy_latencies = []
    for query in query_vectors[:numpy_queries]:
        t0 = time.perf_counter()
        exact_numpy_top(vectors, query, K)
        numpy_latencies.append(time.perf_counter() - t0)

    truth = ground_truth(vectors, query_vectors, K)
    recall = float(np.mean([len(set(found[i]) & set(truth[i])) / K for i in range(queries)]))
    result = {
        "garments": size,
        "index": index.kind,
        "build_s": round(build_s, 2),
        "index_memory_mb": round(index.memory_bytes() / 2**20, 1),
        "rss_growth_mb": round(rss_growth / 2**20, 1),
        "vectors_mb": round(vectors.nbytes / 2**20, 1),
        "recall_at_10_vs_exact": round(recall, 4),
        "faiss": {
            "queries": queries,
            "p50_ms": percentile_ms(latencies, 50),
            "p99_ms": percentile_ms(latencies, 99),
            "qps": round(queries / sum(latencies), 1),
        },
        "numpy_exact": {
            "queries": numpy_queries,
            "p50_ms": percentile_ms(numpy_latencies, 50),
            "p99_ms": percentile_ms(numpy_latencies, 99),
            "qps": round(numpy_queries / sum(numpy_latencies), 1),
        },
    }
    print(
        f"   {index.kind}: p50 {result['faiss']['p50_ms']} ms, p99 {result['faiss']['p99_ms']} "
        f"ms, {result['faiss']['qps']} q/s, recall@10 {recall:.4f}; numpy exact: p50 "
        f"{result['numpy_exact']['p50_ms']} ms, p99 {result['numpy_exact']['p99_ms']} ms, "
        f"{result['numpy_exact']['qps']} q/s; memory {result['index_memory_mb']} MB "
        f"(RSS +{result['rss_growth_mb']} MB)",
        flush=True,
    )
    del index, vectors
    gc.collect()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument(
        "--numpy-queries", type=int, default=200, help="timed brute-force queries per size"
    )
    parser.add_argument("--name", default="recommender_speed")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("Synthetic vectors:", GENERATOR)
    print(f"Index: exact up to {EXACT_MAX:,} garments, HNSW (M={HNSW_M}) above")
    generator = SyntheticGarments()
    results = [run_size(size, args.queries, args.numpy_queries, generator) for size in sizes]
    report = {
        "benchmark": args.name,
        "data": "synthetic: " + GENERATOR,
        "dimension": STYLE_DIM,
        "k": K,
        "index_policy": {
            "exact_max": EXACT_MAX,
            "hnsw_m": HNSW_M,
            "ef_construction": HNSW_EF_CONSTRUCTION,
            "ef_search": HNSW_EF_SEARCH,
        },
        "latency": "one query at a time, wall clock; qps = queries / summed latency",
        "machine": machine_info(
            memory_gb=round(psutil.virtual_memory().total / 2**30, 1),
            faiss=faiss.__version__,
            faiss_threads=faiss.omp_get_max_threads(),
            numpy=np.__version__,
        ),
        "results": results,
    }
    report_write(report, name=args.name)


if __name__ == "__main__":
    main()
