"""When a failed delivery is tried again, and after how long.

Retried: server errors (5xx), 429 Too Many Requests, timeouts and network errors: the
receiver may be back later. Not retried: any other answer (a 4xx says the request itself is
refused, a 3xx is not followed), and a URL refused by the address policy.

Backoff is exponential with full jitter (AWS's "Exponential Backoff and Jitter"): the n-th
retry waits a random time between 0 and min(max, base * 2**(n-1)), so receivers that come
back after an outage are not hit by every sender at the same moment.
"""

import random


def status_retryable(status_code: int | None) -> bool:
    """True for answers worth trying again (None: no answer at all, a network fault)."""
    return status_code is None or status_code == 429 or status_code >= 500


def backoff_bound_s(*, retry_number: int, base_s: float, max_s: float) -> float:
    """The upper bound of the wait before retry ``retry_number`` (1 for the first retry)."""
    return min(max_s, base_s * 2 ** (retry_number - 1))


def backoff_s(
    *, retry_number: int, base_s: float, max_s: float, rng: random.Random | None = None
) -> float:
    """The wait before retry ``retry_number``: uniform in [0, bound] (full jitter)."""
    bound = backoff_bound_s(retry_number=retry_number, base_s=base_s, max_s=max_s)
    return (rng or random).uniform(0, bound)
