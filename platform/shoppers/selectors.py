"""Read paths for shoppers."""

from accounts.models import User
from django.db.models import QuerySet

from shoppers.models import Shopper, ShopperPhoto


def shopper_for_user(*, user: User) -> Shopper | None:
    """The shopper profile of a logged-in user, or None for staff without one."""
    return Shopper.objects.filter(user=user).first()


def shopper_photo_list(*, shopper: Shopper) -> QuerySet[ShopperPhoto]:
    """A shopper's photos, newest first."""
    return ShopperPhoto.objects.filter(shopper=shopper).order_by("-created_at")
