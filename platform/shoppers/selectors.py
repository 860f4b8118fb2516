"""Read paths for shoppers."""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from accounts.models import User
from shoppers.models import Shopper, ShopperPhoto


def shopper_for_user(*, user: User) -> Shopper | None:
    """The shopper profile of a logged-in user, or None for staff without one."""
    return Shopper.objects.filter(user=user).first()


def shopper_or_404(request: HttpRequest) -> Shopper:
    """The logged-in user's shopper profile (staff logins have none: 404)."""
    shopper = shopper_for_user(user=request.user)
    if shopper is None:
        raise Http404("This account has no shopper profile.")
    return shopper


def shopper_photo_list(*, shopper: Shopper) -> QuerySet[ShopperPhoto]:
    """A shopper's photos, newest first."""
    return ShopperPhoto.objects.filter(shopper=shopper).order_by("-created_at")


def shopper_photo_get(*, shopper: Shopper, photo_id: int | str) -> ShopperPhoto | None:
    """One of ``shopper``'s photos by id; None for another shopper's, unknown or malformed."""
    try:
        pk = int(photo_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return ShopperPhoto.objects.filter(shopper=shopper, pk=pk).first()
