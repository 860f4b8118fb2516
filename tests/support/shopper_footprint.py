"""A shopper with something of every kind the storefront keeps about people, and the checks
that an erasure left none of it behind (rows, stored files, sessions), made with the real
services."""

import io
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from catalog.models import Garment
from contracts.recommender import SuggestionSet as Answer
from contracts.tryon import TryOnEvent
from privacy.sealed_files import private_storage
from recommendations.services import interaction_record, suggestion_set_apply
from shoppers.models import Shopper
from shoppers.services import shopper_photo_add, shopper_profile_update
from tests.support.factories import shopper_create
from tests.support.worker_results import worker_result_event
from tryon.services import tryon_event_apply, tryon_job_request
from webhooks.models import WebhookEvent
from webhooks.services import endpoint_create


def small_photo(colour: tuple[int, int, int]) -> bytes:
    """A small JPEG of one person the upload accepts (scikit-image's astronaut at 240 px, just
    above the person-size minimum), fast to check, store and encrypt; ``colour`` marks a
    corner so that every colour makes different bytes."""
    from skimage import data

    image = Image.fromarray(data.astronaut()).resize((240, 240), Image.Resampling.LANCZOS)
    image.paste(colour, (0, 0, 16, 16))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


@dataclass
class Footprint:
    """What is stored about one shopper, noted before an erasure to check after it."""

    shopper: Shopper
    user_id: int
    username: str
    pseudonym: str
    blobs: list[str]
    job_public_ids: list[str]
    clients: list[Client] = field(default_factory=list)


def shopper_with_everything(
    *, username: str, garment: Garment, capture_on_commit, operator
) -> Footprint:
    """A shopper with measurements, two photos, a finished try-on (result and edit-region files,
    e-mail, the shop's webhook event) and one still running, interactions, suggestions, admin
    history and a logged-in session."""
    # The shop has a webhook endpoint: the finished try-on's event (which names the job and
    # the shopper's pseudonym at the shop) is stored too. Nothing listens on port 9.
    endpoint_create(
        merchant=garment.merchant, url="http://127.0.0.1:9/hooks", event_types=["tryon.succeeded"]
    )
    with capture_on_commit(execute=True):
        shopper = shopper_create(username=username)
        shopper_profile_update(shopper=shopper, measurements={"chest_cm": 91.5})
        photos = [
            shopper_photo_add(shopper=shopper, upload=small_photo(c))
            for c in ((200, 40, 40), (40, 40, 200))
        ]
        done = tryon_job_request(shopper=shopper, garment=garment, photo=photos[0])
        running = tryon_job_request(shopper=shopper, garment=garment, photo=photos[1])
    with capture_on_commit(execute=True):
        tryon_event_apply(event=worker_result_event(done, f"{username}-r1"))
        tryon_event_apply(
            event=TryOnEvent(
                job_id=str(running.public_id), attempt=1, run_id=f"{username}-r2",
                kind="stage", stage="finding_pose",
            )
        )  # fmt: skip
        interaction_record(shopper=shopper, garment=garment, kind="like")
        suggestion_set_apply(
            event=Answer(
                subject=shopper.pseudonym,
                items=[{"garment_id": garment.pk, "score": 0.9, "size": "M", "reasons": ["x"]}],
                generated_at=timezone.now().isoformat(),
            )
        )
    user = shopper.user
    for model, pk in ((Shopper, shopper.pk), (get_user_model(), user.pk)):
        LogEntry.objects.create(
            user=operator,
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(pk),
            object_repr=username,  # what Django writes for a user: their username
            action_flag=CHANGE,
        )
    done.refresh_from_db()
    assert done.state == "succeeded" and done.emails.count() == 1 and done.edit_region_blob_name
    assert WebhookEvent.objects.filter(tryon_job=done).exists()
    browser = Client()
    browser.force_login(user)
    return Footprint(
        shopper=shopper,
        user_id=user.pk,
        username=username,
        pseudonym=shopper.pseudonym,
        blobs=[
            done.result_blob_name,
            *[name for p in photos for name in (p.blob_name, p.thumbnail_blob_name)],
            done.edit_region_blob_name,
        ],
        job_public_ids=[str(done.public_id), str(running.public_id)],
        clients=[browser],
    )


def stored_files() -> set[str]:
    """Every file in the private storage, as storage names."""
    root = Path(private_storage().location)
    if not root.exists():
        return set()
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def rows_pointing_at(model_class, pk: int) -> list[str]:
    """Every row of every model whose foreign key or one-to-one points at ``pk``."""
    hits = []
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.get_fields():
            if (
                getattr(f, "concrete", False)
                and (f.many_to_one or f.one_to_one)
                and f.related_model is model_class
                and model._default_manager.filter(**{f.attname: pk}).exists()
            ):
                hits.append(f"{model._meta.label}.{f.name}")
    return hits


def database_text() -> str:
    """Every row of every table, raw, as one text to search for leftovers."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (table names from Django)
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def sessions_of(user_id: int) -> int:
    """Stored sessions logged in as ``user_id``."""
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user_id)
    )


def leftovers(footprint: Footprint) -> list[str]:
    """What is still stored about the shopper (empty after a complete erasure)."""
    found = rows_pointing_at(Shopper, footprint.shopper.pk)
    found += rows_pointing_at(get_user_model(), footprint.user_id)
    if Shopper.objects.filter(pk=footprint.shopper.pk).exists():
        found.append("the shopper row")
    if get_user_model().objects.filter(pk=footprint.user_id).exists():
        found.append("the user row")
    text = database_text()
    for label, value in (
        ("pseudonym", footprint.pseudonym),
        ("username", footprint.username),
        *[("job id", job_id) for job_id in footprint.job_public_ids],
        *[("file name", name) for name in footprint.blobs],
    ):
        if value in text:
            found.append(f"{label} {value!r} in the database")
    found += [f"file {name}" for name in stored_files() & set(footprint.blobs)]
    if sessions_of(footprint.user_id):
        found.append("a session")
    return found
