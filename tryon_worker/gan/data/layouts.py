"""Find which layout a data directory has and open the matching reader."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tryon_worker.gan.data.dress_code import DressCodeReader, is_dress_code
from tryon_worker.gan.data.example import TryOnExample
from tryon_worker.gan.data.person_photos import PersonPhotoReader
from tryon_worker.gan.data.shop_export import ShopExportReader, is_shop_export
from tryon_worker.gan.data.viton_hd import VitonHDReader, is_viton_hd


def layout_of(root: Path) -> str:
    """ "viton-hd", "dress-code", "shop-export" or "person-photos" (a folder of photos)."""
    if is_viton_hd(root):
        return "viton-hd"
    if is_dress_code(root):
        return "dress-code"
    if is_shop_export(root):
        return "shop-export"
    return "person-photos"


def reader_open(root: Path | str, split: str = "train") -> Sequence[TryOnExample]:
    """The reader for ``root``'s layout (FileNotFoundError if it holds nothing usable)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"data directory {root} does not exist")
    layout = layout_of(root)
    if layout == "viton-hd":
        return VitonHDReader(root, split)
    if layout == "dress-code":
        return DressCodeReader(root, split)
    if layout == "shop-export":
        return ShopExportReader(root)
    return PersonPhotoReader(root)
