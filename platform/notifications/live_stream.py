"""Server-Sent Events: a shopper's open pages receive their try-on updates as they happen.

On every (re)connect the stream first sends the current state of the shopper's recent jobs,
so a page that lost its connection never misses a final state; then it relays pub/sub.
"""

import asyncio
import json
from collections.abc import AsyncIterator

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from config.redis_url import redis_cache_location
from notifications.services import live_channel
from shoppers.selectors import shopper_for_user
from tryon.selectors import tryon_job_payloads_recent

KEEPALIVE_S = 15


def _sse(payload: dict[str, object]) -> bytes:
    return f"event: {payload.get('type', 'message')}\ndata: {json.dumps(payload)}\n\n".encode()


@transaction.non_atomic_requests
async def live_events(request: HttpRequest) -> HttpResponse:
    """The SSE endpoint for the logged-in shopper."""
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse("Log in to receive updates.", status=401)
    shopper = await sync_to_async(shopper_for_user)(user=user)
    if shopper is None:
        return HttpResponse("No shopper profile.", status=404)
    snapshot = await sync_to_async(tryon_job_payloads_recent)(shopper=shopper)

    async def stream() -> AsyncIterator[bytes]:
        client = aioredis.Redis.from_url(redis_cache_location(settings.REDIS_URL))
        pubsub = client.pubsub()
        await pubsub.subscribe(live_channel(shopper_id=shopper.pk))
        try:
            yield b"retry: 2000\n\n"
            for payload in snapshot:
                yield _sse(payload)
            while True:
                message = await pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=KEEPALIVE_S
                )
                if message is None:
                    yield b": keep-alive\n\n"
                    continue
                yield _sse(json.loads(message["data"]))
        except asyncio.CancelledError:
            raise
        finally:
            await pubsub.aclose()
            await client.aclose()

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx must not buffer the stream
    return response
