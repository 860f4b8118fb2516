"""Shopper profiles, keyed by pseudonym: body shape, measurements, taste and recent activity.

One SQLite file (``profiles.sqlite3`` in the data directory) shared by every process. A
profile holds only what the recommender derives from pseudonymous messages: no name, no
e-mail, no photo (a photo is read, measured and dropped; only proportions are kept).
Subjects must look like the storefront's pseudonyms (``psn_`` and letters, digits, ``_``
or ``-``), so an e-mail address or a name sent by mistake is refused rather than stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from contracts.sealing import SealingError, fields_open, fields_seal
from recommender.body_shape import BODY_VECTOR_DIM, EstimatedBody
from recommender.sqlite_db import SqliteDatabase
from recommender.style import STYLE_DIM, TasteVector

#: Interactions kept per shopper (for reasons and to leave known garments out).
RECENT_INTERACTIONS = 200
_PSEUDONYM = re.compile(r"psn_[A-Za-z0-9_-]{1,96}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (
    subject TEXT PRIMARY KEY,
    declared TEXT NOT NULL,
    preferred_size TEXT NOT NULL,
    estimate TEXT,
    photo_notice TEXT NOT NULL,
    body_shape TEXT NOT NULL,
    body_reason TEXT NOT NULL,
    body_vector BLOB,
    taste BLOB,
    taste_mass REAL NOT NULL,
    taste_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS interactions (
    subject TEXT NOT NULL,
    garment_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (subject, garment_id, kind, at)
);
CREATE INDEX IF NOT EXISTS interactions_recent ON interactions (subject, at);
CREATE TABLE IF NOT EXISTS forgotten (
    digest TEXT PRIMARY KEY,
    at REAL NOT NULL
);
"""


class SubjectError(ValueError):
    """A subject that is not a pseudonym (the recommender never stores identities)."""


def subject_checked(subject: str) -> str:
    """The subject if it is a pseudonym; SubjectError otherwise."""
    if not isinstance(subject, str) or not _PSEUDONYM.fullmatch(subject):
        raise SubjectError("subject must be a pseudonym (psn_...), never an identity")
    return subject


@dataclass(frozen=True)
class RecentInteraction:
    garment_id: int
    kind: str
    at: float  # epoch seconds


@dataclass
class ShopperProfile:
    """Everything the recommender knows of one pseudonymous shopper."""

    subject: str
    declared: dict[str, float] = field(default_factory=dict)  # cm, as the shopper gave them
    preferred_size: str = ""
    estimate: EstimatedBody | None = None  # from their latest usable photo
    photo_notice: str = ""  # why their latest photo could not be used ("" when it could)
    body_shape: str = ""
    body_reason: str = ""
    body_vector: np.ndarray | None = None
    taste: TasteVector = field(default_factory=TasteVector.empty)

    def body_cm(self) -> tuple[dict[str, float], bool]:
        """Girths for sizing and whether any is a photo estimate (declared ones win)."""
        estimated = self.estimate.girths_cm(self.declared.get("height_cm")) if self.estimate else {}
        merged = {**estimated, **{k: v for k, v in self.declared.items() if v}}
        from_photo = any(k not in self.declared for k in estimated)
        return merged, from_photo


logger = logging.getLogger(__name__)

#: Marks a ``declared`` column that holds the sealed body fields (see ProfileStore).
SEALED_PREFIX = "sealed:"


