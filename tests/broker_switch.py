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
        app.conf.broker_url = broker
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None

    reset(url)
    try:
        yield
    finally:
        reset(saved)
