"""`manage.py up` sends each garment to the recommender once, on a first start and after.

On the first start the demo import sent every garment it created and then, the recommender's
data folder being empty, the whole catalogue was sent again: two upserts per garment. The
messages are counted on the real Redis queue the recommender worker reads.
"""

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from catalog.models import Garment
from contracts.queues import GARMENT_UPSERT_TASK, RECOMMENDER_QUEUE
from shop.management.commands.up import state_prepare
from tests.support.broker_queue import queue_client, queued_messages

pytestmark = pytest.mark.slow


def _upserts() -> Counter[int]:
    """How many upsert messages wait on the recommender's queue for each garment."""
    upserts = [m for m in queued_messages(RECOMMENDER_QUEUE) if m["task"] == GARMENT_UPSERT_TASK]
    return Counter(m["kwargs"]["garment_id"] for m in upserts)


def test_each_garment_reaches_the_recommender_once(transactional_db, empty_queues) -> None:
    said: list[str] = []
    recommender_dir: Path = settings.RECOMMENDER_DATA_DIR
    assert not recommender_dir.exists()  # a first start: the recommender knows nothing

    logins = state_prepare(demo=True, say=said.append)

    garments = set(Garment.objects.values_list("pk", flat=True))
    assert len(garments) > 10 and logins  # the demo catalogue was loaded
    sent = _upserts()
    assert set(sent) == garments
    assert [g for g, count in sent.items() if count != 1] == [], "sent more than once"

    # The next start: the recommender has its state, the demo is unchanged: nothing to send.
    recommender_dir.mkdir(parents=True)
    (recommender_dir / "catalogue.sqlite3").write_bytes(b"")
    queue_client().delete(RECOMMENDER_QUEUE)
    state_prepare(demo=True, say=said.append)
    assert _upserts() == Counter()

    # Its state deleted: the recommender learns the whole catalogue again, once.
    (recommender_dir / "catalogue.sqlite3").unlink()
    state_prepare(demo=True, say=said.append)
    assert _upserts() == Counter(dict.fromkeys(garments, 1))
