"""Erasure and Redis: the queued and in-flight messages, page views and cache entries that name
an erased shopper go (only the recommender's forget message stays, to be delivered), and
nobody else's do."""

import base64
import json

import pytest
from django.core.cache import cache

from contracts.queues import FORGET_TASK
from lifecycle.services import shopper_erase
from privacy.models import ErasureRecord
from recommendations.services import VIEW_QUEUE_KEY, interaction_view_queue
from tests.support.broker_queue import queue_client
from tests.support.shopper_footprint import Footprint

pytestmark = pytest.mark.usefixtures("empty_queues", "storefront_tasks_eager")


def _readable(raw: bytes) -> bytes:
    """A stored value with any Celery message body in it decoded (bodies are base64)."""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw
    envelope = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else data
    if isinstance(envelope, dict) and isinstance(envelope.get("body"), str):
        return raw + base64.b64decode(envelope["body"])
    return raw


def _everything_in_redis() -> list[tuple[bytes, bytes]]:
    """Every key and value (lists, hashes, sets, strings) as (key, readable value)."""
    client = queue_client()
    found = []
    for key in client.scan_iter():
        kind = client.type(key)
        if kind == b"list":
            values = client.lrange(key, 0, -1)
        elif kind == b"hash":
            values = list(client.hgetall(key).values())
        elif kind == b"set":
            values = list(client.smembers(key))
        elif kind == b"zset":
            values = client.zrange(key, 0, -1)
        elif kind == b"string":
            values = [client.get(key) or b""]
        else:
            values = []
        found.extend((key, _readable(v)) for v in values)
    return found


def _naming(footprint: Footprint) -> list[bytes]:
    markers = [footprint.pseudonym, *footprint.job_public_ids, *footprint.blobs]
    return [m.encode() for m in markers]


def _hits(markers: list[bytes]) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in _everything_in_redis() if any(m in k + v for m in markers)]


def test_erasure_removes_every_redis_entry_naming_the_shopper_and_only_theirs(
    footprint_of, garment, django_capture_on_commit_callbacks
) -> None:
    ada, grace = footprint_of("ada-redis"), footprint_of("grace-redis")
    client = queue_client()
    client.delete(VIEW_QUEUE_KEY)
    for someone in (ada, grace):
        interaction_view_queue(shopper=someone.shopper, garment=garment)
    # An in-flight render of ada's, as kombu keeps it while a worker holds it.
    client.hset("unacked.tryon", "tag-ada", json.dumps([{"body": base64.b64encode(
        json.dumps([[], {"job_id": ada.job_public_ids[1]}, {}]).encode()).decode(),
        "headers": {"task": "tryon.render"}}, "", "tryon"]))  # fmt: skip
    client.zadd("unacked_index.tryon", {"tag-ada": 1.0})
    cache.set("something-about-ada", {"job": ada.job_public_ids[0]})
    assert _hits(_naming(ada)) and _hits(_naming(grace))

    with django_capture_on_commit_callbacks(execute=True):
        shopper_erase(shopper=ada.shopper, channel=ErasureRecord.Channel.API)

    left = _hits(_naming(ada))
    # Only the forget message names ada still: the recommender has yet to read it.
    assert all(FORGET_TASK.encode() in value for _key, value in left), left
    assert not client.zscore("unacked_index.tryon", "tag-ada")
    views = [json.loads(v) for v in client.lrange(VIEW_QUEUE_KEY, 0, -1)]
    assert [v["shopper"] for v in views] == [grace.shopper.pk]
    assert _hits(_naming(grace))  # nobody else's messages went
