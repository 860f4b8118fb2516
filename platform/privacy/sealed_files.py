"""Encrypted blobs (shopper photos, try-on results) in the private storage."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from contracts.envelope import blob_key_id, decrypt_bytes, encrypt_bytes, rewrap
from privacy.keyring import active_keyring


def private_storage():
    """The storage that only ever holds ciphertext."""
    return storages["private"]


def sealed_file_save(
    *, content: bytes, folder: str, context: bytes, name: str | None = None
) -> str:
    """Encrypt ``content`` and store it; return the storage name.

    Without ``name`` the file gets a random one. With ``name`` (a name a row already knows,
    such as a try-on result's) a file left there by an earlier try is replaced, never kept
    beside the new one under a suffixed name that nothing would point at.
    """
    blob = encrypt_bytes(content, keyring=active_keyring(), context=context)
    storage = private_storage()
    if name is None:
        return storage.save(f"{folder}/{uuid.uuid4().hex}.bin", ContentFile(blob))
    storage.delete(name)
    stored = storage.save(name, ContentFile(blob))
    if stored != name:  # a concurrent writer took the name: never leave a second copy behind
        storage.delete(stored)
        raise FileExistsError(f"{name} was written concurrently")
    return stored


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
