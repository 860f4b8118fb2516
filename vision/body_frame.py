"""The torso frame: shoulder and hip midpoints, a body-size unit and axes down and across.

The geometric renderer and the GAN's conditioning measure a torso the same way: distances
"axial" down the torso from the shoulders' midpoint and "lateral" across it towards the
person's left, and the torso's width expected at each height. They draw the down axis
differently, and both are kept: the renderer runs it from the shoulders' midpoint to the
hips' (``along_spine``), the GAN square to the shoulder line (``across_shoulders``). The
recommender's body-shape levels are not in this frame: they are image rows (see
recommender/body_shape.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Torso width (shoulder spans) expected at a share of the shoulder-to-hip length; measured
#: silhouette widths are kept within bounds of this (an arm against the body, loose hair).
EXPECTED_TORSO_WIDTH = ((0.0, 1.2), (0.3, 1.0), (0.6, 0.92), (1.0, 1.05), (1.6, 1.1))
#: The body's shoulder slope above the shoulder joints, in shoulder spans: at the joints
#: and beside the neck (a fifth of a span either side of its middle).
SHOULDER_TOP = 0.14
NECK_SIDE_TOP = 0.25


@dataclass(frozen=True)
class TorsoFrame:
    """A torso measured from its four joints (x, y pixel points).

    ``smid``/``hmid`` are the shoulders' and hips' midpoints, ``sw`` the shoulder span (at
    least the ``min_span`` asked for) and ``hw`` the hip span. ``down`` and ``lat`` are unit
    vectors, ``lat`` towards the person's left; ``torso`` is the shoulder-to-hip length along
    ``down``, at least 0.8 shoulder spans (a side view squeezes the shoulders).
    """

    smid: np.ndarray
    hmid: np.ndarray
    sw: float
    hw: float
    down: np.ndarray
    lat: np.ndarray
    torso: float

    @classmethod
    def along_spine(
        cls,
        l_shoulder: np.ndarray,
        r_shoulder: np.ndarray,
        l_hip: np.ndarray,
        r_hip: np.ndarray,
        *,
        min_span: float,
    ) -> TorsoFrame:
        """The frame whose ``down`` runs from the shoulders' midpoint to the hips'."""
        smid, hmid = (l_shoulder + r_shoulder) / 2, (l_hip + r_hip) / 2
        sw = max(float(np.linalg.norm(l_shoulder - r_shoulder)), min_span)
        spine = hmid - smid
        torso = max(float(np.linalg.norm(spine)), 0.8 * sw)
        down = spine / max(float(np.linalg.norm(spine)), 1e-6)
        lat = np.array([-down[1], down[0]])
        lat = lat if np.dot(lat, l_shoulder - r_shoulder) >= 0 else -lat
        hw = float(np.linalg.norm(l_hip - r_hip))
        return cls(smid=smid, hmid=hmid, sw=sw, hw=hw, down=down, lat=lat, torso=torso)

    @classmethod
    def across_shoulders(
        cls,
        l_shoulder: np.ndarray,
        r_shoulder: np.ndarray,
        l_hip: np.ndarray,
        r_hip: np.ndarray,
        *,
        min_span: float,
    ) -> TorsoFrame:
        """The frame whose ``lat`` runs along the shoulder line and ``down`` square to it,
        pointing down the picture; computed in the points' own dtype."""
        smid, hmid = (l_shoulder + r_shoulder) / 2, (l_hip + r_hip) / 2
        across = l_shoulder - r_shoulder
        sw = float(max(np.linalg.norm(across), min_span))
        lat = across / max(float(np.linalg.norm(across)), 1e-6)
        down = np.array([-lat[1], lat[0]], dtype=lat.dtype)
        if down[1] < 0:
            down = -down
        torso = max(float(np.dot(hmid - smid, down)), 0.8 * sw)
        hw = float(np.linalg.norm(l_hip - r_hip))
        return cls(smid=smid, hmid=hmid, sw=sw, hw=hw, down=down, lat=lat, torso=torso)

    def at(self, axial: float, lateral: float = 0.0) -> np.ndarray:
        """The picture point ``axial`` down the torso and ``lateral`` across it."""
        return self.smid + axial * self.down + lateral * self.lat

    def axial_of(self, point: np.ndarray) -> float:
        """How far down the torso ``point`` lies (negative above the shoulders)."""
        return float(np.dot(point - self.smid, self.down))

    def expected_half_width(self, axial: float) -> float:
        """Half the torso's width expected at ``axial`` (EXPECTED_TORSO_WIDTH, and below
        60% of the torso at least what the hip joints, which sit well inside the body's
        outline, lead to expect)."""
        share = axial / self.torso
        fractions, widths = zip(*EXPECTED_TORSO_WIDTH, strict=True)
        width = float(np.interp(share, fractions, widths)) * self.sw
        if share > 0.6:
            width = max(width, float(np.interp(share, (0.6, 1.0), (0.0, 1.9 * self.hw))))
        return width / 2

    def coordinates(
        self, shape: tuple[int, int], origin: tuple[int, int] = (0, 0)
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each pixel's distance down the torso and across it from the shoulders' midpoint,
        for a grid of ``shape`` whose first pixel is (row, column) ``origin`` of the picture."""
        ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]]
        x, y = xs + origin[1] - self.smid[0], ys + origin[0] - self.smid[1]
        return x * self.down[0] + y * self.down[1], x * self.lat[0] + y * self.lat[1]
