"""The demo catalogue: procedural garment images (labelled synthetic) imported as CSV + ZIP.

It goes through the same bulk import as a merchant's upload, so the demo exercises the real
path, and importing it again changes nothing.
"""

import csv
import io
import itertools
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from synthetic.garments import GarmentArtSpec, render_garment

COLOURS: dict[str, tuple[int, int, int]] = {
    "navy": (31, 45, 84),
    "ecru": (226, 214, 190),
    "sage": (143, 163, 133),
    "terracotta": (186, 92, 62),
    "black": (30, 30, 32),
    "sky blue": (126, 170, 214),
    "burgundy": (112, 28, 44),
    "mustard": (214, 164, 46),
}
ACCENTS = {
    "stripes": (245, 245, 240),
    "checks": (40, 40, 46),
    "dots": (250, 250, 250),
    "floral": (240, 190, 200),
}

# (category, kind, material, style tags, base price, size chart column -> base cm at size M)
PRODUCTS = [
    (
        "top",
        "t-shirt",
        "100% organic cotton jersey",
        "casual,basic,relaxed",
        24,
        {"chest_cm": 96, "length_cm": 68},
    ),
    (
        "top",
        "long-sleeve",
        "cotton-modal jersey",
        "casual,layering",
        32,
        {"chest_cm": 94, "length_cm": 66},
    ),
    (
        "top",
        "tank-top",
        "ribbed cotton",
        "sporty,summer,fitted",
        19,
        {"chest_cm": 88, "length_cm": 60},
    ),
    (
        "top",
        "shirt",
        "linen",
        "smart-casual,summer,breathable",
        59,
        {"chest_cm": 102, "length_cm": 74},
    ),
    (
        "bottom",
        "trousers",
        "cotton twill",
        "smart-casual,straight-leg",
        69,
        {"waist_cm": 80, "hips_cm": 100, "length_cm": 104},
    ),
    (
        "bottom",
        "shorts",
        "linen-cotton",
        "summer,casual",
        39,
        {"waist_cm": 80, "hips_cm": 100, "length_cm": 48},
    ),
    (
        "bottom",
        "skirt",
        "viscose",
        "feminine,a-line,midi",
        49,
        {"waist_cm": 72, "hips_cm": 98, "length_cm": 70},
    ),
    (
        "dress",
        "shift-dress",
        "crepe",
        "minimal,work,straight",
        89,
        {"chest_cm": 92, "waist_cm": 80, "hips_cm": 100, "length_cm": 95},
    ),
    (
        "dress",
        "a-line-dress",
        "cotton poplin",
        "feminine,fit-and-flare,wrap-waist",
        79,
        {"chest_cm": 90, "waist_cm": 74, "hips_cm": 104, "length_cm": 100},
    ),
    (
        "dress",
        "maxi-dress",
        "viscose",
        "boho,summer,flowing",
        99,
        {"chest_cm": 90, "waist_cm": 76, "hips_cm": 106, "length_cm": 135},
    ),
    ("outerwear", "jacket", "denim", "casual,structured", 119, {"chest_cm": 106, "length_cm": 64}),
    (
        "outerwear",
        "coat",
        "wool blend",
        "classic,tailored,winter",
        189,
        {"chest_cm": 108, "length_cm": 100},
    ),
]
SIZES = ("XS", "S", "M", "L", "XL")
MEASUREMENTS = ("chest_cm", "waist_cm", "hips_cm", "length_cm")
SYNTHETIC_NOTE = "Synthetic demo product: the image is drawn by the platform."
SIZE_STEP_CM = 4  # each size up adds this much to every girth


@dataclass(frozen=True)
class DemoFiles:
    csv_bytes: bytes
    zip_bytes: bytes
    garment_count: int


def demo_catalogue_files(
    *, garments_per_product: int = 2, image_size: tuple[int, int] = (600, 800)
) -> DemoFiles:
    """Build the demo CSV (one row per size) and the ZIP of procedural product images."""
    columns = ["sku", "name", "category", "price", "currency", "size", "stock", "colour"]
    columns += ["material", "style_tags", "description", "images", *MEASUREMENTS]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns)
    writer.writeheader()
    archive_buffer = io.BytesIO()
    colour_cycle = itertools.cycle(COLOURS.items())
    patterns = itertools.cycle(("solid", "solid", "stripes", "checks", "dots", "floral"))
    count = 0
    with zipfile.ZipFile(archive_buffer, "w", zipfile.ZIP_STORED) as archive:
        for index, (category, kind, material, tags, price, chart) in enumerate(PRODUCTS):
            for variant in range(garments_per_product):
                colour_name, rgb = next(colour_cycle)
                pattern = next(patterns)
                sku = f"DEMO-{kind.upper()}-{variant + 1:02d}"
                image_name = f"{sku.lower()}.png"
                spec = GarmentArtSpec(
                    category=category,
                    kind=kind,
                    colour=rgb,
                    pattern=pattern,
                    accent=ACCENTS.get(pattern),
                    seed=index * 10 + variant,
                )
                image = render_garment(spec, width=image_size[0], height=image_size[1])
                png = io.BytesIO()
                image.save(png, format="PNG")
                archive.writestr(image_name, png.getvalue())
                pattern_word = "" if pattern == "solid" else f" {pattern}"
                name = f"{colour_name.title()}{pattern_word} {kind.replace('-', ' ')}"
                for size_index, size in enumerate(SIZES):
                    offset = (size_index - SIZES.index("M")) * SIZE_STEP_CM
                    row = {
                        "sku": sku,
                        "name": name,
                        "category": category,
                        "price": str(Decimal(price) + Decimal(variant * 5) - Decimal("0.10")),
                        "currency": "EUR",
                        "size": size,
                        # A few sizes sold out, so the storefront shows real stock states.
                        "stock": str((index * 7 + variant * 3 + size_index * 5) % 13),
                        "colour": colour_name,
                        "material": material,
                        "style_tags": tags,
                        "description": f"{name} in {material}. {SYNTHETIC_NOTE}",
                        "images": image_name,
                    }
                    for column, base in chart.items():
                        girth = column != "length_cm"
                        row[column] = str(base + (offset if girth else offset // 2))
                    writer.writerow(row)
                count += 1
    return DemoFiles(
        csv_bytes=text.getvalue().encode(), zip_bytes=archive_buffer.getvalue(), garment_count=count
    )
