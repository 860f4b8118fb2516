"""The contract between the storefront and the recommender: versioned, JSON-safe messages.

Standard library only, so the storefront may import it. The recommender sees garment ids and
shopper pseudonyms, never a user id, name or e-mail address.
"""

from dataclasses import dataclass, field
from typing import Any

from contracts.base import SCHEMA_VERSION, Message
from contracts.vocabulary import InteractionKind


@dataclass(frozen=True)
class GarmentDocument(Message):
    """Everything the recommender may know of a garment (catalogue data, no people)."""

    garment_id: int
    category: str
    name: str
    description: str = ""
    colour: str = ""
    material: str = ""
    style_tags: list[str] = field(default_factory=list)
    price: float = 0.0
    # [{label, stock, chest_cm, waist_cm, hips_cm, length_cm}], girths in cm or None
    sizes: list[dict[str, Any]] = field(default_factory=list)
    image_key: str = ""  # key in the public store; "" when the garment has no image
    active: bool = True
    schema_version: int = SCHEMA_VERSION

    @property
    def in_stock(self) -> bool:
        return self.active and any(int(size.get("stock", 0)) > 0 for size in self.sizes)


@dataclass(frozen=True)
class GarmentRemoval(Message):
    garment_id: int
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True)
class ProfileUpdate(Message):
    """A shopper's declared measurements and/or a photo to estimate their body shape from."""

    subject: str  # pseudonym
    measurements: dict[str, float] = field(default_factory=dict)  # declared, in cm
    preferred_size: str = ""
    # The storefront sends measurements and preferred size sealed here instead (JSON
    # {"measurements", "preferred_size"}, contracts.sealing.fields_seal with the worker
    # key, bound to `subject`): the broker keeps messages on disk, never body measurements.
    sealed: str = ""
    photo_blob: str = ""  # key in the private store (the storefront's photo envelope)
    photo_key: str = ""  # the photo's data key, wrapped with the worker key for `subject`
    # The shopper deleted their last photo: forget what was estimated from it.
    photo_removed: bool = False
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True)
class Interaction(Message):
    subject: str
    garment_id: int
    kind: InteractionKind
    at: str  # ISO 8601 timestamp
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True)
class Forget(Message):
    """A shopper was erased: drop everything held under their pseudonym, for good."""

    subject: str
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True)
class SuggestRequest(Message):
    subject: str
    limit: int = 12
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True)
class Suggestion:
    garment_id: int
    score: float
    size: str  # the size to pick ("" when unknown)
    reasons: list[str]


@dataclass(frozen=True)
class SuggestionSet(Message):
    """The answer: ranked garments with readable reasons, and the body shape they assumed."""

    subject: str
    items: list[dict[str, Any]]  # Suggestion as dicts
    body_shape: str = ""  # e.g. "hourglass"; "" when unknown
    body_shape_reason: str = ""
    strategy: str = ""  # "personal" or "popular" (cold start)
    notice: str = ""  # e.g. why the photo could not be used
    generated_at: str = ""
    schema_version: int = SCHEMA_VERSION
