"""The photo's overall light, as every compositing renderer applies it to a product shot."""

import numpy as np

LUMA = np.float32([0.299, 0.587, 0.114])


def photo_is_greyscale(image: np.ndarray) -> bool:
    """Whether a photo has no colour (a greyscale file decoded to RGB, or a sepia-free scan)."""
    sample = image[:: max(1, image.shape[0] // 200), :: max(1, image.shape[1] // 200)].astype(int)
    return int(np.abs(sample - sample.mean(axis=-1, keepdims=True)).max()) <= 3


def photo_exposure(photo: np.ndarray, person: np.ndarray | None = None) -> np.float32:
    """How much darker than a studio shot the photo is exposed (1.0 for a bright photo).

    Product shots are lit brightly; pasted unchanged into a dim indoor photo the garment
    glows. A global, gentle factor from the photo's mean brightness is enough to stop that,
    unless the photo is dark only around the person: a studio's dark backdrop says nothing
    of the light on them. With the person's mask (bool, H x W), the brighter of the photo's
    reading and their own highlights' (the 95th percentile of their luma) is taken.
    """
    mean = float(np.mean(photo @ LUMA))
    exposure = float(np.clip((mean / 170.0) ** 0.5, 0.65, 1.0))
    if person is not None and int(person.sum()) >= 500:
        highlights = float(np.percentile(photo[person] @ LUMA, 95))
        exposure = max(exposure, float(np.clip((highlights / 200.0) ** 0.5, 0.65, 1.0)))
    return np.float32(exposure)


def garment_in_photo_light(
    rgb: np.ndarray, photo: np.ndarray, person: np.ndarray | None = None
) -> np.ndarray:
    """Garment colours (float32) exposed like the photo (and the person in it, when their
    mask is given), and grey when the photo is."""
    garment = rgb.astype(np.float32)
    if photo_is_greyscale(photo):
        # A black-and-white photo gets a black-and-white garment.
        garment = np.repeat((garment @ LUMA)[..., None], 3, axis=-1)
    return garment * photo_exposure(photo, person)
