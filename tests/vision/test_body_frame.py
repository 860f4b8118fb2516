"""The torso frame the geometric renderer and the GAN's conditioning measure a torso in."""

import numpy as np
import pytest

from vision.body_frame import EXPECTED_TORSO_WIDTH, TorsoFrame

# A torso leaning to the picture's right: shoulders level, hips shifted by 30 px.
L_SHOULDER, R_SHOULDER = np.array([140.0, 100.0]), np.array([60.0, 100.0])
L_HIP, R_HIP = np.array([160.0, 220.0]), np.array([100.0, 220.0])


def test_along_spine_runs_from_the_shoulders_midpoint_to_the_hips() -> None:
    frame = TorsoFrame.along_spine(L_SHOULDER, R_SHOULDER, L_HIP, R_HIP, min_span=8.0)
    np.testing.assert_allclose(frame.smid, [100, 100])
    np.testing.assert_allclose(frame.hmid, [130, 220])
    np.testing.assert_allclose(frame.at(frame.torso), frame.hmid)
    assert frame.torso == pytest.approx(np.hypot(30, 120))
    assert np.dot(frame.down, frame.lat) == pytest.approx(0)
    assert np.dot(frame.lat, L_SHOULDER - R_SHOULDER) > 0  # towards the person's left
    assert (frame.sw, frame.hw) == (80.0, 60.0)


def test_across_shoulders_runs_square_to_the_shoulder_line() -> None:
    frame = TorsoFrame.across_shoulders(L_SHOULDER, R_SHOULDER, L_HIP, R_HIP, min_span=1.0)
    np.testing.assert_allclose(frame.lat, [1, 0])
    np.testing.assert_allclose(frame.down, [0, 1])
    assert frame.torso == pytest.approx(120)  # the hips' depth below the shoulders
    assert frame.axial_of(frame.hmid) == pytest.approx(120)


def test_across_shoulders_keeps_the_points_dtype() -> None:
    points = [p.astype(np.float32) for p in (L_SHOULDER, R_SHOULDER, L_HIP, R_HIP)]
    frame = TorsoFrame.across_shoulders(*points, min_span=1.0)
    assert frame.down.dtype == frame.lat.dtype == frame.smid.dtype == np.float32


@pytest.mark.parametrize("build", [TorsoFrame.along_spine, TorsoFrame.across_shoulders])
def test_a_squeezed_torso_is_at_least_0_8_shoulder_spans_long(build) -> None:
    # The hips 10 px below the shoulders (a bent-over pose, seen from the front).
    frame = build(
        L_SHOULDER, R_SHOULDER, np.array([110.0, 110.0]), np.array([90.0, 110.0]), min_span=1.0
    )
    assert frame.torso == pytest.approx(0.8 * 80)


def test_min_span_floors_the_shoulder_span() -> None:
    narrow = R_SHOULDER + [3.0, 0.0]
    frame = TorsoFrame.along_spine(narrow, R_SHOULDER, L_HIP, R_HIP, min_span=8.0)
    assert frame.sw == 8.0


def test_at_and_axial_of_are_inverse_down_the_torso() -> None:
    frame = TorsoFrame.along_spine(L_SHOULDER, R_SHOULDER, L_HIP, R_HIP, min_span=8.0)
    for axial in (-20.0, 0.0, 55.5, 200.0):
        assert frame.axial_of(frame.at(axial, lateral=17.0)) == pytest.approx(axial)


def test_expected_half_width_follows_the_table_then_the_hips() -> None:
    frame = TorsoFrame.across_shoulders(L_SHOULDER, R_SHOULDER, L_HIP, R_HIP, min_span=1.0)
    table = dict(EXPECTED_TORSO_WIDTH)
    assert frame.expected_half_width(0.0) == pytest.approx(table[0.0] * 80 / 2)
    assert frame.expected_half_width(0.3 * 120) == pytest.approx(table[0.3] * 80 / 2)
    # At the hip joints the hips (1.9 hip spans) are wider than the table's 1.05 shoulders.
    assert frame.expected_half_width(120.0) == pytest.approx(1.9 * 60 / 2)


def test_coordinates_measure_down_and_across_from_the_shoulders() -> None:
    frame = TorsoFrame.along_spine(
        np.array([60.0, 20.0]), np.array([20.0, 20.0]), np.array([55.0, 80.0]),
        np.array([25.0, 80.0]), min_span=1.0,
    )  # fmt: skip
    along, across = frame.coordinates((100, 80), origin=(10, 5))
    # The shoulders' midpoint, picture (x 40, y 20), is the grid's row 10, column 35.
    assert along[10, 35] == 0.0 and across[10, 35] == 0.0
    assert along[40, 35] == 30.0  # straight down the spine
    assert across[10, 45] == 10.0  # towards the person's left (the left shoulder's side)
