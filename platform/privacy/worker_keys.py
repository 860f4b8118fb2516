"""Handing a worker the key to one blob: unwrap its data key, re-wrap it for the worker.

The wrap is bound to an id (a job id, a pseudonym): the worker can use it for that purpose
only, and never learns a master key.
"""

from django.conf import settings

from contracts.envelope import blob_data_key
from contracts.sealing import data_key_unwrap, data_key_wrap, transport_key_load
from privacy.keyring import active_keyring
from privacy.sealed_files import private_storage


def worker_transport_key() -> bytes:
    """The key shared with the workers (settings.WORKER_TRANSPORT_KEY)."""
    return transport_key_load(settings.WORKER_TRANSPORT_KEY)


def blob_key_for_worker(*, blob_name: str, bound_to: str) -> str:
    """The data key of a stored blob, wrapped for the workers and bound to ``bound_to``."""
    with private_storage().open(blob_name, "rb") as handle:
        data_key = blob_data_key(handle.read(), keyring=active_keyring())
    return data_key_wrap(data_key, transport_key=worker_transport_key(), job_id=bound_to)


def data_key_from_worker(wrapped: str, *, bound_to: str) -> bytes:
    """Unwrap a data key a worker sent back (e.g. for a result it sealed)."""
    return data_key_unwrap(wrapped, transport_key=worker_transport_key(), job_id=bound_to)
