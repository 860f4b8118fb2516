"""The layout of a shop's try-on training export, written by the storefront and read by the
GAN's data loader.

    DIR/manifest.jsonl   {"id", "category", "person": "on_model/ID.webp",
                          "garment": "product/ID.webp", "merchant", "sku"} per line
    DIR/on_model/ID.webp, DIR/product/ID.webp
"""

from contracts.vocabulary import CATEGORIES

MANIFEST = "manifest.jsonl"
#: The folders of the on-model photo (the "person", the target) and the product shot.
PERSON_DIR = "on_model"
GARMENT_DIR = "product"
#: The categories an export's rows may carry.
EXPORT_CATEGORIES = CATEGORIES
