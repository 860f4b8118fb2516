"""The recommender's operations as plain functions of plain data (what the Celery tasks call).

``Recommender`` ties the stores, the style model and the FAISS index of one data directory:

* ``garment_upsert`` / ``garment_remove``: keep the catalogue copy and the index current;
* ``profile_update``: declared measurements and an optional photo -> body shape;
* ``interaction``: fold a view, try-on, like or purchase into taste and popularity;
* ``suggest``: a ``SuggestionSet`` for a shopper (a cold start gets popular garments);
* ``rebuild``: a fresh index from the stored garments, saved for every process to load.

Several processes may share one data directory. The SQLite stores are the truth; each
process keeps its own in-memory index and catches up by replaying the catalogue's change log
(``sync``) before it answers, so a garment changed through one worker is suggested (or not)
by all of them at once, and a rebuild by the command is picked up by every worker.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from contracts.recommender import (
    GarmentDocument,
    Interaction,
    ProfileUpdate,
    Suggestion,
    SuggestionSet,
)
from recommender.body_shape import (
    DECLARED_KEYS,
    BodyPhotoError,
    body_measurements_from_photo,
    body_photo_error,
    body_shape_from,
    shape_label,
)
from recommender.catalogue_store import CatalogueStore
from recommender.index import EXACT_MAX, GarmentIndex
from recommender.profile_store import ProfileStore, ShopperProfile, subject_checked
from recommender.ranking import ShopperContext, rank, shape_query_text
from recommender.style import (
    INTERACTION_WEIGHTS,
    STYLE_DIM,
    TextEncoder,
    epoch_seconds,
    garment_text,
    garment_vector,
    image_features,
    sentence_encoder,
)
from transport.blob_store import BlobStore
from vision.errors import ImageInputError
from vision.image_decode import decode_image

logger = logging.getLogger(__name__)

#: Save the in-memory index after this many applied changes (so a new process starts fast).
SNAPSHOT_EVERY = 1000
#: Candidates fetched from each source before ranking, per suggestion asked for.
CANDIDATES_PER_ITEM = 10
MIN_CANDIDATES = 100
#: Garments sampled to estimate the catalogue's mean vector.
CENTRE_SAMPLE = 5000
#: Declared measurements outside this range (cm) are typing mistakes, not bodies.
_PLAUSIBLE_CM = (20.0, 300.0)

EMPTY_CATALOGUE_NOTICE = "There is nothing in stock to suggest yet."
NO_SIZE_NOTICE = "Nothing in stock fits your size right now; we'll suggest garments as they arrive."


class Recommender:
    """Everything the recommender does, over one data directory (see the module docstring)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        encoder: TextEncoder | None = None,
        exact_max: int = EXACT_MAX,
        snapshot_every: int = SNAPSHOT_EVERY,
        profile_key: bytes | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.catalogue = CatalogueStore(self.data_dir / "catalogue.sqlite3")
        self.profiles = ProfileStore(self.data_dir / "profiles.sqlite3", key=profile_key)
        self.index_path = self.data_dir / "index" / "garments.npz"
        self.exact_max = exact_max
        self.snapshot_every = snapshot_every
        self._encoder = encoder
        self._index: GarmentIndex | None = None
        self._generation = ""
        self._unsaved = 0
        self._shape_queries: dict[str, np.ndarray] = {}
        self._centre: tuple[int, np.ndarray] | None = None  # (applied_seq, mean vector)
        self._lock = threading.RLock()

    @property
    def encoder(self) -> TextEncoder:
        """The text model (the bundled sentence model unless one was given)."""
        if self._encoder is None:
            self._encoder = sentence_encoder()
        return self._encoder

    # --- garments -------------------------------------------------------------------------

    def garment_vectors(
        self, documents: list[GarmentDocument], images: list[np.ndarray | bytes | None]
    ) -> np.ndarray:
        """Unit style vectors of garments from their words and product images (batched)."""
        texts = [
            garment_text(
                category=d.category,
                name=d.name,
                description=d.description,
                colour=d.colour,
                material=d.material,
                style_tags=d.style_tags,
            )
            for d in documents
        ]
        worded = [i for i, text in enumerate(texts) if text]
        encoded = self.encoder.encode([texts[i] for i in worded]) if worded else None
        text_vectors: list[np.ndarray | None] = [None] * len(documents)
        for row, i in enumerate(worded):
            text_vectors[i] = encoded[row]
        vectors = np.zeros((len(documents), STYLE_DIM), dtype=np.float32)
        for i, (document, image) in enumerate(zip(documents, images, strict=True)):
            vectors[i] = garment_vector(text_vectors[i], _image_block(document, image))
        return vectors

    def needs_image(self, document: GarmentDocument) -> bool:
        """Whether upserting ``document`` needs its image (False for a stock-only change)."""
        return bool(document.image_key) and self.catalogue.vector_if_unchanged(document) is None

    def garment_upsert(
        self, document: GarmentDocument, image: np.ndarray | bytes | None = None
    ) -> None:
        """Store a created or changed garment and update the index (no rebuild).

        A garment without words or image still gets a vector; one out of stock or inactive
        is stored but not suggested until it is back.
        """
        vector = self.catalogue.vector_if_unchanged(document)
        if vector is None:
            vector = self.garment_vectors([document], [image])[0]
        self.catalogue.upsert(document, vector)
        self.sync()

    def garment_remove(self, garment_id: int) -> None:
        """Forget a deleted garment and take it out of the index."""
        self.catalogue.remove(int(garment_id))
        self.sync()

    # --- the index ------------------------------------------------------------------------

    def sync(self) -> GarmentIndex:
        """The process's index, brought up to the catalogue's latest change."""
        with self._lock:
            generation = self.catalogue.index_generation()
            if self._index is None or generation != self._generation:
                self._index = self._open_index()
                self._generation = generation
            index = self._index
            while True:
                found = self.catalogue.changes_since(index.applied_seq)
                if found is None:
                    logger.warning("the change log no longer reaches this index: rebuilding")
                    index = self._index = self._build_from_store()
                    continue
                changes, last = found
                if not changes:
                    break
                gone = [c.garment_id for c in changes if c.vector is None]
                fresh = [
                    c
                    for c in changes
                    if c.vector is not None and (c.vector_changed or c.garment_id not in index)
                ]
                index.remove(gone)
                if fresh:
                    index.upsert(
                        np.array([c.garment_id for c in fresh], dtype=np.int64),
                        np.stack([c.vector for c in fresh]),
                    )
                index.applied_seq = last
                self._unsaved += len(changes)
            if self._unsaved >= self.snapshot_every:
                self._save(index)
            return index

    def _open_index(self) -> GarmentIndex:
        try:
            index = GarmentIndex.load(self.index_path)
        except FileNotFoundError:
            index = None
        except ValueError:
            logger.exception("the saved index is damaged: rebuilding it")
            index = None
        usable = (
            index is not None
            and index.dim == STYLE_DIM
            and index.exact_max == self.exact_max
            # A snapshot ahead of the store belongs to another catalogue (a reset data dir).
            and index.applied_seq <= self.catalogue.last_seq()
        )
        if usable:
            logger.info("loaded the %s index (%d garments)", index.kind, len(index))
            return index
        index = self._build_from_store()
        self._save(index)
        return index

    def _build_from_store(self) -> GarmentIndex:
        ids, vectors, seq = self.catalogue.all_in_stock()
        index = GarmentIndex.build(ids, vectors, dim=STYLE_DIM, exact_max=self.exact_max)
        index.applied_seq = seq
        return index

    def _save(self, index: GarmentIndex) -> None:
        index.save(self.index_path)
        self._unsaved = 0

    def rebuild(self, *, reembed: bool = False, images: BlobStore | None = None) -> GarmentIndex:
        """Build the index afresh from the stored garments, save it, and have every process
        load it (they notice the new generation on their next sync).

        With ``reembed`` the garment vectors are computed again first (after a model or
        feature change); ``images`` is a blob store for the product images (None: words
        only for garments whose image cannot be read).
        """
        with self._lock:
            if reembed:
                self._reembed(images)
            index = self._build_from_store()
            self._save(index)
            self._generation = self.catalogue.index_generation_bump()
            self._index = index
            logger.info("rebuilt the %s index: %d garments", index.kind, len(index))
            return self.sync()

    def _reembed(self, images: BlobStore | None, batch: int = 256) -> None:
        ids = self.catalogue.all_ids()
        for start in range(0, len(ids), batch):
            stored = self.catalogue.garments(ids[start : start + batch])
            documents = [g.document for g in stored.values()]
            pictures: list[np.ndarray | bytes | None] = []
            for document in documents:
                data = None
                if images is not None and document.image_key:
                    try:
                        data = images.read(document.image_key)
                    except (LookupError, OSError):
                        logger.warning("image of garment %s unreadable", document.garment_id)
                pictures.append(data)
            for document, vector in zip(
                documents, self.garment_vectors(documents, pictures), strict=True
            ):
                self.catalogue.upsert(document, vector)

    # --- shoppers -------------------------------------------------------------------------

    def profile_update(
        self,
        update: ProfileUpdate,
        photo: np.ndarray | bytes | None = None,
        *,
        photo_problem: str = "",
    ) -> ShopperProfile:
        """Store declared measurements and estimate the body shape from ``photo`` if given.

        Declared measurements win over the photo's estimates; ``photo_removed`` (the
        shopper's last photo was deleted) drops the estimate. A photo that shows no usable
        person (or ``photo_problem``: one that could not be fetched) leaves the previous
        estimate in place and records a notice the suggestions will carry.
        """
        profile = self.profiles.get(subject_checked(update.subject))
        # The stored notice ends with the fallback sentence of its day: take it off before a
        # new one is added, or an update without a new photo (measurements saved) said it twice.
        profile.photo_notice = _without_fallback(profile.photo_notice)
        profile.declared = _plausible(update.measurements)
        profile.preferred_size = (update.preferred_size or "").strip()[:16]
        if photo is not None:
            try:
                profile.estimate = body_measurements_from_photo(_person_image(photo))
                profile.photo_notice = ""
            except BodyPhotoError as exc:
                logger.info("photo of %s unusable: %s", profile.subject, exc.code)
                profile.photo_notice = exc.message
        elif photo_problem:
            profile.photo_notice = photo_problem
        elif update.photo_removed:
            profile.estimate = None
            profile.photo_notice = ""
        shape = body_shape_from(profile.declared, profile.estimate)
        profile.body_shape = shape.shape if shape else ""
        profile.body_reason = shape.reason if shape else ""
        profile.body_vector = shape.vector if shape else None
        if profile.photo_notice:
            profile.photo_notice = f"{profile.photo_notice} {_fallback_sentence(profile)}"
        self.profiles.save(profile)
        return profile

    def interaction(self, message: Interaction) -> bool:
        """Fold one interaction into the shopper's taste and the garment's popularity.

        Returns False for a message already seen (a redelivery changes nothing) or for a
        shopper who was forgotten.
        """
        subject = subject_checked(message.subject)
        if message.kind not in INTERACTION_WEIGHTS:
            raise ValueError(f"unknown interaction kind {message.kind!r}")
        at = epoch_seconds(message.at)
        stored = self.catalogue.garments([message.garment_id]).get(message.garment_id)
        vector = stored.vector if stored is not None else None
        added = self.profiles.add_interaction(subject, message.garment_id, message.kind, at, vector)
        if added:
            # Two files, two transactions: a crash between them loses one popularity count,
            # never double-counts (the interaction's key makes a redelivery a no-op).
            self.catalogue.popularity_add(message.garment_id, message.kind, at)
        return added

    def forget(self, subject: str) -> None:
        """Erase a shopper's profile and interactions; later messages for them change nothing.

        The garments' popularity keeps their past interactions: it is a per-garment count
        that names no one.
        """
        self.profiles.forget(subject)

    # --- suggestions ----------------------------------------------------------------------

    def suggest(self, subject: str, limit: int = 12, *, now: float | None = None) -> SuggestionSet:
        """Ranked suggestions for a shopper, each with its reasons and size."""
        now = time.time() if now is None else now
        limit = max(1, min(int(limit), 100))
        profile = self.profiles.get(subject_checked(subject))
        index = self.sync()
        generated_at = datetime.fromtimestamp(now, UTC).isoformat()
        base = {
            "subject": subject,
            "body_shape": profile.body_shape,
            "body_shape_reason": profile.body_reason,
            "generated_at": generated_at,
        }
        if len(index) == 0:
            return SuggestionSet(
                items=[],
                strategy="popular",
                notice=_notice(EMPTY_CATALOGUE_NOTICE, profile),
                **base,
            )
        recent = self.profiles.recent_interactions(subject)
        body_cm, estimated = profile.body_cm()
        taste = self._centred(profile.taste.direction(), index)
        context = ShopperContext(
            taste=taste,
            taste_mass=profile.taste.mass_at(now),
            body_shape=profile.body_shape,
            body_label=shape_label(profile.body_shape) if profile.body_shape else "",
            body_cm=body_cm,
            body_cm_estimated=estimated,
            preferred_size=profile.preferred_size,
            recent=recent,
            recent_garments=self.catalogue.garments([r.garment_id for r in recent[:50]], now),
        )
        wanted = max(MIN_CANDIDATES, limit * CANDIDATES_PER_ITEM) + len(recent)
        candidate_ids: set[int] = set(self.catalogue.popular_in_stock(wanted))
        if taste is not None:
            candidate_ids.update(i for i, _ in index.search(taste, wanted))
        if profile.body_shape:
            candidate_ids.update(
                i for i, _ in index.search(self._shape_query(profile.body_shape), wanted)
            )
        popularity_max = self.catalogue.popularity_max(now)
        items = rank(
            context,
            self.catalogue.garments(candidate_ids, now),
            limit=limit,
            popularity_max=popularity_max,
        )
        notice = ""
        if len(items) < limit and context.size_known:
            # The size filter left too few: look through more of the shop.
            candidate_ids.update(self.catalogue.popular_in_stock(20 * wanted))
            items = rank(
                context,
                self.catalogue.garments(candidate_ids, now),
                limit=limit,
                popularity_max=popularity_max,
            )
            if not items:
                notice = NO_SIZE_NOTICE
        return SuggestionSet(
            items=[_as_dict(item) for item in items],
            strategy="personal" if context.personal else "popular",
            notice=_notice(notice, profile),
            **base,
        )

    def _centred(self, taste: np.ndarray | None, index: GarmentIndex) -> np.ndarray | None:
        """The taste direction minus the catalogue's mean garment, as a unit vector.

        Every garment vector shares a large common part (they all describe clothes); left in,
        it makes "central" garments close to every taste. The mean is recomputed from a sample
        of the stored garments once the catalogue has changed by a twentieth.
        """
        if taste is None:
            return None
        stale = max(50, len(index) // 20)
        if self._centre is None or abs(index.applied_seq - self._centre[0]) >= stale:
            sample = self.catalogue.sample_in_stock_vectors(CENTRE_SAMPLE)
            mean = sample.mean(axis=0) if len(sample) else np.zeros(STYLE_DIM, np.float32)
            self._centre = (index.applied_seq, mean.astype(np.float32))
        centred = taste - self._centre[1]
        norm = float(np.linalg.norm(centred))
        return centred / norm if norm > 1e-6 else taste

    def _shape_query(self, shape: str) -> np.ndarray:
        if shape not in self._shape_queries:
            text = self.encoder.encode([shape_query_text(shape)])[0]
            self._shape_queries[shape] = garment_vector(text, None)
        return self._shape_queries[shape]


def _image_block(document: GarmentDocument, image: np.ndarray | bytes | None) -> np.ndarray | None:
    if image is None:
        return None
    if isinstance(image, bytes | bytearray):
        try:
            image = decode_image(bytes(image), role="garment")
        except ImageInputError as exc:
            logger.warning("image of garment %s unreadable (%s)", document.garment_id, exc.code)
            return None
    return image_features(image)


def _person_image(photo: np.ndarray | bytes) -> np.ndarray:
    if isinstance(photo, bytes | bytearray):
        try:
            return decode_image(bytes(photo), role="person")
        except ImageInputError as exc:
            raise body_photo_error(exc) from exc
    return photo


def _plausible(measurements: dict[str, float]) -> dict[str, float]:
    kept = {}
    for key, value in (measurements or {}).items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        low, high = _PLAUSIBLE_CM
        if key in DECLARED_KEYS and math.isfinite(number) and low <= number <= high:
            kept[key] = number
    return kept


FALLBACK_SENTENCES = (
    "Your suggestions still use your earlier photo.",
    "Your suggestions use the measurements you gave us.",
    "Until then, your suggestions are popular garments in your size.",
    "Until then, your suggestions are popular garments.",
)


def _fallback_sentence(profile: ShopperProfile) -> str:
    """What the suggestions rest on while the photo cannot be used (one of FALLBACK_SENTENCES)."""
    earlier_photo, measurements, popular_in_size, popular = FALLBACK_SENTENCES
    if profile.body_shape and profile.estimate is not None:
        return earlier_photo
    if profile.body_shape:
        return measurements
    if profile.preferred_size or profile.declared:
        return popular_in_size
    return popular


def _without_fallback(notice: str) -> str:
    """The photo's problem alone: a notice without the fallback sentence(s) it ends with."""
    notice = notice.strip()
    stripped = True
    while stripped:
        stripped = False
        for sentence in FALLBACK_SENTENCES:
            if notice.endswith(sentence):
                notice = notice[: -len(sentence)].rstrip()
                stripped = True
    return notice


def _notice(notice: str, profile: ShopperProfile) -> str:
    return " ".join(part for part in (profile.photo_notice, notice) if part)


def _as_dict(item: Suggestion) -> dict[str, Any]:
    return asdict(item)
