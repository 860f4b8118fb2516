"""Read paths for privacy records."""

from privacy.models import ErasureRecord
from privacy.pseudonyms import erasure_digest_for


def erasure_record_for(*, shopper_id: int) -> ErasureRecord | None:
    """The record of the erasure of shopper ``shopper_id``, if they were erased."""
    digest = erasure_digest_for(subject=f"shopper:{shopper_id}")
    return ErasureRecord.objects.filter(subject_digest=digest).order_by("created_at").first()
