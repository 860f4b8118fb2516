"""Stable pseudonyms: what workers and the recommender see instead of a shopper's identity."""

import hashlib
import hmac

from django.conf import settings


def pseudonym_for(*, subject: str) -> str:
    """A keyed, one-way pseudonym for an internal subject id (e.g. ``shopper:42``)."""
    digest = hmac.new(settings.PSEUDONYM_KEY.encode(), subject.encode(), hashlib.sha256)
    return "psn_" + digest.hexdigest()[:32]


def erasure_digest_for(*, subject: str) -> str:
    """The keyed digest an erasure record keeps of a subject (never equal to its pseudonym)."""
    digest = hmac.new(settings.PSEUDONYM_KEY.encode(), f"erasure:{subject}".encode(), "sha256")
    return digest.hexdigest()
