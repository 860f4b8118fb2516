"""At most LIVE_STREAMS_PER_USER live update streams per user, on the real ASGI server."""

import http.client
import time
import urllib.parse

import pytest
import redis
from django.conf import settings

from core.redis_url import redis_cache_location
from tests.integration.test_live_events import SseClient, _logged_in
from tests.support.factories import shopper_create

pytestmark = pytest.mark.slow


def test_sixth_live_stream_gets_429_and_a_closed_one_frees_its_place(web_server, shopper) -> None:
    redis.Redis.from_url(redis_cache_location(settings.REDIS_URL)).delete(
        f"live:streams:{shopper.user.pk}"
    )
    _browser, cookie = _logged_in(shopper.user)
    cap = settings.LIVE_STREAMS_PER_USER
    assert cap == 5
    streams = [SseClient(web_server.url, "/live/", cookie) for _ in range(cap)]
    assert [stream.response.status for stream in streams] == [200] * cap

    address = urllib.parse.urlsplit(web_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", "/live/", headers={"Cookie": cookie})
    refused = connection.getresponse()
    assert refused.status == 429
    assert refused.getheader("Retry-After")
    assert "Too many live update streams: at most 5" in refused.read().decode()
    connection.close()

    # Another user is not affected by this one's streams.
    _other_browser, other_cookie = _logged_in(shopper_create(username="grace").user)
    theirs = SseClient(web_server.url, "/live/", other_cookie)
    assert theirs.response.status == 200
    theirs.close()

    streams[0].close()
    deadline = time.monotonic() + 20
    # Django notices the disconnect at once; a keep-alive write at the latest.
    while time.monotonic() < deadline:
        again = SseClient(web_server.url, "/live/", cookie)
        if again.response.status == 200:
            again.close()
            break
        time.sleep(0.5)
    else:
        pytest.fail("a closed stream's place was not freed")
    for stream in streams[1:]:
        stream.close()
