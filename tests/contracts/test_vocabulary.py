"""Every restatement of a shared vocabulary follows contracts.vocabulary (issue 14, item 1)."""

import pytest

from contracts.vocabulary import CATEGORIES, INPUT_ERROR_CODES, STAGES, WORKER_STAGES
from sizing.fit import EASE_CM
from vision.errors import ImageInputError


def test_every_category_has_an_ease_for_sizing() -> None:
    assert set(EASE_CM) == set(CATEGORIES)


def test_the_worker_reports_the_stages_between_the_storefronts() -> None:
    assert STAGES[0] == "queued" and STAGES[-1] == "done"
    assert STAGES[1:-1] == WORKER_STAGES


def test_picture_refusals_use_the_shared_codes() -> None:
    assert ImageInputError("no_person", "No one is in this photo.").code in INPUT_ERROR_CODES
    with pytest.raises(ValueError, match="unknown"):
        ImageInputError("made_up", "?")
