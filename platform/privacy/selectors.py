"""Read paths for privacy records and for who may see personal data."""

from django.contrib.auth.models import Permission
from django.db.models import Q

from accounts.models import User
from privacy.models import ErasureRecord
from privacy.permissions import PII_PERMISSION_CODENAME
from privacy.pseudonyms import erasure_digest_for


def erasure_record_for(*, shopper_id: int) -> ErasureRecord | None:
    """The record of the erasure of shopper ``shopper_id``, if they were erased."""
    digest = erasure_digest_for(subject=f"shopper:{shopper_id}")
    return ErasureRecord.objects.filter(subject_digest=digest).order_by("created_at").first()


def staff_may_view_pii(*, user: User) -> bool:
    """Whether an active staff login was granted the permission to see shoppers' personal data
    and photos (``shoppers.view_shopper_pii``), to itself or through one of its groups.

    Granted explicitly, superusers too: Django's superuser shortcut (every permission) would
    let any operator look at people's photos unnoticed, and granting it is itself a logged
    change of the staff member's permissions.
    """
    if not (user.is_active and user.is_staff):
        return False
    return (
        Permission.objects.filter(
            content_type__app_label="shoppers", codename=PII_PERMISSION_CODENAME
        )
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )
