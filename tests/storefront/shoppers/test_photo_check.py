"""Photos are checked at upload for one person try-on can dress, in try-on's own words.

Real MediaPipe on real photos: each refused photo is refused by the upload (page and service)
with nothing stored, and the try-on pipeline refuses the very bytes the upload would have
stored with the same code and the same sentence, for every garment category.
"""

import html
import io
import threading
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.exceptions import ApplicationError
from core.image_intake import decode_gate, image_intake, intake_limits_from_settings
from privacy.sealed_files import private_storage
from shoppers import photo_check
from shoppers.models import Shopper, ShopperPhoto
from shoppers.photo_check import shopper_photo_person_check
from shoppers.services import shopper_photo_add
from tests.support.factories import shopper_create
from tests.tryon_worker.helpers import RED, png_bytes, procedural_image
from tryon_worker.pipeline import run_tryon
from tryon_worker.renderers.geometric import GeometricRenderer
from vision.errors import ImageInputError

ADVICE = (
    "Please use a photo that shows you from the head to at least the hips, standing and facing "
    "the camera."
)
# Photo (under ../shared/images) -> the code and sentence both the upload and try-on give.
REFUSED = {
    "groups/g05_four_women_standing.jpg": (
        "several_people",
        "We can see 4 people in this photo. Please use a photo with only you in it.",
    ),
    "no_person/n02_coffee_cup.png": (
        "no_person",
        "We couldn't find a person in this photo. Please use a photo of yourself, standing, "
        "facing the camera.",
    ),
    "people/p08_face_only_closeup.png": (
        "face_only",
        f"Only your face is visible in this photo. {ADVICE}",
    ),
    "people/p03_man_torso_white_tee.jpg": (
        "body_part_not_visible",
        f"We couldn't see your hips in this photo. {ADVICE}",
    ),
    "people/p04_man_head_shoulders.jpg": (
        "body_part_not_visible",
        f"We couldn't see your shoulders in this photo. {ADVICE}",
    ),
    "people/p06_pedestrian_woman_lowres_crop.png": (
        "person_too_small",
        "You appear too small in this photo. Please use a larger photo taken closer, where you "
        "fill most of the picture.",
    ),
}
# A face close-up cropped from a head-to-thigh studio photo (its face box grown by 40%).
FACE_CROP = ("people/p11_woman_head_to_thigh_jeans_studio.jpg", (303, 46, 501, 244))
GARMENTS = {
    "top": ("t-shirt", RED),
    "bottom": ("trousers", RED),
    "dress": ("shift-dress", RED),
    "outerwear": ("jacket", RED),
}


@pytest.fixture
def shopper(db) -> Shopper:
    return shopper_create()


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def _cropped(path: Path, box: tuple[int, int, int, int]) -> bytes:
    with Image.open(path) as image:
        return _png(np.asarray(image.convert("RGB").crop(box)))


def _astronaut_face() -> bytes:
    """The astronaut's face and little else (every clone has it: scikit-image ships it)."""
    from skimage import data

    return _png(np.ascontiguousarray(data.astronaut()[59:202, 154:297]))


def _stored_nothing() -> bool:
    root = Path(private_storage().location)
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return not ShopperPhoto.objects.exists() and not files


def _upload_refusal(shopper: Shopper, photo: bytes) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        shopper_photo_add(shopper=shopper, upload=photo)
    assert _stored_nothing()
    return caught.value


def _page_shows(client, shopper: Shopper, photo: bytes, message: str) -> None:
    client.force_login(shopper.user)
    upload = SimpleUploadedFile("me.png", photo, content_type="image/png")
    response = client.post(reverse("shoppers:photo_upload"), {"photo": upload}, follow=True)
    assert response.status_code == 200
    assert html.escape(message) in response.content.decode()
    assert _stored_nothing()


