"""The contract between the storefront and the try-on worker: versioned, JSON-safe messages.

Standard library only, so the storefront may import it. Messages carry an opaque job id, a
pseudonym and storage keys: never a user id, a name, an e-mail address or image bytes.
"""

from dataclasses import dataclass, field
from typing import Literal

from contracts.base import SCHEMA_VERSION, Message


@dataclass(frozen=True)
class RenderRequest(Message):
    """Render one try-on: the job, whose photo (by pseudonym) and which garment."""

    job_id: str
    attempt: int
    subject: str  # pseudonym of the shopper, for logs and metrics only
    person_blob: str  # key in the private store (ciphertext)
    person_key: str  # the photo's data key, wrapped with the worker transport key
    garment_image: str  # key in the public store
    garment_category: str
    renderer: str = "geometric"
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True)
class TryOnEvent(Message):
    """What the worker tells the storefront: a stage reached, a result, or a failure."""

    job_id: str
    attempt: int
    run_id: str  # one execution of the task (a redelivery gets a new one)
    kind: Literal["stage", "succeeded", "failed"]
    stage: str = ""
    # Key in the private store of the worker's sealed result. Worker files are named
    # "results/{job_id}-...": the storefront deletes no other name a worker sends it.
    result_blob: str = ""
    result_key: str = ""  # the result's data key, wrapped with the worker transport key
    # Key in the private store of the result's sealed edit region (a 1-bit PNG of the pixels the
    # renderer may have changed, for debugging), under the result's data key; "" if none. Added
    # within schema version 1: older readers ignore it, older workers leave it out.
    edit_region_blob: str = ""
    width: int = 0
    height: int = 0
    error_code: str = ""
    error_message: str = ""
    retryable: bool = False
    worker: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION
