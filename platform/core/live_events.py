"""Live events: pushes to a shopper's open pages over Redis pub/sub.

A primitive with no models, so any domain can announce a change (a try-on's progress, new
suggestions) and erasure or logout can end the streams, without importing the app that
serves them (``notifications.live_stream``).
"""

import json
import logging

import redis
from django.conf import settings
from django.utils.crypto import salted_hmac

from core.redis_url import redis_cache_location

logger = logging.getLogger(__name__)

#: The ``type`` of the message that ends a shopper's open streams (``live_close``).
LIVE_CLOSE = "close"


def live_channel(*, shopper_id: int) -> str:
    """The pub/sub channel of one shopper's open pages."""
    return f"live:shopper:{shopper_id}"


def live_publish(*, shopper_id: int, payload: dict[str, object]) -> None:
    """Push an update to the shopper's open pages (best effort; pages also resync on connect)."""
    try:
        client = redis.Redis.from_url(redis_cache_location(settings.REDIS_URL))
        client.publish(live_channel(shopper_id=shopper_id), json.dumps(payload))
    except redis.RedisError:
        logger.warning("live update for shopper %s not published", shopper_id, exc_info=True)


def live_session_tag(*, session_key: str) -> str:
    """What a close message names a session by: a keyed digest, never the session key itself
    (anyone who can read Redis must not be able to take the session over)."""
    # The salt keeps its old module's name: streams and closes must agree across a deploy.
    return salted_hmac("notifications.live_session", session_key).hexdigest()


def live_close(*, shopper_id: int, session_key: str | None = None) -> None:
    """End the shopper's open live streams: those of one session (a logout), or all of them
    (an erasure, ``session_key=None``). Best effort: a stream that misses the message still
    ends at its next session check (``notifications.live_stream``)."""
    payload: dict[str, object] = {"type": LIVE_CLOSE}
    if session_key:
        payload["session"] = live_session_tag(session_key=session_key)
    live_publish(shopper_id=shopper_id, payload=payload)
