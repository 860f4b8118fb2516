"""Flows over a shopper's stored data: re-encrypting everything under the newest key, and
erasing a shopper (their right to be forgotten)."""

import base64
import contextlib
import json
import logging
from dataclasses import dataclass
from importlib import import_module

import redis
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from contracts.queues import EVENT_QUEUE, FORGET_TASK, RECOMMENDER_QUEUE
from core.exceptions import ApplicationError
from core.live_events import live_close
from core.redis_url import redis_cache_location
from lifecycle.deletion import queryset_delete, stored_files_delete, stored_rows_delete
from privacy.keyring import active_keyring
from privacy.models import ErasureRecord
from privacy.pseudonyms import erasure_digest_for
from privacy.sealed_files import sealed_file_key_id, sealed_file_rewrap
from recommendations.models import Interaction, SuggestionSet
from recommendations.services import shopper_forget_publish
from shoppers.models import Shopper, ShopperPhoto
from tryon.models import TryOnJob
from webhooks.services import endpoint_secrets_reencrypt

logger = logging.getLogger(__name__)
# Session engines whose sessions sit in the database, where a user's other sessions can be found.
DATABASE_SESSION_ENGINES = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}


@dataclass
class RotationReport:
    shoppers: int = 0
    blobs_rewrapped: int = 0
    webhook_endpoints: int = 0


def encryption_keys_rotate() -> RotationReport:
    """Move every encrypted value and blob onto the primary key (the first configured).

    Field values are decrypted and written again; blobs keep their ciphertext and get their
    data key re-wrapped. Safe to run again or to interrupt: old keys keep decrypting until
    nothing uses them, and ``ShopperPhoto.key_id`` says which key each photo is under.
    """
    primary = active_keyring().primary_id
    report = RotationReport()
    for shopper in Shopper.objects.iterator(chunk_size=200):
        with transaction.atomic():
            # Saving writes the decrypted values back, encrypted under the primary key.
            shopper.save(update_fields=["display_name", "contact_email", "measurements"])
        report.shoppers += 1
    report.webhook_endpoints = endpoint_secrets_reencrypt()
    for photo in ShopperPhoto.objects.exclude(key_id=primary).iterator(chunk_size=200):
        for name in (photo.blob_name, photo.thumbnail_blob_name):
            report.blobs_rewrapped += sealed_file_rewrap(name)
        photo.key_id = sealed_file_key_id(photo.blob_name)
        photo.save(update_fields=["key_id", "updated_at"])
    for job in TryOnJob.objects.exclude(result_blob_name="").iterator(chunk_size=200):
        for name in job.blob_names:
            report.blobs_rewrapped += sealed_file_rewrap(name)
    logger.info("key rotation to %s: %s", primary, report)
    return report


def shopper_erase(
    *,
    shopper: Shopper,
    channel: ErasureRecord.Channel,
    requested_by: User | None = None,
) -> ErasureRecord | None:
    """Erase everything about a shopper: rows, stored files, recommender profile, login.

    In one transaction: their e-mail records, try-on attempts and jobs, interactions,
    suggestions, photos, admin log entries about them, every session of their login, the
    shopper and the user rows; then an ``ErasureRecord`` (no personal data) is written. Only
    once that commits are the photo, thumbnail, result and edit-region files deleted from the
    private storage and the recommender told to forget the pseudonym, so a rollback never
    leaves a row pointing at a missing file. A try-on still running for them finishes into
    nothing: its job is gone, so its result is dropped (``tryon_event_apply``).

    Safe to repeat: a shopper already erased (or erased concurrently) returns None and
    changes nothing. Staff logins are refused, so the admin never loses an operator by
    mistake: remove their staff status first.
    """
    with transaction.atomic():
        # The row lock makes two erasures of one shopper (a double click) run one by one.
        locked = (
            Shopper.objects.select_for_update().select_related("user").filter(pk=shopper.pk).first()
        )
        if locked is None:
            logger.info("erasure of shopper %s: nothing left to erase", shopper.pk)
            return None
        user = locked.user
        if user.is_staff or user.is_superuser:
            raise ApplicationError(
                "This login is a staff account. Remove its staff status before erasing it.",
                code="staff_not_erasable",
            )
        jobs = TryOnJob.objects.filter(shopper=locked)
        job_ids = [str(public_id) for public_id in jobs.values_list("public_id", flat=True)]
        # The same deletion as a shopper's own photo and try-on deletions and expiry.
        deletion = stored_rows_delete(photos=ShopperPhoto.objects.filter(shopper=locked), jobs=jobs)
        blobs = deletion.files
        counts = {
            **deletion.counts,
            "interactions": queryset_delete(Interaction.objects.filter(shopper=locked)),
            "suggestion_sets": queryset_delete(SuggestionSet.objects.filter(shopper=locked)),
            "admin_log_entries": _admin_log_entries_delete(shopper=locked, user=user),
            "sessions": _user_sessions_end(user=user),
            "blobs": len(blobs),
        }
        shopper_id = locked.pk
        subject = f"shopper:{shopper_id}"
        pseudonym = locked.pseudonym
        # What names them in Redis: messages carry the pseudonym, job ids and file names; a
        # queued page view carries the shopper id (recommendations.services).
        redis_markers = [m for m in (pseudonym, *job_ids, *blobs) if m]
        redis_markers.append(f'"shopper": {locked.pk},')
        locked.delete()
        # The login goes last; Django cascades to what else hangs on it (groups, permissions).
        user.delete()
        record = ErasureRecord.objects.create(
            channel=channel,
            requested_by_staff_id=requested_by.pk if requested_by is not None else None,
            subject_digest=erasure_digest_for(subject=subject),
            counts=counts,
            pending_blobs=blobs,
        )
        if pseudonym:
            shopper_forget_publish(pseudonym=pseudonym)
        record_id = record.pk
        # robust: a storage hiccup must not turn a committed erasure into an error page; the
        # record keeps the files still to delete (``erasure_blobs_retry``).
        transaction.on_commit(lambda: erasure_blobs_delete(record_id=record_id), robust=True)
        # After the forget message is queued (registered earlier, so it runs earlier): the
        # purge leaves that one message alone, and a second pass once it has been consumed
        # rewrites the append-only file without it.
        transaction.on_commit(lambda: erasure_redis_purge(markers=redis_markers), robust=True)
        # Every open page of theirs, on every device, stops receiving: the login is gone.
        transaction.on_commit(lambda: live_close(shopper_id=shopper_id), robust=True)
    logger.info("erased a shopper (erasure record %s, %s)", record.pk, channel)
    return record


