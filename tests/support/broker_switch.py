"""Small test-only tools that more than one test module needs."""

from collections.abc import Iterator
from contextlib import contextmanager

from celery import current_app


@contextmanager
def broker_swapped(url: str) -> Iterator[None]:
    """Send this process's Celery messages to another Redis for the duration of the block."""
    app = current_app._get_current_object()
    saved = app.conf.broker_url

    def reset(broker: str) -> None:
        # Drop (never close) the cached pools: kombu keeps them in a global registry too, and
        # a closed one would fail every later send from this process.
        app.conf.broker_url = broker
        app._pool = None
        app.amqp._producer_pool = None

    reset(url)
    try:
        yield
    finally:
        reset(saved)
