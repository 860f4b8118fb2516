"""The health endpoint, including a round trip through a real Celery worker process."""

import pytest


def test_health_reports_database_and_cache(client, db) -> None:
    body = client.get("/health/").json()
    assert body == {"database": "ok", "cache": "ok", "ok": True}


@pytest.mark.slow
def test_health_round_trips_a_task_through_a_real_worker(client, storefront_worker) -> None:
    response = client.get("/health/?worker=1&timeout=1")
    assert response.status_code == 503  # no worker yet: says so instead of hanging
    assert "no worker answered" in response.json()["worker"]
    storefront_worker()
    body = client.get("/health/?worker=1").json()
    assert body["worker"] == "ok" and body["ok"] is True
