"""A maximum request body size, enforced in front of Django before any byte is buffered.

Django's ASGI handler reads the whole body into a temporary file before the first middleware
runs, so an anonymous client could make the server spool hundreds of megabytes to disk before
the CSRF check refuses it. This ASGI wrapper answers 413 from the declared Content-Length
without reading the body, and stops counting streamed bytes (chunked uploads, or a client
that lies about its length) the moment they pass the limit.
"""

import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _BodyTooLarge(Exception):
    """Raised from ``receive`` to abandon the request as soon as the body passes the limit."""


class RequestBodyLimit:
    """ASGI middleware: bodies over ``max_bytes`` (``admin_max_bytes`` under ``/admin/``, a path
    of ``path_limits`` its own) get 413.

    The admin has its own, larger limit because merchants post a catalogue's ZIP of images
    and several product images at once there; every other form and API takes one photo.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        admin_max_bytes: int,
        admin_prefix: str = "/admin/",
        path_limits: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.admin_max_bytes = admin_max_bytes
        self.admin_prefix = admin_prefix
        # Other paths that take more than one photo (the API's catalogue import), by prefix.
        self.path_limits = dict(path_limits or {})

    def limit_for(self, path: str) -> int:
        """The most bytes a request to ``path`` may send."""
        for prefix, limit in self.path_limits.items():
            if path.startswith(prefix):
                return limit
        return self.admin_max_bytes if path.startswith(self.admin_prefix) else self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse on the declared length, or wrap ``receive`` to count what actually arrives."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _send_413(scope, send, limit)
            return

        received = 0
        response_started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _BodyTooLarge:
            # Django reads the whole body before it answers, so nothing has been sent yet;
            # the guard is for an app that streams a reply while still reading.
            if not response_started:
                await _send_413(scope, send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def too_large_message(limit: int) -> str:
    """What the shopper or the API client reads on a 413."""
    megabytes = limit / (1024 * 1024)
    return (
        f"The upload is too large: at most {megabytes:.0f} MB can be sent at once. "
        "Please choose a smaller file."
    )


async def _send_413(scope: Scope, send: Send, limit: int) -> None:
    message = too_large_message(limit)
    headers = {name: value for name, value in scope.get("headers", [])}
    wants_json = scope.get("path", "").startswith("/api/") or b"application/json" in headers.get(
        b"accept", b""
    )
    if wants_json:
        body = json.dumps(
            {"message": message, "code": "request_too_large", "extra": {"max_bytes": limit}}
        ).encode()
        content_type = b"application/json"
    else:
        body = message.encode()
        content_type = b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                # The unread rest of the body would otherwise be taken as the next request.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
