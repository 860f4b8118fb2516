"""Envelope encryption for personal data and photos (AES-256-GCM from `cryptography`).

Each value gets its own random data key; the data key is wrapped by a master key from
settings and stored beside the ciphertext together with that master key's id. Rotating a
master key therefore re-wraps 60 bytes per value and never touches the ciphertext, and a
worker can be handed one data key that opens one photo and nothing else.

Blob layout (all lengths in bytes):
    b"FRE1" | kid_len (1) | kid | wrap_nonce (12) | wrapped_dek (48) | nonce (12) | ciphertext
This module imports nothing from Django: keys come in as a KeyRing. The storefront seals
with it; a worker opens one blob with the one data key it was given (contracts.sealing).
"""

import base64
import binascii
import os
from dataclasses import dataclass
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"FRE1"
TEXT_PREFIX = "fre1:"
_NONCE = 12
_WRAPPED_DEK = 32 + 16

# What each kind of blob is bound to (AES-GCM associated data): a blob of one kind never
# opens as another.
PHOTO_CONTEXT = b"shoppers.photo"
PHOTO_THUMB_CONTEXT = b"shoppers.photo.thumbnail"
RESULT_CONTEXT = b"tryon.result"
EDIT_REGION_CONTEXT = b"tryon.edit_region"


class Envelope(NamedTuple):
    """The parts of an envelope blob."""

    kid: str  # id of the master key that wrapped the data key
    wrap_nonce: bytes
    wrapped_dek: bytes
    nonce: bytes
    ciphertext: bytes


class DecryptionError(ValueError):
    """The ciphertext is damaged, or was made with a key this key ring does not hold."""


@dataclass(frozen=True)
class KeyRing:
    """Master keys by id; ``primary_id`` encrypts, every key decrypts."""

    keys: dict[str, bytes]
    primary_id: str

    @classmethod
    def from_specs(cls, specs: list[str] | tuple[str, ...]) -> "KeyRing":
        """Parse ``["kid:base64key", ...]``; the first entry becomes the primary key."""
        if not specs:
            raise ValueError("No encryption keys configured (FITTINGROOM_ENCRYPTION_KEYS).")
        keys: dict[str, bytes] = {}
        for spec in specs:
            kid, sep, encoded = spec.strip().partition(":")
            if not sep or not kid or len(kid.encode()) > 255:
                raise ValueError(f"Encryption key {kid!r} must look like 'kid:base64key'.")
            try:
                key = base64.b64decode(encoded, validate=True)
            except binascii.Error as exc:
                raise ValueError(f"Encryption key {kid!r} is not valid base64.") from exc
            if len(key) != 32:
                raise ValueError(f"Encryption key {kid!r} must be 32 bytes, not {len(key)}.")
            if kid in keys:
                raise ValueError(f"Encryption key id {kid!r} appears twice.")
            keys[kid] = key
        return cls(keys=keys, primary_id=next(iter(keys)))

    @staticmethod
    def generate_spec(kid: str) -> str:
        """A new random key in the settings format."""
        return f"{kid}:{base64.b64encode(os.urandom(32)).decode()}"


def encrypt_bytes(plaintext: bytes, *, keyring: KeyRing, context: bytes = b"") -> bytes:
    """Encrypt under a fresh data key wrapped by the primary master key.

    ``context`` is authenticated but not stored: the same context must be given to decrypt,
    which stops a ciphertext being moved to another column or purpose.
    """
    dek = AESGCM.generate_key(bit_length=256)
    return _seal(plaintext, dek=dek, keyring=keyring, context=context)


def decrypt_bytes(blob: bytes, *, keyring: KeyRing, context: bytes = b"") -> bytes:
    """Decrypt a blob made by :func:`encrypt_bytes` with any key in the ring."""
    kid, dek, nonce, ciphertext = _open_envelope(blob, keyring)
    try:
        return AESGCM(dek).decrypt(nonce, ciphertext, context)
    except InvalidTag as exc:
        raise DecryptionError(f"Ciphertext under key {kid!r} failed authentication.") from exc


def blob_key_id(blob: bytes) -> str:
    """The id of the master key that wraps this blob's data key."""
    return envelope_parse(blob)[0]


