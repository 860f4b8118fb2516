"""The one base of every queue message: a frozen dataclass with a schema version, to and from
JSON-safe dicts. A reader refuses another version and names any missing field; fields it does
not know (added later within the same version) are ignored, so older readers keep working."""

from dataclasses import MISSING, asdict, fields
from typing import Any, Self

SCHEMA_VERSION = 1


class MessageError(ValueError):
    """A message that does not follow the contract (unknown version, missing field)."""


class Message:
    """Mixin for the ``@dataclass(frozen=True)`` messages of contracts.tryon and
    contracts.recommender; each declares ``schema_version: int = SCHEMA_VERSION`` last."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise MessageError(f"{cls.__name__}: unsupported schema_version {version!r}")
        known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
        missing = [
            name
            for name, f in known.items()
            if name not in data and f.default is MISSING and f.default_factory is MISSING
        ]
        if missing:
            raise MessageError(f"{cls.__name__}: missing fields {missing}")
        return cls(**{k: v for k, v in data.items() if k in known})
