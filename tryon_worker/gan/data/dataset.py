"""The torch Dataset of training: examples from any readers, turned into network inputs."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import torch
from torch.utils.data import Dataset

from tryon_worker.gan.data.example import TryOnExample
from tryon_worker.gan.data.inputs import UnusableExample, network_inputs, pinned_garment
from tryon_worker.gan.data.person_photos import worn_garment_example
from tryon_worker.gan.options import ModelOptions

logger = logging.getLogger(__name__)
#: Tries to find a usable example before giving up (each failure moves to another one).
_MAX_TRIES = 20


class TryOnDataset(Dataset):
    """Augmented network inputs drawn from one or more readers (sequences of examples).

    With ``swap_garments`` (the cycle mode) each item also carries another example's garment
    of the same category, pinned to this item's body, as ``other_*`` arrays. With
    ``worn_garment_share`` that share of paired examples (those with the garment's region on
    the person) get their own worn garment, cut out, as the product shot instead.
    """

    def __init__(
        self,
        readers: Sequence[Sequence[TryOnExample]],
        model: ModelOptions,
        *,
        swap_garments: bool = False,
        worn_garment_share: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.readers = list(readers)
        self.index = [(r, i) for r, reader in enumerate(self.readers) for i in range(len(reader))]
        if not self.index:
            raise ValueError("no training examples found in the data directories")
        self.size = (model.net_height, model.net_width)
        self.pose_sigma = model.pose_sigma
        self.swap_garments = swap_garments
        self.worn_garment_share = worn_garment_share
        self.seed = seed
        self._draws = 0

    def __len__(self) -> int:
        return len(self.index)

    def example(self, position: int) -> TryOnExample:
        """The raw example at a position (over all readers)."""
        reader, index = self.index[position % len(self.index)]
        return self.readers[reader][index]

    def __getitem__(self, position: int) -> dict[str, torch.Tensor]:
        self._draws += 1
        rng = np.random.default_rng([self.seed, position, self._draws])
        for attempt in range(_MAX_TRIES):
            example = None
            try:
                example = self.example(position + attempt * 7919)
                if example.person_garment is not None and rng.random() < self.worn_garment_share:
                    example = worn_garment_example(example, rng)
                inputs = network_inputs(example, self.size, self.pose_sigma, rng)
                arrays = dict(inputs.arrays)
                if self.swap_garments:
                    other = self._other(example, rng)
                    pinned = pinned_garment(
                        other, inputs.keypoints, self.size, rng, silhouette=inputs.silhouette
                    )
                    arrays.update({f"other_{key}": value for key, value in pinned.items()})
            except UnusableExample as error:
                logger.debug("skipping %s: %s", example.name if example else position, error)
                continue
            return {key: torch.as_tensor(np.ascontiguousarray(v)) for key, v in arrays.items()}
        raise RuntimeError(f"no usable example near position {position} in {_MAX_TRIES} tries")

    def _other(self, example: TryOnExample, rng: np.random.Generator) -> TryOnExample:
        for _ in range(_MAX_TRIES):
            other = self.example(int(rng.integers(len(self.index))))
            if other.category == example.category and other.name != example.name:
                return other
        return example