def blob_data_key(blob: bytes, *, keyring: KeyRing) -> bytes:
    """Unwrap the data key of one blob (to hand a worker access to this blob alone)."""
    return _open_envelope(blob, keyring)[1]


def decrypt_with_data_key(blob: bytes, *, data_key: bytes, context: bytes = b"") -> bytes:
    """Decrypt a blob with its already unwrapped data key."""
    _kid, _wrap_nonce, _wrapped, nonce, ciphertext = envelope_parse(blob)
    try:
        return AESGCM(data_key).decrypt(nonce, ciphertext, context)
    except InvalidTag as exc:
        raise DecryptionError("Ciphertext failed authentication with the given data key.") from exc


def rewrap(blob: bytes, *, keyring: KeyRing) -> bytes:
    """Re-wrap the data key under the primary master key; the ciphertext is kept as is."""
    kid, dek, nonce, ciphertext = _open_envelope(blob, keyring)
    if kid == keyring.primary_id:
        return blob
    return _header(dek, keyring) + nonce + ciphertext


def encrypt_text(value: str, *, keyring: KeyRing, context: bytes = b"") -> str:
    """Encrypt a string into printable text (for database columns)."""
    blob = encrypt_bytes(value.encode("utf-8"), keyring=keyring, context=context)
    return TEXT_PREFIX + base64.urlsafe_b64encode(blob).decode("ascii")


def decrypt_text(token: str, *, keyring: KeyRing, context: bytes = b"") -> str:
    """Reverse :func:`encrypt_text`."""
    return decrypt_bytes(text_blob(token), keyring=keyring, context=context).decode("utf-8")


def text_blob(token: str) -> bytes:
    """The binary blob inside an encrypted text token."""
    if not token.startswith(TEXT_PREFIX):
        raise DecryptionError("Value is not an encrypted token.")
    try:
        return base64.urlsafe_b64decode(token[len(TEXT_PREFIX) :])
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError("Encrypted token is not valid base64.") from exc


def _seal(plaintext: bytes, *, dek: bytes, keyring: KeyRing, context: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    return _header(dek, keyring) + nonce + AESGCM(dek).encrypt(nonce, plaintext, context)


def _header(dek: bytes, keyring: KeyRing) -> bytes:
    kid = keyring.primary_id.encode()
    wrap_nonce = os.urandom(_NONCE)
    wrapped = AESGCM(keyring.keys[keyring.primary_id]).encrypt(wrap_nonce, dek, MAGIC + kid)
    return MAGIC + bytes([len(kid)]) + kid + wrap_nonce + wrapped


def envelope_parse(blob: bytes) -> Envelope:
    """Split an envelope blob into its parts; DecryptionError if it is not one."""
    if len(blob) < 5 or blob[:4] != MAGIC:
        raise DecryptionError("Not an encrypted blob (bad magic).")
    kid_len = blob[4]
    offset = 5 + kid_len
    kid = blob[5:offset].decode("utf-8", errors="replace")
    wrap_nonce = blob[offset : offset + _NONCE]
    wrapped = blob[offset + _NONCE : offset + _NONCE + _WRAPPED_DEK]
    nonce_at = offset + _NONCE + _WRAPPED_DEK
    nonce = blob[nonce_at : nonce_at + _NONCE]
    ciphertext = blob[nonce_at + _NONCE :]
    if len(nonce) != _NONCE or len(ciphertext) < 16:
        raise DecryptionError("Encrypted blob is truncated.")
    return Envelope(kid, wrap_nonce, wrapped, nonce, ciphertext)


def _open_envelope(blob: bytes, keyring: KeyRing) -> tuple[str, bytes, bytes, bytes]:
    kid, wrap_nonce, wrapped, nonce, ciphertext = envelope_parse(blob)
    master = keyring.keys.get(kid)
    if master is None:
        raise DecryptionError(f"Encrypted with key {kid!r}, which is not configured.")
    try:
        dek = AESGCM(master).decrypt(wrap_nonce, wrapped, MAGIC + kid.encode())
    except InvalidTag as exc:
        raise DecryptionError(f"Data key wrapped under {kid!r} failed authentication.") from exc
    return kid, dek, nonce, ciphertext
