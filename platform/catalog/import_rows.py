"""Parse and validate a catalogue CSV (one row per garment size) into typed rows.

Nothing here touches the database: every problem becomes an ImportIssue with the row number
as a spreadsheet shows it (the header is row 1, a cell with line breaks stays in its row, a
blank line is an empty row), the column and the reason, and every row without a problem is
returned for import. Where a row starts on a later line of the file than its row number (after
cells with line breaks), the message names that line too, so either view finds it.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from catalog.models import SIZE_LABELS, Category
from catalog.validators import sku_file_name_problem

REQUIRED_COLUMNS = ("sku", "name", "category", "price", "size")
OPTIONAL_COLUMNS = (
    "description",
    "colour",
    "material",
    "style_tags",
    "currency",
    "images",
    "chest_cm",
    "waist_cm",
    "hips_cm",
    "length_cm",
    "stock",
)
MEASUREMENT_COLUMNS = ("chest_cm", "waist_cm", "hips_cm", "length_cm")
MAX_ROWS = 20_000
DELIMITERS = (",", ";", "\t")  # in order of preference when the header line ties


@dataclass(frozen=True)
class ImportIssue:
    """Why one row (or the whole file, row 0) was not imported."""

    row: int
    column: str
    message: str
    sku: str = ""
    line: int = 0  # the file line the row starts on; 0 when it is the row number

    def as_dict(self) -> dict[str, object]:
        message = self.message
        if self.line and self.line != self.row:
            message = f"{message} (Row {self.row} starts on line {self.line} of the file.)"
        return {"row": self.row, "column": self.column, "message": message, "sku": self.sku}


@dataclass(frozen=True)
class GarmentFields:
    """The garment-level values of a row; equal across all rows of one SKU."""

    name: str
    category: str
    price: Decimal
    currency: str
    description: str
    colour: str
    material: str
    style_tags: tuple[str, ...]


@dataclass(frozen=True)
class SizeFields:
    label: str
    stock: int
    measurements: dict[str, Decimal | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportRow:
    """A validated row."""

    row: int
    sku: str
    garment: GarmentFields
    size: SizeFields
    images: tuple[str, ...]  # file names inside the ZIP, in display order; empty = keep as is
    line: int = 0  # the file line the row starts on

    def issue(self, column: str, message: str) -> ImportIssue:
        """A problem found with this row after parsing (saving it, its images)."""
        return ImportIssue(self.row, column, message, self.sku, self.line)


#: Checks the image names of one row: (names, whether the row is refused anyway) -> a reason
#: per problem. See catalog.services for why the flag matters.
ImagesCheck = Callable[[tuple[str, ...], bool], list[str]]


def rows_parse(
    csv_bytes: bytes, images_check: ImagesCheck | None = None
) -> tuple[list[ImportRow], list[ImportIssue], int]:
    """Validate a CSV file; return (valid rows, issues, number of data rows).

    Every problem of a row is reported, not just the first: each column's, a disagreement with
    an earlier row of its SKU, and each of its images that ``images_check`` finds wanting.
    """
    try:
        text = csv_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [ImportIssue(0, "", "The CSV file is not UTF-8 text.")], 0
    # RFC 4180 quoting (doubled quotes inside quoted cells) with only the delimiter taken from
    # the header line. A dialect guessed from a sample (csv.Sniffer) decides quoting from
    # whatever the sample happens to hold and then misreads every later row that differs.
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=_delimiter(text))
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        return [], [ImportIssue(0, "", "The CSV file is empty.")], 0
    except csv.Error as exc:
        return [], [ImportIssue(1, "", f"The header row cannot be read: {exc}.")], 0
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        names = ", ".join(missing)
        return [], [ImportIssue(1, names, f"Required column missing from the header: {names}.")], 0

    rows: list[ImportRow] = []
    issues: list[ImportIssue] = []
    first_row_of_sku: dict[str, ImportRow] = {}
    total = 0
    row_number = 1  # the header's
    while True:
        # reader.line_num counts the lines read so far, so before a row is read the next line
        # is where it starts; after reading it is where it ended, which is too far down once a
        # cell holds line breaks.
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_number += 1
            total += 1
            issues.append(ImportIssue(row_number, "", f"Row cannot be read: {exc}.", line=line))
            continue
        row_number += 1  # a blank line still is a row in a spreadsheet
        if not any(cell.strip() for cell in cells):
            continue  # but not a garment size: not counted, not reported
        total += 1
        if total > MAX_ROWS:
            issues.append(
                ImportIssue(
                    row_number, "", f"More than {MAX_ROWS} rows; split the file.", line=line
                )
            )
            break
        row_issues: list[ImportIssue] = []
        if len(cells) != len(header):
            hint = (
                " A value holding the delimiter needs quotes." if len(cells) > len(header) else ""
            )
            row_issues.append(
                ImportIssue(
                    row_number,
                    "",
                    f"Row has {len(cells)} cells but the header has {len(header)} columns.{hint}",
                    line=line,
                )
            )
            # Still check the cells as read (missing ones as empty), so the row's other
            # problems are known now rather than one round of fixes later.
            cells = (cells + [""] * len(header))[: len(header)]
        values = {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
        parsed, field_issues = _row_parse(row_number, line, values)
        row_issues.extend(field_issues)
        if parsed is not None:
            earlier = first_row_of_sku.get(parsed.sku)
            if earlier is not None:
                row_issues.extend(_conflicts(parsed, earlier))
        images = _image_names(values)
        if images_check is not None and images:
            row_issues.extend(
                ImportIssue(row_number, "images", reason, values.get("sku", ""), line)
                for reason in images_check(images, bool(row_issues))
            )
        if row_issues:
            issues.extend(row_issues)
            continue
        assert parsed is not None
        first_row_of_sku.setdefault(parsed.sku, parsed)
        rows.append(parsed)
    return rows, issues, total


def _delimiter(text: str) -> str:
    """The delimiter of the header line: the candidate that splits it into the most cells.

    Column names never hold a delimiter, so the header line is a reliable sample, unlike data
    rows, where names and decimal-comma prices hold commas and semicolons.
    """
    header_line = text.split("\n", 1)[0]
    counts = {candidate: header_line.count(candidate) for candidate in DELIMITERS}
    best = max(DELIMITERS, key=lambda candidate: counts[candidate])  # ties: the first, ","
    return best if counts[best] else ","


def _row_parse(
    row: int, line: int, values: dict[str, str]
) -> tuple[ImportRow | None, list[ImportIssue]]:
    issues: list[ImportIssue] = []
    sku = values.get("sku", "")

    def problem(column: str, message: str) -> None:
        issues.append(ImportIssue(row, column, message, sku, line))

    if not sku:
        problem("sku", "SKU is empty.")
    elif len(sku) > 64:
        problem("sku", "SKU is longer than 64 characters.")
    elif reason := sku_file_name_problem(sku):
        problem("sku", f"SKU {sku!r} cannot be used in a file name: {reason}")
    name = values.get("name", "")
    if not name:
        problem("name", "Name is empty.")
    category = values.get("category", "").lower()
    if category not in Category.values:
        problem(
            "category", f"Unknown category {category!r}; use one of {', '.join(Category.values)}."
        )
    price = _decimal(values.get("price", ""))
    if price is None or price < 0 or price.as_tuple().exponent < -2 or price >= Decimal("1e8"):
        problem("price", f"Price {values.get('price', '')!r} is not an amount like 29.90.")
    currency = (values.get("currency") or "EUR").upper()
    if len(currency) != 3 or not currency.isalpha():
        problem("currency", f"Currency {currency!r} is not a 3-letter code like EUR.")
    label = values.get("size", "").upper()
    if label not in SIZE_LABELS:
        problem(
            "size", f"Unknown size {values.get('size', '')!r}; use one of {', '.join(SIZE_LABELS)}."
        )
    stock_text = values.get("stock", "") or "0"
    stock = int(stock_text) if stock_text.isdigit() else None
    if stock is None:
        problem("stock", f"Stock {stock_text!r} is not a whole number of 0 or more.")
    measurements: dict[str, Decimal | None] = {}
    for column in MEASUREMENT_COLUMNS:
        text = values.get(column, "")
        if not text:
            measurements[column] = None
            continue
        number = _decimal(text)
        if number is None or not Decimal(20) <= number <= Decimal(250):
            problem(column, f"{column} {text!r} is not a measurement between 20 and 250 cm.")
        else:
            measurements[column] = number.quantize(Decimal("0.1"))
    images = _image_names(values)
    if issues:
        return None, issues
    tags = tuple(
        sorted(
            {
                t.strip().lower()
                for t in values.get("style_tags", "").replace(";", ",").split(",")
                if t.strip()
            }
        )
    )
    garment = GarmentFields(
        name=name[:200],
        category=category,
        price=price.quantize(Decimal("0.01")),
        currency=currency,
        description=values.get("description", ""),
        colour=values.get("colour", "")[:64],
        material=values.get("material", "")[:120],
        style_tags=tags,
    )
    size = SizeFields(label=label, stock=stock or 0, measurements=measurements)
    return ImportRow(row=row, sku=sku, garment=garment, size=size, images=images, line=line), []


def _image_names(values: dict[str, str]) -> tuple[str, ...]:
    """The file names of the row's images column, in order."""
    return tuple(part.strip() for part in values.get("images", "").split(";") if part.strip())


def _conflicts(row: ImportRow, earlier: ImportRow) -> list[ImportIssue]:
    """A later row of a SKU must agree with its first row on the garment-level columns."""
    issues = []
    for column, value in vars(row.garment).items():
        if value != getattr(earlier.garment, column):
            issues.append(
                row.issue(column, f"{column} differs from row {earlier.row} of the same SKU.")
            )
    if row.images and earlier.images and row.images != earlier.images:
        issues.append(row.issue("images", f"images differ from row {earlier.row} of the same SKU."))
    return issues


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ".")) if text else None
    except InvalidOperation:
        return None
    if value is None or not value.is_finite():
        return None
    return value
