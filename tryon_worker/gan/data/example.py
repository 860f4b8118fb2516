"""One try-on training example as plain arrays, and the body keypoints every reader maps to.

Whatever a data set calls its joints (MediaPipe's 33 landmarks, OpenPose BODY_25, COCO-18),
readers convert them to BODY_KEYPOINTS: fourteen joints, pixel coordinates of the person's
photo plus a confidence (0 = not seen). "Left" and "right" are the person's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.pose import LM as MEDIAPIPE_LM

BODY_KEYPOINTS = (
    "nose",
    "neck",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
)
KP = {name: index for index, name in enumerate(BODY_KEYPOINTS)}
#: Keypoints with at least this confidence count as seen.
KEYPOINT_SEEN = 0.3

# Indices into each source format, in BODY_KEYPOINTS order (-1: derived, see below).
_FROM_MEDIAPIPE = tuple(MEDIAPIPE_LM.get(name, -1) for name in BODY_KEYPOINTS)
_FROM_BODY_25 = (0, 1, 5, 2, 6, 3, 7, 4, 12, 9, 13, 10, 14, 11)
_FROM_COCO_18 = (0, 1, 5, 2, 6, 3, 7, 4, 11, 8, 12, 9, 13, 10)


@dataclass
class TryOnExample:
    """A person, the garment they should wear, and (for training) where it lies on them.

    ``person_garment`` is the garment's region in ``person`` when the person wears this very
    garment (paired data); None for unpaired examples and at inference. ``silhouette`` is
    the person's outline, with whatever they wear (None when the source has none).
    """

    name: str
    category: str  # "top", "bottom", "dress" or "outerwear"
    person: np.ndarray  # (H, W, 3) uint8 RGB
    keypoints: np.ndarray  # (14, 3) float32: x px, y px, confidence, BODY_KEYPOINTS order
    garment: np.ndarray  # (h, w, 3) uint8 RGB product shot
    garment_mask: np.ndarray  # (h, w) bool
    person_garment: np.ndarray | None = None  # (H, W) bool
    silhouette: np.ndarray | None = None  # (H, W) bool


def keypoints_from_mediapipe(landmarks: np.ndarray, image_size: tuple[int, int]) -> np.ndarray:
    """BODY_KEYPOINTS from MediaPipe Pose's (33, 3) landmarks (x px, y px, visibility).

    Points outside the picture count as unseen. ``image_size`` is (height, width).
    """
    points = _pick(landmarks, _FROM_MEDIAPIPE)
    shoulders = landmarks[[MEDIAPIPE_LM["left_shoulder"], MEDIAPIPE_LM["right_shoulder"]]]
    points[KP["neck"]] = [*shoulders[:, :2].mean(axis=0), shoulders[:, 2].min()]
    height, width = image_size
    outside = (
        (points[:, 0] < 0) | (points[:, 1] < 0) | (points[:, 0] >= width) | (points[:, 1] >= height)
    )
    points[outside, 2] = 0.0
    return points


def keypoints_from_body_25(flat: list[float]) -> np.ndarray:
    """BODY_KEYPOINTS from OpenPose BODY_25 ``pose_keypoints_2d`` (x, y, c per point)."""
    return _pick(np.asarray(flat, dtype=np.float32).reshape(25, 3), _FROM_BODY_25)


def keypoints_from_coco_18(points: np.ndarray) -> np.ndarray:
    """BODY_KEYPOINTS from OpenPose COCO-18 points, (18, >=3): x, y, confidence.

    Negative coordinates mean "not found" (DressCode's convention).
    """
    picked = _pick(np.asarray(points, dtype=np.float32)[:, :3], _FROM_COCO_18)
    picked[(picked[:, 0] < 0) | (picked[:, 1] < 0), 2] = 0.0
    return picked


def seen(keypoints: np.ndarray, name: str) -> bool:
    """Whether the named keypoint was found."""
    return bool(keypoints[KP[name], 2] >= KEYPOINT_SEEN)


def _pick(source: np.ndarray, indices: tuple[int, ...]) -> np.ndarray:
    points = np.zeros((len(BODY_KEYPOINTS), 3), dtype=np.float32)
    for target, index in enumerate(indices):
        if index >= 0:
            points[target] = source[index, :3]
    return points
