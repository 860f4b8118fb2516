"""A worker's answer sent while Redis restarts waits for it instead of being lost."""

import threading
import time
from pathlib import Path

import redis
from celery import Celery, current_app

from transport.embedded_redis import EmbeddedRedis
from transport.publish_retry import PUBLISH_RETRY_POLICY


def test_both_workers_publish_with_the_policy() -> None:
    storefront = current_app._get_current_object()
    from recommender.celery_app import app as recommender_app
    from tryon_worker.celery_app import app as tryon_app

    storefront.set_current()  # importing a worker's app made it current

    for app in (recommender_app, tryon_app):
        assert app.conf.task_publish_retry_policy == PUBLISH_RETRY_POLICY


def test_a_message_sent_during_a_restart_arrives(tmp_path: Path) -> None:
    server = EmbeddedRedis(tmp_path / "r" / "redis.sock", append_only=False).start()
    # Not current: later tests send through the storefront's app.
    app = Celery("restart-probe", broker=server.url, fixups=[], set_as_current=False)
    app.conf.task_publish_retry_policy = PUBLISH_RETRY_POLICY
    app.send_task("probe.warm", queue="probe")  # the connection exists before the restart
    server.stop()
    restarted = threading.Timer(4.0, server.start)
    restarted.start()
    try:
        began = time.monotonic()
        app.send_task("probe.during_restart", queue="probe")
        waited = time.monotonic() - began
        restarted.join()
        client = redis.Redis(unix_socket_path=str(server.socket_path))
        assert client.llen("probe") >= 1  # the restart lost the first (no AOF), not this one
        assert waited >= 3.0
    finally:
        restarted.cancel()
        server.stop()
