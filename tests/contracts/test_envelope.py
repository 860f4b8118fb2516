"""Envelope encryption: round trips, tampering, contexts, rotation."""

import pytest

from contracts.envelope import (
    DecryptionError,
    KeyRing,
    blob_data_key,
    blob_key_id,
    decrypt_bytes,
    decrypt_text,
    decrypt_with_data_key,
    encrypt_bytes,
    encrypt_text,
    rewrap,
)

OLD = KeyRing.from_specs([KeyRing.generate_spec("2025")])
NEW_AND_OLD = KeyRing(
    keys={"2026": KeyRing.from_specs([KeyRing.generate_spec("x")]).keys["x"], **OLD.keys},
    primary_id="2026",
)


def test_round_trip_and_key_id() -> None:
    blob = encrypt_bytes(b"a photo", keyring=OLD, context=b"photo")
    assert b"a photo" not in blob
    assert blob_key_id(blob) == "2025"
    assert decrypt_bytes(blob, keyring=OLD, context=b"photo") == b"a photo"
    assert encrypt_bytes(b"a photo", keyring=OLD) != encrypt_bytes(b"a photo", keyring=OLD)


def test_wrong_context_tampering_and_unknown_key_fail() -> None:
    blob = encrypt_bytes(b"secret", keyring=OLD, context=b"shoppers.email")
    with pytest.raises(DecryptionError):
        decrypt_bytes(blob, keyring=OLD, context=b"shoppers.name")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(DecryptionError):
        decrypt_bytes(tampered, keyring=OLD, context=b"shoppers.email")
    other = KeyRing.from_specs([KeyRing.generate_spec("2025")])  # same id, different key
    with pytest.raises(DecryptionError):
        decrypt_bytes(blob, keyring=other, context=b"shoppers.email")
    with pytest.raises(DecryptionError, match="not configured"):
        decrypt_bytes(encrypt_bytes(b"x", keyring=NEW_AND_OLD), keyring=OLD)
    with pytest.raises(DecryptionError):
        decrypt_bytes(b"FRE1" + b"\x04abcd", keyring=OLD)


def test_rotation_rewraps_without_touching_ciphertext() -> None:
    blob = encrypt_bytes(b"measurements", keyring=OLD)
    assert decrypt_bytes(blob, keyring=NEW_AND_OLD) == b"measurements"  # old data still readable
    rotated = rewrap(blob, keyring=NEW_AND_OLD)
    assert blob_key_id(rotated) == "2026"
    assert rotated.endswith(blob[-len(b"measurements") - 16 :])  # same ciphertext and tag
    new_only = KeyRing(keys={"2026": NEW_AND_OLD.keys["2026"]}, primary_id="2026")
    assert decrypt_bytes(rotated, keyring=new_only) == b"measurements"


def test_a_data_key_opens_its_blob_only() -> None:
    first = encrypt_bytes(b"photo one", keyring=OLD, context=b"p")
    second = encrypt_bytes(b"photo two", keyring=OLD, context=b"p")
    key = blob_data_key(first, keyring=OLD)
    assert decrypt_with_data_key(first, data_key=key, context=b"p") == b"photo one"
    with pytest.raises(DecryptionError):
        decrypt_with_data_key(second, data_key=key, context=b"p")


def test_text_tokens() -> None:
    token = encrypt_text("Ada Lovelace", keyring=OLD, context=b"name")
    assert token.startswith("fre1:") and "Ada" not in token
    assert decrypt_text(token, keyring=OLD, context=b"name") == "Ada Lovelace"


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ([], "No encryption keys"),
        (["nokey"], "kid:base64key"),
        (["a:!!!"], "not valid base64"),
        (["a:c2hvcnQ="], "must be 32 bytes"),
    ],
)
def test_bad_key_configuration_is_explained(specs: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        KeyRing.from_specs(specs)
