"""Write paths for the catalogue: garment images, bulk CSV + ZIP import, training consent and
the try-on training export."""

import hashlib
import json
import logging
import os
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from accounts.models import User
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from webhooks.services import catalog_import_webhooks_emit, garment_stock_webhooks_emit

from catalog.image_archive import ImageArchive
from catalog.import_rows import ImportIssue, ImportRow, rows_parse
from catalog.models import CatalogImport, Category, Garment, GarmentImage, GarmentSize, Merchant
from catalog.selectors import SkippedGarment, TrainingSkipReason, tryon_training_pair_list
from core.exceptions import ApplicationError
from core.image_intake import ImageRejected, IntakeImage, image_intake, intake_limits_from_settings
from recommendations.services import garment_publish

logger = logging.getLogger(__name__)

MERCHANT_STAFF_GROUP = "Merchant staff"


def garment_image_add(
    *,
    garment: Garment,
    upload: bytes | BinaryIO,
    role: str = GarmentImage.Role.PRODUCT,
    position: int = 0,
    label: str = "The image",
) -> GarmentImage:
    """Clean an uploaded image through the intake and attach it to a garment."""
    image = image_intake(upload, limits=intake_limits_from_settings(), label=label)
    return garment_image_store(garment=garment, image=image, role=role, position=position)


def garment_image_store(
    *,
    garment: Garment,
    image: IntakeImage,
    role: str = GarmentImage.Role.PRODUCT,
    position: int = 0,
) -> GarmentImage:
    """Save an image that has been through the intake, with its thumbnails."""
    stem = f"{garment.merchant.slug}-{garment.sku}".lower()
    record = GarmentImage(
        garment=garment, role=role, position=position, source_sha256=image.source_sha256
    )
    record.image.save(f"{stem}.{image.extension}", ContentFile(image.content), save=False)
    record.thumbnail_small.save(
        f"{stem}-s.{image.extension}", ContentFile(image.thumbnails["small"]), save=False
    )
    record.thumbnail_medium.save(
        f"{stem}-m.{image.extension}", ContentFile(image.thumbnails["medium"]), save=False
    )
    record.full_clean()
    record.save()
    return record


def garment_image_delete(*, image: GarmentImage) -> None:
    """Delete an image row and, after commit, its files."""
    files = [image.image, image.thumbnail_small, image.thumbnail_medium]
    storage_names = [(f.storage, f.name) for f in files if f.name]
    image.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in storage_names])


def catalog_import_run(
    *,
    merchant: Merchant,
    csv_file: BinaryIO,
    zip_file: BinaryIO | None = None,
    user: User | None = None,
) -> CatalogImport:
    """Import a CSV (one row per garment size) plus a ZIP of the images it names.

    Every valid row is imported even when others are broken; each broken row is recorded with
    its row number, column and reason. Importing the same files again changes nothing; a
    changed row updates its garment (matched by SKU within the merchant).
    """
    record = CatalogImport(
        merchant=merchant,
        user=user,
        csv_name=getattr(csv_file, "name", "upload.csv")[:255],
        zip_name=(getattr(zip_file, "name", "images.zip") if zip_file else "")[:255],
    )
    csv_bytes = csv_file.read()
    zip_issues: list[ImportIssue] = []
    try:
        archive = ImageArchive(zip_file, max_member_bytes=intake_limits_from_settings().max_bytes)
    except ApplicationError as exc:
        archive = ImageArchive(None, max_member_bytes=0)
        zip_issues.append(ImportIssue(0, "images", exc.message))
    rows, issues, record.rows_total = rows_parse(
        csv_bytes, images_check=lambda names, refused: _images_check(archive, names, refused)
    )
    issues.extend(zip_issues)

    by_sku: dict[str, list[ImportRow]] = {}
    for row in rows:
        by_sku.setdefault(row.sku, []).append(row)
    for sku, sku_rows in by_sku.items():
        try:
            with transaction.atomic():
                outcome, row_issues, garment = _garment_import(merchant, sku, sku_rows, archive)
                if outcome in {"created", "updated"}:
                    garment_publish(garment=garment)
        except (IntegrityError, ValidationError, ApplicationError) as exc:
            message = getattr(exc, "message", None) or f"Could not be saved: {exc}"
            issues.extend(r.issue("", message) for r in sku_rows)
            continue
        issues.extend(row_issues)
        if outcome == "created":
            record.created_count += 1
        elif outcome == "updated":
            record.updated_count += 1
        elif outcome == "unchanged":
            record.unchanged_count += 1
    record.errors = [issue.as_dict() for issue in sorted(issues, key=lambda i: (i.row, i.column))]
    with transaction.atomic():
        record.save()
        catalog_import_webhooks_emit(catalog_import=record)
    logger.info(
        "catalogue import for %s: %d rows, %d created, %d updated, %d unchanged, %d errors",
        merchant.slug,
        record.rows_total,
        record.created_count,
        record.updated_count,
        record.unchanged_count,
        len(record.errors),
    )
    return record