def profile_key_derive(worker_key: bytes) -> bytes:
    """The profile store's own key, derived from the worker transport key (one secret to
    deploy; a key that opens the file never opens a message, and the other way round)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"recommender.profiles"
    ).derive(worker_key)


class ProfileStore:
    """Shopper profiles and recent interactions in one SQLite file."""

    def __init__(self, path: Path, *, key: bytes | None = None) -> None:
        """``key`` (see ``profile_key_derive``) seals each shopper's measurements, size, photo
        estimate and the reason naming them in the file; without one (tests, benches) they
        are kept as plain JSON. Rows of either kind read back."""
        self.db = SqliteDatabase(path, _SCHEMA, secure_delete=True)
        self.key = key

    def get(self, subject: str) -> ShopperProfile:
        """The shopper's profile (an empty one for a subject never seen)."""
        subject_checked(subject)
        with self.db.read() as connection:
            row = connection.execute(
                "SELECT * FROM profiles WHERE subject = ?", (subject,)
            ).fetchone()
        return _profile(row, self.key) if row is not None else ShopperProfile(subject=subject)

    def save(self, profile: ShopperProfile) -> None:
        """Store a profile's body and measurement fields (taste is changed by ``add_signal``)."""
        subject_checked(profile.subject)
        with self.db.write() as connection:
            if _is_forgotten(connection, profile.subject):
                return
            declared, preferred_size, estimate, reason = self._body_fields(profile)
            connection.execute(
                "INSERT INTO profiles (subject, declared, preferred_size, estimate, photo_notice, "
                "body_shape, body_reason, body_vector, taste, taste_mass, taste_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, 0, ?) ON CONFLICT (subject) DO UPDATE "
                "SET declared = excluded.declared, preferred_size = excluded.preferred_size, "
                "estimate = excluded.estimate, photo_notice = excluded.photo_notice, "
                "body_shape = excluded.body_shape, body_reason = excluded.body_reason, "
                "body_vector = excluded.body_vector, updated_at = excluded.updated_at",
                (
                    profile.subject,
                    declared,
                    preferred_size,
                    estimate,
                    profile.photo_notice,
                    profile.body_shape,
                    reason,
                    (
                        np.asarray(profile.body_vector, dtype=np.float32).tobytes()
                        if profile.body_vector is not None
                        else None
                    ),
                    time.time(),
                ),
            )

    def _body_fields(self, profile: ShopperProfile) -> tuple[str, str, str | None, str]:
        """The declared, preferred_size, estimate and body_reason columns of ``profile``:
        with a key all four travel sealed in ``declared`` (bound to the subject)."""
        estimate = asdict(profile.estimate) if profile.estimate else None
        if self.key is None:
            estimate_json = json.dumps(estimate) if estimate else None
            return (
                json.dumps(profile.declared),
                profile.preferred_size,
                estimate_json,
                (profile.body_reason),
            )
        sealed = fields_seal(
            {
                "declared": profile.declared,
                "preferred_size": profile.preferred_size,
                "estimate": estimate,
                "body_reason": profile.body_reason,
            },
            transport_key=self.key,
            subject=profile.subject,
        )
        return SEALED_PREFIX + sealed, "", None, ""

    def add_interaction(
        self, subject: str, garment_id: int, kind: str, at: float, vector: np.ndarray | None
    ) -> bool:
        """Record an interaction and fold the garment's vector into the shopper's taste.

        Returns False for a duplicate (a redelivered message) or a forgotten subject: nothing
        changes twice, and nothing comes back after an erasure. ``vector`` is None when the
        garment is unknown: the interaction is kept, taste isn't changed.
        """
        subject_checked(subject)
        with self.db.write() as connection:
            if _is_forgotten(connection, subject):
                return False
            inserted = connection.execute(
                "INSERT OR IGNORE INTO interactions (subject, garment_id, kind, at) "
                "VALUES (?, ?, ?, ?)",
                (subject, garment_id, kind, at),
            ).rowcount
            if not inserted:
                return False
            connection.execute(
                "DELETE FROM interactions WHERE subject = ? AND rowid NOT IN (SELECT rowid "
                "FROM interactions WHERE subject = ? ORDER BY at DESC LIMIT ?)",
                (subject, subject, RECENT_INTERACTIONS),
            )
            row = connection.execute(
                "SELECT taste, taste_mass, taste_at FROM profiles WHERE subject = ?", (subject,)
            ).fetchone()
            if row is None:
                connection.execute(
                    "INSERT INTO profiles (subject, declared, preferred_size, estimate, "
                    "photo_notice, body_shape, body_reason, body_vector, taste, taste_mass, "
                    "taste_at, updated_at) VALUES (?, '{}', '', NULL, '', '', '', NULL, NULL, "
                    "0, 0, ?)",
                    (subject, time.time()),
                )
            if vector is None:
                return True
            taste = _taste(row) if row is not None else TasteVector.empty()
            taste.add(vector, kind=kind, at=at)
            connection.execute(
                "UPDATE profiles SET taste = ?, taste_mass = ?, taste_at = ?, updated_at = ? "
                "WHERE subject = ?",
                (taste.total.tobytes(), taste.mass, taste.at, time.time(), subject),
            )
        return True

    def recent_interactions(
        self, subject: str, limit: int = RECENT_INTERACTIONS
    ) -> list[RecentInteraction]:
        """The shopper's latest interactions, newest first."""
        subject_checked(subject)
        with self.db.read() as connection:
            rows = connection.execute(
                "SELECT garment_id, kind, at FROM interactions WHERE subject = ? "
                "ORDER BY at DESC LIMIT ?",
                (subject, limit),
            ).fetchall()
        return [RecentInteraction(r["garment_id"], r["kind"], r["at"]) for r in rows]

    def forget(self, subject: str) -> None:
        """Erase everything about a shopper (profile and interactions), for good.

        A tombstone keeps it erased: a profile update or an interaction sent before the
        erasure but handled after it (another worker process, a retry) is refused by
        ``save`` and ``add_interaction`` instead of bringing the profile back. Safe to repeat.
        """
        subject_checked(subject)
        with self.db.write() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO forgotten (digest, at) VALUES (?, ?)",
                (_subject_digest(subject), time.time()),
            )
            connection.execute("DELETE FROM profiles WHERE subject = ?", (subject,))
            connection.execute("DELETE FROM interactions WHERE subject = ?", (subject,))
        # Best effort: with readers in the log, the next checkpoint finishes the job.
        self.db.checkpoint()

    def known(self, subject: str) -> bool:
        """Whether anything is stored under ``subject`` (a profile or an interaction)."""
        subject_checked(subject)
        with self.db.read() as connection:
            row = connection.execute(
                "SELECT EXISTS (SELECT 1 FROM profiles WHERE subject = ?) "
                "OR EXISTS (SELECT 1 FROM interactions WHERE subject = ?)",
                (subject, subject),
            ).fetchone()
        return bool(row[0])


