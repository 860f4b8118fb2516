"""The thin-plate spline (numpy): a smooth sheet carrying control points onto target points.

The geometric renderer pins a garment to the body with it and the synthetic data generator
pins its template panels the same way. The two solved the same system in slightly different
ways (centred and scaled or not, ``lstsq`` or ``solve``, the log's zero guard), so those are
parameters: each caller keeps its exact numbers. The GAN's torch spline
(tryon_worker/gan/networks/warp.py) is a different thing and stays there.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np

# Below this, r^2 log r^2 is taken as zero (the kernel at a control point itself).
_LOG_FLOOR = 1e-12

Solver = Literal["lstsq", "solve"]
ZeroGuard = Literal["clamp", "shift"]


@dataclass(frozen=True)
class ThinPlateSpline:
    """A fitted spline: evaluate it with ``tps_eval``.

    ``ctrl`` are the control points in the spline's own frame (``(p - centre) / spread`` when
    ``normalised``, else as given); ``coef`` holds the n kernel weights, then the constant,
    then the two linear rows.
    """

    ctrl: np.ndarray
    coef: np.ndarray
    normalised: bool
    centre: np.ndarray
    spread: float
    zero_guard: ZeroGuard


def _kernel(a: np.ndarray, b: np.ndarray, zero_guard: ZeroGuard) -> np.ndarray:
    """U(r) = r^2 log r^2 between every point of ``a`` (rows) and of ``b`` (columns)."""
    d2 = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)
    # "clamp" is log(max(r^2, floor)), "shift" log(r^2 + floor): the same where it matters,
    # but they differ in the last bits, and each caller's pixels are pinned bit for bit.
    logs = np.log(np.maximum(d2, _LOG_FLOOR)) if zero_guard == "clamp" else np.log(d2 + _LOG_FLOOR)
    return np.where(d2 > 0, d2 * logs, 0.0)


def tps_fit(
    src: np.ndarray,
    dst: np.ndarray,
    *,
    normalise: bool,
    solver: Solver,
    zero_guard: ZeroGuard,
    smoothing: float = 1e-3,
) -> ThinPlateSpline:
    """Fit the spline carrying the (n, 2) points ``src`` onto ``dst``.

    ``normalise`` centres ``src`` on its mean and scales it by its largest offset (at least
    1), which keeps the system's conditioning independent of the units. ``smoothing`` is a
    ridge on the kernel: it keeps close or nearly collinear points from folding the sheet.
    ``solver`` is ``"lstsq"`` (tolerates a singular system) or ``"solve"``.
    """
    centre = src.mean(axis=0) if normalise else np.zeros(2)
    spread = max(float(np.abs(src - centre).max()), 1.0) if normalise else 1.0
    ctrl = (src - centre) / spread if normalise else src
    n = len(ctrl)
    system = np.zeros((n + 3, n + 3))
    system[:n, :n] = _kernel(ctrl, ctrl, zero_guard) + smoothing * np.eye(n)
    system[:n, n] = 1.0
    system[:n, n + 1 :] = ctrl
    system[n, :n] = 1.0
    system[n + 1 :, :n] = ctrl.T
    rhs = np.zeros((n + 3, 2))
    rhs[:n] = dst
    if solver == "lstsq":
        coef = np.linalg.lstsq(system, rhs, rcond=None)[0]
    else:
        coef = np.linalg.solve(system, rhs)
    return ThinPlateSpline(ctrl, coef, normalise, centre, spread, zero_guard)


def tps_eval(spline: ThinPlateSpline, points: np.ndarray) -> np.ndarray:
    """Where ``spline`` carries the (m, 2) ``points`` (given in the units of its ``src``)."""
    p = (points - spline.centre) / spline.spread if spline.normalised else points
    n = len(spline.ctrl)
    coef = spline.coef
    return _kernel(p, spline.ctrl, spline.zero_guard) @ coef[:n] + coef[n] + p @ coef[n + 1 :]


def tps_map(src: np.ndarray, dst: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Fit (normalised, ``lstsq``) and evaluate in one call: ``points`` carried as src -> dst."""
    return tps_eval(tps_fit(src, dst, normalise=True, solver="lstsq", zero_guard="clamp"), points)
