"""Standard Webhooks signatures (https://www.standardwebhooks.com/), with the
``standardwebhooks`` library a merchant verifies them with.

Secrets look like ``whsec_<base64 of 32 random bytes>``. During a secret's rotation the
old and the new secret both sign: ``webhook-signature`` then holds two space-separated
signatures, and a receiver holding either secret accepts the message.
"""

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - a format marker, not a secret


def secret_generate() -> str:
    """A new random signing secret in the Standard Webhooks format."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def signature_headers(
    *, msg_id: str, timestamp: datetime, body: bytes, signing_secrets: list[str]
) -> dict[str, str]:
    """The ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` headers of a body."""
    signatures = [
        Webhook(secret).sign(msg_id=msg_id, timestamp=timestamp, data=body)
        for secret in signing_secrets
    ]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
