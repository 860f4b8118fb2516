"""Tasks that prove the queue path works end to end (used by the deep health check)."""

import socket

from celery import shared_task


@shared_task(name="storefront.ping", acks_late=False)
def ping(token: str) -> dict[str, str]:
    """Echo a token back with the worker's host name."""
    return {"token": token, "worker": socket.gethostname()}