def erasure_blobs_delete(*, record_id: int) -> int:
    """Delete the stored files an erasure left to delete; return how many are still left."""
    record = ErasureRecord.objects.filter(pk=record_id).first()
    if record is None or record.blobs_deleted_at is not None:
        return 0
    # Any name storage refuses stays on the record; a retry deletes it later.
    left = stored_files_delete(record.pending_blobs)
    ErasureRecord.objects.filter(pk=record_id).update(
        pending_blobs=left,
        blobs_deleted_at=None if left else timezone.now(),
        updated_at=timezone.now(),
    )
    return len(left)


def erasure_blobs_retry() -> int:
    """Retry the file deletions of every erasure that storage has not finished; files left."""
    pending = ErasureRecord.objects.filter(blobs_deleted_at__isnull=True)
    return sum(erasure_blobs_delete(record_id=pk) for pk in pending.values_list("pk", flat=True))


def _admin_log_entries_delete(*, shopper: Shopper, user: User) -> int:
    """Admin history about the shopper or their login (it names them: "object_repr")."""
    about = models.Q(
        content_type=ContentType.objects.get_for_model(Shopper), object_id=str(shopper.pk)
    ) | models.Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    return queryset_delete(LogEntry.objects.filter(about))


def _user_sessions_end(*, user: User) -> int:
    """End every session of the login, on every device, not only the current one.

    Django does not index sessions by user, so this reads each stored session: erasures are
    rare. Sessions kept outside the database (signed cookies, cache only) cannot be listed;
    they die with the user row, as Django then finds no one to log them in as.
    """
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return 0
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    user_id = str(user.pk)
    ended = 0
    for session in store_class.get_model_class().objects.iterator(chunk_size=500):
        if session.get_decoded().get(SESSION_KEY) == user_id:
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended


COMPACT_TASK = "storefront.privacy.erasure_redis_compact"
# Queues whose messages may carry a pseudonym, job ids or file names (besides `tryon`, whose
# messages for the erased shopper the purge removed and which a busy GPU may never empty).
_SHOPPER_QUEUES = {RECOMMENDER_QUEUE.encode(), EVENT_QUEUE.encode()}

#: How long after an erasure the append-only file is rewritten once more: the forget message
#: and late try-on events for the erased jobs are consumed (acknowledged) by then.
REDIS_COMPACT_AFTER_S = 30


def _redis() -> redis.Redis:
    return redis.Redis.from_url(redis_cache_location(settings.REDIS_URL))


def erasure_redis_purge(*, markers: list[str]) -> int:
    """Remove what Redis still holds about an erased shopper; rewrite its append-only file.

    Every list item, hash field, set or sorted-set member and string value that names one of
    ``markers`` goes (queued and in-flight messages, whose bodies are base64, are read
    decoded), except the recommender's forget message, which must still arrive. Redis keeps
    deleted data in its append-only file until the file is rewritten, so it is rewritten
    now, and again ``REDIS_COMPACT_AFTER_S`` later (``erasure_redis_compact``, a message that
    names no one), once the forget message and late try-on events are consumed. Returns the
    number of entries removed. Redis errors are logged, never raised: the erasure has
    committed, and the second rewrite still comes.
    """
    needles = [m.encode() for m in markers if m]
    removed = 0
    try:
        client = _redis()
        for key in client.scan_iter(count=500):
            removed += _redis_key_purge(client, key, needles)
        redis_aof_rewrite(client=client)
    except redis.RedisError:
        logger.warning("erasure: Redis not purged", exc_info=True)
    from lifecycle.tasks import erasure_redis_compact

    erasure_redis_compact.apply_async(countdown=REDIS_COMPACT_AFTER_S)
    logger.info("erasure: %d Redis entries removed", removed)
    return removed


