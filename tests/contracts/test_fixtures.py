"""One JSON fixture per message version (tests/contracts/fixtures/NAME.vN.json): what a producer
of that version sends. Every message has one for its current version; each reads back to itself,
tolerates a field added later, and a reader refuses the next version (issue 14, item 1)."""

import json
from pathlib import Path

import pytest

from contracts import failures, recommender, tryon
from contracts.base import SCHEMA_VERSION, Message, MessageError

FIXTURES = Path(__file__).parent / "fixtures"
MESSAGES: dict[str, type[Message]] = {
    "render_request": tryon.RenderRequest,
    "tryon_event": tryon.TryOnEvent,
    "garment_document": recommender.GarmentDocument,
    "garment_removal": recommender.GarmentRemoval,
    "profile_update": recommender.ProfileUpdate,
    "interaction": recommender.Interaction,
    "forget": recommender.Forget,
    "suggest_request": recommender.SuggestRequest,
    "suggestion_set": recommender.SuggestionSet,
    "task_failed": failures.TaskFailed,
}


def _fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


def _message_of(path: Path) -> type[Message]:
    return MESSAGES[path.name.split(".")[0]]


def test_every_message_has_a_fixture_of_its_version() -> None:
    declared = {
        cls
        for module in (tryon, recommender, failures)
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, Message) and cls is not Message
    }
    assert declared == set(MESSAGES.values())
    have = {path.name.split(".")[0] for path in FIXTURES.glob(f"*.v{SCHEMA_VERSION}.json")}
    assert have == set(MESSAGES)


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: p.name)
def test_a_fixture_reads_back_to_itself(path: Path) -> None:
    data = json.loads(path.read_text())
    message = _message_of(path).from_dict(data)
    written = message.to_dict()
    # A fixture of an older producer lacks fields added since; what it sent comes back.
    assert {k: v for k, v in written.items() if k in data} == data


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: p.name)
def test_a_field_added_later_is_ignored(path: Path) -> None:
    data = json.loads(path.read_text())
    cls = _message_of(path)
    assert cls.from_dict({**data, "added_in_a_later_release": 1}) == cls.from_dict(data)


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: p.name)
def test_the_next_version_is_refused(path: Path) -> None:
    data = json.loads(path.read_text())
    with pytest.raises(MessageError, match="unsupported schema_version"):
        _message_of(path).from_dict({**data, "schema_version": data["schema_version"] + 1})
