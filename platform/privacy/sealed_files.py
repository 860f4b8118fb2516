"""Encrypted blobs (shopper photos, try-on results) in the private storage."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from privacy.crypto import blob_key_id, decrypt_bytes, encrypt_bytes, rewrap
from privacy.keyring import active_keyring


def private_storage():
    """The storage that only ever holds ciphertext."""
    return storages["private"]


def sealed_file_save(*, content: bytes, folder: str, context: bytes) -> str:
    """Encrypt ``content`` and store it under a random name; return the storage name."""
    blob = encrypt_bytes(content, keyring=active_keyring(), context=context)
    name = f"{folder}/{uuid.uuid4().hex}.bin"
    return private_storage().save(name, ContentFile(blob))


def sealed_file_read(name: str, *, context: bytes) -> bytes:
    """Read and decrypt a stored blob."""
    with private_storage().open(name, "rb") as handle:
        blob = handle.read()
    return decrypt_bytes(blob, keyring=active_keyring(), context=context)


def sealed_file_key_id(name: str) -> str:
    """The master key id a stored blob is wrapped under."""
    with private_storage().open(name, "rb") as handle:
        return blob_key_id(handle.read(256))


def sealed_file_rewrap(name: str) -> bool:
    """Re-wrap a stored blob under the primary key; True when it changed."""
    storage = private_storage()
    with storage.open(name, "rb") as handle:
        blob = handle.read()
    rewrapped = rewrap(blob, keyring=active_keyring())
    if rewrapped == blob:
        return False
    storage.delete(name)
    storage.save(name, ContentFile(rewrapped))
    return True


def sealed_file_delete(name: str) -> None:
    """Delete a stored blob (no error if it is already gone)."""
    private_storage().delete(name)
