"""The worker's side of the encryption: open one photo with the key it was given, seal results.

The storefront unwraps a photo's data key with its master key and re-wraps it with the
worker transport key (FITTINGROOM_WORKER_KEY), bound to the job id. The worker never holds a
master key: it can open the blobs of the jobs it is given and nothing else.

Photo blobs use the storefront's envelope layout (platform/privacy/crypto.py):
    b"FRE1" | kid_len (1) | kid | wrap_nonce (12) | wrapped_dek (48) | nonce (12) | ciphertext
Worker results are ``nonce (12) | ciphertext`` under a fresh data key.
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_MAGIC = b"FRE1"
_NONCE = 12
_WRAPPED_DEK = 48
PHOTO_CONTEXT = b"shoppers.photo"
RESULT_CONTEXT = b"tryon.result"


class SealingError(ValueError):
    """A key or blob that does not open: wrong key, wrong job, or damaged data."""


def transport_key_load(encoded: str) -> bytes:
    """Decode the base64 worker transport key (32 bytes)."""
    try:
        key = base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise SealingError("FITTINGROOM_WORKER_KEY is not valid base64.") from exc
    if len(key) != 32:
        raise SealingError("FITTINGROOM_WORKER_KEY must be 32 bytes.")
    return key


def data_key_wrap(data_key: bytes, *, transport_key: bytes, job_id: str) -> str:
    """Wrap a data key for one job (base64 text for a JSON message)."""
    nonce = os.urandom(_NONCE)
    sealed = AESGCM(transport_key).encrypt(nonce, data_key, b"job:" + job_id.encode())
    return base64.b64encode(nonce + sealed).decode("ascii")


def data_key_unwrap(wrapped: str, *, transport_key: bytes, job_id: str) -> bytes:
    """Unwrap a data key; fails unless it was wrapped for this very job."""
    try:
        raw = base64.b64decode(wrapped, validate=True)
        return AESGCM(transport_key).decrypt(raw[:_NONCE], raw[_NONCE:], b"job:" + job_id.encode())
    except (ValueError, InvalidTag) as exc:
        raise SealingError("The data key does not open for this job.") from exc


def photo_open(blob: bytes, *, data_key: bytes) -> bytes:
    """Decrypt a storefront photo blob with its data key."""
    if blob[:4] != _MAGIC or len(blob) < 5:
        raise SealingError("Not an encrypted photo blob.")
    start = 5 + blob[4] + _NONCE + _WRAPPED_DEK
    nonce, ciphertext = blob[start : start + _NONCE], blob[start + _NONCE :]
    try:
        return AESGCM(data_key).decrypt(nonce, ciphertext, PHOTO_CONTEXT)
    except InvalidTag as exc:
        raise SealingError("The photo does not open with the given key.") from exc


def result_seal(plaintext: bytes) -> tuple[bytes, bytes]:
    """Encrypt a result under a fresh data key; return (blob, data key)."""
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(data_key).encrypt(nonce, plaintext, RESULT_CONTEXT), data_key


def result_open(blob: bytes, *, data_key: bytes) -> bytes:
    """Decrypt a sealed result."""
    try:
        return AESGCM(data_key).decrypt(blob[:_NONCE], blob[_NONCE:], RESULT_CONTEXT)
    except InvalidTag as exc:
        raise SealingError("The result does not open with the given key.") from exc
