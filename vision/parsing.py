"""Person parsing: a class for every pixel of the shopper's photo, with nothing downloaded.

No parsing network ships offline, so the classes come from what does: the Pose model's
landmarks and person mask, the face detector, and classical colour modelling seeded by them.

* Skin: a Lab colour model seeded from the middle of the detected face (cheeks and nose),
  or from the backs of the hands when the face is cut off; a generic skin prior when neither
  is seen. Skin pixels are then named by the body part whose bones they lie along: face and
  neck near the head, arms along shoulder-elbow-wrist-hand, legs along hip-knee-ankle.
* Hair: what is not skin around the head, and pixels of the same colour hanging from it.
* Shoes: what is not skin around the feet.
* Clothes: the rest of the person. Their colours are clustered (k-means in Lab); each
  cluster votes for "upper" or "lower" by where its pixels lie (the chest and sleeves
  against the thighs). When chest and thighs wear the same colours and the gap between the
  knees is cloth too, the garment is one piece: a dress, labelled "lower" throughout.

The work happens at WORK_MAX_SIDE; labels are brought back to full resolution along the
Pose model's edge-refined person mask, so the outline is as sharp as the segmentation.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import cv2
import numpy as np

from vision.body_frame import SHOULDER_TOP
from vision.pose import LM, FaceBox, PersonAnalysis, landmark_seen

LABELS = ("background", "hair", "face", "arms", "legs", "upper", "lower", "shoes")
LABEL = {name: index for index, name in enumerate(LABELS)}
SKIN_LABELS = ("face", "arms", "legs")
#: Parsing runs at most this big (longest side): enough for garment-sized regions.
WORK_MAX_SIDE = 512
#: Clothes colours are clustered into this many groups.
CLOTHES_CLUSTERS = 6
#: Skin colour for a person none of whose skin is visible (a mid tone).
GENERIC_SKIN_RGB = (190.0, 145.0, 120.0)
#: Shaded leg skin is at least this far (Lab) from the lower clothes' median colour.
SHADED_SKIN_FROM_CLOTHES = 25.0
#: Without a face to go by, "hair" whose median chroma is within this CIELAB distance
#: (a, b) of the skin's median is skin in shade.
HAIR_FROM_SKIN_CHROMA = 10.0
#: Above the waist line, clothes this much nearer (Lab) a lower colour than any upper one
#: may be a high waistband.
HIGH_WAIST_MARGIN = 20.0


@dataclass(frozen=True)
class PersonParsing:
    """Per-pixel classes of one photo (full resolution) and how they were found.

    ``labels`` holds indices into LABELS. ``dress`` says one garment runs from the chest
    past the hips (labelled "lower" throughout). ``skin_source`` says where the skin colour
    model came from: "face", "hands" or "prior" (none of the person's own skin was seen).
    """

    labels: np.ndarray  # (H, W) uint8
    dress: bool
    skin_source: str
    skin_rgb: tuple[float, float, float]  # the skin model's mean colour

    def mask(self, *names: str) -> np.ndarray:
        """Boolean mask of the pixels with any of the named labels."""
        if len(names) == 1:
            return self.labels == LABEL[names[0]]  # (several times faster than isin)
        return np.isin(self.labels, [LABEL[name] for name in names])

    def share(self, name: str) -> float:
        """Fraction of the person's pixels with this label."""
        person = self.labels > 0
        return float((self.labels[person] == LABEL[name]).mean()) if person.any() else 0.0


def parse_person(
    image: np.ndarray,
    landmarks: np.ndarray,
    segmentation: np.ndarray,
    faces: tuple[FaceBox, ...] | list[FaceBox] = (),
) -> PersonParsing:
    """Label every pixel of ``image`` (H, W, 3 RGB uint8) with one of LABELS.

    ``landmarks`` are Pose's (33, 3) in full-resolution pixels, ``segmentation`` its
    person probability (H, W) and ``faces`` the detected face boxes (see vision.pose).
    """
    height, width = image.shape[:2]
    scale = min(1.0, WORK_MAX_SIDE / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA) if scale < 1 else image
    person = (
        cv2.resize(segmentation, size, interpolation=cv2.INTER_AREA) if scale < 1 else segmentation
    ) > 0.5
    body = _Skeleton(landmarks, scale, (size[1], size[0]), (height, width))
    scaled_faces = [tuple(v * scale for v in f[:4]) + (f[4],) for f in faces]
    labels, dress, source = _label(small, person, body, scaled_faces)
    skin = np.isin(labels, [LABEL[n] for n in SKIN_LABELS])
    skin_rgb = small[skin].mean(axis=0) if skin.sum() >= 12 else GENERIC_SKIN_RGB
    return PersonParsing(
        labels=_to_full_resolution(labels, segmentation > 0.5),
        dress=dress,
        skin_source=source,
        skin_rgb=tuple(float(v) for v in skin_rgb),
    )


def person_parsed(person: PersonAnalysis) -> PersonAnalysis:
    """The same analysis with its ``parsing`` filled in (parsed once; a no-op after)."""
    if person.parsing is not None:
        return person
    parsing = parse_person(person.image, person.landmarks, person.segmentation, person.faces)
    return replace(person, parsing=parsing)


def replaced_clothes(person: PersonAnalysis, category: str) -> np.ndarray:
    """The clothes a new garment of ``category`` replaces on this parsed person.

    A top replaces the upper clothes (and a dress's bodice), trousers or a skirt the lower
    clothes (a dress's skirt), a dress both; outerwear goes over and replaces nothing.
    """
    parsing = person.parsing
    if parsing is None:
        raise ValueError("the person is not parsed yet (see person_parsed)")
    upper, lower = parsing.mask("upper"), parsing.mask("lower")
    if category == "dress":
        return upper | lower
    if category == "outerwear":
        return np.zeros_like(upper)
    if not parsing.dress:
        return upper if category == "top" else lower
    # A dress's waist is a little above the hip joints.
    waist = torso_axial_share(person.landmarks, parsing.labels.shape) < 0.85
    return upper | (lower & waist) if category == "top" else lower & ~waist


def torso_axial_share(landmarks: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Per pixel of an image of ``size`` (H, W): how far down the torso, in torso lengths.

    0 at the shoulders' midpoint, 1 at the hips' midpoint, measured along the torso's axis.
    """
    smid = (landmarks[LM["left_shoulder"], :2] + landmarks[LM["right_shoulder"], :2]) / 2
    hmid = (landmarks[LM["left_hip"], :2] + landmarks[LM["right_hip"], :2]) / 2
    down = (hmid - smid).astype(np.float64)
    length2 = max(float(down @ down), 1.0)
    ys, xs = np.mgrid[0 : size[0], 0 : size[1]].astype(np.float32)
    return ((xs - smid[0]) * down[0] + (ys - smid[1]) * down[1]) / length2


# --- the skeleton --------------------------------------------------------------------------


class _Skeleton:
    """Landmarks at work resolution, with distance maps to the bones of each body part."""

    def __init__(
        self,
        landmarks: np.ndarray,
        scale: float,
        size: tuple[int, int],
        full_size: tuple[int, int],
    ) -> None:
        self.height, self.width = size
        self.points = landmarks[:, :2].astype(np.float64) * scale
        self.seen = {
            name: landmark_seen(landmarks[index], *full_size) for name, index in LM.items()
        }
        ls, rs = self.pt("left_shoulder"), self.pt("right_shoulder")
        lh, rh = self.pt("left_hip"), self.pt("right_hip")
        self.smid, self.hmid = (ls + rs) / 2, (lh + rh) / 2
        self.sw = max(float(np.linalg.norm(ls - rs)), 4.0)
        down = self.hmid - self.smid
        self.torso = max(float(np.linalg.norm(down)), 0.8 * self.sw)
        self.down = down / max(float(np.linalg.norm(down)), 1e-6)
        ys, xs = np.mgrid[0 : self.height, 0 : self.width].astype(np.float32)
        self.xs, self.ys = xs, ys
        #: Distance along the torso axis from the shoulders' midpoint, in torso lengths.
        self.axial = ((xs - self.smid[0]) * self.down[0] + (ys - self.smid[1]) * self.down[1]) / (
            self.torso
        )
        hands = {side: self.hand_tip(side) for side in ("left", "right")}
        self.arm = self._distance(
            [
                seg
                for side in ("left", "right")
                for seg in itertools.pairwise(
                    [self.pt(f"{side}_{j}") for j in ("shoulder", "elbow", "wrist")] + [hands[side]]
                )
            ]
        )
        self.leg = self._distance(
            [
                seg
                for side in ("left", "right")
                for seg in itertools.pairwise(
                    [self.pt(f"{side}_{j}") for j in ("hip", "knee", "ankle", "foot_index")]
                )
            ]
            + [(self.pt(f"{s}_ankle"), self.pt(f"{s}_heel")) for s in ("left", "right")]
        )
        self.soles = self._distance(
            [(self.pt(f"{s}_heel"), self.pt(f"{s}_foot_index")) for s in ("left", "right")]
        )
        self.feet = self._distance(
            [
                (self.pt(f"{s}_{a}"), self.pt(f"{s}_{b}"))
                for s in ("left", "right")
                for a, b in (("ankle", "foot_index"), ("heel", "foot_index"), ("ankle", "heel"))
                if self.seen[f"{s}_ankle"]
            ]
        )

    def pt(self, name: str) -> np.ndarray:
        return self.points[LM[name]].copy()

    def ankle_axial(self) -> float:
        """The higher ankle's position along the torso axis, in torso lengths."""
        ankles = [self.pt(f"{s}_ankle") for s in ("left", "right")]
        return min(float(np.dot(a - self.smid, self.down)) / self.torso for a in ankles)

    def hand_tip(self, side: str) -> np.ndarray:
        wrist = self.pt(f"{side}_wrist")
        fingers = (self.pt(f"{side}_index") + self.pt(f"{side}_pinky")) / 2
        return wrist + 1.3 * (fingers - wrist)

    def _distance(self, segments: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Distance (pixels) from every pixel to the nearest of the bone segments."""
        best = np.full((self.height, self.width), np.inf, dtype=np.float32)
        for a, b in segments:
            ab = b - a
            length2 = max(float(ab @ ab), 1e-6)
            t = np.clip(((self.xs - a[0]) * ab[0] + (self.ys - a[1]) * ab[1]) / length2, 0, 1)
            d = np.hypot(self.xs - (a[0] + t * ab[0]), self.ys - (a[1] + t * ab[1]))
            np.minimum(best, d, out=best)
        return best

    def torso_polygon(self) -> np.ndarray:
        """Mask of the quadrilateral shoulders-hips (the chest and belly)."""
        polygon = np.array(
            [self.pt(n) for n in ("left_shoulder", "right_shoulder", "right_hip", "left_hip")]
        )
        mask = np.zeros((self.height, self.width), dtype=np.uint8)
        cv2.fillConvexPoly(mask, np.round(polygon).astype(np.int32), 1)
        return mask > 0


# --- labelling -----------------------------------------------------------------------------


def _label(
    image: np.ndarray, person: np.ndarray, body: _Skeleton, faces: list[FaceBox]
) -> tuple[np.ndarray, bool, str]:
    lab = cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    face = _main_face(faces, body)
    skin, source = _skin(lab, person, body, face)
    labels = np.zeros(person.shape, dtype=np.uint8)
    sw = body.sw

    head_centre, head_radius = _head(body, face)
    near_head = np.hypot(body.xs - head_centre[0], body.ys - head_centre[1]) < 1.5 * head_radius
    # The neck: between the head and the shoulder line, within the neck's column.
    neck = (body.axial < 0.12) & (
        np.abs((body.xs - body.smid[0]) * body.down[1] - (body.ys - body.smid[1]) * body.down[0])
        < 0.3 * sw
    )
    head_zone = (near_head | (neck & (body.axial > -0.6))) & (body.axial < 0.12)

    arm_reach = body.arm < 0.35 * sw
    leg_reach = (body.leg < 0.4 * sw) & (body.axial > 0.7)
    # Shoes: around the feet, and no higher than a little above the ankle bone (trouser
    # hems end there).
    ankle_axial = body.ankle_axial()
    feet = (body.feet < 0.22 * sw) & person & (body.axial > ankle_axial - 0.08)
    hair, shaded = _hair(lab, person, skin, body, face, head_zone, near_head)
    skin = skin | shaded

    labels[person] = LABEL["upper"]  # clothes until shown otherwise, split below
    labels[hair] = LABEL["hair"]
    labels[feet & ~skin] = LABEL["shoes"]
    skin_here = skin & person & ~hair
    labels[skin_here & head_zone] = LABEL["face"]
    # Skin on the chest just below the neck (a V-neck) belongs with the neck.
    chest = skin_here & ~head_zone & (body.axial < 0.35) & ~arm_reach
    labels[chest] = LABEL["face"]
    rest = skin_here & ~head_zone & ~chest
    legs = rest & leg_reach & ~((body.arm < body.leg) & arm_reach)
    labels[legs] = LABEL["legs"]
    labels[rest & ~legs] = LABEL["arms"]

    clothes = labels == LABEL["upper"]
    dress = _split_clothes(lab, clothes, body, labels)
    _trouser_hems_from_shoes(lab, labels, body)
    _shaded_leg_skin(lab, labels, body)
    _ankles_in_shade(lab, labels, body)
    _drop_clothes_slivers(labels, body)
    _hair_tips_to_hair(labels, body)
    if not dress:
        _drop_detached_upper(labels, body)
    return _tidy(labels, person), dress, source


def _drop_detached_upper(labels: np.ndarray, body: _Skeleton) -> None:
    """Upper-clothes pieces outside the torso, low down, give way to their neighbours.

    A top lies over the torso (a cardigan's hem may be cut off from its chest by crossed
    forearms, still over the torso) and its sleeves hang from it, up to the armpits; a patch
    of "upper" beside a hand or a hip that reaches neither is a shadow on the arm or a
    pocket's colour, and a new top must not be made to replace it.
    """
    upper = labels == LABEL["upper"]
    if not upper.any():
        return
    # The torso, continued below the hips by half its length: a top's hem hangs there.
    hem_zone = body.torso_polygon() | ((body.axial > 0.9) & (body.axial < 1.5) & _hip_column(body))
    count, components = cv2.connectedComponents(upper.astype(np.uint8), connectivity=8)
    if count <= 2:
        return
    keep = set(np.unique(components[hem_zone & upper]).tolist())
    # A sleeve cut off from the chest by an arm's edge still reaches up to the armpits.
    keep |= set(np.unique(components[upper & (body.axial < 0.45)]).tolist())
    keep.discard(0)
    on_chest = np.array(sorted(keep), dtype=np.int32)
    detached = upper & ~np.isin(components, on_chest)
    if on_chest.size and detached.any():
        _relabel_by_neighbours(labels, detached)


def _drop_clothes_slivers(labels: np.ndarray, body: _Skeleton) -> None:
    """Thin clothes pixels cut off from the garments give way to their neighbours, in place.

    Skin edges the colour model misses, and shadows the person mask takes in, come out as
    clothes: a thin rim along an arm, a band beside a leg. An opening cuts them off the
    garments' bodies; what is then not connected to a garment's body is relabelled by the
    majority of the labels around it (background included).
    """
    width = max(3, round(0.04 * body.sw)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (width, width))
    for name in ("upper", "lower"):
        garment = labels == LABEL[name]
        if not garment.any():
            continue
        bodies = cv2.morphologyEx(garment.astype(np.uint8), cv2.MORPH_OPEN, kernel)
        slivers = garment & ~(cv2.dilate(bodies, np.ones((3, 3), np.uint8)) > 0)
        _relabel_by_neighbours(labels, slivers)


def _hair_tips_to_hair(labels: np.ndarray, body: _Skeleton) -> None:
    """Tips of hair hanging onto the shoulders, taken for clothes, go to the hair, in place.

    Lit tips of dark hair look like a dark dress (p18's), and a new top then rose into the
    hair as a block. They are thin upward parts of the clothes (under 0.08 shoulder spans
    across) that touch the hair and lie wholly above the shoulders' tops (a strap runs on
    down over the shoulder into its top), and they hang: at least 0.04 shoulder spans tall
    and not much wider than tall (a sliver of a tee's shoulder under the hair is wide and
    flat, and the tee's).
    """
    hair = labels == LABEL["hair"]
    clothes = np.isin(labels, [LABEL["upper"], LABEL["lower"]])
    if not hair.any() or not clothes.any():
        return
    width = max(3, round(0.08 * body.sw))
    wide = cv2.morphologyEx(clothes.astype(np.uint8), cv2.MORPH_OPEN, np.ones((1, width), np.uint8))
    thin = clothes & (wide == 0)
    count, parts, stats, _ = cv2.connectedComponentsWithStats(thin.astype(np.uint8), connectivity=8)
    near_hair = cv2.dilate(hair.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    above = body.axial < -SHOULDER_TOP * body.sw / body.torso
    for index in range(1, count):
        across, tall = stats[index, cv2.CC_STAT_WIDTH], stats[index, cv2.CC_STAT_HEIGHT]
        if tall < 0.04 * body.sw or tall < 0.6 * across:
            continue
        part = parts == index
        if near_hair[part].any() and above[part].all():
            labels[part] = LABEL["hair"]


def _hip_column(body: _Skeleton) -> np.ndarray:
    """Pixels between the two hip joints' lines along the torso's axis."""
    left, right = body.pt("left_hip"), body.pt("right_hip")
    across = right - left
    span2 = max(float(across @ across), 1.0)
    share = ((body.xs - left[0]) * across[0] + (body.ys - left[1]) * across[1]) / span2
    return (share > -0.1) & (share < 1.1)


def _trouser_hems_from_shoes(lab: np.ndarray, labels: np.ndarray, body: _Skeleton) -> None:
    """Give back to the lower garment the hems the feet zone took, by colour (in place).

    The zone around the feet reaches up over the ankles, where trousers end: pixels there
    that look like the trousers rather than like the shoes (seen along the soles) are
    trousers.
    """
    shoes = labels == LABEL["shoes"]
    lower = labels == LABEL["lower"]
    soles = shoes & (body.soles < 0.08 * body.sw)
    if soles.sum() < 10 or lower.sum() < 10:
        return
    shoe_model, lower_model = _gaussian(lab[soles]), _gaussian(lab[lower])
    trouser_like = _mahalanobis(lab, *lower_model) < _mahalanobis(lab, *shoe_model)
    labels[shoes & ~soles & trouser_like] = LABEL["lower"]


def _main_face(faces: list[FaceBox], body: _Skeleton) -> FaceBox | None:
    """The face that belongs to the person Pose found (the one around the nose)."""
    nose = body.pt("nose")
    for face in sorted(faces, key=lambda f: -(f[2] - f[0]) * (f[3] - f[1])):
        x0, y0, x1, y1 = face[:4]
        gx, gy = 0.25 * (x1 - x0), 0.25 * (y1 - y0)
        if x0 - gx <= nose[0] <= x1 + gx and y0 - gy <= nose[1] <= y1 + gy:
            return face
    return None


def _head(body: _Skeleton, face: FaceBox | None) -> tuple[np.ndarray, float]:
    """Centre and radius of the head (a circle around face and hair)."""
    if face is not None:
        x0, y0, x1, y1 = face[:4]
        # MediaPipe's face box runs brow to chin; the skull reaches well above it.
        centre = np.array([(x0 + x1) / 2, y0 + 0.35 * (y1 - y0)])
        return centre, 0.75 * max(x1 - x0, y1 - y0)
    ears = [body.pt(n) for n in ("left_ear", "right_ear") if body.seen[n]]
    centre = np.mean(ears, axis=0) if ears else body.pt("nose")
    span = np.linalg.norm(body.pt("left_ear") - body.pt("right_ear")) if len(ears) == 2 else 0
    return centre - np.array([0, 0.1 * body.sw]), max(0.9 * float(span), 0.35 * body.sw)


def _skin(
    lab: np.ndarray, person: np.ndarray, body: _Skeleton, face: FaceBox | None
) -> tuple[np.ndarray, str]:
    """Where the person's skin is, from a colour model of their own skin where seen."""
    seeds = np.zeros(person.shape, dtype=bool)
    source = "prior"
    if face is not None:
        x0, y0, x1, y1 = face[:4]
        # Cheeks and nose: between the eyes and the mouth, away from hair and brows.
        seeds[
            max(0, int(y0 + 0.45 * (y1 - y0))) : max(0, int(y0 + 0.8 * (y1 - y0))),
            max(0, int(x0 + 0.25 * (x1 - x0))) : max(0, int(x0 + 0.75 * (x1 - x0))),
        ] = True
        source = "face"
    elif all(body.seen[n] for n in ("nose", "left_eye", "right_eye")):
        # No face box (a small or turned face), but the nose and eyes are seen: the cheeks
        # are between and below them.
        nose = body.pt("nose")
        span = float(np.linalg.norm(body.pt("left_eye") - body.pt("right_eye")))
        _disc_draw(seeds, nose + np.array([0.0, 0.2 * span]), max(2, round(0.5 * span)))
        source = "face"
    else:
        for side in ("left", "right"):
            if body.seen[f"{side}_wrist"] and body.seen[f"{side}_index"]:
                centre = (body.pt(f"{side}_wrist") + body.hand_tip(side)) / 2
                _disc_draw(seeds, centre, max(2, round(0.06 * body.sw)))
        source = "hands"
    sample = lab[seeds & person]
    model = _robust_skin_model(sample) if len(sample) >= 12 else None
    if model is None:
        chroma = lab[..., 1:]
        # Generic skin: reddish-yellow chroma of any lightness above deep shadow.
        prior = (
            (chroma[..., 0] > 6)
            & (chroma[..., 0] < 32)
            & (chroma[..., 1] > 6)
            & (chroma[..., 1] < 40)
            & (lab[..., 0] > 15)
        )
        return prior & person, "prior"
    skin = _skin_matching(lab, person, model)
    if float(np.abs(model[0][1:]).max()) < 1.5:
        # A black-and-white photo: lightness alone matches half the clothes too. Keep to
        # the head and the arms, where skin is likeliest, and refit nothing.
        return skin & ((body.axial < 0.1) | (body.arm < 0.15 * body.sw)), source
    # Skin on arms and legs is often lit or tanned differently from the face: refit the
    # model once on everything found along the limbs, then look again with both.
    limbs = skin & ((body.arm < 0.3 * body.sw) | (body.leg < 0.35 * body.sw))
    if limbs.sum() >= 30:
        refit = _robust_skin_model(lab[limbs])
        # Only a refit that is still this person's skin (not a warm-lit white shirt).
        if refit is not None and _chroma_distance(refit[0], model) < 1.5:
            skin |= _skin_matching(lab, person, refit) & (
                (body.arm < 0.4 * body.sw) | (body.leg < 0.45 * body.sw)
            )
    return skin | _shadowed_arm_skin(lab, person, body, skin, model), source


def _shadowed_arm_skin(
    lab: np.ndarray,
    person: np.ndarray,
    body: _Skeleton,
    skin: np.ndarray,
    model: tuple[np.ndarray, np.ndarray, float],
) -> np.ndarray:
    """The shaded side of an arm, joined to its lit skin.

    An arm hanging beside the body is in shadow on its inner side, darker than the face's
    lightness range allows, though its chroma is still skin's; taken for clothes, it would
    be painted over by a new top's body. Along the arms, pixels of skin chroma down to a
    third of the face's lightness (never near black: dark cloth has faint warm chroma too)
    join the skin they touch.
    """
    return _shaded_skin_joined(lab, person & (body.arm < 0.3 * body.sw), skin, model)


def _shaded_skin_joined(
    lab: np.ndarray,
    region: np.ndarray,
    skin: np.ndarray,
    model: tuple[np.ndarray, np.ndarray, float],
) -> np.ndarray:
    """Pixels of ``region`` with the skin model's chroma, from a third of its lightness (never
    near black: dark cloth has faint warm chroma too) to a little above it, that join
    ``skin``: the shaded side of a limb."""
    mean, _, light = model
    candidates = (
        region
        & (_chroma_d2(lab, model) < 9.0)
        & (lab[..., 0] > max(0.35 * float(mean[0]), 12.0))
        & (lab[..., 0] <= mean[0] + 2.0 * light)
    )
    return _connected_to(candidates | skin, skin) & candidates


def _shaded_leg_skin(lab: np.ndarray, labels: np.ndarray, body: _Skeleton) -> None:
    """The shaded sides of bare legs, taken for the lower clothes, given back to the legs.

    Below a skirt, knees and shins turned from the light are darker than the face's skin
    model allows and unlike any clothes seed, so they fell to the lower clothes, which a
    new garment replaces: the shopper's knees came back as blotches of invented skin. As
    for the arms (see _shadowed_arm_skin), along the legs below the hips, pixels of the
    legs' own skin chroma that join the lit skin are legs, unless they are the lower
    clothes' own colour (tan trousers stay trousers).
    """
    legs = labels == LABEL["legs"]
    lower = labels == LABEL["lower"]
    if legs.sum() < 30 or lower.sum() < 30:
        return
    model = _robust_skin_model(lab[legs])
    if model is None:
        return
    garment = np.median(lab[lower], axis=0)
    region = (
        lower
        & (np.linalg.norm(lab - garment, axis=-1) > SHADED_SKIN_FROM_CLOTHES)
        & (body.leg < 0.3 * body.sw)
        & (body.axial > 1.0)
    )
    labels[_shaded_skin_joined(lab, region, legs, model)] = LABEL["legs"]


def _ankles_in_shade(lab: np.ndarray, labels: np.ndarray, body: _Skeleton) -> None:
    """Bare ankles in deep shade, taken for shoes, given back to the legs (in place).

    A back foot's ankle between leggings and a shoe lies in the other leg's shadow, far
    darker than any skin model allows and joined to no lit skin: it fell to the shoes,
    and under new shorts a lit, invented shin stood on a dark block of real ankle. Above
    each ankle's bone (a shoe's collar is at or below it) pixels of a warm hue near skin's
    chroma, never black, are legs.
    """
    shoes = labels == LABEL["shoes"]
    skin = np.isin(labels, [LABEL["arms"], LABEL["legs"], LABEL["face"]])
    if not shoes.any() or skin.sum() < 30:
        return
    model = _robust_skin_model(lab[skin])
    if model is None:
        return
    above = np.zeros(labels.shape, dtype=bool)
    for side in ("left", "right"):
        if not body.seen[f"{side}_ankle"]:
            continue
        ankle = body.pt(f"{side}_ankle")
        near = np.hypot(body.xs - ankle[0], body.ys - ankle[1]) < 0.25 * body.sw
        level = float(np.dot(ankle - body.smid, body.down)) / body.torso
        above |= near & (body.axial < level + 0.02)
    # Deep shade greys skin's chroma too: a warm hue, within five deviations of the model.
    warm = (lab[..., 1] > 4.0) & (lab[..., 2] > 2.0) & (_chroma_d2(lab, model) < 25.0)
    shaded = shoes & above & warm & (lab[..., 0] > 5.0)
    count, parts, stats, _ = cv2.connectedComponentsWithStats(shaded.astype(np.uint8))
    big = np.zeros(count, dtype=bool)
    big[1:] = stats[1:, cv2.CC_STAT_AREA] >= 0.002 * body.sw * body.sw
    labels[big[parts]] = LABEL["legs"]


def _disc_draw(mask: np.ndarray, centre: np.ndarray, radius: int) -> None:
    """Set a filled disc of a boolean mask, in place."""
    canvas = mask.view(np.uint8)
    cv2.circle(canvas, tuple(np.round(centre).astype(int).tolist()), radius, 1, -1)


def _chroma_distance(lab: np.ndarray, model: tuple[np.ndarray, np.ndarray, float]) -> float:
    """Mahalanobis distance of a Lab colour's chroma under a skin model."""
    delta = lab[1:] - model[0][1:]
    return float(np.sqrt(delta @ model[1] @ delta))


def _skin_matching(
    lab: np.ndarray, person: np.ndarray, model: tuple[np.ndarray, np.ndarray, float]
) -> np.ndarray:
    """Person pixels within three standard deviations of a skin model, specks removed."""
    mean, _, light = model
    d2 = _chroma_d2(lab, model)
    lightness_ok = (lab[..., 0] > mean[0] - 2.5 * light) & (lab[..., 0] < mean[0] + 2.0 * light)
    skin = (d2 < 9.0) & lightness_ok & person
    opened = cv2.morphologyEx(skin.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    return opened > 0


def _chroma_d2(lab: np.ndarray, model: tuple[np.ndarray, np.ndarray, float]) -> np.ndarray:
    """Squared Mahalanobis distance of every pixel's chroma under a skin model."""
    mean, inverse, _ = model
    delta = lab[..., 1:] - mean[1:]
    return np.einsum("...i,ij,...j->...", delta, inverse, delta)


def _robust_skin_model(sample: np.ndarray) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Mean Lab, inverse chroma covariance and lightness spread of skin seed pixels.

    Seeds may include a strand of hair, a cuff or an object in the hand: pixels far from
    the median chroma are dropped before the model is fitted. None when the seeds' chroma
    is not skin-like at all (a glove, a face mask).
    """
    median = np.median(sample, axis=0)
    spread = 1.4826 * np.median(np.abs(sample - median), axis=0) + 1.0
    keep = np.all(np.abs(sample - median) < 2.5 * spread * np.float32([2.0, 1.0, 1.0]), axis=1)
    sample = sample[keep] if keep.sum() >= 12 else sample
    mean = sample.mean(axis=0)
    greyscale = float(np.abs(sample[:, 1:]).max()) < 1.5
    if not greyscale and not (2 < mean[1] < 40 and 2 < mean[2] < 45):
        return None
    cov = np.cov(sample[:, 1:].T) + np.eye(2) * 4.0  # at least 2 Lab units of chroma spread
    light = max(float(sample[:, 0].std()), 8.0)
    return mean, np.linalg.inv(cov), light


def _hair(
    lab: np.ndarray,
    person: np.ndarray,
    skin: np.ndarray,
    body: _Skeleton,
    face: FaceBox | None,
    head_zone: np.ndarray,
    near_head: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Hair: non-skin around the head, and the same colours hanging down from it; and
    what passed for hair but is skin in shade (see below)."""
    candidate = person & ~skin
    above_shoulders = body.axial < -0.05
    on_head = candidate & near_head & above_shoulders
    lateral = np.abs(
        (body.xs - body.smid[0]) * body.down[1] - (body.ys - body.smid[1]) * body.down[0]
    )
    if face is not None:
        # Right beside and below the face box is usually collar or beard; hair grows above.
        on_head &= body.axial < 0.0
        # Well above the face box (it reaches mid-forehead) is hair, even blond hair the
        # skin model takes for skin.
        y0, box_height = face[1], face[3] - face[1]
        on_head |= person & near_head & (body.ys < y0 - 0.2 * box_height)
    nothing = np.zeros_like(on_head)
    if on_head.sum() < 10:
        return on_head, nothing
    clothes_lab = lab[candidate & body.torso_polygon() & (body.axial > 0.25)]
    if len(clothes_lab) < 10:
        return on_head, nothing
    clothes_model = _gaussian(clothes_lab)
    if face is not None:
        # Under the chin, across the neck's column, a crew neck rising above the shoulder
        # joints may pass for hair: there a seed must look like the hair above the chin
        # rather than like the clothes.
        doubtful = on_head & (body.ys > face[3]) & (lateral < 0.3 * body.sw)
        sure = on_head & ~doubtful
        if doubtful.any() and sure.sum() >= 10:
            above = _gaussian(lab[sure])
            colours = lab[doubtful]
            like_clothes = _mahalanobis(colours, *clothes_model) < _mahalanobis(colours, *above)
            on_head[doubtful] = ~like_clothes
    hair_model = _gaussian(lab[on_head])
    # Long hair: hair-coloured pixels below the head, near its column and above mid-chest.
    hanging = candidate & ~on_head & (body.axial < 0.6) & (lateral < 0.9 * body.sw)
    closer = _mahalanobis(lab, *hair_model) + 2.0 < _mahalanobis(lab, *clothes_model)
    grown = _connected_to(on_head | (hanging & closer), on_head)
    hair = grown | on_head
    shaded = np.zeros_like(hair)
    if face is None and skin.sum() >= 50:
        # No face found (cropped at the nose): a neck in its own shade, more saturated than
        # the lit skin, passed for hair and grew down a V-neck's chest, kept in front of
        # every new top. A piece of "hair" whose median chroma is the skin's is skin.
        chroma = np.median(lab[skin][:, 1:], axis=0)
        count, pieces = cv2.connectedComponents(hair.astype(np.uint8), connectivity=8)
        for index in range(1, count):
            piece = pieces == index
            if (
                np.linalg.norm(np.median(lab[piece][:, 1:], axis=0) - chroma)
                < HAIR_FROM_SKIN_CHROMA
            ):
                shaded |= piece
    return hair & ~shaded, shaded


def _gaussian(sample: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = sample.mean(axis=0)
    cov = np.cov(sample.T) + np.eye(3) * 9.0
    return mean, np.linalg.inv(cov)


def _mahalanobis(lab: np.ndarray, mean: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    delta = lab - mean
    return np.sqrt(np.einsum("...i,ij,...j->...", delta, inverse, delta))


def _connected_to(mask: np.ndarray, anchor: np.ndarray) -> np.ndarray:
    count, components = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    keep = np.zeros(count, dtype=bool)
    keep[np.unique(components[anchor & mask])] = True
    keep[0] = False
    return keep[components]


def _split_clothes(
    lab: np.ndarray, clothes: np.ndarray, body: _Skeleton, labels: np.ndarray
) -> bool:
    """Relabel clothes pixels "upper" or "lower" in place; True when it is one dress."""
    if clothes.sum() < 20:
        return False
    torso = body.torso_polygon()
    upper_seeds = clothes & torso & (body.axial > 0.15) & (body.axial < 0.55)
    upper_seeds |= clothes & (body.arm < 0.25 * body.sw) & (body.axial < 0.35)
    thighs = (body.leg < 0.3 * body.sw) & (body.axial > 1.25)
    knees_seen = body.seen["left_knee"] or body.seen["right_knee"]
    if knees_seen:
        thighs &= body.axial < _knee_axial(body) - 0.1
    lower_seeds = clothes & thighs
    if lower_seeds.sum() < 20:
        # Nothing below the hips to learn from: no lower garment in view (or too little).
        return False
    if upper_seeds.sum() < 20:
        labels[clothes] = LABEL["lower"]
        return False

    pixels = lab[clothes]
    step = max(1, len(pixels) // 20000)
    k = min(CLOTHES_CLUSTERS, max(2, len(pixels[::step]) // 50))
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(0)
    _, _, centres = cv2.kmeans(
        pixels[::step].astype(np.float32), k, None, criteria, 2, cv2.KMEANS_PP_CENTERS
    )
    weights = np.float32([1.0, 1.0, 1.0])
    distances = np.stack([np.linalg.norm((lab - c) * weights, axis=-1) for c in centres], axis=-1)
    cluster = np.argmin(distances, axis=-1)
    up = np.bincount(cluster[upper_seeds], minlength=k) / max(1, upper_seeds.sum())
    down = np.bincount(cluster[lower_seeds], minlength=k) / max(1, lower_seeds.sum())
    # One garment: the chest's colours are the thighs' colours, and the knees' gap is cloth.
    overlap = float(np.minimum(up, down).sum())
    if overlap > 0.6 and _gap_between_knees_covered(clothes, body):
        labels[clothes] = LABEL["lower"]
        return True
    if overlap > 0.6:
        # Same colour top and bottom: the waistband is where the hips are.
        labels[clothes & (body.axial > 0.92)] = LABEL["lower"]
        return False
    is_lower = down > up
    lower = clothes & is_lower[cluster]
    # Clusters voted by the seeds; far from the waist, position overrides colour.
    lower &= body.axial > 0.6
    lower |= clothes & (body.axial > 1.0) & is_lower[cluster] | (clothes & thighs & ~upper_seeds)
    # A high waistband (a skirt worn at the natural waist) rises above that line: colours
    # clearly the lower clothes' (not a navy sweater's over dark jeans) that run on from the
    # lower clothes below it are theirs.
    if (~is_lower).any():
        to_lower = np.min(np.where(is_lower[None, None, :], distances, np.inf), axis=-1)
        to_upper = np.min(np.where(is_lower[None, None, :], np.inf, distances), axis=-1)
        high = clothes & (to_upper > to_lower + HIGH_WAIST_MARGIN) & (body.axial > 0.35)
        high &= ~upper_seeds
        lower |= _connected_to(high | lower, lower) & high
    lower = cv2.medianBlur(lower.astype(np.uint8), 5) > 0
    labels[clothes & lower] = LABEL["lower"]
    return False


def _knee_axial(body: _Skeleton) -> float:
    knees = [body.pt(f"{s}_knee") for s in ("left", "right") if body.seen[f"{s}_knee"]]
    knee = np.mean(knees, axis=0)
    return float(np.dot(knee - body.smid, body.down)) / body.torso


def _gap_between_knees_covered(clothes: np.ndarray, body: _Skeleton) -> bool:
    """Whether cloth fills the space between the legs above the knees (a dress or skirt)."""
    hip = (body.pt("left_hip") + body.pt("right_hip")) / 2
    knee = (body.pt("left_knee") + body.pt("right_knee")) / 2
    hits = []
    for share in (0.55, 0.7, 0.85):
        x, y = np.round(hip + share * (knee - hip)).astype(int)
        if 0 <= x < clothes.shape[1] and 0 <= y < clothes.shape[0]:
            hits.append(bool(clothes[y, x]))
    return bool(hits) and np.mean(hits) > 0.5


def _tidy(labels: np.ndarray, person: np.ndarray) -> np.ndarray:
    """Remove specks: each small island takes the label of what surrounds it."""
    out = labels.copy()
    min_area = max(4, int(0.0008 * person.sum()))
    for index in range(1, len(LABELS)):
        _, components, stats, _ = cv2.connectedComponentsWithStats(
            (labels == index).astype(np.uint8), connectivity=8
        )
        small = np.nonzero(stats[1:, cv2.CC_STAT_AREA] < min_area)[0] + 1
        if len(small):
            _relabel_by_neighbours(out, np.isin(components, small), source=labels)
    out[~person] = 0
    return out


def _relabel_by_neighbours(
    labels: np.ndarray, region: np.ndarray, source: np.ndarray | None = None
) -> None:
    """Each connected piece of ``region`` takes the commonest label around it, in place.

    ``source`` (default ``labels``) is where the surrounding labels are read; pieces with
    no labelled neighbour keep theirs.
    """
    source = labels if source is None else source
    count, components, stats, _ = cv2.connectedComponentsWithStats(
        region.astype(np.uint8), connectivity=8
    )
    for component in range(1, count):
        x, y, w, h = stats[component, :4]
        box = (slice(max(0, y - 1), y + h + 1), slice(max(0, x - 1), x + w + 1))
        piece = components[box] == component
        ring = cv2.dilate(piece.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        around = source[box][ring & ~region[box]]
        if len(around):
            labels[box][piece] = np.bincount(around).argmax()


def _to_full_resolution(labels: np.ndarray, person: np.ndarray) -> np.ndarray:
    """Labels at full resolution (smoothly upsampled), cut along the full-resolution person
    mask."""
    height, width = person.shape
    filled = labels
    if (labels > 0).any():
        # Every pixel gets the label of the nearest labelled one, so the full-resolution
        # outline (sharper than the work one) never uncovers unlabelled person pixels.
        _, nearest = cv2.distanceTransformWithLabels(
            (labels == 0).astype(np.uint8), cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
        )
        ys, xs = np.nonzero(labels > 0)
        # Seeds are numbered 1.. in row-major scan order of the zero pixels of the source.
        order = labels[ys, xs]
        lookup = np.concatenate([[0], order]).astype(np.uint8)
        filled = lookup[nearest]
    if filled.shape == (height, width):
        full = filled.copy()
    else:
        # Each label's share interpolated, the largest wins: boundaries between labels come
        # out smooth at full resolution, not in steps of the work pixels (a staircase the
        # mattes built on them would trace along an arm in front of a garment).
        one_hot = (filled[..., None] == np.arange(len(LABELS), dtype=filled.dtype)).astype(
            np.uint8
        ) * 255
        shares = cv2.resize(one_hot, (width, height), interpolation=cv2.INTER_LINEAR)
        full = np.argmax(shares, axis=-1).astype(filled.dtype)
    full[~person] = 0
    return full
