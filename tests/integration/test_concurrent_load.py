"""Shoppers at work during a catalogue import: never a 500, no lost record or task (issue 12).

The real ASGI server (uvicorn, as bin/up runs it) and a real storefront Celery worker share
the test database: a SQLite file in WAL mode by default (bin/up's embedded configuration),
Postgres when DATABASE_URL says so. Real HTTP clients sign up, log in, upload photos, view
garment pages and ask for try-ons while a merchant imports a catalogue through the admin;
meanwhile the worker applies try-on and recommender events and stores the queued page views.
Nothing is mocked: every write goes through the same views, services and tasks as in use.
"""

import csv
import http.cookiejar
import io
import threading
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from celery import current_app
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image

from catalog.models import CatalogImport, Garment
from contracts.queues import (
    EVENT_QUEUE,
    EVENT_TASK,
    RECOMMENDER_QUEUE,
    RENDER_QUEUE,
    SUGGESTIONS_EVENT_TASK,
)
from contracts.queues import EVENT_QUEUE as RECOMMENDER_EVENT_QUEUE
from contracts.recommender import SuggestionSet as SuggestionAnswer
from contracts.tryon import TryOnEvent
from recommendations.models import Interaction, SuggestionSet
from recommendations.services import VIEW_QUEUE_KEY
from shoppers.models import Shopper, ShopperPhoto
from shoppers.services import shopper_photo_add
from tests.support.broker_queue import queue_client, queued_messages
from tests.support.factories import garment_create, garment_png, shopper_create
from tryon.models import TryOnJob

pytestmark = pytest.mark.slow

SHARED_PERSON_PHOTO = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "images"
    / "people"
    / "p11_woman_head_to_thigh_jeans_studio.jpg"
)
SHOPPER_PASSWORD = "correct horse battery"  # tests.support.factories.shopper_create's
IMPORTED_GARMENTS = 40
SIGN_UP_THREADS, SIGN_UPS_EACH = 2, 6
UPLOADERS, UPLOADS_EACH = 2, 5
VIEWERS, VIEWS_EACH = 2, 20
TRYON_SHOPPERS, TRYONS_EACH = 4, 3  # 3 is MAX_ACTIVE_JOBS_PER_SHOPPER: every one is accepted


@dataclass(frozen=True)
class Reply:
    status: int
    location: str
    body: bytes


@dataclass(frozen=True)
class Call:
    """One request an actor made: what, the answer's status, and when (monotonic seconds)."""

    actor: str
    method: str
    path: str
    status: int
    started: float
    finished: float


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer to check, not to follow


