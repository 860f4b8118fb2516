"""What a worker says when it cannot act on a message it was sent."""

from dataclasses import dataclass

from contracts.base import SCHEMA_VERSION, Message


@dataclass(frozen=True)
class TaskFailed(Message):
    """A message a worker could not read (or act on): which task, a code, and whose it was.

    A render request that still names its job is answered with a failed ``TryOnEvent``
    instead, so the job itself ends; this is for everything else, so that no refusal is only
    a line in a worker's log.
    """

    task: str
    error_code: str  # one of contracts.vocabulary.WORKER_ERROR_CODES
    error_message: str = ""  # what was wrong with the message (field names, never values)
    subject: str = ""  # the pseudonym it named, when it named one
    schema_version: int = SCHEMA_VERSION
