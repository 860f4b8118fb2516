"""Per-shopper and per-address limits on costly actions, counted in Redis.

Every web process shares the counters, so a limit holds across uvicorn workers. Counters are
fixed windows (one key per action, subject and window, expiring with it): cheap, and a burst
at a window's edge can at most double a limit, which is fine for abuse control. Addresses
are stored as keyed digests, never as text, so Redis' append-only file holds no IP address.

When Redis is unreachable the action is allowed (logged): a shop that cannot count must
still let its shoppers upload and try on, the same trade the page-view queue makes.
"""

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.exceptions import ApplicationError
from core.redis_url import redis_cache_location

logger = logging.getLogger(__name__)

KEY_PREFIX = "ratelimit"


class RateLimited(ApplicationError):
    """Too many attempts in the window; ``retry_after_s`` says when the next one counts."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message, extra={"retry_after_s": retry_after_s})
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Limit:
    """At most ``count`` attempts per ``window_s`` for one subject (a shopper or an address)."""

    count: int
    window_s: int


@dataclass(frozen=True)
class ActionLimits:
    """What one action allows, and how the refusal reads (``what`` is e.g. "photo uploads")."""

    what: str
    per_shopper: tuple[Limit, ...]
    per_address: tuple[Limit, ...]


#: Each action: how its refusal names it, and the prefix of its three settings
#: (PREFIX_PER_HOUR and PREFIX_PER_DAY per shopper, PREFIX_PER_HOUR_PER_ADDRESS per address).
_ACTIONS = {
    "photo_upload": ("photo uploads", "PHOTO_UPLOADS"),
    "tryon_request": ("try-on requests", "TRYON_REQUESTS"),
    "data_export": ("data downloads", "DATA_EXPORTS"),
}


def action_limits(action: str) -> ActionLimits:
    """The configured limits of ``action`` ("photo_upload", "tryon_request", "data_export")."""
    hour, day = 3600, 86400
    try:
        what, prefix = _ACTIONS[action]
    except KeyError:
        raise ValueError(f"no limits for action {action!r}") from None
    return ActionLimits(
        what=what,
        per_shopper=(
            Limit(getattr(settings, f"{prefix}_PER_HOUR"), hour),
            Limit(getattr(settings, f"{prefix}_PER_DAY"), day),
        ),
        per_address=(Limit(getattr(settings, f"{prefix}_PER_HOUR_PER_ADDRESS"), hour),),
    )


def address_digest(address: str) -> str:
    """A keyed digest of a client address: stable for counting, not reversible to the IP."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def rate_limit_consume(*, action: str, user_id: int, address: str) -> None:
    """Count one attempt at ``action``; raise RateLimited when any of its limits is passed.

    Attempts are counted, not successes: a refused upload cost the decode all the same.
    """
    limits = action_limits(action)
    now = int(time.time())
    checks = [("user", str(user_id), limit) for limit in limits.per_shopper]
    checks += [("addr", address_digest(address), limit) for limit in limits.per_address]
    try:
        pipe = _redis().pipeline(transaction=False)
        keys = []
        for kind, subject, limit in checks:
            window = now // limit.window_s
            key = f"{KEY_PREFIX}:{action}:{kind}:{subject}:{limit.window_s}:{window}"
            keys.append(key)
            pipe.incr(key)
            # The window's index is in the key, so renewing the expiry never extends it.
            pipe.expire(key, limit.window_s)
        counts = pipe.execute()[::2]
    except redis.RedisError as exc:
        logger.warning("rate limit for %s not counted: Redis unavailable (%s)", action, exc)
        return
    for (kind, _subject, limit), count in zip(checks, counts, strict=True):
        if count > limit.count:
            retry_after_s = limit.window_s - now % limit.window_s
            raise RateLimited(
                _message(limits.what, kind, limit, retry_after_s), retry_after_s=retry_after_s
            )


def _message(what: str, kind: str, limit: Limit, retry_after_s: int) -> str:
    periods = {3600: "hour", 86400: "day"}
    period = periods.get(limit.window_s, f"{limit.window_s} seconds")
    who = "from your account" if kind == "user" else "from your network"
    minutes = -(-retry_after_s // 60)  # rounded up: "in 0 minutes" would be wrong
    wait = f"{minutes} minutes" if retry_after_s >= 60 else f"{retry_after_s} seconds"
    return f"Too many {what} {who}: at most {limit.count} per {period}. Please try again in {wait}."


def rate_limited(action: str) -> Callable:
    """View decorator: count the logged-in shopper's attempt; over a limit answer 429.

    The refusal is a page with the message (and a Retry-After header), so a browser form shows
    the reason instead of an error. Goes under ``login_required``.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                rate_limit_consume(
                    action=action,
                    user_id=request.user.pk,
                    address=request.META.get("REMOTE_ADDR", ""),
                )
            except RateLimited as exc:
                response = render(
                    request, "core/rate_limited.html", {"message": exc.message}, status=429
                )
                response["Retry-After"] = str(exc.retry_after_s)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


@lru_cache(maxsize=4)
def _redis_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_cache_location(url))


def _redis() -> redis.Redis:
    """A client (and its connection pool) per Redis URL, shared by the process's threads."""
    return _redis_for(settings.REDIS_URL)
