"""Find the shopper in their photo: body landmarks, a person mask and a people count.

Three MediaPipe models that ship inside the wheel do the work (nothing is downloaded):
Pose (landmarks and a person mask for the most prominent person), and the short- and
full-range face detectors (to count people: Pose only ever sees one, and selfie segmentation
marks cats and posters as people). Each stage is its own function so a benchmark can time it:
``estimate_pose``, ``detect_faces`` / ``count_people`` and ``segment_person``;
``analyse_person`` runs them all and checks the photo is usable for the garment's category.
``shopper_photo_check`` runs them and checks what every photo needs whatever the garment (one
person, big enough, more than a face, shoulders and hips): the storefront refuses such photos at
upload with the very sentences try-on would give, since try-on runs the same checks first.

Coordinates are pixels of the full-resolution image, x to the right, y down. "Left" and
"right" are the person's own (MediaPipe's convention): a person facing the camera has their
left shoulder on the right of the picture.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from contracts.vocabulary import CATEGORIES
from vision.errors import ImageInputError

if TYPE_CHECKING:
    from vision.parsing import PersonParsing

logger = logging.getLogger(__name__)


LANDMARK_NAMES = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)
LM = {name: index for index, name in enumerate(LANDMARK_NAMES)}

#: Landmarks with at least this visibility count as seen.
VISIBLE = 0.5
#: Inputs are downscaled to this longest side before inference: the models work at 256 px
#: anyway, and resizing a 40 MP photo first keeps MediaPipe's own conversion cheap.
INFERENCE_MAX_SIDE = 1024
#: A person must be at least this tall, in pixels and as a share of the picture.
MIN_PERSON_PX = 200
MIN_PERSON_SHARE = 0.25
#: For tops, hips may lie this far (share of the shoulder-to-hip length) below the bottom edge:
#: a waist-up photo still shows the whole chest and belly the garment covers.
HIPS_BELOW_FRAME_SHARE = 0.2
#: Shoulders closer together than this share of the torso's length mean a side view.
MIN_SHOULDER_SHARE = 0.35
#: A face at least this tall (share of the picture's height) is a close-up: no body below it.
FACE_ONLY_SHARE = 0.5

# Body parts each garment category needs, as (shopper-facing name, landmark pair).
_PARTS = {
    "shoulders": ("left_shoulder", "right_shoulder"),
    "hips": ("left_hip", "right_hip"),
    "knees": ("left_knee", "right_knee"),
}
REQUIRED_PARTS: dict[str, tuple[str, ...]] = {
    "top": ("shoulders", "hips"),
    "outerwear": ("shoulders", "hips"),
    "bottom": ("hips", "knees"),
    "dress": ("shoulders", "hips", "knees"),
}
#: What every photo must show whatever the garment: the upload checks these (shopper_photo_check)
#: and try-on checks them first, so a photo refused at both reads the same sentence at both.
PHOTO_PARTS = ("shoulders", "hips")
_PHOTO_ADVICE = (
    "Please use a photo that shows you from the head to at least the hips, standing and facing "
    "the camera."
)
_PART_ADVICE = {
    "top": "For tops, please use a photo that shows you from the head to at least the hips, "
    "standing and facing the camera.",
    "outerwear": "For jackets and coats, please use a photo that shows you from the head to at "
    "least the hips, standing and facing the camera.",
    "bottom": "For trousers, shorts and skirts, please use a full-length photo that shows you "
    "down to below the knees, standing and facing the camera.",
    "dress": "For dresses, please use a full-length photo that shows you from the shoulders to "
    "below the knees, standing and facing the camera.",
}

FaceBox = tuple[float, float, float, float, float]  # x0, y0, x1, y1, score


@dataclass(frozen=True)
class PoseEstimate:
    """What the Pose model saw: landmarks at full resolution and its person mask.

    ``landmarks`` is None when no person was found. ``mask`` is the model's person
    probability at inference resolution (``inference_scale`` times the full size).
    """

    image_size: tuple[int, int]  # (height, width) of the full image
    landmarks: np.ndarray | None  # (33, 3) float32: x px, y px, visibility
    mask: np.ndarray | None  # (h, w) float32 0..1 at inference resolution
    inference_scale: float


@dataclass(frozen=True)
class PersonAnalysis:
    """Everything a renderer needs to know about the shopper's photo."""

    image: np.ndarray  # (H, W, 3) uint8 RGB
    landmarks: np.ndarray  # (33, 3) float32: x px, y px, visibility (LANDMARK_NAMES order)
    segmentation: np.ndarray  # (H, W) float32 0..1: probability of the person
    people_count: int
    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive) of the person
    faces: tuple[FaceBox, ...] = field(default=())
    #: Per-pixel classes (vision.parsing.person_parsed adds them), None until parsed.
    parsing: PersonParsing | None = None

    def point(self, name: str) -> np.ndarray:
        """The (x, y) pixel position of a named landmark."""
        return self.landmarks[LM[name], :2].astype(np.float64)

    def visible(self, name: str) -> bool:
        """Whether a named landmark was seen and lies inside the picture."""
        return landmark_seen(self.landmarks[LM[name]], self.image.shape[0], self.image.shape[1])

    def chin(self) -> np.ndarray | None:
        """Where the chin is, estimated from the mouth and eyes (None unless all are seen):
        below the mouth by eight tenths of the eyes-to-mouth distance."""
        if not all(self.visible(n) for n in ("mouth_left", "mouth_right", "left_eye", "right_eye")):
            return None
        mouth = (self.point("mouth_left") + self.point("mouth_right")) / 2
        eyes = (self.point("left_eye") + self.point("right_eye")) / 2
        return mouth + 0.8 * (mouth - eyes)


