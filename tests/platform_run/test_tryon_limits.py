"""The try-on job's time limits are the one source of every timeout around it."""

import pytest

from contracts.limits import RETRY_BACKOFF_MAX_S, TryOnLimits


def test_defaults_hand_a_dead_workers_job_out_again_within_a_minute() -> None:
    limits = TryOnLimits.from_env({})
    assert (limits.soft_limit_s, limits.hard_limit_s) == (30, 35)
    # A running job (or a retry waiting out its backoff) is never handed to a second worker...
    assert limits.visibility_timeout_s >= limits.hard_limit_s + RETRY_BACKOFF_MAX_S
    # ...yet a dead worker's job is found again within a minute of its delivery,
    assert limits.visibility_timeout_s + limits.restore_sweep_s <= 60
    # and the reaper waits for that redelivery before dispatching the job a second time.
    assert limits.running_stale_after_s > limits.visibility_timeout_s + limits.restore_sweep_s


def test_everything_follows_a_changed_limit() -> None:
    limits = TryOnLimits.from_env({"TRYON_TASK_SOFT_LIMIT_S": "100", "TRYON_TASK_HARD_LIMIT_S": ""})
    assert limits.hard_limit_s == 105  # the same 5 s grace after the soft limit
    assert limits.visibility_timeout_s == 105 + RETRY_BACKOFF_MAX_S + 10
    assert limits.running_stale_after_s > limits.visibility_timeout_s


def test_a_hard_limit_below_the_soft_one_is_refused() -> None:
    with pytest.raises(ValueError, match="soft"):
        TryOnLimits.from_env({"TRYON_TASK_SOFT_LIMIT_S": "60", "TRYON_TASK_HARD_LIMIT_S": "30"})


def test_worker_and_storefront_read_the_same_limits(settings) -> None:
    from tryon_worker.celery_app import LIMITS, app
    from tryon_worker.tasks import render

    assert LIMITS.running_stale_after_s == settings.TRYON_RUNNING_STALE_AFTER_S
    assert app.conf.task_time_limit == LIMITS.hard_limit_s
    options = app.conf.broker_transport_options
    assert options["visibility_timeout"] == LIMITS.visibility_timeout_s
    # Its own unacknowledged-message keys: the short timeout never restores other queues' tasks.
    assert options["unacked_index_key"] != "unacked_index"
    assert render.retry_backoff_max <= RETRY_BACKOFF_MAX_S