def _tryon_refusals(photo: bytes) -> set[tuple[str, str]]:
    """(code, message) try-on gives for the bytes the upload would have stored, per category."""
    canonical = image_intake(photo, limits=intake_limits_from_settings()).content
    refusals = set()
    for category, (kind, colour) in GARMENTS.items():
        garment = png_bytes(procedural_image(category, kind, colour))
        with pytest.raises(ImageInputError) as caught:
            run_tryon(canonical, garment, category=category, renderer=GeometricRenderer())
        refusals.add((caught.value.code, caught.value.message))
    return refusals


@pytest.mark.parametrize("relative", sorted(REFUSED))
def test_upload_refuses_what_tryon_refuses_in_the_same_words(
    client, shopper: Shopper, shared_images: Path, relative: str
) -> None:
    code, message = REFUSED[relative]
    photo = (shared_images / relative).read_bytes()
    refusal = _upload_refusal(shopper, photo)
    assert (refusal.code, refusal.message) == (code, message)
    _page_shows(client, shopper, photo, message)
    # Defence in depth: a photo that got past the upload is refused by try-on, word for word.
    assert _tryon_refusals(photo) == {(code, message)}


def test_a_face_close_up_is_told_so_not_too_small(
    client, shopper: Shopper, shared_images: Path
) -> None:
    relative, box = FACE_CROP
    photo = _cropped(shared_images / relative, box)
    refusal = _upload_refusal(shopper, photo)
    assert refusal.code == "face_only"
    assert refusal.message == f"Only your face is visible in this photo. {ADVICE}"
    assert "too small" not in refusal.message
    _page_shows(client, shopper, photo, refusal.message)
    assert _tryon_refusals(photo) == {("face_only", refusal.message)}
    # The whole photo it was cut from is welcome.
    assert shopper_photo_add(shopper=shopper, upload=(shared_images / relative).read_bytes())


def test_the_astronauts_face_alone_is_refused_on_any_clone(shopper: Shopper) -> None:
    refusal = _upload_refusal(shopper, _astronaut_face())
    assert (refusal.code, refusal.message) == (
        "face_only",
        f"Only your face is visible in this photo. {ADVICE}",
    )


def test_people_photos_try_on_can_dress_are_accepted(
    shopper: Shopper, shared_images: Path, astronaut_jpeg: bytes
) -> None:
    photos = [
        astronaut_jpeg,  # waist up: hips just below the frame are fine
        (shared_images / "people" / "p11_woman_head_to_thigh_jeans_studio.jpg").read_bytes(),
        (shared_images / "people" / "p09_woman_fullbody_red_skirt_press.jpg").read_bytes(),
    ]
    for photo in photos:
        shopper_photo_add(shopper=shopper, upload=photo)
    assert ShopperPhoto.objects.filter(shopper=shopper).count() == 3


def test_person_checks_run_inside_the_decode_limit(
    settings, monkeypatch, shared_images: Path
) -> None:
    """Six uploads checked at once: the pose and face models never run in more of them than
    IMAGE_DECODE_CONCURRENCY allows decodes, and each runs holding a decode slot."""
    gate = decode_gate()
    assert gate.limit == settings.IMAGE_DECODE_CONCURRENCY == 2
    canonical = image_intake(
        (shared_images / "people" / "p11_woman_head_to_thigh_jeans_studio.jpg").read_bytes(),
        limits=intake_limits_from_settings(),
    ).content
    real_check = photo_check.shopper_photo_check
    lock = threading.Lock()
    running = {"now": 0, "most": 0, "outside_gate": 0}

    def counted(image: np.ndarray) -> None:  # the real check, counted
        with lock:
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
            running["outside_gate"] += gate.active == 0
        try:
            real_check(image)
        finally:
            with lock:
                running["now"] -= 1

    monkeypatch.setattr(photo_check, "shopper_photo_check", counted)
    threads = [
        threading.Thread(target=shopper_photo_person_check, args=(canonical,)) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= running["most"] <= gate.limit
    assert running["outside_gate"] == 0 and gate.active == 0
