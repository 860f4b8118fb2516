"""Pixel guard and geometric warp speed: how long a decompression bomb takes to be refused,
and how long the geometric renderer takes to warp a garment onto a body it has measured.

1. The pixel guard: `vision.image_decode.decode_image` on PNG bombs (tests/support/
   hostile_files.py's recipe: a few hundred kilobytes that claim 400 megapixels, and 48
   megapixels, below Pillow's own guard), for both roles. Each must be refused with
   `image_too_large` from the header alone; the time is the whole refusal.
2. The geometric warp: `GeometricRenderer.warp` of a real product shot onto a real photo
   (../shared/images; not run without them), once cold and then warm (the renderer keeps
   the body's measurements between calls). The photo's analysis is not timed.

The tests check what happens (refused, warped); the figures are here. `limit_ms` is what the
tests used to assert before timing left them (1 s per refusal, 0.6 s per warm warp).

    python -m bench.guard_and_render_speed [--repeats 10] [--quick]

Prints the figures and writes bench/results/guard_and_render_speed.json.
"""

import argparse
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from bench.report import machine_info, report_write
from tests.support.hostile_files import bomb_png
from tryon_worker.garment import analyse_garment
from tryon_worker.renderers.geometric import GeometricRenderer
from vision.errors import ImageInputError
from vision.image_decode import DEFAULT_MAX_PIXELS, decode_image
from vision.pose import analyse_person

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "images"
#: (photo, product shot, category): the pairs the geometric renderer's tests warp.
PAIRS = (
    ("p12_woman_head_to_thigh_gray_tee_studio.jpg", "c03_longsleeve_top_striped.jpg", "top"),
    ("p11_woman_head_to_thigh_jeans_studio.jpg", "c01_tshirt_lilac_logo.jpg", "top"),
    ("p15_man_fullbody_face_cropped_white_tee.jpg", "c03_longsleeve_top_striped.jpg", "top"),
)
BOMBS = {"400MP": (20000, 20000), "48MP": (8000, 6000)}
REFUSAL_LIMIT_MS = 1000.0
WARP_LIMIT_MS = 600.0


def timings_ms(run: Callable[[], object], repeats: int) -> dict[str, float]:
    """p50, p95 and max of ``repeats`` calls of ``run``, in milliseconds."""
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    ms = np.array(seconds) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "max_ms": round(float(ms.max()), 2),
    }


def refusal(data: bytes, role: str) -> Callable[[], None]:
    """A call that decodes ``data`` and insists on the header's refusal."""

    def run() -> None:
        try:
            decode_image(data, role=role)
        except ImageInputError as exc:
            if exc.code != "image_too_large":
                raise
            return
        raise AssertionError(f"a bomb was decoded as a {role} image")

    return run


def guard_runs(repeats: int) -> list[dict]:
    """Each bomb, each role: its size on disk and the refusal's time."""
    runs = []
    for label, (width, height) in BOMBS.items():
        data = bomb_png(width, height)
        for role in ("person", "garment"):
            runs.append(
                {
                    "bomb": label,
                    "role": role,
                    "bytes": len(data),
                    **timings_ms(refusal(data, role), repeats),
                    "limit_ms": REFUSAL_LIMIT_MS,
                }
            )
    return runs


def warp_runs(repeats: int, pairs: tuple) -> list[dict]:
    """Each pair: the cold warp and the warm ones of one renderer."""
    runs = []
    for photo, product, category in pairs:
        image = decode_image((SHARED / "people" / photo).read_bytes(), role="person")
        person = analyse_person(image, category=category)
        garment_image = decode_image((SHARED / "garments" / product).read_bytes(), role="garment")
        garment = analyse_garment(garment_image, category=category)
        renderer = GeometricRenderer()
        started = time.perf_counter()
        renderer.warp(person, garment)
        cold_ms = (time.perf_counter() - started) * 1000
        runs.append(
            {
                "photo": photo,
                "garment": product,
                "size": f"{image.shape[1]}x{image.shape[0]}",
                "cold_ms": round(cold_ms, 2),
                **timings_ms(partial(renderer.warp, person, garment), repeats),
                "limit_ms": WARP_LIMIT_MS,
            }
        )
    return runs


def main() -> None:
    """Time the guard and the warp; report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=10, help="timed calls per figure")
    parser.add_argument("--quick", action="store_true", help="3 repeats, the first pair only")
    args = parser.parse_args()
    repeats = 3 if args.quick else args.repeats
    report = {
        "machine": machine_info(),
        "repeats": repeats,
        "max_pixels": DEFAULT_MAX_PIXELS,
        "pixel_guard": guard_runs(repeats),
    }
    if (SHARED / "people").is_dir():
        report["geometric_warp"] = warp_runs(repeats, PAIRS[:1] if args.quick else PAIRS)
    else:  # only this team's machines and CI have the real photos
        report["geometric_warp"] = f"not run: the shared photos are missing ({SHARED})"
    report_write(report, name="guard_and_render_speed")


if __name__ == "__main__":
    main()
