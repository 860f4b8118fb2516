"""Inference with a trained try-on GAN: one shopper photo and one product shot in, one picture out.

``GanInference.render`` takes what the worker's pipeline already computed (MediaPipe pose
and person mask, the garment's cut-out) and returns a full-size picture: the network renders
the crop around the garment's body parts at its own small size, the product shot is warped
again along the network's grid at the photo's resolution (so the print stays sharp), and
the result is pasted back inside the clothing-agnostic zone only, feathered; face boxes are
restored pixel for pixel.

Command line, for trying a checkpoint on files::

    python -m tryon_worker.gan.inference --checkpoint renderer.pt --person me.jpg \\
        --garment shirt.jpg --category top --out result.png
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

import cv2
import numpy as np
import torch
from PIL import Image
from torch.nn import functional as F

from tryon_worker.gan.data.conditioning import NetFrame
from tryon_worker.gan.data.example import TryOnExample, keypoints_from_mediapipe
from tryon_worker.gan.data.inputs import (
    NetworkInputs,
    UnusableExample,
    garment_letterbox,
    image_from_network,
    network_inputs,
)
from tryon_worker.gan.models.checkpoint import device_pick, renderer_load
from tryon_worker.gan.networks.warp import sample_garment
from tryon_worker.garment import GarmentAnalysis, analyse_garment
from tryon_worker.renderers.base import RenderOutput
from vision.errors import ImageInputError
from vision.image_decode import decode_image
from vision.pose import PersonAnalysis, analyse_person

#: The garment is warped again at the photo's resolution, up to this height of the crop.
MAX_RENDER_HEIGHT = 1024
#: Face boxes are grown by this share before being restored (hair line, chin).
FACE_MARGIN = 0.15


class GanInference:
    """A loaded renderer checkpoint on a device (CUDA in half precision when present)."""

    def __init__(self, checkpoint: Path, device: str = "auto") -> None:
        self.device = device_pick(device)
        self.renderer = renderer_load(checkpoint, self.device)
        self.options = self.renderer.options
        self.size = (self.options.net_height, self.options.net_width)
        self._lock = threading.Lock()  # one forward at a time per loaded model

    @torch.no_grad()
    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Run the renderer on a batch of network inputs (already on the device)."""
        with self._lock, torch.autocast("cuda", torch.float16, enabled=self.device.type == "cuda"):
            return self.renderer(batch)

    def inputs(
        self, person: PersonAnalysis, garment: GarmentAnalysis
    ) -> tuple[TryOnExample, NetworkInputs]:
        """The example and network inputs for a person and a garment.

        Raises ImageInputError when the garment cannot be pinned to the pose.
        """
        keypoints = keypoints_from_mediapipe(person.landmarks, person.image.shape[:2])
        product = np.where(garment.mask[..., None], garment.rgba[..., :3], np.uint8(255))
        example = TryOnExample(
            name="tryon",
            category=garment.category,
            person=person.image,
            keypoints=keypoints,
            garment=product,
            garment_mask=garment.mask,
            silhouette=person.segmentation > 0.5,
        )
        try:
            return example, network_inputs(example, self.size, self.options.pose_sigma)
        except UnusableExample as error:
            raise ImageInputError(
                "body_part_not_visible",
                "We couldn't fit this garment to your pose. Please try a photo where you "
                "stand facing the camera with your arms a little away from your body.",
                reason=str(error),
            ) from error

    def render(self, person: PersonAnalysis, garment: GarmentAnalysis) -> RenderOutput:
        """The person's photo with the garment on them, at the photo's size."""
        example, inputs = self.inputs(person, garment)
        batch = {key: torch.as_tensor(np.asarray(value))[None].to(self.device)
                 for key, value in inputs.arrays.items()}  # fmt: skip
        out = self.forward(batch)
        return compose_full_resolution(person, example, inputs, out)


