"""Delivering: retries with backoff and jitter, no retry on a refusal, disabling a failing
endpoint with a notice, replay, secret rotation, the sweep, and nothing sent on rollback.

Every request goes to a real HTTP receiver on 127.0.0.1; delivery tasks run eagerly (a
countdown is not waited for), as the storefront's other tasks do in these tests.
"""

import io
import random
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from accounts.models import User
from catalog.models import MerchantStaff
from contracts.envelope import KeyRing, blob_key_id, text_blob
from core.exceptions import ApplicationError
from shoppers.services import shopper_photo_add
from tests.support.factories import garment_create, shopper_create
from tryon.services import tryon_job_cancel, tryon_job_request
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.retry_policy import backoff_bound_s, backoff_s, status_retryable
from webhooks.services import (
    deliveries_due_dispatch,
    delivery_attempt,
    delivery_replay,
    endpoint_create,
    endpoint_enable,
    endpoint_secret_rotate,
    endpoint_test_send,
)

pytestmark = pytest.mark.usefixtures("storefront_tasks_eager")


def _send_test(endpoint, capture) -> WebhookDelivery:
    with capture(execute=True):
        delivery = endpoint_test_send(endpoint=endpoint)
    delivery.refresh_from_db()
    return delivery


def test_a_500_is_retried_after_a_jittered_backoff_then_succeeds(
    registered, receiver, settings, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOK_BACKOFF_BASE_S = 30.0
    receiver.answer(500, 503)

    delivery = _send_test(registered.endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == "succeeded" and delivery.attempt_count == 3
    first, second, third = delivery.attempts.all()
    assert [a.outcome for a in (first, second, third)] == ["retry", "retry", "succeeded"]
    assert [a.status_code for a in (first, second, third)] == [500, 503, 200]
    assert first.response_excerpt == "receiver says no"
    # Full jitter: each wait drawn below the bound of its retry (30 s, then 60 s).
    assert 0 <= first.retry_in_s <= 30.0 and 0 <= second.retry_in_s <= 60.0
    assert third.retry_in_s is None
    # The same message each time: one id, each attempt signed anew.
    ids = {request.headers["webhook-id"] for request in receiver.requests}
    assert ids == {delivery.event.public_id}
    for request in receiver.requests:
        request.verified(registered.secret)


def test_backoff_is_exponential_with_full_jitter_and_capped() -> None:
    rng = random.Random(13)
    for retry in range(1, 12):
        bound = backoff_bound_s(retry_number=retry, base_s=60, max_s=6 * 3600)
        assert bound == min(6 * 3600, 60 * 2 ** (retry - 1))
        draws = [backoff_s(retry_number=retry, base_s=60, max_s=6 * 3600, rng=rng)
                 for _ in range(200)]  # fmt: skip
        assert all(0 <= draw <= bound for draw in draws)
        # Spread over the whole range, not clustered at the bound (that is the jitter).
        assert min(draws) < bound * 0.1 and max(draws) > bound * 0.9


def test_what_is_retried() -> None:
    assert all(status_retryable(code) for code in (None, 429, 500, 502, 503, 504))
    assert not any(status_retryable(code) for code in (200, 301, 400, 401, 404, 410, 422))


def test_a_400_is_not_retried_and_counts_as_a_failed_delivery(
    registered, receiver, django_capture_on_commit_callbacks
) -> None:
    receiver.answer(400)

    delivery = _send_test(registered.endpoint, django_capture_on_commit_callbacks)

    assert delivery.status == "failed" and delivery.attempt_count == 1
    (attempt,) = delivery.attempts.all()
    assert (attempt.outcome, attempt.status_code, attempt.retry_in_s) == ("failed", 400, None)
    assert len(receiver.requests) == 1
    registered.endpoint.refresh_from_db()
    assert registered.endpoint.consecutive_failures == 1 and registered.endpoint.is_enabled


def test_network_errors_and_429_are_retried_until_the_attempts_run_out(
    merchant, receiver, settings, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    endpoint, _ = endpoint_create(
        merchant=merchant, url=f"http://127.0.0.1:{closed}/hook", event_types=["tryon.failed"]
    )
    delivery = _send_test(endpoint, django_capture_on_commit_callbacks)
    assert delivery.status == "failed" and delivery.attempt_count == 3
    attempts = list(delivery.attempts.all())
    assert [a.outcome for a in attempts] == ["retry", "retry", "failed"]
    assert all(a.status_code is None and "refused" in a.error for a in attempts)

    receiver.answer(429)
    endpoint_ok, _ = endpoint_create(
        merchant=merchant, url=receiver.url, event_types=["tryon.failed"]
    )
    delivery = _send_test(endpoint_ok, django_capture_on_commit_callbacks)
    assert delivery.status == "succeeded"
    assert [a.status_code for a in delivery.attempts.all()] == [429, 200]


def test_timeouts_are_recorded_and_retried(
    merchant, settings, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOK_TIMEOUT_S = 0.3
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        endpoint, _ = endpoint_create(
            merchant=merchant, url=f"http://127.0.0.1:{port}/", event_types=["tryon.failed"]
        )
        delivery = _send_test(endpoint, django_capture_on_commit_callbacks)
    attempts = list(delivery.attempts.all())
    assert [a.outcome for a in attempts] == ["retry", "failed"]
    assert all("Timed out" in a.error and 250 <= a.duration_ms < 3000 for a in attempts)


@pytest.fixture
def staff_email(merchant) -> str:
    user = User.objects.create_user(username="shop-owner", password="pw", email="owner@shop.test")
    MerchantStaff.objects.create(user=user, merchant=merchant)
    return user.email


def test_an_endpoint_failing_deliveries_in_a_row_over_the_window_is_disabled_with_a_notice(
    registered, receiver, staff_email, settings, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOK_DISABLE_AFTER_HOURS = 24
    endpoint = registered.endpoint
    receiver.answer(*[500] * 10)

    for _ in range(3):  # three in a row, but all within the last minute: not yet
        _send_test(endpoint, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert endpoint.is_enabled and endpoint.consecutive_failures == 3 and mail.outbox == []

    # A success in between resets the run.
    receiver.statuses.clear()
    _send_test(endpoint, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.failing_since is None

    receiver.answer(*[500] * 10)
    for _ in range(2):
        _send_test(endpoint, django_capture_on_commit_callbacks)
    # The run began a day ago: the third failure in a row disables it.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(hours=25)
    )
    _send_test(endpoint, django_capture_on_commit_callbacks)

    endpoint.refresh_from_db()
    assert not endpoint.is_enabled and endpoint.disabled_at is not None
    assert "3 deliveries in a row failed" in endpoint.disabled_reason
    assert "HTTP 500" in endpoint.disabled_reason
    (notice,) = mail.outbox
    assert notice.to == [staff_email] and endpoint.url in notice.subject
    assert endpoint.disabled_reason in notice.body
    assert f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/" in notice.body
    assert endpoint.disabled_notice_sent_at is not None

    # Disabled: events no longer go to it, a test event and a replay are refused.
    requests_before = len(receiver.requests)
    with pytest.raises(ApplicationError, match="disabled"):
        endpoint_test_send(endpoint=endpoint)
    with pytest.raises(ApplicationError, match="disabled"):
        delivery_replay(delivery=endpoint.deliveries.first())
    assert len(receiver.requests) == requests_before

    # Enabled again by the merchant: failures cleared, deliveries flow again.
    endpoint_enable(endpoint=endpoint)
    receiver.statuses.clear()
    assert _send_test(endpoint, django_capture_on_commit_callbacks).status == "succeeded"


def test_a_failed_delivery_is_replayed_with_the_same_id_and_a_fresh_signature(
    registered, receiver, django_capture_on_commit_callbacks
) -> None:
    receiver.answer(410)
    delivery = _send_test(registered.endpoint, django_capture_on_commit_callbacks)
    assert delivery.status == "failed"

    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=delivery)

    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempt_count == 2
    assert [a.number for a in delivery.attempts.all()] == [1, 2]
    first, again = receiver.requests
    assert first.headers["webhook-id"] == again.headers["webhook-id"]
    assert again.verified(registered.secret) == first.payload
    # A succeeded delivery can be replayed too (the merchant lost what they stored).
    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=delivery)
    assert len(receiver.requests) == 3


def test_a_replay_after_the_attempts_ran_out_gets_a_fresh_set(
    registered, receiver, settings, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.answer(500, 500)
    delivery = _send_test(registered.endpoint, django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempt_count) == ("failed", 2)

    receiver.answer(500)  # the receiver is still shaky: the replay retries it
    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, delivery.attempts_allowed) == (
        "succeeded", 4, 4,
    )  # fmt: skip
    assert delivery.finished_at is not None and delivery.next_attempt_at is None


def test_the_sweep_does_not_resend_a_message_it_just_sent(
    registered, receiver, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        delivery = endpoint_test_send(endpoint=registered.endpoint)
    much_later = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=False):  # its message is slow too
        assert deliveries_due_dispatch(now=much_later) == 1
        assert deliveries_due_dispatch(now=much_later + timedelta(minutes=1)) == 0
        assert deliveries_due_dispatch(now=much_later + timedelta(minutes=6)) == 1
    delivery.refresh_from_db()
    assert delivery.dispatch_seq == 3 and receiver.requests == []


def test_after_a_rotation_both_secrets_sign_until_the_grace_period_ends(
    registered, receiver, django_capture_on_commit_callbacks
) -> None:
    old = registered.secret
    new = endpoint_secret_rotate(endpoint=registered.endpoint, grace=timedelta(hours=2))
    assert new != old and new.startswith("whsec_")

    _send_test(registered.endpoint, django_capture_on_commit_callbacks)
    during = receiver.requests[-1]
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    # A receiver still holding the old secret, and one already switched, both accept it.
    assert during.verified(old)["type"] == "webhook.test"
    assert during.verified(new)["type"] == "webhook.test"

    WebhookEndpoint.objects.filter(pk=registered.endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
    )
    registered.endpoint.refresh_from_db()
    _send_test(registered.endpoint, django_capture_on_commit_callbacks)
    after = receiver.requests[-1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    after.verified(new)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(after.body, after.headers)


def test_secrets_are_encrypted_at_rest(registered) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret FROM webhooks_webhookendpoint WHERE id = %s", [registered.endpoint.pk]
        )
        (stored,) = cursor.fetchone()
    assert stored.startswith("fre1:") and registered.secret not in stored


def _cancel_then_fail(job) -> None:
    """A try-on cancelled in a transaction that then fails (the cause is rolled back)."""
    with transaction.atomic():
        tryon_job_cancel(job=job)
        assert WebhookDelivery.objects.filter(event__type="tryon.cancelled").exists()
        raise RuntimeError("the surrounding transaction failed")


def test_nothing_is_recorded_or_sent_when_the_cause_rolls_back(
    registered, receiver, astronaut_jpeg, django_capture_on_commit_callbacks
) -> None:
    shopper = shopper_create()
    photo = shopper_photo_add(shopper=shopper, upload=astronaut_jpeg)
    with django_capture_on_commit_callbacks(execute=True):
        job = tryon_job_request(shopper=shopper, garment=garment_create(), photo=photo)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="surrounding"),
    ):
        _cancel_then_fail(job)
    assert callbacks == []
    assert not WebhookEvent.objects.exists() and not WebhookDelivery.objects.exists()
    assert receiver.requests == []
    job.refresh_from_db()
    assert job.state == "queued"


def test_the_sweep_resends_a_lost_message_and_a_stale_message_does_nothing(
    registered, receiver, django_capture_on_commit_callbacks
) -> None:
    # The delivery is recorded, but its message never reaches a worker (callbacks not run).
    with django_capture_on_commit_callbacks(execute=False):
        delivery = endpoint_test_send(endpoint=registered.endpoint)
    assert deliveries_due_dispatch() == 0  # not overdue yet: its message may be on its way

    later = timezone.now() + timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_due_dispatch(now=later) == 1
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and len(receiver.requests) == 1

    # The lost message turning up after all, or a duplicate of the sweep's: nothing happens.
    delivery_attempt(delivery_id=delivery.pk, seq=1)
    delivery_attempt(delivery_id=delivery.pk, seq=2)
    assert len(receiver.requests) == 1 and delivery.attempts.count() == 1


def test_a_long_backoff_waits_for_the_sweep(
    registered, receiver, settings, django_capture_on_commit_callbacks
) -> None:
    settings.WEBHOOK_BACKOFF_BASE_S = settings.WEBHOOK_BACKOFF_MAX_S = 3600.0
    random.seed(5)  # backoff_s draws from the module's generator: a draw above 5 minutes
    receiver.answer(502)
    delivery = _send_test(registered.endpoint, django_capture_on_commit_callbacks)
    (attempt,) = delivery.attempts.all()
    assert delivery.status == "pending" and attempt.retry_in_s > 300
    assert (
        abs((delivery.next_attempt_at - attempt.created_at).total_seconds() - attempt.retry_in_s)
        < 2
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_due_dispatch() == 0  # not due yet
        assert deliveries_due_dispatch(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempt_count == 2


def test_key_rotation_moves_endpoint_secrets_to_the_new_key(
    registered, receiver, settings, django_capture_on_commit_callbacks
) -> None:
    old_secret = registered.secret
    rotated = endpoint_secret_rotate(endpoint=registered.endpoint)  # two secrets stored
    new_key = KeyRing.generate_spec("2027")
    settings.ENCRYPTION_KEYS = [new_key, *settings.ENCRYPTION_KEYS]

    call_command("rotate_keys", stdout=io.StringIO())

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret, previous_secret FROM webhooks_webhookendpoint WHERE id = %s",
            [registered.endpoint.pk],
        )
        stored = cursor.fetchone()
    assert {blob_key_id(text_blob(value)) for value in stored} == {"2027"}
    settings.ENCRYPTION_KEYS = [new_key]  # the old keys are retired: deliveries still sign
    endpoint = WebhookEndpoint.objects.get(pk=registered.endpoint.pk)
    _send_test(endpoint, django_capture_on_commit_callbacks)
    request = receiver.requests[-1]
    request.verified(rotated)
    request.verified(old_secret)
