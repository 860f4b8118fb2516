"""Try-on pipeline benchmark: per-stage latency and jobs per minute through real workers.

1. Stage latency: every photo in ../shared/images/people through `run_tryon` (the renderer
   of ``--renderer``: the try-on GAN, the default, or the geometric baseline; a procedural
   red t-shirt), p50/p95 per stage: decode, pose, segmentation, warp,
   render, encode. Photos the pipeline refuses (too small, no body) are counted, not timed.
2. Throughput: N jobs through real `celery worker` processes (1, then 2) on an embedded Redis,
   with encrypted photos and wrapped keys exactly as the storefront sends them.

Prints the figures and writes bench/results/tryon_pipeline_<renderer>.json.
"""

import argparse
import base64
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.report import machine_info, report_write
from contracts.envelope import KeyRing, blob_data_key, encrypt_bytes
from contracts.queues import RENDER_QUEUE, RENDER_TASK
from contracts.sealing import PHOTO_CONTEXT, data_key_wrap
from contracts.tryon import RenderRequest
from synthetic.garments import GarmentArtSpec, render_garment
from transport.embedded_redis import EmbeddedRedis
from tryon_worker.pipeline import run_tryon
from tryon_worker.renderers.registry import RENDERERS, renderer_create
from vision.errors import ImageInputError

REPO = Path(__file__).resolve().parents[1]

STAGES = ("decode", "pose", "segmentation", "warp", "render", "encode")
PEOPLE = REPO.parent / "shared" / "images" / "people"
THROUGHPUT_PHOTOS = (
    "p11_woman_head_to_thigh_jeans_studio.jpg",
    "p12_woman_head_to_thigh_gray_tee_studio.jpg",
    "p14_woman_head_to_thigh_navy_sweater_studio.jpg",
    "p10_man_head_to_thigh_cardigan.jpg",
)


def garment_png() -> bytes:
    art = render_garment(GarmentArtSpec(category="top", kind="t-shirt", colour=(200, 30, 40)))
    buffer = io.BytesIO()
    art.save(buffer, format="PNG")
    return buffer.getvalue()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def stage_latency(garment: bytes, repeats: int, renderer_name: str) -> dict:
    renderer = renderer_create(renderer_name)
    samples: dict[str, list[float]] = {stage: [] for stage in STAGES}
    totals, refused = [], {}
    photos = sorted(PEOPLE.iterdir())
    run_tryon(
        (PEOPLE / THROUGHPUT_PHOTOS[0]).read_bytes(), garment, category="top", renderer=renderer
    )  # warm-up
    for _ in range(repeats):
        for path in photos:
            try:
                result = run_tryon(path.read_bytes(), garment, category="top", renderer=renderer)
            except ImageInputError as exc:
                refused[path.name] = exc.code
                continue
            timings = {stage: getattr(result.timings, stage) for stage in STAGES}
            for stage, seconds in timings.items():
                samples[stage].append(seconds * 1000)
            totals.append(sum(timings.values()) * 1000)
    per_stage = {
        stage: {"p50_ms": round(percentile(v, 0.5), 1), "p95_ms": round(percentile(v, 0.95), 1)}
        for stage, v in samples.items()
    }
    return {
        "photos": len(photos),
        "rendered_per_repeat": len(photos) - len(refused),
        "refused": refused,
        "stages": per_stage,
        "total": {
            "p50_ms": round(percentile(totals, 0.5), 1),
            "p95_ms": round(percentile(totals, 0.95), 1),
        },
    }


