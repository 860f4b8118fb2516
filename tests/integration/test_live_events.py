"""Live updates over Server-Sent Events from the real ASGI server, with a real HTTP client."""

import http.client
import json
import queue
import threading
import urllib.parse
import urllib.request

import pytest
from django.test import Client

from shoppers.services import shopper_photo_add
from tests.worker_results import worker_result_event
from tryon.services import tryon_event_apply, tryon_job_request
from tryon_worker.messages import TryOnEvent

pytestmark = pytest.mark.slow


class SseClient:
    """Reads an event stream on a thread; events arrive on a queue as parsed JSON."""

    def __init__(self, base_url: str, path: str, cookie: str) -> None:
        address = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        self.connection.request(
            "GET", path, headers={"Cookie": cookie, "Accept": "text/event-stream"}
        )
        self.response = self.connection.getresponse()
        self.events: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        data = []
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("data: "):
                    data.append(line[len("data: ") :])
                elif not line and data:
                    self.events.put(json.loads("\n".join(data)))
                    data = []
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            pass  # the test closed the connection under the reader

    def next_event(self, timeout_s: float = 15) -> dict:
        return self.events.get(timeout=timeout_s)

    def close(self) -> None:
        self.connection.sock.shutdown(2)
        self.connection.close()


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_page_gets_updates_and_the_final_state_after_reconnecting(
    web_server,
    shopper,
    garment,
    astronaut_jpeg: bytes,
) -> None:
    # No worker runs here (its events are sent by the test), so any photo of a person will do.
    photo = shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)
    job = tryon_job_request(shopper=shopper, garment=garment, photo=photo)
    cookie = _session_cookie(shopper.user)

    stream = SseClient(web_server.url, "/live/", cookie)
    assert stream.response.status == 200
    assert stream.response.getheader("Content-Type") == "text/event-stream"
    snapshot = stream.next_event()
    assert (snapshot["job"], snapshot["state"], snapshot["stage"]) == (
        str(job.public_id),
        "queued",
        "queued",
    )

    stage = TryOnEvent(
        job_id=str(job.public_id), attempt=1, run_id="r1", kind="stage", stage="finding_pose"
    )
    tryon_event_apply(event=stage)
    update = stream.next_event()
    assert (update["state"], update["stage"]) == ("running", "finding_pose")
    stream.close()

    # The job finishes while the page is disconnected; reconnecting must show the final state.
    tryon_event_apply(event=worker_result_event(job, "r1"))
    again = SseClient(web_server.url, "/live/", cookie)
    final = again.next_event()
    again.close()
    assert (final["state"], final["stage"]) == ("succeeded", "done")
    request = urllib.request.Request(
        web_server.url + final["result_url"], headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read().startswith(b"RIFF")


def test_stream_refuses_anonymous_visitors(web_server) -> None:
    stream = SseClient(web_server.url, "/live/", cookie="")
    assert stream.response.status == 401
