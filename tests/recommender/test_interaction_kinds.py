"""The interaction kinds a merchant reports: add to cart counts like a strong like; a return
steers taste away, adds no popularity and is never a reason for another garment."""

from datetime import UTC, datetime, timedelta

from contracts.recommender import Interaction, ProfileUpdate
from recommender.service import Recommender
from tests.recommender.catalogue import stock_shop

HOURGLASS = {"chest_cm": 92.0, "waist_cm": 70.0, "hips_cm": 96.0}
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def at(minutes: float = 0) -> str:
    return (NOW + timedelta(minutes=minutes)).isoformat()


def reasons_of(recommender: Recommender, subject: str, garment_id: int) -> list[str]:
    answer = recommender.suggest(subject, limit=9)
    item = next(item for item in answer.items if item["garment_id"] == garment_id)
    return item["reasons"]


def test_a_garment_put_in_the_basket_is_a_reason(recommender: Recommender) -> None:
    stock_shop(recommender)
    recommender.profile_update(ProfileUpdate(subject="psn_h", measurements=HOURGLASS))
    assert recommender.interaction(Interaction("psn_h", 1, "add_to_cart", at()))
    assert "close to the linen shirt you put in your basket" in reasons_of(recommender, "psn_h", 2)


def test_a_returned_garment_is_no_reason_and_no_popularity(recommender: Recommender) -> None:
    stock_shop(recommender)
    recommender.profile_update(ProfileUpdate(subject="psn_h", measurements=HOURGLASS))
    recommender.interaction(Interaction("psn_h", 1, "purchase", at()))
    assert "close to the linen shirt you bought" in reasons_of(recommender, "psn_h", 2)
    assert recommender.interaction(Interaction("psn_h", 1, "return", at(1)))
    assert not any("linen shirt" in r for r in reasons_of(recommender, "psn_h", 2))

    before = recommender.catalogue.popularity_max(now=NOW.timestamp())
    for n in range(5):
        recommender.interaction(Interaction(f"psn_{n}", 9, "return", at(n)))
    assert recommender.catalogue.popularity_max(now=NOW.timestamp()) == before
    for n in range(2):  # the one purchase of the linen shirt is the top so far
        recommender.interaction(Interaction(f"psn_{n}", 9, "purchase", at(n)))
    assert recommender.catalogue.popularity_max(now=NOW.timestamp()) > before
