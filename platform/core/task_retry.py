"""The one retry policy for storefront Celery tasks that write to the database.

A task that meets a locked SQLite file, a Postgres restart or a dropped connection must not
lose its work: it is retried with jittered exponential backoff, a bounded number of times.
Every such task names ``base=DatabaseTask``; a test checks that no storefront task is left out.
"""

import smtplib

from celery import Task
from django.db import InterfaceError, OperationalError

#: Database errors that pass on their own: "database is locked" (SQLite), a server restarting
#: or a connection dropped (Postgres). The task's transaction was rolled back, so running the
#: whole task again is safe; the services these tasks call are idempotent for that reason.
TRANSIENT_DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


class DatabaseTask(Task):
    """Base class of storefront tasks that write: retry on transient database errors.

    Delays grow 1, 2, 4 ... s up to a minute, each drawn at random below that bound (full
    jitter) so workers that failed together do not all come back at the same moment; ten
    retries span a few minutes, longer than a database restart, then the task fails loudly.
    """

    autoretry_for = TRANSIENT_DATABASE_ERRORS
    retry_backoff = 1
    retry_backoff_max = 60
    retry_jitter = True
    max_retries = 10


#: Options of a task that sends e-mail: the database policy plus mail server faults, on a
#: slower schedule (a mail server that refuses us is rarely back within seconds).
MAIL_TASK_RETRY = {
    "base": DatabaseTask,
    "autoretry_for": (
        *TRANSIENT_DATABASE_ERRORS,
        smtplib.SMTPException,
        ConnectionError,
        TimeoutError,
        OSError,
    ),
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}
