"""Logging staff's looks at a shopper's personal data (the admin calls it as it shows them).

The flows over stored data (erasure, key rotation) are ``lifecycle.services``.
"""

import logging

from accounts.models import User
from privacy.models import PiiAccess

logger = logging.getLogger(__name__)


def pii_access_record(
    *, staff: User, shopper_id: int, fields: list[str], photo_id: int | None = None
) -> PiiAccess:
    """Log that ``staff`` was shown personal data of shopper ``shopper_id``: these profile
    fields, or (with ``photo_id``) that photo. Callers check ``staff_may_view_pii`` first."""
    kind = PiiAccess.Kind.PHOTO if photo_id is not None else PiiAccess.Kind.PROFILE
    access = PiiAccess(
        staff_user_id=staff.pk,
        staff_username=staff.get_username(),
        shopper_id=shopper_id,
        kind=kind,
        fields=list(fields),
        photo_id=photo_id,
    )
    access.full_clean()
    access.save()
    logger.info("staff %s viewed %s of shopper %s", staff.pk, kind, shopper_id)
    return access
