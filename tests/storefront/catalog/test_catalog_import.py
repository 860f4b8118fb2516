"""Bulk import: every valid row lands, every broken row is reported, re-import is a no-op."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from PIL import Image

from catalog.models import CatalogImport, Garment, GarmentImage, Merchant
from catalog.services import catalog_import_run

HEADER = [
    "sku",
    "name",
    "category",
    "price",
    "size",
    "stock",
    "colour",
    "style_tags",
    "images",
    "chest_cm",
]


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 160), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    handle = io.BytesIO(text.getvalue().encode())
    handle.name = "catalogue.csv"
    return handle


def _zip(files: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    buffer.seek(0)
    buffer.name = "images.zip"
    return buffer


GOOD_ROWS = [
    [
        "TEE-1",
        "Linen tee",
        "top",
        "29.90",
        "S",
        "4",
        "ecru",
        "casual, summer",
        "tee-front.png;tee-back.png",
        "92",
    ],
    ["TEE-1", "Linen tee", "top", "29.90", "M", "0", "ecru", "casual, summer", "", "96"],
    ["JEAN-1", "Straight jeans", "bottom", "79", "L", "2", "blue", "denim", "jeans.png", ""],
]
BROKEN_ROWS = [
    ["BAD-PRICE", "Priceless", "top", "twelve", "M", "1", "red", "", "", ""],  # row 5
    ["BAD-SIZE", "Giant tee", "top", "10", "XXXXL", "1", "red", "", "", ""],  # row 6
    ["BAD-IMG", "Ghost", "dress", "50", "M", "1", "white", "", "missing.png", ""],  # row 7
    ["BAD-FILE", "Glitch", "dress", "50", "M", "1", "white", "", "broken.png", ""],  # row 8
    ["SHORT", "Too few cells"],  # row 9
    ["BAD-CAT", "Hat", "hat", "10", "M", "1", "red", "", "", ""],  # row 10
    ["TEE-1", "Linen tee", "top", "35.00", "L", "1", "ecru", "casual, summer", "", ""],  # row 11
]
IMAGES = {
    "tee-front.png": _png((230, 220, 200)),
    "photos/tee-back.png": _png((220, 210, 190)),
    "jeans.png": _png((40, 60, 120)),
    "broken.png": _png((1, 2, 3))[:60],
}


@pytest.fixture
def merchant(db) -> Merchant:
    return Merchant.objects.create(name="North Loom", slug="north-loom")


def test_valid_rows_import_and_broken_rows_are_reported(merchant: Merchant) -> None:
    result = catalog_import_run(
        merchant=merchant, csv_file=_csv(GOOD_ROWS + BROKEN_ROWS), zip_file=_zip(IMAGES)
    )
    assert result.rows_total == 10
    assert result.created_count == 2
    assert set(Garment.objects.values_list("sku", flat=True)) == {"TEE-1", "JEAN-1"}
    tee = Garment.objects.get(sku="TEE-1")
    assert tee.price == Decimal("29.90") and tee.style_tags == ["casual", "summer"]
    assert [(s.label, s.stock, s.chest_cm) for s in tee.sizes.all()] == [
        ("S", 4, Decimal("92.0")),
        ("M", 0, Decimal("96.0")),
    ]
    assert tee.images.count() == 2
    errors = {(e["row"], e["column"]): e["message"] for e in result.errors}
    assert "'twelve' is not an amount" in errors[(5, "price")]
    assert "Unknown size 'XXXXL'" in errors[(6, "size")]
    assert "'missing.png' is not in the ZIP" in errors[(7, "images")]
    assert "damaged or incomplete" in errors[(8, "images")] or "damaged" in errors[(8, "images")]
    assert "2 cells but the header has 10" in errors[(9, "")]
    assert "Unknown category 'hat'" in errors[(10, "category")]
    assert "differs from row 2" in errors[(11, "price")]
    # Row 9 lists its missing category, price and size as well as its cell count.
    assert [e["column"] for e in result.errors if e["row"] == 9] == [
        "",
        "category",
        "price",
        "size",
    ]
    assert len(result.errors) == 10
    assert CatalogImport.objects.get().errors == result.errors


def test_reimport_changes_nothing_and_a_changed_row_updates(merchant: Merchant) -> None:
    catalog_import_run(merchant=merchant, csv_file=_csv(GOOD_ROWS), zip_file=_zip(IMAGES))
    images_before = list(GarmentImage.objects.order_by("id").values_list("id", "image"))
    again = catalog_import_run(merchant=merchant, csv_file=_csv(GOOD_ROWS), zip_file=_zip(IMAGES))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert list(GarmentImage.objects.order_by("id").values_list("id", "image")) == images_before

    changed = [row[:] for row in GOOD_ROWS]
    changed[0][3] = changed[1][3] = "24.50"  # new price for TEE-1
    changed[2][5] = "7"  # new stock for JEAN-1 L
    changed[0][8] = "tee-back.png"  # TEE-1 now has one image
    result = catalog_import_run(merchant=merchant, csv_file=_csv(changed), zip_file=_zip(IMAGES))
    assert (result.created_count, result.updated_count, result.unchanged_count) == (0, 2, 0)
    tee = Garment.objects.get(sku="TEE-1")
    assert tee.price == Decimal("24.50") and tee.images.count() == 1
    assert Garment.objects.get(sku="JEAN-1").sizes.get(label="L").stock == 7
    assert Garment.objects.count() == 2


def test_sku_is_unique_per_merchant_not_globally(merchant: Merchant) -> None:
    other = Merchant.objects.create(name="Other", slug="other")
    catalog_import_run(merchant=merchant, csv_file=_csv(GOOD_ROWS[2:]), zip_file=_zip(IMAGES))
    catalog_import_run(merchant=other, csv_file=_csv(GOOD_ROWS[2:]), zip_file=_zip(IMAGES))
    assert Garment.objects.filter(sku="JEAN-1").count() == 2


def test_missing_required_column_is_reported_once(merchant: Merchant) -> None:
    header = [c for c in HEADER if c != "price"]
    rows = [[v for c, v in zip(HEADER, row, strict=True) if c != "price"] for row in GOOD_ROWS]
    result = catalog_import_run(
        merchant=merchant, csv_file=_csv(rows, header), zip_file=_zip(IMAGES)
    )
    assert result.errors == [
        {
            "row": 1,
            "column": "price",
            "message": "Required column missing from the header: price.",
            "sku": "",
        }
    ]
    assert not Garment.objects.exists()


def test_not_a_zip_keeps_rows_without_images(merchant: Merchant) -> None:
    junk = io.BytesIO(b"this is not a zip")
    junk.name = "images.zip"
    rows = [["PLAIN-1", "Plain tee", "top", "9.99", "M", "1", "", "", "", ""], GOOD_ROWS[2]]
    result = catalog_import_run(merchant=merchant, csv_file=_csv(rows), zip_file=junk)
    assert Garment.objects.filter(sku="PLAIN-1").exists()
    messages = [e["message"] for e in result.errors]
    assert "The images file is not a readable ZIP archive." in messages
    assert any("'jeans.png' is listed but no ZIP" in m for m in messages)


def _raw_csv(text: str) -> io.BytesIO:
    """A CSV file written by hand, for layouts csv.writer would never produce."""
    handle = io.BytesIO(text.encode())
    handle.name = "catalogue.csv"
    return handle


def test_doubled_quotes_after_the_first_4_kb_stay_intact(merchant: Merchant) -> None:
    # More than 4 KB of plain rows first: a dialect guessed from that much text has never seen
    # a doubled quote, and used to read `"Jeans 32"" waist"` as `Jeans 32" waist"`.
    rows = [
        [f"TEE-{i}", f"Plain tee {i}", "top", "10", "M", "1", "ecru", "", "", ""]
        for i in range(120)
    ]
    rows.append(["JEAN-32", 'Jeans 32" waist', "bottom", "49", "M", "1", "", "", "", ""])
    upload = _csv(rows)
    assert len(upload.getvalue()) > 4096 and b'"Jeans 32"" waist"' in upload.getvalue()
    result = catalog_import_run(merchant=merchant, csv_file=upload)
    assert result.errors == []
    assert Garment.objects.get(sku="JEAN-32").name == 'Jeans 32" waist'


def test_the_delimiter_comes_from_the_header_line(merchant: Merchant) -> None:
    # A semicolon file (as spreadsheets write it in comma-decimal locales) whose names hold
    # commas and whose prices use a decimal comma: the header alone decides the delimiter.
    text = (
        "sku;name;category;price;size\n"
        'SCARF-1;"Scarf, wool";outerwear;12,50;M\n'
        'JEAN-33;"Jeans 33"" waist; slim";bottom;59;L\n'
    )
    result = catalog_import_run(merchant=merchant, csv_file=_raw_csv(text))
    assert result.errors == []
    assert Garment.objects.get(sku="SCARF-1").price == Decimal("12.50")
    assert Garment.objects.get(sku="JEAN-33").name == 'Jeans 33" waist; slim'


def test_row_numbers_stay_right_after_cells_with_line_breaks(merchant: Merchant) -> None:
    # Rows are numbered as a spreadsheet shows them (the header is row 1, a cell with line
    # breaks stays in its row); where a row starts on a later line of the file, the message
    # says that line too. They used to be the file line where the row *ended*.
    header = ["sku", "name", "category", "price", "size", "description"]
    rows = [
        ["LONG-1", "Tee", "top", "10", "M", "Soft cotton.\nWash cold.\nMade in Portugal."],
        ["BAD-PRICE", "Tee", "top", "ten", "M", "One line."],
        ["BAD-SIZE", "Tee", "top", "10", "XXXXL", "Two\nlines."],
        [],
        ["BAD-CAT", "Hat", "hat", "10", "M", ""],
    ]
    upload = _csv(rows, header)
    # Lines: header 1, LONG-1 2-4, BAD-PRICE 5, BAD-SIZE 6-7, blank 8, BAD-CAT 9.
    assert upload.getvalue().count(b"\n") == 9
    result = catalog_import_run(merchant=merchant, csv_file=upload)
    errors = {(e["row"], e["column"]): e["message"] for e in result.errors}
    assert set(errors) == {(3, "price"), (4, "size"), (6, "category")}
    assert errors[(3, "price")].endswith("(Row 3 starts on line 5 of the file.)")
    assert errors[(4, "size")].endswith("(Row 4 starts on line 6 of the file.)")
    assert errors[(6, "category")].endswith("(Row 6 starts on line 9 of the file.)")
    assert Garment.objects.get(sku="LONG-1").description.count("\n") == 2


def test_a_sku_unsafe_as_a_file_name_is_refused_on_its_own_row(merchant: Merchant) -> None:
    # SKUs name the garment's image files and its folder in the training export; one with a
    # path in it used to abort the whole import with a bare 400 when its images were stored.
    unsafe = ["../../escape", "..\\windows", "coats/wool", ".hidden", "C:stream", "TAB\tBED"]
    rows = [[sku, "Sneaky", "top", "10", "M", "1", "", "", "tee-front.png", ""] for sku in unsafe]
    rows.append(["SAFE-1.v2_b", "Safe tee", "top", "10", "M", "1", "", "", "tee-front.png", ""])
    result = catalog_import_run(merchant=merchant, csv_file=_csv(rows), zip_file=_zip(IMAGES))
    assert list(Garment.objects.values_list("sku", flat=True)) == ["SAFE-1.v2_b"]
    assert Garment.objects.get().images.count() == 1
    assert [(e["row"], e["column"], e["sku"]) for e in result.errors] == [
        (row, "sku", sku) for row, sku in enumerate(unsafe, start=2)
    ]
    assert all("cannot be used in a file name" in e["message"] for e in result.errors)
    assert "'/'" in result.errors[0]["message"]
    assert "start with a dot" in result.errors[3]["message"]


def test_every_problem_of_a_broken_row_is_reported(merchant: Merchant) -> None:
    # All of a row's problems at once, so one round of fixes is enough; the other rows import.
    images = "missing-a.png;tee-front.png;broken.png;missing-b.png"
    rows = [
        ["MANY", "", "hat", "free", "XXXXL", "-1", "", "", images, "500"],  # row 2
        ["SHORT", "Too few cells"],  # row 3
        ["TWO-IMG", "Glitch", "dress", "50", "M", "1", "", "", "broken.png;missing-c.png", ""],
        GOOD_ROWS[2],  # row 5
    ]
    result = catalog_import_run(merchant=merchant, csv_file=_csv(rows), zip_file=_zip(IMAGES))
    assert list(Garment.objects.values_list("sku", flat=True)) == ["JEAN-1"]
    found: dict[int, list[tuple[str, str]]] = {}
    for error in result.errors:
        found.setdefault(error["row"], []).append((error["column"], error["message"]))
    assert [column for column, _ in found[2]] == [
        "category",
        "chest_cm",
        "images",
        "images",
        "images",
        "name",
        "price",
        "size",
        "stock",
    ]
    image_messages = " ".join(message for column, message in found[2] if column == "images")
    assert "'missing-a.png' is not in the ZIP" in image_messages
    assert "'missing-b.png' is not in the ZIP" in image_messages
    assert "'broken.png'" in image_messages
    assert "tee-front.png" not in image_messages
    assert [column for column, _ in found[3]] == ["", "category", "price", "size"]
    assert "2 cells but the header has 10" in found[3][0][1]
    assert sorted(message.split("'")[1] for _, message in found[4]) == [
        "broken.png",
        "missing-c.png",
    ]
    assert set(found) == {2, 3, 4}
