"""Translate one REDIS_URL into the spellings that Celery and redis-py each expect."""

from urllib.parse import urlsplit, urlunsplit


def redis_cache_location(redis_url: str) -> str:
    """Return a redis-py URL for Django's cache from a Celery-style broker URL.

    Celery spells a unix socket ``redis+socket:///path``; redis-py wants ``unix:///path``.
    """
    if redis_url.startswith("redis+socket://"):
        return "unix://" + redis_url.removeprefix("redis+socket://")
    return redis_url


def redis_url_with_db(redis_url: str, db: int) -> str:
    """The same server with another database number (``redis://host:port/<db>``)."""
    parts = urlsplit(redis_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))
