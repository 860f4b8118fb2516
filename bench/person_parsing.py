"""Person parsing quality: IoU per class against the hand-drawn labels, and time per photo.

Every labelled photo in tests/fixtures/person_parsing/ is decoded, posed and parsed the way
the try-on worker does it (vision.pose, vision.parsing); the parser's labels are scored
against the hand-drawn ones (vision.parsing_eval). Needs ../shared/images/people/.

    python -m bench.person_parsing [--labels DIR] [--photos DIR] [--overlays]

Prints the figures, writes bench/results/person_parsing.json; with --overlays also one PNG
per photo (photo | hand labels | parser) under bench/results/person_parsing/.
"""

import argparse
import time
from pathlib import Path

import cv2
import numpy as np

from bench.report import RESULTS, machine_info, report_write
from vision.image_decode import decode_image
from vision.parsing import LABELS, parse_person
from vision.parsing_eval import IGNORE, IouTally, hand_labels_load
from vision.pose import detect_faces, estimate_pose, segment_person

REPO = Path(__file__).resolve().parents[1]
LABELS_DIR = REPO / "tests" / "fixtures" / "person_parsing"
PHOTOS_DIR = REPO.parent / "shared" / "images" / "people"
#: One colour per class for the overlays (RGB), IGNORE in grey.
PALETTE = np.array(
    [
        [0, 0, 0],
        [140, 70, 20],
        [255, 200, 150],
        [255, 120, 0],
        [200, 200, 0],
        [0, 90, 255],
        [0, 200, 80],
        [200, 0, 200],
    ],
    dtype=np.uint8,
)


def overlay(image: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The photo with each class tinted in its palette colour."""
    colours = PALETTE[np.where(labels == IGNORE, 0, labels)]
    tinted = (0.45 * image + 0.55 * colours).astype(np.uint8)
    tinted[labels == IGNORE] = 128
    return tinted


def main(argv: list[str] | None = None) -> int:
    """Score the parser on every labelled photo; print and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS_DIR)
    parser.add_argument("--photos", type=Path, default=PHOTOS_DIR)
    parser.add_argument("--overlays", action="store_true")
    args = parser.parse_args(argv)

    tally = IouTally()
    per_photo, seconds = {}, []
    for path in sorted(args.labels.glob("*.json")):
        truth = hand_labels_load(path)
        image = decode_image((args.photos / truth.image).read_bytes(), role="person")
        pose = estimate_pose(image)
        if pose.landmarks is None:
            per_photo[truth.image] = "no pose found"
            continue
        faces = detect_faces(image)
        segmentation = segment_person(image, pose)
        start = time.perf_counter()
        parsing = parse_person(image, pose.landmarks, segmentation, faces)
        seconds.append(time.perf_counter() - start)
        scores = tally.add(parsing.labels, truth.labels)
        per_photo[truth.image] = {k: round(v, 3) for k, v in scores.items() if not np.isnan(v)}
        if args.overlays:
            out = RESULTS / "person_parsing"
            out.mkdir(parents=True, exist_ok=True)
            sheet = np.hstack([image, overlay(image, truth.labels), overlay(image, parsing.labels)])
            cv2.imwrite(str(out / f"{path.stem}.png"), sheet[..., ::-1])
    iou = tally.iou()
    report = {
        "machine": machine_info(),
        "photos": len(per_photo),
        "iou": {k: round(v, 3) for k, v in iou.items()},
        "mean_iou": round(tally.mean_iou(), 3),
        "mean_iou_without_background": round(tally.mean_iou(LABELS[1:]), 3),
        "parse_ms_median": round(1000 * float(np.median(seconds)), 1) if seconds else None,
        "per_photo": per_photo,
    }
    print("class        IoU")
    for name, value in iou.items():
        print(f"{name:12s} {value:.3f}")
    report_write(report, name="person_parsing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
