"""Turn a TryOnExample into the networks' inputs (numpy, channels first), with augmentation.

Training (``rng`` given) jitters the crop, mirrors, tilts and rescales the product shot and
varies exposure; inference (``rng`` None) does none of it. Both go through the same code,
so the model sees at run time exactly what it was trained on.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import torch

from tryon_worker.gan.data.conditioning import (
    AGNOSTIC_GREY,
    NetFrame,
    agnostic_mask,
    antialiased,
    body_slots,
    crop,
    flip_keypoints,
    frame_for,
    garment_slots,
    pose_maps,
)
from tryon_worker.gan.data.example import TryOnExample
from tryon_worker.garment import garment_landmarks

#: The garment fills this share of the product-shot input (the rest is white margin).
GARMENT_FILL = 0.9
#: Fewer pinned landmarks than this and the spline is not defined.
MIN_PINNED = 3


class UnusableExample(ValueError):
    """The example cannot be turned into inputs (too few landmarks or keypoints)."""


@dataclass
class NetworkInputs:
    """Arrays for one example (float32; images in [-1, 1], masks and maps in [0, 1])."""

    arrays: dict[str, np.ndarray]
    frame: NetFrame  # photo -> network pixels (to paste a result back)
    flipped: bool
    keypoints: np.ndarray  # (14, 3) in network pixels (after any mirroring)
    silhouette: np.ndarray | None  # (H, W) bool in network pixels, when the example has one


def network_inputs(
    example: TryOnExample,
    size: tuple[int, int],
    pose_sigma: float,
    rng: np.random.Generator | None = None,
) -> NetworkInputs:
    """Frame, condition and (with ``rng``) augment one example for a network of ``size``.

    Keys: person, agnostic (3, H, W); zone, region, garment_mask (1, H, W); pose (14, H, W);
    garment (3, H, W); garment_points, body_points (S, 2) in [-1, 1]; point_valid (S,);
    has_region (scalar). Raises UnusableExample when the warp cannot be pinned.
    """
    height, width = size
    jitter = rng.uniform(-1, 1, 3) if rng is not None else None
    try:
        frame = frame_for(example.keypoints, example.category, size, jitter=jitter)
    except ValueError as error:
        raise UnusableExample(str(error)) from error
    person = crop(example.person, frame)
    keypoints = example.keypoints.copy()
    keypoints[:, :2] = frame.to_net(keypoints[:, :2])
    region = np.zeros((height, width), dtype=np.float32)
    if example.person_garment is not None:
        region = crop(example.person_garment.astype(np.uint8), frame, fill=0).astype(np.float32)
    silhouette = None
    if example.silhouette is not None:
        silhouette = crop(example.silhouette.astype(np.uint8), frame, fill=0) > 0
    flipped = rng is not None and rng.random() < 0.5
    if flipped:
        person, region = person[:, ::-1], region[:, ::-1]
        silhouette = silhouette[:, ::-1] if silhouette is not None else None
        keypoints = flip_keypoints(keypoints, width)
    exposure = (rng.uniform(0.85, 1.15), rng.uniform(-12, 12)) if rng is not None else None
    if exposure is not None:
        person = _exposure(person, *exposure)
    garment = pinned_garment(
        example, keypoints, size, rng, silhouette=silhouette, flipped=flipped, exposure=exposure
    )
    zone = agnostic_mask(keypoints, example.category, size)
    agnostic = np.where(zone[..., None] > 0, np.uint8(AGNOSTIC_GREY), person)
    arrays = {
        "person": _image(person),
        "agnostic": _image(agnostic),
        "zone": zone[None],
        "region": np.ascontiguousarray(region)[None],
        "has_region": np.float32(example.person_garment is not None),
        "pose": pose_maps(keypoints, size, pose_sigma * height),
        **garment,
    }
    return NetworkInputs(
        arrays=arrays, frame=frame, flipped=flipped, keypoints=keypoints, silhouette=silhouette
    )


def pinned_garment(
    example: TryOnExample,
    keypoints: np.ndarray,
    size: tuple[int, int],
    rng: np.random.Generator | None,
    *,
    silhouette: np.ndarray | None = None,
    flipped: bool = False,
    exposure: tuple[float, float] | None = None,
) -> dict[str, np.ndarray]:
    """The example's garment as network input, its landmarks pinned to ``keypoints``.

    ``keypoints`` and ``silhouette`` are in network pixels and may be another person's (the
    cycle mode puts one example's garment on another example's body). Keys: garment, garment_mask,
    garment_points, body_points, point_valid. Raises UnusableExample.
    """
    garment, garment_mask = garment_letterbox(example.garment, example.garment_mask, size, rng)
    if flipped:
        garment, garment_mask = garment[:, ::-1], garment_mask[:, ::-1]
    if exposure is not None:
        garment = np.where(garment_mask[..., None], _exposure(garment, *exposure), garment)
    try:
        landmarks, _ = garment_landmarks(garment_mask, category=example.category)
    except (ValueError, IndexError) as error:
        raise UnusableExample(f"garment landmarks not found: {error}") from error
    g_points, g_valid = garment_slots(landmarks)
    b_points, valid = body_slots(keypoints, example.category, g_points, g_valid, silhouette)
    if valid.sum() < MIN_PINNED:
        raise UnusableExample("too few garment landmarks could be pinned to the body")
    _spread_absent(g_points, b_points, valid, size)
    return {
        "garment": _image(garment),
        "garment_mask": np.ascontiguousarray(garment_mask, dtype=np.float32)[None],
        "garment_points": _normalised(g_points, size),
        "body_points": _normalised(b_points, size),
        "point_valid": valid,
    }


def garment_letterbox(
    garment: np.ndarray,
    mask: np.ndarray,
    size: tuple[int, int],
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The product shot cropped to the garment and letterboxed on white at ``size``."""
    height, width = size
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        raise UnusableExample("the garment mask is empty")
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    scale = GARMENT_FILL * min(height / (y1 - y0), width / (x1 - x0))
    angle = 0.0
    shift = np.zeros(2)
    if rng is not None:
        scale *= rng.uniform(0.85, 1.05)
        angle = rng.uniform(-4, 4)
        shift = rng.uniform(-0.03, 0.03, 2) * (width, height)
    centre = ((x0 + x1) / 2, (y0 + y1) / 2)
    matrix = cv2.getRotationMatrix2D(centre, angle, scale)
    matrix[:, 2] += np.array([width / 2, height / 2]) + shift - np.array(centre)
    rgb = cv2.warpAffine(
        antialiased(garment, scale),
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderValue=(255, 255, 255),
    )
    warped_mask = cv2.warpAffine(mask.astype(np.uint8), matrix, (width, height)) > 0
    rgb[~warped_mask] = 255
    return rgb, warped_mask


def _spread_absent(
    g_points: np.ndarray, b_points: np.ndarray, valid: np.ndarray, size: tuple[int, int]
) -> None:
    # The spline ignores absent landmarks but its linear system needs them distinct.
    height, width = size
    for index in np.nonzero(~valid)[0]:
        spot = (width * (0.1 + 0.07 * index), height * (0.05 + 0.08 * index))
        g_points[index] = spot
        b_points[index] = spot


def _exposure(image: np.ndarray, gain: float, offset: float) -> np.ndarray:
    return np.clip(image.astype(np.float32) * gain + offset, 0, 255).astype(np.uint8)


def image_from_network(image: torch.Tensor) -> np.ndarray:
    """A (3, H, W) network image in [-1, 1] as (H, W, 3) uint8 RGB (the inverse of ``_image``)."""
    pixels = ((image.float().clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 0)
    return np.ascontiguousarray(pixels.cpu().numpy())


def _image(rgb: np.ndarray) -> np.ndarray:
    return (np.ascontiguousarray(rgb.transpose(2, 0, 1), dtype=np.float32) / 127.5) - 1.0


def _normalised(points: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    height, width = size
    return (points / np.array([width - 1, height - 1], dtype=np.float32) * 2 - 1).astype(np.float32)
