"""The suggestions' notice says each sentence once, however many updates follow a photo that
could not be used (issue 12: after the shopper saved their measurements, the notice said
"Until then, your suggestions are popular garments in your size." twice, and once more on
every later save). Checked in the recommender's answer and on the shopper's page."""

from html import unescape
from pathlib import Path

import pytest
from django.test import Client

from catalog.recommender_feed import garment_document
from contracts.recommender import ProfileUpdate
from recommendations.services import suggestion_set_apply
from recommender.service import FALLBACK_SENTENCES, Recommender
from recommender.style import SentenceTextEncoder
from tests.support.factories import garment_create, shopper_create

SIZE_M = {"chest_cm": 96.0, "waist_cm": 80.0}


@pytest.fixture
def recommender(tmp_path: Path) -> Recommender:
    """A Recommender over an empty data directory, with the real bundled sentence model."""
    return Recommender(tmp_path / "recommender", encoder=SentenceTextEncoder())


@pytest.mark.django_db
def test_the_fallback_sentence_is_said_once(recommender: Recommender, client: Client) -> None:
    garment = garment_create()
    recommender.garment_upsert(garment_document(garment=garment))
    shopper = shopper_create()
    subject = shopper.pseudonym

    recommender.profile_update(ProfileUpdate(subject=subject), b"not a picture")
    for _save in range(3):  # the shopper saves their details and measurements, a few times
        recommender.profile_update(
            ProfileUpdate(subject=subject, measurements=SIZE_M, preferred_size="M")
        )
    answer = recommender.suggest(subject)

    assert answer.notice.startswith("We couldn't read your photo.")
    said = [sentence for sentence in FALLBACK_SENTENCES if sentence in answer.notice]
    assert len(said) == 1, answer.notice
    assert answer.notice.count(said[0]) == 1, answer.notice
    assert answer.notice.count("We couldn't read your photo.") == 1, answer.notice

    # The same notice as the shopper reads it.
    suggestion_set_apply(event=answer)
    client.force_login(shopper.user)
    page = unescape(client.get("/suggestions/").content.decode())
    assert page.count("We couldn't read your photo.") == 1
    assert page.count(said[0]) == 1, said[0]