def redis_messages_pending(*, client: redis.Redis | None = None) -> bool:
    """Whether messages that may name an erased shopper still wait in Redis, queued or in
    flight: anything for the recommender or the storefront's event queue (the forget message,
    suggestions, try-on events). A rewrite of the append-only file made now would keep them.
    The erasure's own compaction messages name no one and do not count."""
    client = client or _redis()
    for key in client.scan_iter(count=500):
        kind = client.type(key)
        if kind == b"list" and key.split(b"\x06")[0] in _SHOPPER_QUEUES:
            if client.llen(key):
                return True
        elif kind == b"hash" and key.startswith(b"unacked"):
            for raw in client.hvals(key):
                envelope = _message_envelope(raw)
                task = (envelope or {}).get("headers", {}).get("task")
                if task != COMPACT_TASK:
                    return True
    return False


def redis_aof_rewriting(*, client: redis.Redis | None = None) -> bool:
    """Whether Redis is rewriting its append-only file now. Such a rewrite may have copied
    the data before the last messages naming a shopper were acknowledged, and a rewrite asked
    for meanwhile is refused, so the erasure's second pass must wait for it to end."""
    client = client or _redis()
    info = client.info("persistence")
    return bool(info.get("aof_rewrite_in_progress"))


def redis_aof_rewrite(*, client: redis.Redis | None = None) -> bool:
    """Ask Redis to rewrite its append-only file (only the live data stays); False when it
    keeps none or a rewrite is already running (that one may predate the deletions, hence
    the second pass after an erasure)."""
    client = client or _redis()
    try:
        if not int(client.info("persistence").get("aof_enabled", 0)):
            return False
        client.bgrewriteaof()
    except redis.ResponseError:  # "already in progress", or the command is disabled
        logger.info("append-only file rewrite not started", exc_info=True)
        return False
    return True


def _redis_key_purge(client: redis.Redis, key: bytes, needles: list[bytes]) -> int:
    """Remove the entries of one key that name the shopper; the number removed."""
    if any(n in key for n in needles):
        return client.delete(key)
    kind = client.type(key)
    removed = 0
    if kind == b"list":
        for item in set(client.lrange(key, 0, -1)):
            if _names(item, needles):
                removed += client.lrem(key, 0, item)
    elif kind == b"hash":
        # Kombu's in-flight messages: a hash of delivery tag -> message, with a sorted-set
        # index of the same tags ("unacked" -> "unacked_index", "unacked.tryon" -> ...).
        index = key.replace(b"unacked", b"unacked_index", 1) if key.startswith(b"unacked") else None
        for field, value in client.hscan_iter(key, count=500):
            if _names(value, needles):
                removed += client.hdel(key, field)
                if index is not None:
                    client.zrem(index, field)
    elif kind == b"set":
        doomed = [m for m in client.sscan_iter(key, count=500) if _names(m, needles)]
        removed += client.srem(key, *doomed) if doomed else 0
    elif kind == b"zset":
        doomed = [m for m, _score in client.zscan_iter(key, count=500) if _names(m, needles)]
        removed += client.zrem(key, *doomed) if doomed else 0
    elif kind == b"string":
        value = client.get(key)
        if value is not None and _names(value, needles):
            removed += client.delete(key)
    return removed


def _names(raw: bytes, needles: list[bytes]) -> bool:
    """Whether a stored value names the shopper, reading message bodies decoded.

    A Celery message keeps its body base64-encoded inside a JSON envelope (in a queue as is,
    in flight as the first item of a list), so a plain search would miss what it carries.
    """
    texts = [raw]
    envelope = _message_envelope(raw)
    if envelope is not None:
        if envelope.get("headers", {}).get("task") == FORGET_TASK:
            return False  # the recommender must still receive it
        body = envelope.get("body")
        if isinstance(body, str):
            with contextlib.suppress(ValueError):  # binascii.Error: not base64 after all
                texts.append(base64.b64decode(body, validate=True))
    return any(n in text for text in texts for n in needles)


def _message_envelope(raw: bytes) -> dict | None:
    """The kombu message in a stored value (queued: the envelope; in flight: [envelope, ...])."""
    if raw[:1] not in (b"{", b"["):
        return None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(data, list) and data and isinstance(data[0], dict):
        data = data[0]
    return data if isinstance(data, dict) and "body" in data else None
