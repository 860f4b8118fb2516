"""The photo's light as the compositing renderers apply it to a product shot."""

import numpy as np

from tryon_worker.renderers.photo_light import garment_in_photo_light, photo_exposure


def _studio(backdrop: int, person: int) -> tuple[np.ndarray, np.ndarray]:
    photo = np.full((200, 150, 3), backdrop, dtype=np.uint8)
    mask = np.zeros((200, 150), dtype=bool)
    mask[40:190, 50:100] = True
    photo[mask] = person
    return photo, mask


def test_dark_backdrop_does_not_dim_a_well_lit_person():
    photo, person = _studio(backdrop=60, person=215)
    assert photo_exposure(photo) < 0.8  # the photo's mean alone says "dim"
    assert photo_exposure(photo, person) == 1.0


def test_dim_photo_dims_the_garment_with_or_without_the_person():
    photo, person = _studio(backdrop=60, person=70)
    assert photo_exposure(photo, person) < 0.7
    garment = np.full((4, 4, 3), 200.0, dtype=np.float32)
    lit = garment_in_photo_light(garment, photo, person)
    assert np.allclose(lit, 200.0 * photo_exposure(photo, person))


def test_small_person_mask_falls_back_to_the_whole_photo():
    photo, _ = _studio(backdrop=60, person=215)
    speck = np.zeros(photo.shape[:2], dtype=bool)
    speck[50:55, 60:65] = True
    assert photo_exposure(photo, speck) == photo_exposure(photo)
