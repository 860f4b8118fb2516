"""The storefront/worker contract: versioned messages and the shared envelope layout."""

import json
from pathlib import Path

import pytest

from contracts.base import MessageError
from contracts.envelope import KeyRing, blob_data_key, encrypt_bytes
from contracts.sealing import PHOTO_CONTEXT, SealingError, photo_open
from contracts.tryon import RenderRequest, TryOnEvent

FIXTURES = Path(__file__).parent / "fixtures"
REQUEST_V1 = json.loads((FIXTURES / "render_request.v1.json").read_text())
# A succeeded event as workers sent it before edit regions (schema version 1 all along).
EVENT_V1 = json.loads((FIXTURES / "tryon_event.v1.before_edit_region.json").read_text())


def test_render_request_v1_round_trips() -> None:
    assert RenderRequest.from_dict(REQUEST_V1).to_dict() == REQUEST_V1


def test_unknown_version_and_missing_fields_are_refused() -> None:
    with pytest.raises(MessageError, match="unsupported schema_version 2"):
        RenderRequest.from_dict({**REQUEST_V1, "schema_version": 2})
    with pytest.raises(MessageError, match="missing fields \\['person_key'\\]"):
        RenderRequest.from_dict({k: v for k, v in REQUEST_V1.items() if k != "person_key"})
    with pytest.raises(MessageError, match="missing fields"):
        TryOnEvent.from_dict({"schema_version": 1, "job_id": "x"})


def test_newer_fields_are_ignored_by_older_readers() -> None:
    assert (
        RenderRequest.from_dict({**REQUEST_V1, "added_later": True}).job_id == REQUEST_V1["job_id"]
    )


def test_the_edit_region_is_an_optional_field_within_version_1() -> None:
    # An older worker's event still reads, with no edit region.
    older = TryOnEvent.from_dict(EVENT_V1)
    assert older.edit_region_blob == "" and older.result_blob == EVENT_V1["result_blob"]
    # A newer worker's event: the same version, one field more, which older readers ignore.
    newer = {**EVENT_V1, "edit_region_blob": f"results/{EVENT_V1['job_id']}-r1-edit.bin"}
    assert TryOnEvent.from_dict(newer).to_dict() == newer
    assert set(newer) - set(EVENT_V1) == {"edit_region_blob"}
    assert set(TryOnEvent.__dataclass_fields__) == set(newer)


def test_worker_opens_storefront_photo_envelopes_with_the_data_key_only() -> None:
    keyring = KeyRing.from_specs([KeyRing.generate_spec("k1")])
    blob = encrypt_bytes(b"photo bytes", keyring=keyring, context=PHOTO_CONTEXT)
    assert photo_open(blob, data_key=blob_data_key(blob, keyring=keyring)) == b"photo bytes"
    other = encrypt_bytes(b"other photo", keyring=keyring, context=PHOTO_CONTEXT)
    with pytest.raises(SealingError):
        photo_open(other, data_key=blob_data_key(blob, keyring=keyring))
