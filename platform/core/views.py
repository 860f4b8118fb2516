"""Operational endpoints and local media serving."""

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from django.views.static import serve

from core.health import health_report


# A probe only reads: outside ATOMIC_REQUESTS' transaction it never waits for SQLite's
# write lock (IMMEDIATE) behind a catalogue import, and answers within the probe's timeout.
@transaction.non_atomic_requests
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Readiness probe; ``?worker=1`` also sends a task through the broker to a worker.

    ``?timeout=`` (1-30 s, default 10) bounds the wait for the worker's answer.
    """
    try:
        timeout_s = min(max(float(request.GET.get("timeout", 10)), 1.0), 30.0)
    except ValueError:
        timeout_s = 10.0
    report = health_report(
        check_worker=request.GET.get("worker") == "1", worker_timeout_s=timeout_s
    )
    return JsonResponse(report, status=200 if report["ok"] else 503)


def public_media(request: HttpRequest, path: str) -> HttpResponse:
    """Serve public catalogue media from local storage (laptop mode only)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
