"""One HTTP POST of a webhook body to an address that was checked (``url_policy``).

The connection goes to the checked IP address itself, while the request's Host header and
TLS (SNI and certificate check) use the URL's host name: the name is never resolved again
between the check and the connection. Redirects are not followed (a 3xx is an answer).
"""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from webhooks.url_policy import WebhookTarget

#: How much of a receiver's answer is kept with the attempt (shown in the admin).
RESPONSE_EXCERPT_BYTES = 1024
USER_AGENT = "FittingRoom-Webhooks/1.0"


@dataclass(frozen=True)
class PostResult:
    """What one POST came to: a status code, or an error (network, timeout, TLS)."""

    status_code: int | None
    duration_ms: int
    response_excerpt: str = ""
    error: str = ""
    timed_out: bool = False


def signed_post(
    *, target: WebhookTarget, body: bytes, headers: dict[str, str], timeout_s: float
) -> PostResult:
    """POST ``body`` to the target's first reachable checked address; never raises for
    network faults (they come back as ``error``)."""
    started = time.monotonic()
    errors: list[str] = []
    for address in target.addresses:
        connection = _connection(target, address, timeout_s)
        try:
            connection.request(
                "POST",
                target.path,
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                    **headers,
                },
            )
            response = connection.getresponse()
            excerpt = response.read(RESPONSE_EXCERPT_BYTES)
            return PostResult(
                status_code=response.status,
                duration_ms=_elapsed_ms(started),
                response_excerpt=excerpt.decode("utf-8", errors="replace"),
            )
        except TimeoutError as exc:
            return PostResult(
                status_code=None,
                duration_ms=_elapsed_ms(started),
                error=f"Timed out after {timeout_s:g} s ({exc or 'no answer'}).",
                timed_out=True,
            )
        except ConnectionRefusedError as exc:
            # Another checked address of the same host may be up.
            errors.append(f"{address}: connection refused ({exc.strerror or exc})")
        except (OSError, http.client.HTTPException) as exc:
            return PostResult(
                status_code=None,
                duration_ms=_elapsed_ms(started),
                error=f"{type(exc).__name__}: {exc}",
            )
        finally:
            connection.close()
    return PostResult(status_code=None, duration_ms=_elapsed_ms(started), error="; ".join(errors))


def _connection(
    target: WebhookTarget, address: str, timeout_s: float
) -> http.client.HTTPConnection:
    """A connection named after the host (Host header, SNI) that connects to ``address``."""
    if target.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout_s, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout_s)

    def connect_pinned(
        _host_port: tuple[str, int], timeout: float, source_address: tuple[str, int] | None
    ) -> socket.socket:
        return socket.create_connection((address, target.port), timeout, source_address)

    # http.client opens its socket through this attribute; TLS is then wrapped around that
    # socket with server_hostname=target.host, so the certificate is checked for the name.
    connection._create_connection = connect_pinned  # type: ignore[attr-defined]
    return connection


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
