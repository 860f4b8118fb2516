"""Try-on end to end with real processes: storefront worker, try-on worker, Redis, SMTP."""

import io
import time

import numpy as np
import pytest
from PIL import Image

from contracts.limits import TryOnLimits
from core.exceptions import ApplicationError
from privacy.sealed_files import private_storage
from shoppers.services import shopper_photo_add
from tests.support.broker_switch import broker_swapped
from tests.support.job_polling import wait_for_job
from transport.embedded_redis import EmbeddedRedis
from tryon.models import TryOnJob
from tryon.selectors import tryon_edit_region_read
from tryon.services import tryon_job_request, tryon_result_read

pytestmark = pytest.mark.slow


def test_job_succeeds_with_one_email_and_workers_see_no_pii(
    garment,
    shopper,
    photo_of,
    storefront_worker,
    tryon_worker,
    worker_processes,
    smtp_inbox,
) -> None:
    storefront_worker(env={"EMAIL_URL": smtp_inbox.url})
    tryon_worker()
    photo = photo_of()
    job = wait_for_job(tryon_job_request(shopper=shopper, garment=garment, photo=photo))
    assert job.state == "succeeded", (job.error_code, job.error_message)
    assert (job.attempts, job.stage) == (1, "done")
    picture = Image.open(io.BytesIO(tryon_result_read(job=job)))
    assert picture.format == "WEBP" and picture.size == (photo.width, photo.height)
    assert set(job.timings) >= {"decode", "pose", "segmentation", "warp", "render", "encode"}

    deadline = time.monotonic() + 30
    while not smtp_inbox.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    [email] = smtp_inbox.messages
    assert email["To"] == "ada@example.org"
    # A plain-text part and an HTML alternative, both linking to the job.
    parts = {part.get_content_type(): part for part in email.walk()}
    assert {"text/plain", "text/html"} <= set(parts)
    for kind in ("text/plain", "text/html"):
        assert f"/tryon/{job.public_id}/" in parts[kind].get_payload(decode=True).decode()

    log = worker_processes.log("tryon")
    assert str(job.public_id) in log  # it did log the job, pseudonymously
    # Job ids and pseudonyms are hex, so look for what cannot occur in them by chance.
    for secret in ("Ada Lovelace", "Lovelace", "@example.org", "RIFF", "JFIF", "Exif"):
        assert secret not in log


def test_an_edit_region_is_kept_encrypted_with_its_result(
    garment, shopper, photo_of, storefront_worker, tryon_worker, settings
) -> None:
    # The layered renderer declares the pixels it may change; the worker seals them with the
    # result and the storefront re-encrypts them under its own keys, for operators only.
    settings.TRYON_RENDERER = "layered"
    storefront_worker()
    tryon_worker()
    photo = photo_of("people/p12_woman_head_to_thigh_gray_tee_studio.jpg")
    job = wait_for_job(tryon_job_request(shopper=shopper, garment=garment, photo=photo))
    assert job.state == "succeeded", (job.error_code, job.error_message)
    assert job.renderer == "layered" and job.edit_region_blob_name
    stored = private_storage().open(job.edit_region_blob_name, "rb").read()
    assert stored.startswith(b"FRE1") and b"IHDR" not in stored
    region = Image.open(io.BytesIO(tryon_edit_region_read(job=job)))
    assert (region.format, region.mode) == ("PNG", "1")
    assert region.size == (photo.width, photo.height) == (job.result_width, job.result_height)
    changed = np.asarray(region)
    assert 0.01 < changed.mean() < 0.9  # the garment's area, not nothing, not everything
    # The worker's two files go once the storefront holds its own (right after its commit).
    deadline = time.monotonic() + 10
    while (names := set(private_storage().listdir("results")[1])) != {
        name.removeprefix("results/") for name in job.blob_names
    }:
        assert time.monotonic() < deadline, names
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("relative", "code", "words"),
    [
        ("no_person/n02_coffee_cup.png", "no_person", "couldn't find a person"),
        ("groups/g05_four_women_standing.jpg", "several_people", "people"),
        ("people/p08_face_only_closeup.png", "face_only", "Only your face is visible"),
    ],
)
def test_bad_photo_fails_fast_with_its_code(
    garment,
    shopper,
    unchecked_photo_of,
    shared_images,
    storefront_worker,
    tryon_worker,
    relative,
    code,
    words,
) -> None:
    # The upload refuses it; one stored anyway is refused by the worker, in the same words.
    with pytest.raises(ApplicationError) as refused:
        shopper_photo_add(shopper=shopper, upload=(shared_images / relative).read_bytes())
    assert refused.value.code == code
    storefront_worker()
    tryon_worker()
    job = wait_for_job(
        tryon_job_request(shopper=shopper, garment=garment, photo=unchecked_photo_of(relative))
    )
    assert (job.state, job.error_code) == ("failed", code)
    assert words in job.error_message
    assert job.error_message == refused.value.message
    assert job.attempts == 1 and job.dispatches == 1


