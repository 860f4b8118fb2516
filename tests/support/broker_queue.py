"""Read the messages waiting on a Redis-backed Celery queue, as a worker would receive them."""

import base64
import json

import redis
from django.conf import settings

from core.redis_url import redis_cache_location


def queue_client() -> redis.Redis:
    return redis.Redis.from_url(redis_cache_location(settings.REDIS_URL))


def queued_messages(queue: str) -> list[dict]:
    """Each waiting message as {"task", "kwargs", "raw"} (oldest first)."""
    messages = []
    for raw in reversed(queue_client().lrange(queue, 0, -1)):
        envelope = json.loads(raw)
        _args, kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
        messages.append(
            {"task": envelope["headers"]["task"], "kwargs": kwargs, "raw": raw.decode()}
        )
    return messages
