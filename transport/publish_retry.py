"""How long a producer keeps trying to hand a message to Redis before it gives up.

Celery's default (3 retries within about a second) loses every message a worker sends while
Redis restarts (3 to 15 s on the fault suite's runs): a render's result, a shopper's
suggestions. The workers publish with this policy instead: up to about 30 s, retrying every
0.5 to 3 s, so a restart costs a short wait, not a lost answer. (The storefront keeps the
default: a web request must not hang, and its jobs are rows the reaper sends again.)
"""

PUBLISH_RETRY_POLICY = {
    "max_retries": 14,
    "interval_start": 0.5,
    "interval_step": 0.5,
    "interval_max": 3.0,
}
