"""How long a try-on job may take, and every timeout derived from that: one source of truth.

Standard library only, so both sides read it: the try-on worker (Celery time limits, retry
backoff, the broker's visibility timeout) and the storefront (when its reaper gives up on a
silent running job). Only the two task limits are configurable
(``TRYON_TASK_SOFT_LIMIT_S``, ``TRYON_TASK_HARD_LIMIT_S``); everything else follows from them,
so the chain "a job runs at most H seconds, the broker hands it out again only after H,
the reaper steps in only after the broker had its chance" cannot be configured inconsistently.

The timeline after a worker dies mid-job (defaults): the broker puts its message back at
most ``visibility_timeout_s`` (55 s) after it was delivered, found by the next restore sweep
(every ``restore_sweep_s``, 5 s) of any live try-on worker; a job whose message was lost
instead (or whose run was killed at the hard limit, which acknowledges it) is re-dispatched
by the storefront's reaper once it has been silent ``running_stale_after_s`` (70 s).
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass

#: A render takes about a second on a GPU and 1-8 s on a busy 2-core CPU (the first job of a
#: process loads the models: bench/tryon_pipeline.py); 30 s leaves room for that cold start
#: and for the largest photos, yet a stuck job is given back within a minute.
DEFAULT_SOFT_LIMIT_S = 30
#: The soft limit raises inside the task, which then reports "timeout" (retryable); the hard
#: limit kills the process if even that hangs. 5 s is plenty to send one event.
DEFAULT_HARD_LIMIT_S = 35
#: Transient faults (storage, broker) are retried after 5, 10, 10 s (jittered below that).
RETRY_BACKOFF_S = 5
RETRY_BACKOFF_MAX_S = 10
MAX_RETRIES = 3
#: Slack for clock skew between the worker that took a message and the one that restores it
#: (Redis keeps the delivery time by the consumer's clock), and for the event round trip.
SAFETY_MARGIN_S = 10


@dataclass(frozen=True)
class TryOnLimits:
    """The try-on task's time limits and the timeouts that must follow from them."""

    soft_limit_s: int = DEFAULT_SOFT_LIMIT_S
    hard_limit_s: int = DEFAULT_HARD_LIMIT_S
    #: How often a worker looks for messages of a dead worker (one cheap sorted-set query).
    restore_sweep_s: int = 5

    def __post_init__(self) -> None:
        if not 0 < self.soft_limit_s < self.hard_limit_s:
            raise ValueError(
                f"try-on limits: need 0 < soft ({self.soft_limit_s} s) < hard "
                f"({self.hard_limit_s} s): the soft limit is what reports a timeout"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "TryOnLimits":
        """The limits from ``TRYON_TASK_SOFT_LIMIT_S`` / ``TRYON_TASK_HARD_LIMIT_S`` (empty or
        unset: the defaults, so a deployment file can pass the variables through blank)."""
        environ = os.environ if environ is None else environ
        soft = int(environ.get("TRYON_TASK_SOFT_LIMIT_S") or DEFAULT_SOFT_LIMIT_S)
        # A raised soft limit without a hard one keeps the same grace between the two.
        hard_default = soft + (DEFAULT_HARD_LIMIT_S - DEFAULT_SOFT_LIMIT_S)
        hard = int(environ.get("TRYON_TASK_HARD_LIMIT_S") or hard_default)
        sweep = int(environ.get("TRYON_RESTORE_SWEEP_S") or cls.restore_sweep_s)
        return cls(soft_limit_s=soft, hard_limit_s=hard, restore_sweep_s=sweep)

    @property
    def visibility_timeout_s(self) -> int:
        """How long Redis lets a delivered, unacknowledged job message be before handing it
        out again. A message stays unacknowledged while the job runs (acks_late) and, for a
        retry, while it waits out its backoff in the worker (countdown): both must fit, or a
        job still running would be handed to a second worker."""
        return self.hard_limit_s + RETRY_BACKOFF_MAX_S + SAFETY_MARGIN_S

    @property
    def running_stale_after_s(self) -> int:
        """How long a running job may be silent before the storefront's reaper dispatches it
        again: after the broker's own redelivery had its chance (visibility timeout plus one
        restore sweep), so the reaper only acts when the message itself is gone or the run
        was killed at the hard limit (which acknowledges it)."""
        return self.visibility_timeout_s + self.restore_sweep_s + SAFETY_MARGIN_S