def _garment_import(
    merchant: Merchant, sku: str, rows: list[ImportRow], archive: ImageArchive
) -> tuple[str | None, list[ImportIssue], Garment | None]:
    """Upsert one garment from its rows; return (created/updated/unchanged/None, issues)."""
    issues: list[ImportIssue] = []
    garment = Garment.objects.select_for_update().filter(merchant=merchant, sku=sku).first()
    known_digests = (
        set(garment.images.values_list("source_sha256", flat=True)) if garment else set()
    )
    # Images are garment-level: read and check them for the first row that lists any. If one
    # is missing or unreadable, that row is refused and the garment keeps the images it had.
    images: list[_ArchivedImage] | None = None
    usable: list[ImportRow] = []
    for row in rows:
        if row.images and images is None:
            loaded, problems = _images_load(row, archive, known_digests)
            if problems:
                issues.extend(problems)
                continue
            images = loaded
        usable.append(row)
    if not usable:
        return None, issues, garment

    first = usable[0].garment
    values = {
        "name": first.name,
        "category": first.category,
        "price": first.price,
        "currency": first.currency,
        "description": first.description,
        "colour": first.colour,
        "material": first.material,
        "style_tags": list(first.style_tags),
    }
    created = garment is None
    changed = False
    if garment is None:
        garment = Garment(merchant=merchant, sku=sku, **values)
        garment.full_clean()
        garment.save()
    else:
        differing = {k: v for k, v in values.items() if getattr(garment, k) != v}
        if differing:
            for key, value in differing.items():
                setattr(garment, key, value)
            garment.full_clean()
            garment.save()
            changed = True

    existing_sizes = {size.label: size for size in garment.sizes.all()}
    stock_before = None if created else sum(size.stock for size in existing_sizes.values())
    for row in usable:
        size_values = {"stock": row.size.stock, **row.size.measurements}
        size = existing_sizes.get(row.size.label)
        if size is None:
            size = GarmentSize(garment=garment, label=row.size.label, **size_values)
            size.full_clean()
            size.save()
            existing_sizes[size.label] = size
            changed = True
        elif any(getattr(size, k) != v for k, v in size_values.items()):
            for key, value in size_values.items():
                setattr(size, key, value)
            size.full_clean()
            size.save()
            changed = True

    if images is not None:
        changed |= _images_sync(garment, images)
    garment_stock_webhooks_emit(garment=garment, stock_before=stock_before)
    if created:
        return "created", issues, garment
    return ("updated" if changed else "unchanged"), issues, garment


@dataclass(frozen=True)
class _ArchivedImage:
    name: str
    digest: str
    cleaned: IntakeImage | None  # None when the garment already has this exact file


def _images_check(archive: ImageArchive, names: tuple[str, ...], refused: bool) -> list[str]:
    """Every problem with a row's images, one reason each.

    Presence and declared size are cheap and checked for every row. Decoding is not: a row
    that will be imported has its images decoded once, when they are stored (_images_load),
    so here they are decoded only for a row that is refused anyway (for another problem, or
    for a missing image), where nothing else would ever tell the merchant one is damaged.
    """
    problems: list[str] = []
    present: list[str] = []
    for name in names:
        try:
            archive.find(name)
        except (LookupError, ValueError) as exc:
            problems.append(_reason(exc))
        else:
            present.append(name)
    if refused or problems:
        limits = intake_limits_from_settings()
        for name in present:
            try:
                image_intake(archive.read(name), limits=limits, label=f"Image {name!r}")
            except (LookupError, ValueError) as exc:
                problems.append(_reason(exc))
            except ImageRejected as exc:
                problems.append(exc.message)
    return problems


def _reason(exc: LookupError | ValueError) -> str:
    """The readable reason ImageArchive put in its exception."""
    # str() of a LookupError subclass such as KeyError is the repr, quotes and all.
    return str(exc).strip("'\"")


def _images_load(
    row: ImportRow, archive: ImageArchive, known_digests: set[str]
) -> tuple[list[_ArchivedImage], list[ImportIssue]]:
    """Read and clean a row's images; every image's problem is reported, not only the first."""
    loaded = []
    problems: list[ImportIssue] = []
    limits = intake_limits_from_settings()
    for name in row.images:
        try:
            data = archive.read(name)
            digest = hashlib.sha256(data).hexdigest()
            cleaned = None
            if digest not in known_digests:
                cleaned = image_intake(data, limits=limits, label=f"Image {name!r}")
        except (LookupError, ValueError) as exc:
            problems.append(row.issue("images", _reason(exc)))
            continue
        except ImageRejected as exc:
            problems.append(row.issue("images", exc.message))
            continue
        loaded.append(_ArchivedImage(name=name, digest=digest, cleaned=cleaned))
    return ([], problems) if problems else (loaded, [])