def _subject_digest(subject: str) -> str:
    # The tombstone holds a digest, not the pseudonym: the file no longer lists who was
    # here, and only someone who already holds the pseudonym can ask whether it was erased.
    return hashlib.sha256(subject.encode()).hexdigest()


def _is_forgotten(connection, subject: str) -> bool:
    row = connection.execute(
        "SELECT 1 FROM forgotten WHERE digest = ?", (_subject_digest(subject),)
    ).fetchone()
    return row is not None


def _taste(row) -> TasteVector:
    if row["taste"] is None:
        return TasteVector.empty()
    total = np.frombuffer(row["taste"], dtype=np.float32).copy()
    if total.shape != (STYLE_DIM,):
        return TasteVector.empty()  # written by a build with another vector layout
    return TasteVector(total, float(row["taste_mass"]), float(row["taste_at"]))


def _profile(row, key: bytes | None) -> ShopperProfile:
    declared_column = row["declared"]
    if declared_column.startswith(SEALED_PREFIX):
        if key is None:
            raise ValueError("this profile store is sealed: open it with its key")
        try:
            body = fields_open(
                declared_column[len(SEALED_PREFIX) :], transport_key=key, subject=row["subject"]
            )
        except SealingError:
            # Sealed under a worker key since replaced: the storefront sends the measurements
            # again with the shopper's next update; until then suggestions go by taste.
            logger.warning("profile of %s sealed under another key: body fields unread", row[0])
            body = {"declared": {}, "preferred_size": "", "estimate": None, "body_reason": ""}
        declared, preferred_size = body["declared"], body["preferred_size"]
        estimate, reason = body["estimate"], body["body_reason"]
    else:
        declared, preferred_size = json.loads(declared_column), row["preferred_size"]
        estimate = json.loads(row["estimate"]) if row["estimate"] else None
        reason = row["body_reason"]
    vector = None
    if row["body_vector"] is not None:
        vector = np.frombuffer(row["body_vector"], dtype=np.float32).copy()
        if vector.shape != (BODY_VECTOR_DIM,):
            vector = None
    return ShopperProfile(
        subject=row["subject"],
        declared=declared,
        preferred_size=preferred_size,
        estimate=EstimatedBody(**estimate) if estimate else None,
        photo_notice=row["photo_notice"],
        body_shape=row["body_shape"],
        body_reason=reason,
        body_vector=vector,
        taste=_taste(row),
    )
