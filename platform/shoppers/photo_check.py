"""Is there one shopper to dress in this photo? Asked at upload, in try-on's own words.

Try-on refuses a photo with no person, several people, only a face, a person too small or no
shoulders and hips in view, whatever the garment (``vision.pose.shopper_photo_check``, which
try-on runs first). Asking the same question at upload tells the shopper at once, with the
same sentence, instead of after they picked a garment and waited for a worker.
"""

from django.conf import settings

from core.exceptions import ApplicationError
from core.image_intake import decode_gate
from vision.errors import ImageInputError
from vision.image_decode import decode_image
from vision.pose import shopper_photo_check


class PhotoRefused(ApplicationError):
    """A photo try-on could not use; ``code`` and ``message`` are try-on's own."""

    code = "photo_refused"


def shopper_photo_person_check(content: bytes) -> None:
    """Refuse (PhotoRefused) a cleaned photo that try-on would refuse whatever the garment.

    ``content`` is the intake's canonical image: the very bytes the try-on worker will decode
    from storage, decoded here the same way. Pose and face detection hold a decode slot, so
    concurrent uploads never run more of them at once than the process allows decodes.
    """
    with decode_gate().slot():
        try:
            image = decode_image(content, max_pixels=settings.IMAGE_MAX_PIXELS, role="person")
            shopper_photo_check(image)
        except ImageInputError as exc:
            raise PhotoRefused(exc.message, code=exc.code, extra=exc.details) from exc
