"""The project-wide error type: services raise it, the API and pages show its message."""

from typing import Any


class ApplicationError(Exception):
    """A failure the caller can explain to a person: a stable code plus a readable message."""

    code = "application_error"

    def __init__(
        self, message: str, *, code: str | None = None, extra: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extra = extra or {}
