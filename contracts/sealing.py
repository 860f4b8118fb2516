"""The worker's side of the encryption: open one photo with the key it was given, seal results.

The storefront unwraps a photo's data key with its master key and re-wraps it with the
worker transport key (FITTINGROOM_WORKER_KEY), bound to the job id. The worker never holds a
master key: it can open the blobs of the jobs it is given and nothing else.

Photo blobs use the storefront's envelope layout (contracts.envelope):
    b"FRE1" | kid_len (1) | kid | wrap_nonce (12) | wrapped_dek (48) | nonce (12) | ciphertext
Worker results are ``nonce (12) | ciphertext`` under a fresh data key; a result's edit region
(debugging) is sealed the same way under that same key, with its own context, so one wrapped
key travels for both and neither blob can pass for the other.
"""

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from contracts.envelope import (
    EDIT_REGION_CONTEXT,
    MAGIC,
    PHOTO_CONTEXT,
    RESULT_CONTEXT,
    DecryptionError,
    decrypt_with_data_key,
)

_NONCE = 12


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


def fields_seal(fields: dict, *, transport_key: bytes, subject: str) -> str:
    """Encrypt JSON-safe message fields for the workers, bound to one subject (base64 text).

    For what a message must carry but the broker must not keep readable: messages wait in
    Redis, whose append-only file keeps their bytes on disk, so a shopper's body measurements
    travel sealed and only a worker holding the transport key reads them.
    """
    nonce = os.urandom(_NONCE)
    plaintext = json.dumps(fields, sort_keys=True).encode()
    sealed = AESGCM(transport_key).encrypt(nonce, plaintext, b"fields:" + subject.encode())
    return base64.b64encode(nonce + sealed).decode("ascii")


def fields_open(sealed: str, *, transport_key: bytes, subject: str) -> dict:
    """Decrypt fields sealed by ``fields_seal`` for this very subject."""
    try:
        raw = base64.b64decode(sealed, validate=True)
        plaintext = AESGCM(transport_key).decrypt(
            raw[:_NONCE], raw[_NONCE:], b"fields:" + subject.encode()
        )
        fields = json.loads(plaintext)
    except (ValueError, InvalidTag) as exc:
        raise SealingError("The sealed fields do not open for this subject.") from exc
    if not isinstance(fields, dict):
        raise SealingError("The sealed fields are not an object.")
    return fields


def photo_open(blob: bytes, *, data_key: bytes) -> bytes:
    """Decrypt a storefront photo blob with its data key."""
    try:
        return decrypt_with_data_key(blob, data_key=data_key, context=PHOTO_CONTEXT)
    except DecryptionError as exc:
        if not blob.startswith(MAGIC):
            raise SealingError("Not an encrypted photo blob.") from exc
        raise SealingError("The photo does not open with the given key.") from exc


def result_seal(plaintext: bytes) -> tuple[bytes, bytes]:
    """Encrypt a result under a fresh data key; return (blob, data key)."""
    data_key = AESGCM.generate_key(bit_length=256)
    return _seal(plaintext, data_key=data_key, context=RESULT_CONTEXT), data_key


def result_open(blob: bytes, *, data_key: bytes) -> bytes:
    """Decrypt a sealed result."""
    return _open(blob, data_key=data_key, context=RESULT_CONTEXT, what="result")


def edit_region_seal(plaintext: bytes, *, data_key: bytes) -> bytes:
    """Encrypt a result's edit region under the result's own data key (see result_seal)."""
    return _seal(plaintext, data_key=data_key, context=EDIT_REGION_CONTEXT)


def edit_region_open(blob: bytes, *, data_key: bytes) -> bytes:
    """Decrypt a sealed edit region with its result's data key."""
    return _open(blob, data_key=data_key, context=EDIT_REGION_CONTEXT, what="edit region")


def _seal(plaintext: bytes, *, data_key: bytes, context: bytes) -> bytes:
    # A random nonce per blob: the two blobs sealed under one data key (result, edit region)
    # share a nonce with probability 2^-96, far below any concern for AES-GCM.
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(data_key).encrypt(nonce, plaintext, context)


def _open(blob: bytes, *, data_key: bytes, context: bytes, what: str) -> bytes:
    try:
        return AESGCM(data_key).decrypt(blob[:_NONCE], blob[_NONCE:], context)
    except InvalidTag as exc:
        raise SealingError(f"The {what} does not open with the given key.") from exc
