"""Live updates over Server-Sent Events from the real ASGI server, with a real HTTP client."""

import http.client
import json
import queue
import threading
import time
import urllib.parse
import urllib.request

import pytest
from django.test import Client

from contracts.tryon import TryOnEvent
from core.live_events import live_publish
from shoppers.services import shopper_photo_add
from tests.support.worker_results import worker_result_event
from tryon.services import tryon_event_apply, tryon_job_request

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
        self.ended = threading.Event()  # the server ended the response
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
            self.ended.set()
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            pass  # the test closed the connection under the reader

    def next_event(self, timeout_s: float = 15) -> dict:
        return self.events.get(timeout=timeout_s)

    def close(self) -> None:
        self.connection.sock.shutdown(2)
        self.connection.close()


def _session_cookie(user) -> str:
    return _logged_in(user)[1]


def _logged_in(user) -> tuple[Client, str]:
    """A browser logged in as ``user`` (its own session) and that session's cookie header."""
    client = Client()
    client.force_login(user)
    return client, f"sessionid={client.cookies['sessionid'].value}"


def _ends_within(stream: SseClient, seconds: float) -> float:
    """How long the server took to end the stream (fails after ``seconds``)."""
    started = time.monotonic()
    assert stream.ended.wait(seconds), f"the stream was still open after {seconds}s"
    return time.monotonic() - started


def _drain(stream: SseClient) -> list[dict]:
    events = []
    while not stream.events.empty():
        events.append(stream.events.get_nowait())
    return events


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


def test_logout_ends_that_sessions_stream_and_no_other(web_server, shopper) -> None:
    laptop, laptop_cookie = _logged_in(shopper.user)
    _phone, phone_cookie = _logged_in(shopper.user)
    on_laptop = SseClient(web_server.url, "/live/", laptop_cookie)
    on_phone = SseClient(web_server.url, "/live/", phone_cookie)
    assert on_laptop.response.status == on_phone.response.status == 200
    time.sleep(0.5)  # both subscribed (the first bytes precede the subscription's reply)

    assert laptop.post("/account/logout/").status_code == 302  # Django's own LogoutView
    _ends_within(on_laptop, 5)
    assert _drain(on_laptop)[-1] == {"type": "close"}

    # The phone's login is still valid: its stream stays open and keeps receiving.
    assert not on_phone.ended.is_set()
    live_publish(shopper_id=shopper.pk, payload={"type": "tryon", "job": "after-logout"})
    assert on_phone.next_event(timeout_s=5)["job"] == "after-logout"
    on_phone.close()
    # And the logged-out session cannot open a new one.
    assert SseClient(web_server.url, "/live/", laptop_cookie).response.status == 401


def test_erasure_ends_every_stream_of_the_shopper(web_server, shopper) -> None:
    browser, cookie = _logged_in(shopper.user)
    _other, other_cookie = _logged_in(shopper.user)
    streams = [SseClient(web_server.url, "/live/", c) for c in (cookie, other_cookie)]
    assert [s.response.status for s in streams] == [200, 200]
    time.sleep(0.5)

    assert browser.delete("/api/shoppers/me/").status_code == 204
    for stream in streams:
        _ends_within(stream, 5)
        assert {"type": "close"} in _drain(stream)