def render_request(
    index: int, private: Path, keyring: KeyRing, transport_key: bytes, renderer: str
) -> RenderRequest:
    """Encrypt one photo into the private store and build its message, as the storefront does."""
    photo = (PEOPLE / THROUGHPUT_PHOTOS[index % len(THROUGHPUT_PHOTOS)]).read_bytes()
    blob = encrypt_bytes(photo, keyring=keyring, context=PHOTO_CONTEXT)
    (private / f"photo-{index}.bin").write_bytes(blob)
    job_id = str(uuid.uuid4())
    data_key = blob_data_key(blob, keyring=keyring)
    return RenderRequest(
        job_id=job_id,
        attempt=1,
        subject="psn_bench",
        person_blob=f"photo-{index}.bin",
        person_key=data_key_wrap(data_key, transport_key=transport_key, job_id=job_id),
        garment_image="garment.png",
        garment_category="top",
        renderer=renderer,
    )


def throughput(garment: bytes, workers: int, jobs: int, scratch: Path, renderer: str) -> dict:
    """Jobs per minute through `workers` real worker processes."""
    from celery import Celery

    public, private = scratch / "public", scratch / "private"
    for folder in (public, private):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    (public / "garment.png").write_bytes(garment)
    keyring = KeyRing.from_specs([KeyRing.generate_spec("bench")])
    transport_key = os.urandom(32)
    redis_server = EmbeddedRedis(
        scratch / f"redis-{workers}" / "redis.sock", append_only=False
    ).start()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FITTINGROOM_"))},
        "REDIS_URL": redis_server.url,
        "FITTINGROOM_WORKER_KEY": base64.b64encode(transport_key).decode(),
        "TRYON_PUBLIC_STORE_URL": f"file://{public}",
        "TRYON_PRIVATE_STORE_URL": f"file://{private}",
        "PYTHONPATH": str(REPO),
        # The workers share the cores instead of each running torch on all of them.
        "TRYON_TORCH_THREADS": str(max(1, (os.cpu_count() or 1) // workers)),
    }
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tryon_worker.celery_app",
                "worker",
                "-Q",
                "tryon",
                "-c",
                "1",
                "--prefetch-multiplier",
                "1",
                "-n",
                f"bench{i}@%h",
                "-l",
                "WARNING",
            ],
            env=env,
            cwd=REPO,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(workers)
    ]
    try:
        app = Celery(broker=redis_server.url)
        messages = [
            render_request(index, private, keyring, transport_key, renderer)
            for index in range(workers + jobs)
        ]
        results = private / "results"

        def finished() -> int:
            return len(list(results.glob("*.bin"))) if results.exists() else 0

        def run(batch: list[RenderRequest], expected: int) -> float:
            started = time.monotonic()
            for message in batch:
                app.send_task(RENDER_TASK, kwargs=message.to_dict(), queue=RENDER_QUEUE)
            while finished() < expected:
                if time.monotonic() - started > 600:
                    raise RuntimeError("throughput run did not finish in 10 minutes")
                time.sleep(0.05)
            return time.monotonic() - started

        run(messages[:workers], workers)  # one warm-up job per worker: models load lazily
        elapsed = run(messages[workers:], workers + jobs)
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        redis_server.stop()
    return {
        "workers": workers,
        "jobs": jobs,
        "seconds": round(elapsed, 2),
        "jobs_per_minute": round(jobs / elapsed * 60, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="passes over the people photos")
    parser.add_argument("--jobs", type=int, default=24, help="jobs per throughput run")
    parser.add_argument("--renderer", choices=sorted(RENDERERS), default="gan")
    parser.add_argument(
        "--out", type=Path, help="default: bench/results/tryon_pipeline_<renderer>.json"
    )
    args = parser.parse_args()
    if not PEOPLE.is_dir():
        raise SystemExit(f"The shared photos are missing: {PEOPLE}")
    garment = garment_png()
    report = {
        "benchmark": "tryon_pipeline",
        "renderer": args.renderer,
        "machine": machine_info(),
        "stage_latency": stage_latency(garment, args.repeats, args.renderer),
    }
    with tempfile.TemporaryDirectory() as scratch:
        report["throughput"] = [
            throughput(garment, n, args.jobs, Path(scratch), args.renderer) for n in (1, 2)
        ]
    report_write(report, name=f"tryon_pipeline_{args.renderer}", out=args.out)


if __name__ == "__main__":
    main()
