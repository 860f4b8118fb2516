"""Container healthcheck for the `web` image (uvicorn + Django ASGI on :8000).

Probes GET /health/ (core.views.health: 200 when ok, 503 when a dependency is down).
Healthy = uvicorn accepts the connection and the app answers with a status < 500; a
3xx/4xx still proves the ASGI app is loaded and serving. Connection errors, timeouts and
5xx (including the 503 readiness failure) are unhealthy. Redirects are not followed.

The Host header is the first entry of DJANGO_ALLOWED_HOSTS so ALLOWED_HOSTS does not
reject the probe; X-Forwarded-Proto: https avoids SECURE_SSL_REDIRECT bouncing it
(uvicorn --proxy-headers trusts 127.0.0.1 by default).
"""

from __future__ import annotations

import http.client
import os
import sys


def main() -> int:
    path = os.environ.get("HEALTHCHECK_PATH", "/health/")
    port = int(os.environ.get("HEALTHCHECK_PORT", "8000"))
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts and hosts[0] != "*" else "localhost"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=4)
    try:
        conn.request("GET", path, headers={"Host": host, "X-Forwarded-Proto": "https"})
        status = conn.getresponse().status
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    if status >= 500:
        print(f"unhealthy: GET {path} -> {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
