"""Errors about a shopper's photo or a garment image that cannot be used.

Every ImageInputError is permanent: retrying the same job with the same pictures gives the
same answer, so the storefront shows ``message`` to the shopper and does not retry.
"""

from typing import Any

from contracts.vocabulary import INPUT_ERROR_CODES


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