class Browser:
    """A real HTTP client with its own cookies (session, CSRF), like one browser tab."""

    def __init__(self, base_url: str, actor: str, calls: list[Call]) -> None:
        self.base_url, self.actor, self.calls = base_url, actor, calls
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, path: str) -> Reply:
        return self._send("GET", path, None, {})

    def post(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None
    ) -> Reply:
        """A form POST with the CSRF token of an earlier GET, multipart when files are sent."""
        csrf = next(c.value for c in self.jar if c.name == "csrftoken")
        body, content_type = _multipart({**fields, "csrfmiddlewaretoken": csrf}, files or {})
        return self._send("POST", path, body, {"Content-Type": content_type})

    def log_in(self, path: str, username: str, password: str) -> None:
        self.get(path)
        reply = self.post(path, {"username": username, "password": password})
        assert reply.status == 302, (self.actor, reply.status, reply.body[-2000:])

    def _send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Reply:
        request = urllib.request.Request(
            self.base_url + path, data=body, method=method, headers=headers
        )
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=60) as response:
                reply = Reply(
                    response.status, response.headers.get("Location", ""), response.read()
                )
        except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx, 5xx
            reply = Reply(answer.code, answer.headers.get("Location", ""), answer.read())
        self.calls.append(Call(self.actor, method, path, reply.status, started, time.monotonic()))
        return reply


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (file_name, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _person_photo() -> bytes:
    """A real photo of a person when the shared photos are here, else scikit-image's
    astronaut (uploads are checked for one person: a procedural image would be refused)."""
    if SHARED_PERSON_PHOTO.is_file():
        return SHARED_PERSON_PHOTO.read_bytes()
    from skimage import data

    buffer = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def _catalogue_files() -> tuple[bytes, bytes]:
    """A CSV of IMPORTED_GARMENTS garments in two sizes each, and a ZIP of their images."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["sku", "name", "category", "price", "size", "stock", "images", "chest_cm"])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for number in range(IMPORTED_GARMENTS):
            sku = f"IMP-{number:03d}"
            zipped.writestr(f"{sku}.png", garment_png(colour=(number * 6, 90, 200 - number)))
            writer.writerow([sku, f"Imported tee {number}", "top", "19.90", "S", "4",
                             f"{sku}.png", "90"])  # fmt: skip
            writer.writerow([sku, f"Imported tee {number}", "top", "19.90", "M", "6", "", "96"])
    return text.getvalue().encode(), archive.getvalue()


@dataclass
class Load:
    """What the actors did, and the try-on jobs the event feeder has answered."""

    calls: list[Call] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    import_window: tuple[float, float] = (0.0, 0.0)
    errors: list[BaseException] = field(default_factory=list)

    def run(self, actors: list[Callable[[], None]]) -> None:
        """Run every actor on its own thread; re-raise the first failure."""

        def guarded(actor: Callable[[], None]) -> None:
            try:
                actor()
            except BaseException as exc:
                self.errors.append(exc)

        threads = [threading.Thread(target=guarded, args=(a,), daemon=True) for a in actors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        if self.errors:
            raise self.errors[0]


def _send_stage_events(answered: set[str]) -> None:
    """What a try-on worker sends first for each render it takes: a "stage" event."""
    for message in queued_messages(RENDER_QUEUE):
        job_id = message["kwargs"]["job_id"]
        if job_id in answered:
            continue
        answered.add(job_id)
        event = TryOnEvent(
            job_id=job_id,
            attempt=message["kwargs"]["attempt"],
            run_id=f"load-{job_id}",
            kind="stage",
            stage="finding_pose",
            worker="load-test",
        )
        current_app.send_task(EVENT_TASK, kwargs=event.to_dict(), queue=EVENT_QUEUE)


def _wait_for(check: Callable[[], bool], what: str, timeout_s: float = 45.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"not done in {timeout_s:.0f}s: {what}"
        time.sleep(0.25)


def test_shoppers_during_an_import_never_see_a_500_and_nothing_is_lost(
    web_server, storefront_worker
) -> None:
    queue_client().delete(RENDER_QUEUE, RECOMMENDER_QUEUE, VIEW_QUEUE_KEY)
    garments = [
        garment_create(name=f"Tee {n}", sku=f"TEE-{n}", colour=(40 * n, 30, 40)) for n in range(3)
    ]
    merchant = garments[0].merchant
    get_user_model().objects.create_superuser(username="operator", password="pw-operator-1234")
    shoppers = [shopper_create(username=f"shopper{n}", notifications=False) for n in range(8)]
    photo = _person_photo()
    tryon_shoppers = shoppers[:TRYON_SHOPPERS]
    uploaders = shoppers[TRYON_SHOPPERS : TRYON_SHOPPERS + UPLOADERS]
    viewers = shoppers[TRYON_SHOPPERS + UPLOADERS :][:VIEWERS]
    tryon_photos = {s.pk: shopper_photo_add(shopper=s, upload=photo).pk for s in tryon_shoppers}
    csv_bytes, zip_bytes = _catalogue_files()
    storefront_worker()
    load = Load()
    base = web_server.url

    def importer() -> None:
        browser = Browser(base, "import", load.calls)
        browser.log_in("/admin/login/", "operator", "pw-operator-1234")
        browser.get("/admin/catalog/garment/import/")
        # The import starts once every kind of shopper is at work, so however fast it
        # runs, it runs among them.
        deadline = time.monotonic() + 30
        while not {"sign-up", "upload", "view", "tryon"} <= {c.actor for c in load.calls}:
            assert time.monotonic() < deadline, "the shoppers never got to work"
            time.sleep(0.05)
        started = time.monotonic()
        reply = browser.post(
            "/admin/catalog/garment/import/",
            {"merchant": str(merchant.pk)},
            {"csv_file": ("catalogue.csv", csv_bytes), "zip_file": ("images.zip", zip_bytes)},
        )
        load.import_window = (started, time.monotonic())
        assert reply.status == 302, reply.body[-3000:]

    def signer_up(thread: int) -> Callable[[], None]:
        def act() -> None:
            for n in range(SIGN_UPS_EACH):
                browser = Browser(base, "sign-up", load.calls)
                browser.get("/account/sign-up/")
                reply = browser.post(
                    "/account/sign-up/",
                    {"username": f"new-{thread}-{n}", "password": "plenty-long-pass-42",
                     "display_name": f"New {thread} {n}"},
                )  # fmt: skip
                assert reply.status == 302 and reply.location.endswith("/account/profile/")

        return act

    def uploader(shopper: Shopper) -> Callable[[], None]:
        def act() -> None:
            browser = Browser(base, "upload", load.calls)
            browser.log_in("/account/login/", shopper.user.username, SHOPPER_PASSWORD)
            for _ in range(UPLOADS_EACH):
                browser.get("/account/profile/")
                reply = browser.post("/account/photos/", {}, {"photo": ("me.jpg", photo)})
                assert reply.status == 302

        return act

    def viewer(shopper: Shopper | None) -> Callable[[], None]:
        def act() -> None:
            browser = Browser(base, "view" if shopper else "view-anonymous", load.calls)
            if shopper is not None:
                browser.log_in("/account/login/", shopper.user.username, SHOPPER_PASSWORD)
            for n in range(VIEWS_EACH):
                browser.get(f"/garments/{garments[n % len(garments)].pk}/")
                if n % 5 == 0:
                    browser.get("/")

        return act

    def tryer(shopper: Shopper) -> Callable[[], None]:
        def act() -> None:
            browser = Browser(base, "tryon", load.calls)
            browser.log_in("/account/login/", shopper.user.username, SHOPPER_PASSWORD)
            for n in range(TRYONS_EACH):
                garment = garments[n % len(garments)]
                browser.get(f"/garments/{garment.pk}/")
                reply = browser.post(
                    "/tryon/new/",
                    {"garment": str(garment.pk), "photo": str(tryon_photos[shopper.pk])},
                )
                assert reply.status == 302 and "/tryon/" in reply.location, reply.location

        return act

    answered: set[str] = set()

    def workers_talk_back() -> None:
        """Meanwhile the try-on and recommender workers answer, and beat flushes page views."""
        for shopper in shoppers:
            answer = SuggestionAnswer(
                subject=shopper.pseudonym,
                items=[{"garment_id": garments[0].pk, "score": 1.0, "size": "M", "reasons": []}],
                strategy="personal",
                generated_at=timezone.now().isoformat(),
            )
            current_app.send_task(
                SUGGESTIONS_EVENT_TASK, kwargs=answer.to_dict(), queue=RECOMMENDER_EVENT_QUEUE
            )
        while not load.done.wait(0.5):
            _send_stage_events(answered)
            current_app.send_task("storefront.recommendations.views_flush")

    def shoppers_and_merchant() -> None:
        load.run(
            [
                importer,
                *[signer_up(t) for t in range(SIGN_UP_THREADS)],
                *[uploader(s) for s in uploaders],
                *[viewer(s) for s in viewers],
                viewer(None),
                *[tryer(s) for s in tryon_shoppers],
            ]
        )

    feeder = threading.Thread(target=workers_talk_back, daemon=True)
    feeder.start()
    try:
        shoppers_and_merchant()
    finally:
        load.done.set()
        feeder.join(timeout=30)

    # --- Never a 500 ---------------------------------------------------------------------
    server_errors = [c for c in load.calls if c.status >= 500]
    assert not server_errors, server_errors
    web_log = web_server.log_path.read_text(errors="replace")
    assert "database is locked" not in web_log and "Traceback" not in web_log, web_log[-4000:]
    # The shoppers really were at work while the import ran.
    import_start, import_end = load.import_window
    during = {c.actor for c in load.calls if c.started < import_end and c.finished > import_start}
    assert {"sign-up", "upload", "view", "tryon"} <= during, (during, load.import_window)

    # --- Nothing lost: every accepted request left its record ----------------------------
    record = CatalogImport.objects.get()
    assert (record.created_count, record.errors) == (IMPORTED_GARMENTS, [])
    assert Garment.objects.filter(sku__startswith="IMP-").count() == IMPORTED_GARMENTS
    assert Shopper.objects.filter(user__username__startswith="new-").count() == (
        SIGN_UP_THREADS * SIGN_UPS_EACH
    )
    for shopper in uploaders:
        assert ShopperPhoto.objects.filter(shopper=shopper).count() == UPLOADS_EACH
    jobs = set(TryOnJob.objects.values_list("public_id", flat=True))
    assert len(jobs) == TRYON_SHOPPERS * TRYONS_EACH
    # ... and every task: a render message per job, each event and answer applied.
    _send_stage_events(answered)
    assert {str(j) for j in jobs} == answered
    _wait_for(
        lambda: TryOnJob.objects.filter(state=TryOnJob.State.RUNNING).count() == len(jobs),
        "every try-on job's stage event applied",
    )
    _wait_for(
        lambda: SuggestionSet.objects.filter(shopper__in=shoppers).count() == len(shoppers),
        "every shopper's suggestions applied",
    )
    shop_views = sum(
        1 for c in load.calls if c.actor == "view" and c.path.startswith("/garments/")
    ) + sum(
        1 for c in load.calls if c.actor == "tryon" and c.method == "GET" and "/garments/" in c.path
    )
    current_app.send_task("storefront.recommendations.views_flush").get(timeout=60)
    views = Interaction.objects.filter(kind=Interaction.Kind.VIEW)
    _wait_for(
        lambda: views.count() == shop_views,
        f"{shop_views} page views stored (not {views.count()}; "
        f"{queue_client().llen(VIEW_QUEUE_KEY)} still queued)",
    )
    assert queue_client().llen(VIEW_QUEUE_KEY) == 0
