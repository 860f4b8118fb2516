"""The deployment's key ring, built from settings (rebuilt when the settings change)."""

from functools import lru_cache

from django.conf import settings

from contracts.envelope import KeyRing


def active_keyring() -> KeyRing:
    """The KeyRing for ``settings.ENCRYPTION_KEYS``; the first key encrypts."""
    return _keyring_for(tuple(settings.ENCRYPTION_KEYS))


@lru_cache(maxsize=8)
def _keyring_for(specs: tuple[str, ...]) -> KeyRing:
    return KeyRing.from_specs(specs)