def test_worker_killed_mid_job_completes_exactly_once(
    garment,
    shopper,
    photo_of,
    storefront_worker,
    tryon_worker,
    worker_processes,
    smtp_inbox,
) -> None:
    storefront_worker(env={"EMAIL_URL": smtp_inbox.url})
    # The real limits (no test override): the broker hands a dead worker's job out again
    # after the visibility timeout that contracts/limits.py derives from the job's own
    # time limits, so a shopper waits about a minute, not ten.
    limits = TryOnLimits.from_env({})
    assert limits.visibility_timeout_s + limits.restore_sweep_s <= 60
    doomed = tryon_worker(name="doomed")
    job = tryon_job_request(
        shopper=shopper,
        garment=garment,
        photo=photo_of("people/p09_woman_fullbody_red_skirt_press.jpg"),
    )
    wait_for_job(job, states=("running",))
    worker_processes.kill(doomed)
    killed_at = time.monotonic()
    job.refresh_from_db()
    assert job.state == "running" and job.attempts == 1

    tryon_worker(name="rescuer")  # as bin/up's supervisor restarts it
    job = wait_for_job(job, timeout_s=90)
    assert job.state == "succeeded", (job.error_code, job.error_message)
    assert time.monotonic() - killed_at < 90
    time.sleep(3)  # room for any duplicate event or e-mail to show up
    job.refresh_from_db()
    outcomes = list(job.attempt_log.values_list("outcome", flat=True))
    assert outcomes.count("succeeded") == 1
    assert job.attempts == len(outcomes) >= 2
    assert len(smtp_inbox.messages) == 1
    # One result (with its edit region, when the renderer declares one), no leftovers.
    stored = {f"results/{name}" for name in private_storage().listdir("results")[1]}
    assert stored == set(job.blob_names) and job.result_blob_name in stored


def test_jobs_queued_across_a_redis_restart_are_not_lost(
    garment,
    shopper,
    photo_of,
    storefront_worker,
    tryon_worker,
    tmp_path,
) -> None:
    # Our own append-only Redis (the shared CI one keeps nothing on disk by design).
    server = EmbeddedRedis(tmp_path / "redis" / "redis.sock", append_only=True).start()
    try:
        with broker_swapped(server.url):
            storefront_worker(env={"REDIS_URL": server.url})
            photo = photo_of()
            jobs = [
                tryon_job_request(shopper=shopper, garment=garment, photo=photo) for _ in range(3)
            ]
            assert {j.state for j in jobs} == {"queued"}
            server.stop()
            server.start()
            tryon_worker(env={"REDIS_URL": server.url})
            finished = [wait_for_job(job) for job in jobs]
    finally:
        server.stop()
    assert [j.state for j in finished] == ["succeeded"] * 3
    assert all(j.attempts == 1 for j in finished)
    assert TryOnJob.objects.filter(state="succeeded").count() == 3
