"""Waiting on try-on jobs that real worker processes move along."""

import time

import pytest

from tryon.models import TryOnJob


def wait_for_job(
    job: TryOnJob, states: tuple[str, ...] = TryOnJob.FINAL_STATES, timeout_s: float = 120
) -> TryOnJob:
    """Poll the database until the job reaches one of ``states``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in states:
            return job
        time.sleep(0.02)
    pytest.fail(f"job stayed {job.state}/{job.stage} for {timeout_s}s")
