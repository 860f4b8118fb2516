"""The lifecycle tasks left the privacy app under their old names (issue 14, plan step D6).

Messages queued before a deploy and Celery beat's schedule name these tasks; the worker must
still find each, now defined in ``lifecycle.tasks`` (found by autodiscovery because the app
is installed).
"""

from django.conf import settings

from config.celery_app import app

LIFECYCLE_TASKS = {
    "storefront.privacy.erasure_files_retry",
    "storefront.privacy.erasure_redis_compact",
    "storefront.privacy.expired_data_delete",
    "storefront.privacy.stored_files_delete_retry",
}


def test_the_lifecycle_tasks_keep_their_names() -> None:
    app.loader.import_default_modules()
    registered = {name: task for name, task in app.tasks.items() if name in LIFECYCLE_TASKS}
    assert set(registered) == LIFECYCLE_TASKS
    assert {task.run.__module__ for task in registered.values()} == {"lifecycle.tasks"}


def test_every_beat_entry_names_a_registered_task() -> None:
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(app.tasks)
