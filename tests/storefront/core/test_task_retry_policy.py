"""Every storefront task that writes to the database shares the transient-error retry policy."""

from django.db import InterfaceError, OperationalError

from config.celery_app import app
from core.task_retry import TRANSIENT_DATABASE_ERRORS, DatabaseTask

# Tasks that never touch the database; any other storefront task must retry.
NO_DATABASE = {"storefront.ping", "storefront.events.failed"}


def test_every_storefront_task_retries_transient_database_errors() -> None:
    app.loader.import_default_modules()
    storefront = {name: task for name, task in app.tasks.items() if name.startswith("storefront.")}
    assert {
        "storefront.events.tryon",
        "storefront.events.suggestions",
        "storefront.tryon.reap",
        "storefront.privacy.erasure_files_retry",
        "storefront.notifications.send_email",
        "storefront.recommendations.views_flush",
        "storefront.webhooks.deliver",
        "storefront.webhooks.sweep",
        "storefront.webhooks.disabled_notice",
    } <= set(storefront)
    for name, task in storefront.items():
        if name in NO_DATABASE:
            continue
        assert isinstance(task, DatabaseTask), name
        assert set(TRANSIENT_DATABASE_ERRORS) <= set(task.autoretry_for), name
        assert task.retry_backoff and task.retry_jitter, name
        assert 0 < task.max_retries <= 20, name  # bounded: a real fault ends up failing loudly


def test_transient_errors_are_the_database_ones() -> None:
    assert set(TRANSIENT_DATABASE_ERRORS) == {OperationalError, InterfaceError}