def compose_full_resolution(
    person: PersonAnalysis,
    example: TryOnExample,
    inputs: NetworkInputs,
    out: dict[str, torch.Tensor],
) -> RenderOutput:
    """Paste the network's rendering into the full-size photo, garment sharp.

    The network renders a small crop; its warp grid is resolution-free, so the product shot
    is warped again at (up to) the photo's own resolution and blended with the upscaled
    generated image by the upscaled composition mask. Only the agnostic zone changes,
    feathered at its edge, and face boxes keep their exact pixels.
    """
    photo = person.image
    height, width = photo.shape[:2]
    frame = inputs.frame
    net_h, net_w = frame.size
    zoom = max(1.0, min(1.0 / frame.scale, MAX_RENDER_HEIGHT / net_h))
    size = (round(net_h * zoom), round(net_w * zoom))
    big_frame = NetFrame(origin=frame.origin, scale=frame.scale * zoom, size=size)

    def up(tensor: torch.Tensor) -> torch.Tensor:
        return F.interpolate(tensor.float(), size=size, mode="bilinear", align_corners=True)

    garment_rgb, garment_mask = garment_letterbox(example.garment, example.garment_mask, size)
    device = out["image"].device
    garment_t = torch.as_tensor(garment_rgb, device=device).permute(2, 0, 1)[None].float()
    mask_t = torch.as_tensor(garment_mask, device=device)[None, None].float()
    grid = up(out["grid"].permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
    warped, warped_mask = sample_garment(garment_t / 127.5 - 1, mask_t, grid)
    blend = up(out["blend"]) * warped_mask
    rendered = blend * warped + (1 - blend) * up(out["generated"])

    back = cv2.invertAffineTransform(big_frame.matrix())
    big = cv2.warpAffine(
        image_from_network(rendered[0]), back, (width, height), flags=cv2.INTER_LINEAR
    )
    zone = cv2.resize(inputs.arrays["zone"][0], (size[1], size[0]), interpolation=cv2.INTER_LINEAR)
    alpha = cv2.warpAffine(zone, back, (width, height), flags=cv2.INTER_LINEAR)
    alpha = cv2.GaussianBlur(alpha, (0, 0), 1.0) * (alpha > 0)
    coverage = blend[0, 0].cpu().numpy()
    garment_mask_photo = cv2.warpAffine(coverage, back, (width, height)) > 0.5
    keep = _face_keep(person, (height, width))
    alpha[keep] = 0.0
    result = photo.astype(np.float32) * (1 - alpha[..., None]) + big * alpha[..., None]
    image = np.clip(result.round(), 0, 255).astype(np.uint8)
    image[keep] = photo[keep]  # exactly the original face, whatever the blending did
    return RenderOutput(image=image, garment_mask=garment_mask_photo & (alpha > 0.5))


def _face_keep(person: PersonAnalysis, size: tuple[int, int]) -> np.ndarray:
    keep = np.zeros(size, dtype=bool)
    for x0, y0, x1, y1, _score in person.faces:
        grow_x, grow_y = FACE_MARGIN * (x1 - x0), FACE_MARGIN * (y1 - y0)
        keep[
            max(0, int(y0 - grow_y)) : max(0, int(np.ceil(y1 + grow_y))),
            max(0, int(x0 - grow_x)) : max(0, int(np.ceil(x1 + grow_x))),
        ] = True
    return keep


def main(argv: list[str] | None = None) -> int:
    """Render one try-on from files."""
    parser = argparse.ArgumentParser(prog="python -m tryon_worker.gan.inference")
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--person", type=Path, required=True)
    parser.add_argument("--garment", type=Path, required=True)
    parser.add_argument("--category", default="top")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)
    person_image = decode_image(args.person.read_bytes(), role="person")
    garment_image = decode_image(args.garment.read_bytes(), role="garment")
    model = GanInference(args.checkpoint, args.device)
    output = model.render(
        analyse_person(person_image, category=args.category),
        analyse_garment(garment_image, category=args.category),
    )
    Image.fromarray(output.image).save(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
