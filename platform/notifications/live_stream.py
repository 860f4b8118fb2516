"""Server-Sent Events: a shopper's open pages receive their try-on updates as they happen.

On every (re)connect the stream first sends the current state of the shopper's recent jobs,
so a page that lost its connection never misses a final state; then it relays pub/sub.

A stream lives no longer than its login: a logout or an erasure publishes a close message on
the shopper's channel (``core.live_events.live_close``) and the stream ends on it; a
stream that missed it (Redis restarted, the logout came before it subscribed) ends at its
next session check, every ``SESSION_RECHECK_S``.
"""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from importlib import import_module

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from core.live_events import LIVE_CLOSE, live_channel, live_session_tag
from core.redis_url import redis_cache_location
from shoppers.selectors import shopper_for_user
from tryon.selectors import tryon_job_payloads_recent

KEEPALIVE_S = 15
#: How often an open stream checks that its session still logs in its user: one indexed
#: query per stream (database sessions), the safety net under the close message.
SESSION_RECHECK_S = 15
#: A stream's entry in its user's set of open streams is refreshed this often; one not
#: refreshed for STREAM_STALE_S belonged to a process that died and no longer counts.
STREAM_STALE_S = 3 * KEEPALIVE_S


def _streams_key(user_id: int) -> str:
    return f"live:streams:{user_id}"


async def _stream_register(client: aioredis.Redis, user_id: int, stream_id: str) -> bool:
    """Add this stream to the user's open ones; False (and nothing added) when over the cap.

    Added first and counted after, so two streams opening at once cannot both slip under it.
    """
    key, now = _streams_key(user_id), time.time()
    pipe = client.pipeline(transaction=True)
    pipe.zremrangebyscore(key, "-inf", now - STREAM_STALE_S)
    pipe.zadd(key, {stream_id: now})
    pipe.expire(key, STREAM_STALE_S)
    pipe.zrank(key, stream_id)
    *_, rank = await pipe.execute()
    if rank is not None and rank < settings.LIVE_STREAMS_PER_USER:
        return True
    await client.zrem(key, stream_id)
    return False


async def _stream_refresh(client: aioredis.Redis, user_id: int, stream_id: str) -> None:
    key = _streams_key(user_id)
    pipe = client.pipeline(transaction=True)
    pipe.zadd(key, {stream_id: time.time()}, xx=True)
    pipe.expire(key, STREAM_STALE_S)
    await pipe.execute()


def _sse(payload: dict[str, object]) -> bytes:
    return f"event: {payload.get('type', 'message')}\ndata: {json.dumps(payload)}\n\n".encode()


async def _session_valid(session_key: str | None, user_id: int) -> bool:
    """Whether the session still exists and still logs in this user (not logged out, not
    erased, not replaced by another login). Reads the store afresh, never the request's copy."""
    if not session_key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    data = await store.aload()
    return data.get(SESSION_KEY) == str(user_id)


def _closes(payload: dict[str, object], session_tag: str) -> bool:
    """Whether a close message ends this stream: one for every session or for this one."""
    return payload.get("session") in (None, session_tag)


@transaction.non_atomic_requests
async def live_events(request: HttpRequest) -> HttpResponse:
    """The SSE endpoint for the logged-in shopper."""
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse("Log in to receive updates.", status=401)
    shopper = await sync_to_async(shopper_for_user)(user=user)
    if shopper is None:
        return HttpResponse("No shopper profile.", status=404)
    client = aioredis.Redis.from_url(redis_cache_location(settings.REDIS_URL))
    stream_id = uuid.uuid4().hex
    if not await _stream_register(client, user.pk, stream_id):
        await client.aclose()
        response = HttpResponse(
            f"Too many live update streams: at most {settings.LIVE_STREAMS_PER_USER} pages "
            "or devices can follow your try-ons at once. Close another tab and reload.",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(KEEPALIVE_S)
        return response
    snapshot = await sync_to_async(tryon_job_payloads_recent)(shopper=shopper)
    session_key = request.session.session_key
    session_tag = live_session_tag(session_key=session_key or "")

    async def stream() -> AsyncIterator[bytes]:
        pubsub = client.pubsub()
        await pubsub.subscribe(live_channel(shopper_id=shopper.pk))
        try:
            yield b"retry: 2000\n\n"
            for payload in snapshot:
                yield _sse(payload)
            checked_at = refreshed_at = time.monotonic()
            while True:
                if time.monotonic() - checked_at >= SESSION_RECHECK_S:
                    if not await _session_valid(session_key, user.pk):
                        break
                    checked_at = time.monotonic()
                message = await pubsub.get_message(
                    ignore_subscribe_messages=True,
                    timeout=min(KEEPALIVE_S, SESSION_RECHECK_S),
                )
                if time.monotonic() - refreshed_at >= KEEPALIVE_S:
                    # Busy or idle, the stream's place in the cap stays current.
                    await _stream_refresh(client, user.pk, stream_id)
                    refreshed_at = time.monotonic()
                if message is None:
                    yield b": keep-alive\n\n"
                    continue
                payload = json.loads(message["data"])
                if payload.get("type") == LIVE_CLOSE:
                    if _closes(payload, session_tag):
                        break
                    continue  # another session's logout: not for this page to see
                yield _sse(payload)
            # The page's EventSource reconnects after a dropped stream; told "close", it can stop,
            # and a reconnect would be refused anyway (401: no login).
            yield _sse({"type": LIVE_CLOSE})
        except asyncio.CancelledError:
            raise
        finally:
            await pubsub.aclose()
            await client.zrem(_streams_key(user.pk), stream_id)
            await client.aclose()

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx must not buffer the stream
    return response
