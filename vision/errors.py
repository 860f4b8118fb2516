"""Errors about a shopper's photo or a garment image that cannot be used.

Every ImageInputError is permanent: retrying the same job with the same pictures gives the
same answer, so the storefront shows ``message`` to the shopper and does not retry.
"""

from typing import Any

#: Every code an ImageInputError may carry; the storefront may map them to help texts.
INPUT_ERROR_CODES = (
    "unreadable_image",
    "image_too_large",
    "no_person",
    "several_people",
    # A face close-up: no body to put a garment on.
    "face_only",
    "person_too_small",
    "body_part_not_visible",
    "garment_unreadable",
    "garment_not_found",
    # The renderer's own checks say the picture would not be convincing (see
    # tryon_worker.renderers.confidence): the message says what to change.
    "result_unconvincing",
)


class ImageInputError(ValueError):
    """A picture we cannot use (for a try-on or a body-shape estimate).

    ``code`` is one of INPUT_ERROR_CODES (stable, for programs); ``message`` is a sentence a
    shopper understands and can act on; ``details`` carries plain facts behind it (e.g. the
    number of people seen, the body part missing) for logs and for the storefront.
    """

    def __init__(self, code: str, message: str, **details: Any) -> None:
        if code not in INPUT_ERROR_CODES:
            raise ValueError(f"unknown try-on input error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def __repr__(self) -> str:
        return f"ImageInputError(code={self.code!r}, message={self.message!r})"
