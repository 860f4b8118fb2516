"""Read the messages waiting on a Redis-backed Celery queue, as a worker would receive them."""

import base64
import json
from types import ModuleType

import pytest
import redis

from core.redis_url import redis_cache_location


def queue_client(redis_url: str | None = None) -> redis.Redis:
    """A client of ``redis_url``'s server, by default the storefront's (Django's settings)."""
    if redis_url is None:
        # Only here: the worker tests that run without Django pass their own URL.
        from django.conf import settings

        redis_url = settings.REDIS_URL
    return redis.Redis.from_url(redis_cache_location(redis_url))


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


def worker_tasks_on_test_broker(package: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """``package``'s task module (``tryon_worker`` or ``recommender``), its Celery app sending
    to the storefront's test Redis, so its real task functions can run in this process."""
    from celery import current_app
    from django.conf import settings

    storefront = current_app._get_current_object()
    tasks = __import__(f"{package}.tasks", fromlist=["app"])
    storefront.set_current()  # importing the worker's app made it current
    monkeypatch.setattr(tasks.app.conf, "broker_url", settings.REDIS_URL)
    # Connections another test opened to another broker must not be reused.
    monkeypatch.setattr(tasks.app, "_pool", None)
    monkeypatch.setattr(tasks.app.amqp, "_producer_pool", None)
    return tasks