# --- model cache -------------------------------------------------------------------------
# MediaPipe graphs are expensive to build and not safe to call from two threads at once:
# each is built once per process on first use and guarded by its own lock.

_cache_lock = threading.Lock()
_models: dict[str, tuple[Any, threading.Lock]] = {}


def _pose_model() -> Any:
    import mediapipe as mp

    # model_complexity=1 is the only Pose model inside the wheel; 0 and 2 would download.
    return mp.solutions.pose.Pose(
        static_image_mode=True,
        model_complexity=1,
        enable_segmentation=True,
        min_detection_confidence=0.5,
    )


def _face_model(selection: int) -> Callable[[], Any]:
    def build() -> Any:
        import mediapipe as mp

        return mp.solutions.face_detection.FaceDetection(
            model_selection=selection, min_detection_confidence=0.5
        )

    return build


_FACTORIES: dict[str, Callable[[], Any]] = {
    "pose": _pose_model,
    "face_short": _face_model(0),
    "face_full": _face_model(1),
}


def _run_model(name: str, image: np.ndarray) -> Any:
    with _cache_lock:
        if name not in _models:
            logger.info("loading MediaPipe model %s", name)
            _models[name] = (_FACTORIES[name](), threading.Lock())
        model, lock = _models[name]
    with lock:
        return model.process(image)


# --- stages --------------------------------------------------------------------------------


def estimate_pose(image: np.ndarray) -> PoseEstimate:
    """Run MediaPipe Pose on an RGB image; landmarks come back in full-resolution pixels.

    When nothing is found the image is tried once more padded to a square: the person
    detector inside Pose misses people in some wide photos that it finds letterboxed.
    """
    height, width = image.shape[:2]
    small, scale = _downscale(image, INFERENCE_MAX_SIDE)
    landmarks, mask = _pose_once(small)
    if landmarks is None:
        side = max(small.shape[:2])
        padded = np.full((side, side, 3), 127, dtype=np.uint8)
        padded[: small.shape[0], : small.shape[1]] = small
        landmarks, mask = _pose_once(padded)
        if landmarks is not None:
            # Normalised to the padded square: rescale to the unpadded frame.
            landmarks[:, 0] *= side / small.shape[1]
            landmarks[:, 1] *= side / small.shape[0]
            mask = mask[: small.shape[0], : small.shape[1]] if mask is not None else None
    if landmarks is None:
        return PoseEstimate((height, width), None, None, scale)
    landmarks[:, 0] *= width
    landmarks[:, 1] *= height
    return PoseEstimate((height, width), landmarks.astype(np.float32), mask, scale)


