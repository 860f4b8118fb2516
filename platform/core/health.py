"""Readiness checks for the database, the cache and, on request, a round trip through a worker."""

import secrets
import time
from typing import Any

from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.core.cache import cache
from django.db import connection


def health_report(*, check_worker: bool, worker_timeout_s: float = 10.0) -> dict[str, Any]:
    """Return each component's state; ``ok`` is true only when every checked part answered."""
    report: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
    except Exception as exc:
        report["database"] = f"error: {exc}"
    try:
        token = secrets.token_hex(8)
        # A key of its own per probe: with one shared key, overlapping probes overwrote each
        # other's token and answered a false "mismatch" 503.
        key = f"health:probe:{token}"
        cache.set(key, token, 30)
        report["cache"] = "ok" if cache.get(key) == token else "error: mismatch"
        cache.delete(key)
    except Exception as exc:
        report["cache"] = f"error: {exc}"
    if check_worker:
        from core.tasks import ping

        token = secrets.token_hex(8)
        started = time.monotonic()
        try:
            reply = ping.delay(token).get(timeout=worker_timeout_s)
            ok = reply.get("token") == token
            report["worker"] = "ok" if ok else "error: wrong reply"
            report["worker_round_trip_ms"] = round((time.monotonic() - started) * 1000, 1)
        except CeleryTimeoutError:
            report["worker"] = f"error: no worker answered within {worker_timeout_s:.0f}s"
        except Exception as exc:
            report["worker"] = f"error: {exc}"
    report["ok"] = all(v == "ok" for k, v in report.items() if k in {"database", "cache", "worker"})
    return report
