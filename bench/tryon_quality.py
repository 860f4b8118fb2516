"""Try-on quality: the GAN against the geometric baseline, side by side, on held-out pairs.

Held-out sets, reported separately:
* real: every ../shared/images/people photo in self-supervised mode (the garment is cut out
  of the photo and turned into a pseudo product shot, the photo is the target);
* synthetic: procedural pairs with a seed the default checkpoint never saw.

Both renderers get the same clothing-agnostic photo (the category's zone greyed out), so
neither can copy the target's own garment through. Metrics, against the target:
SSIM and PSNR over the whole image and over the garment's region; L1; garment colour
fidelity (CIE76 ΔE between the product shot's mean Lab colour and the rendered region's,
and per pixel against the target); pose preservation (MediaPipe keypoints found on the
result against those of the photo, mean pixel error); failures (refused or crashed).
The anchors of the field report FID and LPIPS; both need networks pretrained on ImageNet
(Inception, AlexNet/VGG), downloaded at run time, so they are not computed here.

    python bench/tryon_quality.py [--checkpoint PATH] [--synthetic 40]

Prints the figures, writes bench/results/tryon_quality.json and tryon_quality.png.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]

from bench.report import RESULTS, machine_info, report_write  # noqa: E402
from tryon_worker.data.conditioning import AGNOSTIC_GREY, agnostic_mask  # noqa: E402
from tryon_worker.data.example import keypoints_from_mediapipe  # noqa: E402
from tryon_worker.data.inputs import UnusableExample  # noqa: E402
from tryon_worker.data.person_photos import PersonPhotoReader  # noqa: E402
from tryon_worker.data.synthetic import write_viton_hd  # noqa: E402
from tryon_worker.data.viton_hd import VitonHDReader  # noqa: E402
from tryon_worker.garment import analyse_garment  # noqa: E402
from tryon_worker.renderers.gan import GanRenderer, checkpoint_path  # noqa: E402
from tryon_worker.renderers.geometric import GeometricRenderer  # noqa: E402
from vision.errors import ImageInputError  # noqa: E402
from vision.pose import (  # noqa: E402
    count_people,
    detect_faces,
    estimate_pose,
    person_analysis_from_stages,
    segment_person,
)

PEOPLE = REPO.parent / "shared" / "images" / "people"
METRICS = (
    "ssim",
    "ssim_garment",
    "psnr",
    "psnr_garment",
    "l1",
    "delta_e_colour",
    "delta_e_pixel",
    "pose_error_px",
)


def ssim_map(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-pixel SSIM of two RGB images (luma, Gaussian window sigma 1.5)."""
    x = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float64)
    y = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY).astype(np.float64)
    blur = lambda image: cv2.GaussianBlur(image, (11, 11), 1.5)  # noqa: E731
    mx, my = blur(x), blur(y)
    vx, vy, cov = blur(x * x) - mx**2, blur(y * y) - my**2, blur(x * y) - mx * my
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    return ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB over the given pixels."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255**2 / mse)


