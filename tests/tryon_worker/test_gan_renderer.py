"""The shipped try-on GAN renders real photos: the photo's size, the face untouched."""

from pathlib import Path

import numpy as np
import pytest

from tests.tryon_worker.helpers import RED, Photos
from tryon_worker.models.checkpoint import renderer_metadata
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
            assert outcome in ("body_part_not_visible", "no_person", "person_too_small")
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
