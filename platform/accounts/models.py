"""Login identities for everyone: shoppers, merchant staff and operators."""

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """Django's user with its own table, so it can grow without a painful swap later.

    Shoppers log in with a username only; their e-mail and name live encrypted on Shopper.
    """