def lab(pixels: np.ndarray) -> np.ndarray:
    """CIELAB of RGB uint8 pixels (N, 3) or images."""
    return cv2.cvtColor(pixels.reshape(-1, 1, 3), cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(
        np.float64
    ) * np.array([100 / 255, 1, 1]) - np.array([0, 128, 128])


def metrics(result, target, region, product, product_mask, pose_in) -> dict[str, float]:
    """All metrics of one rendering (see the module docstring)."""
    ssim = ssim_map(result, target)
    rendered, truth = result[region], target[region]
    pose_out = estimate_pose(result)
    error = float("nan")
    if pose_out.landmarks is not None and pose_in is not None:
        a = keypoints_from_mediapipe(pose_in, target.shape[:2])
        b = keypoints_from_mediapipe(pose_out.landmarks, result.shape[:2])
        both = (a[:, 2] > 0.5) & (b[:, 2] > 0.5)
        error = (
            float(np.linalg.norm(a[both, :2] - b[both, :2], axis=1).mean()) if both.any() else error
        )
    return {
        "ssim": float(ssim.mean()),
        "ssim_garment": float(ssim[region].mean()),
        "psnr": psnr(result, target),
        "psnr_garment": psnr(rendered, truth),
        "l1": float(np.abs(result.astype(float) - target).mean() / 255),
        "delta_e_colour": float(
            np.linalg.norm(lab(product[product_mask]).mean(0) - lab(rendered).mean(0))
        ),
        "delta_e_pixel": float(np.linalg.norm(lab(rendered) - lab(truth), axis=1).mean()),
        "pose_error_px": error,
    }


def evaluate(examples, renderers, label: str, rows: list) -> dict:
    """Render each example with each renderer; per-renderer means and failures."""
    scores = {name: [] for name in renderers}
    failures = {name: 0 for name in renderers}
    for example in examples:
        target = example.person
        pose = estimate_pose(target)
        faces = detect_faces(target)
        try:
            if pose.landmarks is None:
                raise ImageInputError("no_person", "no person")
            keypoints = keypoints_from_mediapipe(pose.landmarks, target.shape[:2])
            zone = agnostic_mask(keypoints, example.category, target.shape[:2]) > 0
            agnostic = np.where(zone[..., None], np.uint8(AGNOSTIC_GREY), target)
            person = person_analysis_from_stages(
                agnostic,
                pose=pose,
                faces=faces,
                people_count=count_people(target, pose, faces),
                segmentation=segment_person(target, pose),
                category=example.category,
            )
            garment = analyse_garment(example.garment, category=example.category)
        except ImageInputError:
            for name in renderers:
                failures[name] += 1
            continue
        row = [target, agnostic, _fit(example.garment, target.shape)]
        for name, renderer in renderers.items():
            try:
                result = renderer.render(person, garment).image
            except (ImageInputError, UnusableExample):
                failures[name] += 1
                row.append(np.full_like(target, 255))
                continue
            scores[name].append(
                {
                    "example": example.name,
                    **metrics(
                        result,
                        target,
                        example.person_garment,
                        example.garment,
                        example.garment_mask,
                        pose.landmarks,
                    ),
                }
            )
            row.append(result)
        rows.append((label, row))
    summary = {}
    for name in renderers:
        values = scores[name]
        summary[name] = {
            metric: round(float(np.nanmean([v[metric] for v in values])), 4) if values else None
            for metric in METRICS
        }
        summary[name]["rendered"] = len(values)
        summary[name]["failures"] = failures[name]
        summary[name]["per_example"] = [
            {
                key: round(value, 4) if isinstance(value, float) else value
                for key, value in v.items()
            }
            for v in values
        ]
    return summary


def _fit(image: np.ndarray, shape: tuple) -> np.ndarray:
    height, width = shape[:2]
    scale = min(height / image.shape[0], width / image.shape[1])
    small = cv2.resize(
        image, (max(1, int(image.shape[1] * scale)), max(1, int(image.shape[0] * scale)))
    )
    canvas = np.full((height, width, 3), 255, np.uint8)
    canvas[: small.shape[0], : small.shape[1]] = small
    return canvas


def grid_write(rows: list, path: Path, cell: int = 192) -> None:
    """target | agnostic | product | geometric | gan, one row per example."""
    lines = []
    for _label, row in rows:
        scaled = [cv2.resize(image, (cell * 3 // 4, cell)) for image in row]
        lines.append(np.concatenate(scaled, axis=1))
    Image.fromarray(np.concatenate(lines, axis=0)).save(path)


def main() -> None:
    """Run both held-out sets and report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=40, help="synthetic pairs (0: none)")
    parser.add_argument("--checkpoint", type=Path, default=checkpoint_path())
    args = parser.parse_args()
    os.environ["TRYON_CHECKPOINT"] = str(args.checkpoint)  # what GanRenderer loads
    renderers = {"geometric": GeometricRenderer(), "gan": GanRenderer()}
    rows: list = []
    report = {
        "machine": machine_info(),
        "checkpoint": str(args.checkpoint),
        "note": (
            "Both renderers see the same clothing-agnostic photo. FID and LPIPS (what published "
            "try-on models report) need ImageNet-pretrained Inception / AlexNet-VGG weights "
            "downloaded at run time; they are not computed here."
        ),
    }
    with tempfile.TemporaryDirectory() as cache:
        reader = PersonPhotoReader(PEOPLE, cache_dir=Path(cache))
        examples = []
        skipped = 0
        for index in range(len(reader)):
            try:
                examples.append(reader[index])
            except UnusableExample:
                skipped += 1
        report["real"] = evaluate(examples, renderers, "real", rows)
        report["real"]["photos_without_a_usable_garment_region"] = skipped
        if args.synthetic:
            root = Path(cache) / "synthetic"
            write_viton_hd(root, args.synthetic, seed=987654)
            report["synthetic"] = evaluate(list(VitonHDReader(root)), renderers, "synthetic", rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    grid_write(rows, RESULTS / "tryon_quality.png")
    report_write(report, name="tryon_quality")


if __name__ == "__main__":
    main()
