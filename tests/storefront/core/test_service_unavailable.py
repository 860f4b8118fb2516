"""A database or Redis out of reach for a moment is a 503 with Retry-After, never a 500; any
other database error stays a 500 (issue 12: the fault suite's Postgres restart gave 500s)."""

import socket
import sqlite3
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import OperationalError
from django.test import RequestFactory

from core.unavailable import RETRY_AFTER_S, ServiceUnavailableMiddleware


def _middleware() -> ServiceUnavailableMiddleware:
    return ServiceUnavailableMiddleware(lambda request: None)


def _as_django(error: Exception) -> OperationalError:
    """What Django's wrap_database_errors raises for a driver's error."""
    try:
        raise OperationalError(*error.args) from error
    except OperationalError as wrapped:
        return wrapped


def _sqlite_locked(tmp_path: Path) -> Exception:
    """A real 'database is locked': another connection holds the write lock."""
    path = tmp_path / "db.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        sqlite3.connect(path, timeout=0, isolation_level=None).execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        holder.close()
    raise AssertionError("the second writer got the lock")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe goes


def _postgres_refused() -> Exception:
    """A real connection refused, as while Postgres restarts."""
    try:
        psycopg.connect(host="127.0.0.1", port=_closed_port(), user="x", connect_timeout=2)
    except psycopg.OperationalError as exc:
        return exc
    raise AssertionError("something listens on a closed port")


def _redis_refused() -> Exception:
    try:
        redis.Redis(host="127.0.0.1", port=_closed_port(), socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        return exc
    raise AssertionError("something listens on a closed port")


@pytest.mark.parametrize("path", ["/account/profile/", "/api/shoppers/me/"])
@pytest.mark.parametrize("outage", ["sqlite_locked", "postgres_refused", "redis_refused"])
def test_an_outage_is_a_503_with_retry_after(tmp_path: Path, outage: str, path: str) -> None:
    error = {
        "sqlite_locked": lambda: _as_django(_sqlite_locked(tmp_path)),
        "postgres_refused": lambda: _as_django(_postgres_refused()),
        "redis_refused": _redis_refused,
    }[outage]()
    response = _middleware().process_exception(RequestFactory().get(path), error)
    assert response is not None and response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_S)
    body = response.content.decode()
    assert "try again in a few seconds" in body
    if path.startswith("/api/"):
        assert response["Content-Type"] == "application/json" and '"unavailable"' in body
    else:
        assert "<h1>Back in a moment</h1>" in body


def test_other_database_errors_stay_500s(tmp_path: Path) -> None:
    try:
        sqlite3.connect(tmp_path / "db.sqlite3").execute("SELECT * FROM no_such_table")
    except sqlite3.OperationalError as exc:
        error = _as_django(exc)
    assert _middleware().process_exception(RequestFactory().get("/"), error) is None
    assert _middleware().process_exception(RequestFactory().get("/"), ValueError("bug")) is None


def test_the_middleware_is_installed_where_it_sees_view_errors() -> None:
    installed = list(settings.MIDDLEWARE)
    ours = installed.index("core.unavailable.ServiceUnavailableMiddleware")
    # Before axes, which must stay last; both only look at exceptions they know.
    assert installed[-1] == "axes.middleware.AxesMiddleware" and ours == len(installed) - 2
