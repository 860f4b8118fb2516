"""Stored files follow their job: a deleted try-on job takes its result and edit region along.

A receiver rather than a service, because jobs also go by cascade (a garment or a merchant
deleted in the admin, a login deleted) where no try-on service runs. Erasure lists the same
files itself so that it can retry what storage refused; deleting a file twice is harmless.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from privacy.sealed_files import sealed_file_delete
from tryon.models import TryOnJob


@receiver(post_delete, sender=TryOnJob, dispatch_uid="tryon.job_files_delete")
def job_files_delete(sender: type[TryOnJob], instance: TryOnJob, using: str, **kwargs) -> None:
    """Delete the job's stored files once its deletion commits (a rollback keeps both)."""
    names = instance.blob_names
    if names:
        # robust: the row is gone either way; a storage hiccup must not fail the request.
        transaction.on_commit(lambda: _files_delete(names), using=using, robust=True)


def _files_delete(names: list[str]) -> None:
    for name in names:
        sealed_file_delete(name)
