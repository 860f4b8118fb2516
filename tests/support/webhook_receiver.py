"""A merchant's webhook receiver: a real HTTP server on 127.0.0.1, in a thread.

It keeps every request as it arrived (headers, raw body) and answers with the statuses a
test queues (200 once they run out); tests verify signatures on what it kept with
``standardwebhooks.Webhook(secret).verify(...)``, exactly as a merchant's receiver would.
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes

    def verified(self, secret: str) -> dict:
        """The payload, if the signature verifies with this secret (raises otherwise)."""
        return Webhook(secret).verify(self.body, self.headers)

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    requests: list[ReceivedRequest] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def answer(self, *statuses: int) -> None:
        """Answer the next requests with these statuses, in order (then 200)."""
        self.statuses.extend(statuses)


@contextmanager
def receiver_running() -> Iterator[Receiver]:
    """Serve a receiver until the block ends."""
    state = Receiver(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state.requests.append(
                    ReceivedRequest(path=self.path, headers=dict(self.headers.items()), body=body)
                )
                status = state.statuses.pop(0) if state.statuses else 200
            reply = b'{"ok": true}' if status < 300 else b"receiver says no"
            self.send_response(status)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/fitting-room"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