def _images_sync(garment: Garment, images: list[_ArchivedImage]) -> bool:
    """Make the garment's images exactly the listed ones, in order; True when anything changed."""
    current = {image.source_sha256: image for image in garment.images.all()}
    changed = False
    seen: set[str] = set()
    for position, wanted in enumerate(images):
        if wanted.digest in seen:  # the same file listed twice: keep its first place
            continue
        seen.add(wanted.digest)
        existing = current.pop(wanted.digest, None)
        if existing is None:
            assert wanted.cleaned is not None
            garment_image_store(garment=garment, image=wanted.cleaned, position=position)
            changed = True
        elif existing.position != position:
            existing.position = position
            existing.save(update_fields=["position", "updated_at"])
            changed = True
    for leftover in current.values():
        garment_image_delete(image=leftover)
        changed = True
    return changed


def merchant_staff_group_ensure() -> Group:
    """The group whose permissions let merchant staff manage their catalogue in the admin."""
    group, _ = Group.objects.get_or_create(name=MERCHANT_STAFF_GROUP)
    wanted = Q(pk__in=[])
    # Apps above the catalogue (API keys, webhooks) add their models to the setting.
    for app_label, models in settings.MERCHANT_STAFF_MODELS.items():
        codenames = [f"{a}_{m}" for m in models for a in ("view", "add", "change", "delete")]
        wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.set(Permission.objects.filter(wanted))
    return group


def merchant_training_consent_set(*, merchant: Merchant, consent: bool) -> Merchant:
    """Record that a merchant gives (or withdraws) consent to train try-on on their images.

    Giving consent stamps the time; giving it again keeps the first stamp, so the date says since
    when the images have been usable. Withdrawing clears it.
    """
    # The stamp, not the flag, tells whether consent was on before: callers such as the admin
    # form may already have set the flag on the instance.
    if consent and merchant.tryon_training_consent_at is None:
        merchant.tryon_training_consent_at = timezone.now()
    elif not consent:
        merchant.tryon_training_consent_at = None
    merchant.tryon_training_consent = consent
    merchant.full_clean()
    merchant.save(
        update_fields=["tryon_training_consent", "tryon_training_consent_at", "updated_at"]
    )
    logger.info(
        "try-on training consent for %s: %s", merchant.slug, "given" if consent else "withdrawn"
    )
    return merchant


#: Garment category -> the category strings of the shop export (tryon_worker's CATEGORIES).
#: They match one to one today; a new catalogue category must be mapped here.
TRYON_EXPORT_CATEGORIES: dict[str, str] = {
    Category.TOP: "top",
    Category.BOTTOM: "bottom",
    Category.DRESS: "dress",
    Category.OUTERWEAR: "outerwear",
}
#: The export's folders for the on-model photo (the "person") and the product shot.
TRYON_EXPORT_PERSON_DIR = "on_model"
TRYON_EXPORT_GARMENT_DIR = "product"


@dataclass(frozen=True)
class TrainingExportReport:
    """What one export wrote into its folder and what it left out."""

    out_dir: Path
    merchants: list[Merchant]  # the consenting merchants in scope
    pairs_written: int
    skipped: list[SkippedGarment]
    files_removed: int  # images of an earlier export into the same folder that are not in this one

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        return dict(Counter(skip.reason for skip in self.skipped))


