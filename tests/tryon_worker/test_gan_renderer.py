"""The shipped try-on GAN renders real photos: the photo's size, the face untouched."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.tryon_worker.helpers import (
    BLUE,
    GREEN,
    RED,
    Photos,
    point_between,
    share_like,
    torso_pixels,
)
from tryon_worker.gan.models.checkpoint import renderer_metadata
from tryon_worker.renderers.gan import DEFAULT_CHECKPOINT, GanRenderer, checkpoint_path
from tryon_worker.renderers.registry import renderer_create


def test_the_default_checkpoint_is_shipped_small_with_its_model_card() -> None:
    assert checkpoint_path() == DEFAULT_CHECKPOINT
    assert DEFAULT_CHECKPOINT.stat().st_size <= 20 * 1024 * 1024
    card = (DEFAULT_CHECKPOINT.parent / "MODEL_CARD.md").read_text()
    assert "synthetic" in card.lower()
    metadata = renderer_metadata(DEFAULT_CHECKPOINT)
    assert metadata["steps"] > 0
    assert isinstance(renderer_create("gan"), GanRenderer)


def test_every_people_photo_renders_at_its_size_with_the_face_unchanged(
    photos: Photos, shared_images: Path
) -> None:
    renderer = GanRenderer()
    garment = photos.garment("top", "t-shirt", RED)
    rendered = 0
    for path in sorted((shared_images / "people").iterdir()):
        if path.suffix.lower() not in (".jpg", ".png"):
            continue
        outcome = photos.outcome(path, "top")
        if outcome != "ok":
            # Refused photos are refused by the person check, with a reason, before rendering.
            refusals = ("body_part_not_visible", "face_only", "no_person", "person_too_small")
            assert outcome in refusals
            continue
        person = photos.person(path, "top")
        output = renderer.render(person, garment)
        rendered += 1
        assert output.image.shape == person.image.shape and output.image.dtype == np.uint8
        assert output.garment_mask.shape == person.image.shape[:2]
        for x0, y0, x1, y1, _ in person.faces:
            box = np.s_[max(0, int(y0)) : int(y1), max(0, int(x0)) : int(x1)]
            assert np.array_equal(output.image[box], person.image[box]), path.name
        # The garment went on: part of the picture turned red.
        red_before = ((person.image[..., 0] > 150) & (person.image[..., 1] < 90)).mean()
        red_after = ((output.image[..., 0] > 150) & (output.image[..., 1] < 90)).mean()
        assert red_after > red_before + 0.01, path.name
    assert rendered >= 10


@pytest.mark.parametrize(
    "name",
    [
        "p15_man_fullbody_face_cropped_white_tee.jpg",
        "p17_woman_fullbody_face_cropped_lilac_tee.jpg",
    ],
)
def test_trousers_go_on_the_legs_through_the_same_model(
    photos: Photos, shared_images: Path, name: str
) -> None:
    person = photos.person(shared_images / "people" / name, "bottom")
    output = GanRenderer().render(person, photos.garment("bottom", "trousers", BLUE))
    before, after = person.image, output.image
    assert after.shape == before.shape
    for side in ("left", "right"):
        for a, b, share in (("hip", "knee", 0.5), ("knee", "ankle", 0.3)):
            row, col = point_between(person, f"{side}_{a}", f"{side}_{b}", share)
            patch = after[row - 2 : row + 3, col - 2 : col + 3].reshape(-1, 3)
            assert share_like(patch, BLUE, tolerance=80) > 0.6, (name, side, a, b)
    # A bottom's agnostic zone leaves the chest (their own top) as it was.
    row, col = point_between(person, "left_shoulder", "right_hip", 0.3)
    chest = np.s_[row - 5 : row + 6, col - 5 : col + 6]
    assert np.array_equal(after[chest], before[chest])


def test_a_dress_goes_on_through_the_same_model(photos: Photos, shared_images: Path) -> None:
    person = photos.person(
        shared_images / "people" / "p18_woman_fullbody_face_cropped_sequin_dress.jpg", "dress"
    )
    output = GanRenderer().render(person, photos.garment("dress", "shift-dress", GREEN))
    green_before = share_like(torso_pixels(person, person.image), GREEN, tolerance=80)
    green_after = share_like(torso_pixels(person, output.image), GREEN, tolerance=80)
    assert green_after > 0.6 and green_after > green_before + 0.5, (green_before, green_after)
    row, col = point_between(person, "left_hip", "left_knee", 0.4)
    thigh = output.image[row - 2 : row + 3, col - 2 : col + 3].reshape(-1, 3)
    assert share_like(thigh, GREEN, tolerance=80) > 0.6


@pytest.mark.parametrize("setting", ["/nonexistent/renderer.pt"])
def test_a_missing_configured_checkpoint_is_named(
    monkeypatch: pytest.MonkeyPatch, setting: str, photos: Photos, shared_images: Path
) -> None:
    monkeypatch.setenv("TRYON_CHECKPOINT", setting)
    person = photos.person(
        shared_images / "people" / "p12_woman_head_to_thigh_gray_tee_studio.jpg", "top"
    )
    with pytest.raises(FileNotFoundError, match="nonexistent"):
        GanRenderer().render(person, photos.garment("top", "t-shirt", RED))


def test_a_worker_limits_torch_to_its_share_of_the_cores() -> None:
    probe = (
        "import torch; from tryon_worker.renderers.gan import gan_inference; "
        "gan_inference(); print(torch.get_num_threads())"
    )
    env = {**os.environ, "TRYON_TORCH_THREADS": "1", "TRYON_DEVICE": "cpu"}
    env.pop("TRYON_CHECKPOINT", None)
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "1"