def _pose_once(image: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    result = _run_model("pose", np.ascontiguousarray(image))
    if result.pose_landmarks is None:
        return None, None
    landmarks = np.array(
        [[p.x, p.y, p.visibility] for p in result.pose_landmarks.landmark], dtype=np.float64
    )
    mask = result.segmentation_mask
    return landmarks, (np.asarray(mask, dtype=np.float32) if mask is not None else None)


def segment_person(image: np.ndarray, pose: PoseEstimate | None = None) -> np.ndarray:
    """Probability (H, W float32, 0..1) that each pixel belongs to the person Pose found.

    Uses the Pose model's own mask rather than SelfieSegmentation: on the studio photos both
    outline the body equally well, but the Pose mask covers only the person Pose tracks, while
    selfie segmentation also marks logos on a press wall, bystanders and animals. The mask is
    upsampled and edge-refined with a guided filter on the full-resolution photo.
    """
    height, width = image.shape[:2]
    if pose is None:
        pose = estimate_pose(image)
    if pose.mask is None:
        return np.zeros((height, width), dtype=np.float32)
    mask = cv2.resize(pose.mask, (width, height), interpolation=cv2.INTER_LINEAR)
    radius = max(2, round(max(height, width) / 200))
    # eps is in squared 8-bit intensity units: edges weaker than ~5% contrast stay soft.
    refined = cv2.ximgproc.guidedFilter(
        np.ascontiguousarray(image), mask.astype(np.float32), radius, (0.05 * 255) ** 2
    )
    return np.clip(refined, 0.0, 1.0).astype(np.float32)


def detect_faces(image: np.ndarray) -> list[FaceBox]:
    """Faces found by the full-range and short-range detectors, duplicates merged.

    The full-range model finds faces down to ~10 px; the short-range one adds large close-up
    faces. Short-range detections need a higher score: below ~0.6 it fires on blurred crowds.
    """
    height, width = image.shape[:2]
    small, _ = _downscale(image, INFERENCE_MAX_SIDE)
    found: list[FaceBox] = []
    for name, min_score in (("face_full", 0.5), ("face_short", 0.6)):
        result = _run_model(name, small)
        for detection in result.detections or []:
            score = float(detection.score[0])
            if score < min_score:
                continue
            box = detection.location_data.relative_bounding_box
            x0, y0 = box.xmin * width, box.ymin * height
            found.append((x0, y0, x0 + box.width * width, y0 + box.height * height, score))
    return _merge_faces(found)


def _merge_faces(faces: list[FaceBox]) -> list[FaceBox]:
    kept: list[FaceBox] = []
    for face in sorted(faces, key=lambda f: -f[4]):
        cx, cy = (face[0] + face[2]) / 2, (face[1] + face[3]) / 2
        if not any(k[0] <= cx <= k[2] and k[1] <= cy <= k[3] for k in kept):
            kept.append(face)
    return kept


def count_people(image: np.ndarray, pose: PoseEstimate, faces: list[FaceBox] | None = None) -> int:
    """How many people the photo shows (0, 1, 2, ...), counted by faces first.

    Faces much smaller than the main one (bystanders far behind) are not counted. The person
    Pose found counts once more when no face belongs to them (face cut off by the frame, or
    turned away). When that leaves one person, Pose runs again with that person greyed out, to
    catch a second person of similar size whose face is not visible.
    """
    if faces is None:
        faces = detect_faces(image)
    height, width = image.shape[:2]
    landmarks = pose.landmarks
    reference = max((f[2] - f[0] for f in faces), default=0.0)
    if landmarks is not None and landmark_seen(landmarks[LM["left_ear"]], height, width):
        ears = np.linalg.norm(landmarks[LM["left_ear"], :2] - landmarks[LM["right_ear"], :2])
        reference = max(reference, float(ears) / 0.8)  # ear span is ~80% of a face box
    faces = [f for f in faces if f[2] - f[0] >= 0.4 * reference]
    count = len(faces)
    if landmarks is None:
        return count
    nose_x, nose_y = landmarks[LM["nose"], :2]
    if not any(_in_box(nose_x, nose_y, f, grow=0.25) for f in faces):
        count += 1
    if count == 1 and pose.mask is not None and _second_person(image, pose):
        count += 1
    return count


def _second_person(image: np.ndarray, pose: PoseEstimate) -> bool:
    """Whether Pose finds another person of similar size once the first is greyed out."""
    if pose.mask is None or pose.landmarks is None:
        return False
    small, _ = _downscale(image, INFERENCE_MAX_SIDE)
    first = (pose.mask > 0.2).astype(np.uint8)
    grow = max(3, round(0.03 * max(first.shape))) | 1
    first = cv2.dilate(first, np.ones((grow, grow), np.uint8)) > 0
    blanked = small.copy()
    blanked[first] = 127
    landmarks, _ = _pose_once(blanked)
    if landmarks is None:
        return False
    h_small, w_small = small.shape[:2]
    landmarks[:, 0] *= w_small
    landmarks[:, 1] *= h_small
    shoulders_seen = all(
        landmark_seen(landmarks[LM[n]], h_small, w_small)
        for n in ("left_shoulder", "right_shoulder")
    )
    nx, ny = landmarks[LM["nose"], :2].astype(int)
    on_first = 0 <= nx < w_small and 0 <= ny < h_small and bool(first[ny, nx])
    scale = h_small / pose.image_size[0]
    span_first = _landmark_span(pose.landmarks, *pose.image_size) * scale
    span_second = _landmark_span(landmarks, h_small, w_small)
    found = shoulders_seen and not on_first and span_second >= 0.5 * span_first
    if found:
        logger.info("a second person of similar size is visible (span %.0f px)", span_second)
    return found


def analyse_person(image: np.ndarray, *, category: str) -> PersonAnalysis:
    """Run every stage on the shopper's photo and check it suits the garment's ``category``.

    Raises ImageInputError: several_people, face_only, no_person, person_too_small or
    body_part_not_visible (naming the part; "shoulders" too for a side view, where one
    shoulder hides the other). Raises ValueError for an unknown category.
    """
    _check_category(category)
    pose = estimate_pose(image)
    faces = detect_faces(image)
    people = count_people(image, pose, faces)
    segmentation = segment_person(image, pose) if pose.landmarks is not None else None
    return person_analysis_from_stages(
        image,
        pose=pose,
        faces=faces,
        people_count=people,
        segmentation=segmentation,
        category=category,
    )


def shopper_photo_check(image: np.ndarray) -> None:
    """Check what every photo must show whatever the garment, as try-on checks it first.

    Runs the stages try-on runs (pose, faces, people count, person mask) on the RGB photo and
    raises ImageInputError: several_people, face_only, no_person, person_too_small or
    body_part_not_visible (shoulders or hips), with the same code, sentence and details
    person_analysis_from_stages gives the same photo. What only some garments need (knees for
    trousers and dresses, shoulders seen from the front for tops) is left to try-on.
    """
    pose = estimate_pose(image)
    faces = detect_faces(image)
    people = count_people(image, pose, faces)
    segmentation = (
        segment_person(image, pose) if pose.landmarks is not None and people < 2 else None
    )
    _photo_checked(image, pose=pose, faces=faces, people_count=people, segmentation=segmentation)


def person_analysis_from_stages(
    image: np.ndarray,
    *,
    pose: PoseEstimate,
    faces: list[FaceBox],
    people_count: int,
    segmentation: np.ndarray | None,
    category: str,
) -> PersonAnalysis:
    """Check the stage results and assemble a PersonAnalysis (see analyse_person).

    The checks every photo needs come first (the same as shopper_photo_check, so a photo the
    upload would refuse is refused here in the same words), then the garment's own.
    """
    _check_category(category)
    height, width = image.shape[:2]
    bbox = _photo_checked(
        image, pose=pose, faces=faces, people_count=people_count, segmentation=segmentation
    )
    landmarks = pose.landmarks
    assert landmarks is not None and segmentation is not None  # _photo_checked made sure
    for part in REQUIRED_PARTS[category]:
        if not _part_ok(part, landmarks, height, width, category):
            raise _part_missing(part, category)
    if "shoulders" in REQUIRED_PARTS[category] and _side_on(landmarks):
        # Seen from the side, one shoulder hides behind the other: no top can be fitted.
        raise _part_missing("shoulders", category)
    return PersonAnalysis(
        image=image,
        landmarks=landmarks,
        segmentation=segmentation,
        people_count=people_count,
        bbox=bbox,
        faces=tuple(faces),
    )


def _photo_checked(
    image: np.ndarray,
    *,
    pose: PoseEstimate,
    faces: list[FaceBox],
    people_count: int,
    segmentation: np.ndarray | None,
) -> tuple[int, int, int, int]:
    """The checks every photo must pass whatever the garment; returns the person's bbox.

    In order, the most basic first: the first that fails is the one the shopper is told.
    """
    height, width = image.shape[:2]
    if people_count >= 2:
        raise ImageInputError(
            "several_people",
            f"We can see {people_count} people in this photo. Please use a photo with only "
            "you in it.",
            people=people_count,
        )
    landmarks = pose.landmarks
    face_share = max((f[3] - f[1] for f in faces), default=0.0) / height
    if faces and (landmarks is None or segmentation is None or face_share >= FACE_ONLY_SHARE):
        # A face filling the picture, or a face and no body: Pose guesses shoulders under a
        # close-up, and its tiny outline would otherwise read as "too small".
        raise ImageInputError(
            "face_only",
            f"Only your face is visible in this photo. {_PHOTO_ADVICE}",
            face_share=round(face_share, 2),
        )
    if landmarks is None or segmentation is None:
        raise ImageInputError(
            "no_person",
            "We couldn't find a person in this photo. Please use a photo of yourself, "
            "standing, facing the camera.",
        )
    bbox = _person_bbox(landmarks, segmentation)
    person_height = bbox[3] - bbox[1]
    if person_height < MIN_PERSON_PX or person_height < MIN_PERSON_SHARE * height:
        raise ImageInputError(
            "person_too_small",
            "You appear too small in this photo. Please use a larger photo taken closer, "
            "where you fill most of the picture.",
            person_height=person_height,
        )
    for part in PHOTO_PARTS:
        # The lenient rule of tops (hips just below the frame pass): a waist-up photo is fine
        # for tops, so only a garment that needs more refuses it, at try-on.
        if not _part_ok(part, landmarks, height, width, "top"):
            raise ImageInputError(
                "body_part_not_visible",
                f"We couldn't see your {part} in this photo. {_PHOTO_ADVICE}",
                part=part,
            )
    return bbox


# --- helpers -------------------------------------------------------------------------------


def _check_category(category: str) -> None:
    if category not in REQUIRED_PARTS:
        raise ValueError(f"unknown garment category {category!r}; valid: {', '.join(CATEGORIES)}")


def _downscale(image: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    height, width = image.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    if scale >= 1.0:
        return np.ascontiguousarray(image), 1.0
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), scale


def landmark_seen(landmark: np.ndarray, height: int, width: int) -> bool:
    """Whether a (x, y, visibility) landmark was seen and lies inside a height x width image."""
    # MediaPipe guesses positions for joints outside the picture, often with high visibility,
    # so a landmark counts only if it is also inside the frame (with a 1% tolerance).
    tol = 0.01 * max(height, width)
    x, y, visibility = landmark
    return visibility >= VISIBLE and -tol <= x <= width + tol and -tol <= y <= height + tol


def _in_box(x: float, y: float, box: FaceBox, grow: float) -> bool:
    dx, dy = (box[2] - box[0]) * grow, (box[3] - box[1]) * grow
    return box[0] - dx <= x <= box[2] + dx and box[1] - dy <= y <= box[3] + dy


def _landmark_span(landmarks: np.ndarray, height: int, width: int) -> float:
    ys = [lm[1] for lm in landmarks if landmark_seen(lm, height, width)]
    return float(max(ys) - min(ys)) if ys else 0.0


def _part_ok(part: str, landmarks: np.ndarray, height: int, width: int, category: str) -> bool:
    pair = [landmarks[LM[name]] for name in _PARTS[part]]
    if all(landmark_seen(lm, height, width) for lm in pair):
        return True
    if part == "hips" and category in ("top", "outerwear"):
        shoulders = landmarks[[LM["left_shoulder"], LM["right_shoulder"]], 1].mean()
        hips_y = float(np.mean([lm[1] for lm in pair]))
        torso = hips_y - shoulders
        inside_x = all(0 <= lm[0] <= width for lm in pair)
        # Near or below the bottom edge (seen or not): the waist-up photo case.
        low, high = height - 0.05 * torso, height + HIPS_BELOW_FRAME_SHARE * torso
        return torso > 0 and inside_x and low <= hips_y <= high
    return False


def _side_on(landmarks: np.ndarray) -> bool:
    """Whether the shoulders are too close together for the torso's length (a side view).

    Facing the camera, the shoulder joints are ~0.6-0.75 torso lengths apart (0.5 when
    turned a little); side-on walkers and crouchers measure below 0.2.
    """
    left, right = landmarks[LM["left_shoulder"], :2], landmarks[LM["right_shoulder"], :2]
    hips = (landmarks[LM["left_hip"], :2] + landmarks[LM["right_hip"], :2]) / 2
    torso = float(np.linalg.norm((left + right) / 2 - hips))
    return torso > 0 and float(np.linalg.norm(left - right)) < MIN_SHOULDER_SHARE * torso


def _part_missing(part: str, category: str) -> ImageInputError:
    return ImageInputError(
        "body_part_not_visible",
        f"We couldn't see your {part} in this photo. {_PART_ADVICE[category]}",
        part=part,
    )


def _person_bbox(landmarks: np.ndarray, segmentation: np.ndarray) -> tuple[int, int, int, int]:
    height, width = segmentation.shape
    ys, xs = np.nonzero(segmentation > 0.5)
    points = [(lm[0], lm[1]) for lm in landmarks if landmark_seen(lm, height, width)]
    if len(xs):
        points += [(xs.min(), ys.min()), (xs.max() + 1, ys.max() + 1)]
    px = np.clip([p[0] for p in points], 0, width)
    py = np.clip([p[1] for p in points], 0, height)
    return int(px.min()), int(py.min()), int(np.ceil(px.max())), int(np.ceil(py.max()))