def tryon_training_pairs_export(
    *, out_dir: Path, merchant_slug: str | None = None
) -> TrainingExportReport:
    """Write the garment pairs of consenting merchants in the "shop export" layout.

    The layout is read by tryon_worker/data/shop_export.py: `manifest.jsonl` (one pair per
    line), `on_model/<id>.webp`, `product/<id>.webp` and `EXPORT.md`, with id
    `<merchant-slug>--<sku>`. Images are copied byte for byte from storage. Running it again
    into the same folder rewrites the same files, and removes the images of pairs that are no
    longer exported (e.g. after a merchant withdrew consent), so the folder holds only what the
    manifest names.
    """
    if merchant_slug is not None:
        merchant = Merchant.objects.filter(slug=merchant_slug).first()
        if merchant is None:
            raise ApplicationError(
                f"There is no merchant with the slug {merchant_slug!r}.", code="merchant_not_found"
            )
        if not merchant.tryon_training_consent:
            raise ApplicationError(
                f"Merchant {merchant_slug!r} has not consented to try-on training "
                "(tryon_training_consent is off), so none of their images may be exported.",
                code="training_consent_missing",
            )
    selection = tryon_training_pair_list(merchant_slug=merchant_slug)
    out_dir = Path(out_dir)
    for folder in (TRYON_EXPORT_PERSON_DIR, TRYON_EXPORT_GARMENT_DIR):
        (out_dir / folder).mkdir(parents=True, exist_ok=True)

    skipped = list(selection.skipped)
    entries: list[dict[str, str]] = []
    seen_ids: set[str] = set()
    for pair in selection.pairs:
        garment = pair.garment
        pair_id = f"{garment.merchant.slug}--{garment.sku}"
        person = f"{TRYON_EXPORT_PERSON_DIR}/{pair_id}.webp"
        product = f"{TRYON_EXPORT_GARMENT_DIR}/{pair_id}.webp"
        reason = None
        if not _file_name_safe(garment.sku):
            reason = TrainingSkipReason.SKU_NOT_A_FILE_NAME
        elif pair_id.casefold() in seen_ids:
            reason = TrainingSkipReason.ID_CLASH
        else:
            seen_ids.add(pair_id.casefold())
            try:
                for relative, image in ((person, pair.on_model), (product, pair.product)):
                    with image.image.storage.open(image.image.name, "rb") as source:
                        _file_write_atomic(out_dir / relative, source)
            except OSError:
                logger.warning("try-on export: cannot read the images of %s", pair_id)
                reason = TrainingSkipReason.IMAGE_UNREADABLE
        if reason is not None:
            skipped.append(
                SkippedGarment(merchant_slug=garment.merchant.slug, sku=garment.sku, reason=reason)
            )
            continue
        entries.append(
            {
                "id": pair_id,
                "category": TRYON_EXPORT_CATEGORIES[garment.category],
                "person": person,
                "garment": product,
                "merchant": garment.merchant.slug,
                "sku": garment.sku,
            }
        )

    # Images of an earlier run that this one does not list must not stay behind: their
    # merchant may have withdrawn consent.
    kept = {entry[key] for entry in entries for key in ("person", "garment")}
    files_removed = 0
    for folder in (TRYON_EXPORT_PERSON_DIR, TRYON_EXPORT_GARMENT_DIR):
        for path in (out_dir / folder).glob("*.webp"):
            if f"{folder}/{path.name}" not in kept:
                path.unlink()
                files_removed += 1

    manifest = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)
    _text_write_atomic(out_dir / "manifest.jsonl", manifest)
    report = TrainingExportReport(
        out_dir=out_dir,
        merchants=selection.merchants,
        pairs_written=len(entries),
        skipped=sorted(skipped, key=lambda skip: (skip.merchant_slug, skip.sku)),
        files_removed=files_removed,
    )
    _text_write_atomic(out_dir / "EXPORT.md", _export_note(report, merchant_slug=merchant_slug))
    logger.info(
        "try-on training export to %s: %d pairs, %d garments skipped, %d stale files removed",
        out_dir,
        report.pairs_written,
        len(report.skipped),
        report.files_removed,
    )
    return report


def _file_name_safe(sku: str) -> bool:
    # SKUs are free text; one with a path separator or a control character would write outside
    # its folder or produce a name the reader cannot open.
    return "/" not in sku and "\\" not in sku and sku.isprintable()


def _file_write_atomic(path: Path, source: BinaryIO) -> None:
    """Copy a stream to `path` through a temporary file, so a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with temporary.open("wb") as target:
            shutil.copyfileobj(source, target)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _text_write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _export_note(report: TrainingExportReport, *, merchant_slug: str | None) -> str:
    """EXPORT.md: where the pairs came from and on what terms they may be used."""
    scope = f"merchant `{merchant_slug}` only" if merchant_slug else "all consenting merchants"
    lines = [
        "# Try-on training pairs (shop export)",
        "",
        f"- Exported at: {timezone.now().isoformat(timespec='seconds')}",
        f"- Scope: {scope}",
        f"- Pairs: {report.pairs_written} (listed in `manifest.jsonl`)",
        f"- Garments skipped: {len(report.skipped)}",
    ]
    lines += [f"  - {reason}: {count}" for reason, count in report.skipped_by_reason.items()]
    lines += ["", "## Merchants who consented to try-on training", ""]
    lines += [
        f"- `{merchant.slug}` ({merchant.name}): consent given "
        f"{merchant.tryon_training_consent_at.isoformat(timespec='seconds')}"
        for merchant in report.merchants
    ] or ["- none"]
    lines += [
        "",
        "## Terms",
        "",
        "The images remain the property of the merchants listed above. They are licensed for",
        "training the try-on model only: do not publish, share or use them for anything else.",
        "When a merchant withdraws consent, run the export again into this folder (it removes",
        "their images) or delete the folder.",
        "",
    ]
    return "\n".join(lines)
