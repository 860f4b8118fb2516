"""The one numpy thin-plate spline, pinned to the numbers of the two copies it replaced.

tests/fixtures/vision/tps_golden.npz holds what the geometric renderer's ``_tps`` and the
synthetic data's ``_tps_fit``/``_tps_eval`` gave on these point sets (they were compared bit
for bit with the new functions before they were removed). Regenerate it only for a deliberate
change of the numbers: ``python -m tests.vision.test_tps``.
"""

from pathlib import Path

import numpy as np
import pytest

from vision.tps import tps_eval, tps_fit, tps_map

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "vision" / "tps_golden.npz"
SEEDS = range(20)
# LAPACK kernels differ with the CPU (OpenBLAS picks one at run time): ~1e-12 relative on
# most sets, up to ~6e-6 on those with a near-duplicate point (seen on a 2026-12 Xeon). A
# wrong formula or a changed guard moves the numbers far more.
RTOL = 1e-4


def _points(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Control points, their targets and points to carry; some sets hold a near-duplicate."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 24))
    scale = 600.0 if seed % 2 else 1.0  # pixels (the renderer) or template units (the data)
    src = rng.uniform(0, scale, (n, 2))
    if seed % 3 == 0:
        # Two control points a hair apart: there the two zero guards differ most.
        src[-1] = src[0] + rng.normal(0, 1e-5 * scale, 2)
    dst = src + rng.normal(0, 0.08 * scale, (n, 2))
    points = rng.uniform(-0.2 * scale, 1.2 * scale, (50, 2))
    return src, dst, points


def _renderers(seed: int) -> np.ndarray:
    src, dst, points = _points(seed)
    return tps_map(src, dst, points)


def _synthetic_datas(seed: int) -> np.ndarray:
    src, dst, points = _points(seed)
    spline = tps_fit(src, dst, normalise=False, solver="solve", zero_guard="shift")
    return tps_eval(spline, points)


@pytest.fixture(scope="module")
def golden() -> dict[str, np.ndarray]:
    with np.load(GOLDEN) as stored:
        return dict(stored)


@pytest.mark.parametrize("seed", SEEDS)
def test_tps_map_gives_the_geometric_renderers_numbers(
    golden: dict[str, np.ndarray], seed: int
) -> None:
    np.testing.assert_allclose(_renderers(seed), golden[f"renderer_{seed}"], rtol=RTOL, atol=0)


@pytest.mark.parametrize("seed", SEEDS)
def test_fit_and_eval_unnormalised_give_the_synthetic_datas_numbers(
    golden: dict[str, np.ndarray], seed: int
) -> None:
    np.testing.assert_allclose(
        _synthetic_datas(seed), golden[f"synthetic_{seed}"], rtol=RTOL, atol=0
    )


def test_the_spline_carries_its_control_points_onto_their_targets() -> None:
    src, dst, _ = _points(1)
    for normalise in (True, False):
        spline = tps_fit(src, dst, normalise=normalise, solver="lstsq", zero_guard="clamp")
        # The ridge lets it miss by a hair; without smoothing it would pass through exactly.
        np.testing.assert_allclose(tps_eval(spline, src), dst, atol=0.05 * 600)
        exact = tps_fit(
            src, dst, normalise=normalise, solver="solve", zero_guard="clamp", smoothing=0
        )
        np.testing.assert_allclose(tps_eval(exact, src), dst, rtol=1e-6, atol=1e-6)


def test_an_affine_map_is_reproduced_exactly_away_from_the_points() -> None:
    src, _, points = _points(2)
    matrix, shift = np.array([[1.1, 0.2], [-0.1, 0.9]]), np.array([3.0, -2.0])
    for normalise in (True, False):
        spline = tps_fit(
            src, src @ matrix.T + shift, normalise=normalise, solver="lstsq", zero_guard="clamp"
        )
        np.testing.assert_allclose(tps_eval(spline, points), points @ matrix.T + shift, atol=1e-9)


if __name__ == "__main__":
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        GOLDEN,
        **{f"renderer_{s}": _renderers(s) for s in SEEDS},
        **{f"synthetic_{s}": _synthetic_datas(s) for s in SEEDS},
    )
    print(f"wrote {GOLDEN}")
