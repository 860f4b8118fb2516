"""Light on invented skin: the body's cylinders, the light fitted from the photo's own skin."""

import numpy as np
import pytest

from tryon_worker.renderers.skin_light import (
    EDGE_SHADE_LIMITS,
    SkinLight,
    body_normals,
    collarbones_relief,
    legs_relief,
    skin_light_fit,
    skin_tone,
)
from vision.body_frame import TorsoFrame
from vision.pose import LM

SIZE = (400, 200)  # height, width


def _upright() -> tuple[np.ndarray, TorsoFrame]:
    """Landmarks of a person standing square to the camera, 50 px between the shoulders."""
    landmarks = np.zeros((33, 4), dtype=np.float32)
    points = {
        "nose": (100, 40), "left_shoulder": (125, 80), "right_shoulder": (75, 80),
        "left_elbow": (135, 140), "right_elbow": (65, 140),
        "left_wrist": (138, 195), "right_wrist": (62, 195),
        "left_hip": (115, 200), "right_hip": (85, 200),
        "left_knee": (116, 290), "right_knee": (84, 290),
        "left_ankle": (116, 380), "right_ankle": (84, 380),
    }  # fmt: skip
    for name, (x, y) in points.items():
        landmarks[LM[name], :2] = (x, y)
    p = {name: landmarks[LM[name], :2].astype(np.float64) for name in points}
    frame = TorsoFrame.along_spine(
        p["left_shoulder"], p["right_shoulder"], p["left_hip"], p["right_hip"], min_span=1.0
    )
    return landmarks, frame


def test_the_normal_turns_from_the_bone_to_the_limbs_sides() -> None:
    landmarks, frame = _upright()
    nx, _, share = body_normals(landmarks, frame, SIZE)
    shin = 335  # halfway down the right shin, its bone at x = 84
    assert abs(nx[shin, 84]) < 0.05 and share[shin, 84] < 0.05
    # Towards the picture's right the surface faces right, and the other way round.
    assert 0.5 < nx[shin, 88] < 0.97 and -0.97 < nx[shin, 80] < -0.5
    assert share[shin, 95] > 1.0  # past the modelled calf: not this leg
    # The chest's middle faces the camera, its sides turn away; the head is not modelled.
    assert abs(nx[120, 100]) < 0.05 and nx[120, 118] > 0.4 and nx[120, 82] < -0.4
    assert np.isinf(share[10, 100])


def test_an_arm_held_out_sideways_turns_up_and_down_not_sideways() -> None:
    landmarks, frame = _upright()
    # The right arm held straight out to the picture's left, level with the shoulder.
    landmarks[LM["right_elbow"], :2] = (30, 80)
    landmarks[LM["right_wrist"], :2] = (0, 80)
    nx, nz, share = body_normals(landmarks, frame, SIZE)
    column = 50  # across the upper arm, its bone on row 80
    assert share[80, column] < 0.05 and nz[80, column] > 0.99
    assert np.abs(nx[76:85, column]).max() < 0.05  # its edges face up and down
    assert nz[76, column] < 0.8 and nz[84, column] < 0.8


def test_the_fitted_light_matches_the_skin_it_was_fitted_to() -> None:
    landmarks, frame = _upright()
    nx, nz, share = body_normals(landmarks, frame, SIZE)
    truth = SkinLight.bounded(0.2, 0.25, 0.6, EDGE_SHADE_LIMITS[0])  # light from the right
    luma = 180.0 * truth.shading(nx, nz)
    known = share <= 1.0
    fitted = skin_light_fit(luma, nx, nz, known)
    probe = np.linspace(-0.9, 0.9, 19)
    assert np.allclose(fitted.shading(probe), truth.shading(probe), atol=0.02)
    # Brighter on the lit side, and the contrast bounded.
    values = fitted.shading(probe)
    assert values[-1] > values[0] >= EDGE_SHADE_LIMITS[0] * values.max() - 1e-6


def test_too_little_skin_gives_the_default_light() -> None:
    landmarks, frame = _upright()
    nx, nz, _ = body_normals(landmarks, frame, SIZE)
    known = np.zeros(SIZE, dtype=bool)
    known[300:305, 80:85] = True
    assert skin_light_fit(np.full(SIZE, 150.0), nx, nz, known) == SkinLight.default()
    middle, side = SkinLight.default().shading(np.float32([0.0, 0.9]))
    assert middle == pytest.approx(1.0) and side == pytest.approx(0.8, abs=0.01)


def test_the_skin_tone_is_the_skins_colour_under_even_light() -> None:
    landmarks, frame = _upright()
    nx, nz, share = body_normals(landmarks, frame, SIZE)
    light = SkinLight.bounded(0.0, -0.2, 1.0, EDGE_SHADE_LIMITS[0])
    colour = np.float32([200, 150, 120])
    photo = np.clip(colour * light.shading(nx, nz)[..., None], 0, 255).astype(np.uint8)
    skin = share <= 1.0
    tone = skin_tone(photo, skin, landmarks, frame)
    assert tone.colour is not None
    assert np.abs(tone.colour - colour).max() < 6
    assert tone.light.side < 0  # lit from the picture's left


def test_the_collarbones_are_lit_above_and_shaded_below() -> None:
    landmarks, frame = _upright()
    relief = collarbones_relief(landmarks, frame, SIZE, (0, 0))
    column = 112  # under the left collarbone's middle
    ridge, hollow = relief[75:90, column].max(), relief[80:100, column].min()
    assert ridge > 1.01 and hollow < 0.97
    assert relief[83, 100] < 0.95  # the notch between them
    assert np.all(relief[300:] == pytest.approx(1.0, abs=1e-3))  # nothing on the legs


def test_the_kneecaps_are_lit_the_shins_crested_and_the_back_plain() -> None:
    """Legs invented under shorts were plain cylinders, a mannequin's."""
    landmarks, frame = _upright()
    relief = legs_relief(landmarks, frame, SIZE, (0, 0))
    knee_x, knee_y = 116, 290  # the left knee
    assert relief[knee_y - 2 : knee_y + 1, knee_x - 1 : knee_x + 2].mean() > 1.02
    # A hollow under the kneecap, beside the tendon.
    assert relief[knee_y + 2 : knee_y + 8, knee_x - 4 : knee_x + 5].min() < 0.97
    # The shin's crest runs lit down the shin, a little inside its middle (towards x=100).
    shin = relief[330, 100:125]
    assert shin.max() > 1.015 and 108 <= 100 + int(np.argmax(shin)) <= 116
    assert np.all(relief[:250] == pytest.approx(1.0, abs=1e-3))  # nothing above the knees
    # Seen from the back (the person's left on the picture's left): no kneecaps.
    mirrored = landmarks.copy()
    mirrored[:, 0] = SIZE[1] - mirrored[:, 0]
    p = {n: mirrored[LM[n], :2].astype(np.float64) for n in LM}
    back = TorsoFrame.along_spine(
        p["left_shoulder"], p["right_shoulder"], p["left_hip"], p["right_hip"], min_span=1.0
    )
    assert np.all(legs_relief(mirrored, back, SIZE, (0, 0)) == 1.0)
