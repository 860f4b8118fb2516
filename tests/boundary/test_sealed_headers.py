"""No task message of ours repeats its arguments as text in its headers (issue 12, item 3).

Celery copies a message's arguments into its ``argsrepr``/``kwargsrepr`` headers, beside the
base64 body; in Redis's append-only file that text is readable. Producers pass
``SEALED_REPRS``; ``transport.sealed_headers`` also seals what they do not build (a task's
``retry()`` re-sends its arguments), in every process that has one of our Celery apps.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from celery import current_app

from tests.support.broker_queue import queue_client

REPO = Path(__file__).resolve().parents[2]
QUEUE = "test_sealed_headers"


def test_a_message_sent_without_sealed_reprs_is_sealed_on_the_way_out() -> None:
    client = queue_client()
    client.delete(QUEUE)
    # As a retry sends it: plain send_task, arguments that name a shopper, no SEALED_REPRS.
    current_app.send_task(
        "storefront.events.suggestions",
        args=("psn_retried",),
        kwargs={"subject": "psn_retried", "photo_blob": "photos/p.webp"},
        queue=QUEUE,
    )
    [raw] = client.lrange(QUEUE, 0, -1)
    client.delete(QUEUE)
    headers = json.loads(raw)["headers"]
    assert (headers["argsrepr"], headers["kwargsrepr"]) == ("<sealed>", "<sealed>")
    assert b"psn_retried" not in raw and b"photos/p.webp" not in raw


def test_each_worker_app_seals_its_messages_without_django() -> None:
    script = (
        "import importlib, sys\n"
        "from celery.signals import before_task_publish\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(str(key[0]) for key, _ in before_task_publish.receivers))\n"
    )
    for app_module in ("tryon_worker.celery_app", "recommender.celery_app"):
        completed = subprocess.run(
            [sys.executable, "-c", script, app_module],
            cwd=REPO,
            env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert "sealed_headers" in completed.stdout, (app_module, completed.stdout)
