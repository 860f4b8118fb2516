"""Write paths for the catalogue: garment images, bulk CSV + ZIP import, training consent and
the try-on training export."""

import hashlib
import io
import json
import logging
import os
import shutil
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import User
from catalog.image_archive import ImageArchive
from catalog.import_rows import ImportIssue, ImportRow, rows_parse
from catalog.models import CatalogImport, Category, Garment, GarmentImage, GarmentSize, Merchant
from catalog.recommender_feed import garment_publish, garment_unpublish
from catalog.selectors import (
    SkippedGarment,
    TrainingSkipReason,
    garment_stock_total,
    tryon_training_pair_list,
)
from catalog.signals import catalog_import_finished, garment_stock_changed
from catalog.validators import sku_file_name_problem
from contracts.shop_export import GARMENT_DIR, MANIFEST, PERSON_DIR
from core.exceptions import ApplicationError
from core.image_intake import ImageRejected, IntakeImage, image_intake, intake_limits_from_settings
from privacy.sealed_files import sealed_file_delete, sealed_file_read, sealed_file_save

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
    record: CatalogImport | None = None,
) -> CatalogImport:
    """Import a CSV (one row per garment size) plus a ZIP of the images it names.

    Every valid row is imported even when others are broken; each broken row is recorded with
    its row number, column and reason. Importing the same files again changes nothing; a
    changed row updates its garment (matched by SKU within the merchant). A queued import
    passes its ``record`` (catalog_import_process), which is filled in instead of a new one.
    """
    if record is None:
        record = CatalogImport(
            merchant=merchant,
            user=user,
            csv_name=getattr(csv_file, "name", "upload.csv")[:255],
            zip_name=(getattr(zip_file, "name", "images.zip") if zip_file else "")[:255],
        )
    record.status = CatalogImport.Status.FINISHED  # saved with the results, at the end
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
        catalog_import_finished.send(sender=CatalogImport, catalog_import=record)
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
    garment_stock_changed.send(sender=Garment, garment=garment, stock_before=stock_before)
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
#: The layout itself (folders, manifest, categories) is contracts.shop_export's.
TRYON_EXPORT_CATEGORIES: dict[str, str] = {
    Category.TOP: "top",
    Category.BOTTOM: "bottom",
    Category.DRESS: "dress",
    Category.OUTERWEAR: "outerwear",
}


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

    The layout is read by tryon_worker/gan/data/shop_export.py: `manifest.jsonl` (one pair per
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
    for folder in (PERSON_DIR, GARMENT_DIR):
        (out_dir / folder).mkdir(parents=True, exist_ok=True)

    skipped = list(selection.skipped)
    entries: list[dict[str, str]] = []
    seen_ids: set[str] = set()
    for pair in selection.pairs:
        garment = pair.garment
        pair_id = f"{garment.merchant.slug}--{garment.sku}"
        person = f"{PERSON_DIR}/{pair_id}.webp"
        product = f"{GARMENT_DIR}/{pair_id}.webp"
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
    for folder in (PERSON_DIR, GARMENT_DIR):
        for path in (out_dir / folder).glob("*.webp"):
            if f"{folder}/{path.name}" not in kept:
                path.unlink()
                files_removed += 1

    manifest = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)
    _text_write_atomic(out_dir / MANIFEST, manifest)
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
    # The model and the database refuse such SKUs; the export checks again because it writes
    # files named after them (a row from a damaged or hand-edited database must not escape).
    return sku_file_name_problem(sku) is None


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


# --- Garments, sizes, images and queued imports (the merchant API's write paths) ----------
# The merchant API (merchant_api/resources/catalogue.py, imports.py) writes only through
# these. Each one keeps the recommender in step after the commit, as the admin does.

#: Garment fields a merchant may set; the rest (merchant, is_synthetic) are the platform's.
GARMENT_EDITABLE_FIELDS = (
    "sku",
    "name",
    "description",
    "category",
    "colour",
    "material",
    "style_tags",
    "price",
    "currency",
    "is_active",
)
#: A size's size chart (centimetres; None when not measured) and its stock.
SIZE_EDITABLE_FIELDS = ("chest_cm", "waist_cm", "hips_cm", "length_cm", "stock")
#: The Celery task that runs a queued import (catalog/tasks.py registers it under this name).
CATALOG_IMPORT_TASK = "storefront.catalog.import_run"
_IMPORT_BLOB_FOLDER = "catalog-imports"


def garment_create(
    *, merchant: Merchant, data: Mapping[str, Any], sizes: Sequence[Mapping[str, Any]] = ()
) -> Garment:
    """Create a garment (fields of GARMENT_EDITABLE_FIELDS) with its sizes, then publish it.

    A SKU the merchant already uses is refused with code ``garment_sku_taken`` on ``sku``.
    """
    values = _editable(data, GARMENT_EDITABLE_FIELDS)
    with transaction.atomic():
        _sku_free_check(merchant=merchant, sku=values.get("sku", ""))
        garment = Garment(merchant=merchant, **values)
        garment.full_clean()
        _garment_save(garment)
        _sizes_replace(garment, sizes)
        _garment_publish_current(garment)
    return garment


def garment_update(
    *,
    garment: Garment,
    data: Mapping[str, Any],
    sizes: Sequence[Mapping[str, Any]] | None = None,
) -> Garment:
    """Change the given fields of a garment (and replace its sizes when ``sizes`` is given)."""
    values = _editable(data, GARMENT_EDITABLE_FIELDS)
    with transaction.atomic():
        if "sku" in values and values["sku"] != garment.sku:
            _sku_free_check(merchant=garment.merchant, sku=values["sku"])
        stock_before = garment_stock_total(garment_id=garment.pk)
        for name, value in values.items():
            setattr(garment, name, value)
        garment.full_clean()
        _garment_save(garment)
        if sizes is not None:
            _sizes_replace(garment, sizes)
        _garment_publish_current(garment)
        garment_stock_changed.send(sender=Garment, garment=garment, stock_before=stock_before)
    return garment


def garment_sizes_set(*, garment: Garment, sizes: Sequence[Mapping[str, Any]]) -> Garment:
    """Make a garment's sizes exactly ``sizes`` (label, size chart, stock); others are removed."""
    with transaction.atomic():
        stock_before = garment_stock_total(garment_id=garment.pk)
        _sizes_replace(garment, sizes)
        Garment.objects.filter(pk=garment.pk).update(updated_at=timezone.now())
        _garment_publish_current(garment)
        garment_stock_changed.send(sender=Garment, garment=garment, stock_before=stock_before)
    return garment


def garment_size_update(*, size: GarmentSize, data: Mapping[str, Any]) -> GarmentSize:
    """Change one size's stock or size chart (the fields given only), then republish."""
    values = _editable(data, SIZE_EDITABLE_FIELDS)
    with transaction.atomic():
        stock_before = garment_stock_total(garment_id=size.garment_id)
        for name, value in values.items():
            setattr(size, name, value)
        size.full_clean()
        size.save()
        Garment.objects.filter(pk=size.garment_id).update(updated_at=timezone.now())
        _garment_publish_current(size.garment)
        garment_stock_changed.send(sender=Garment, garment=size.garment, stock_before=stock_before)
    return size


def garment_delete(*, garment: Garment) -> bool:
    """Delete a garment, or deactivate it when shoppers have history with it.

    A garment with try-on jobs or recorded interactions is kept, inactive (shoppers' pictures
    and the recommender's history point at it; deleting would cascade into them), and False is
    returned. Any other garment is deleted with its image files, and True is returned.
    """
    with transaction.atomic():
        if garment.tryon_jobs.exists() or garment.interactions.exists():
            if garment.is_active:
                garment.is_active = False
                garment.save(update_fields=["is_active", "updated_at"])
                _garment_publish_current(garment)
            return False
        for image in garment.images.all():
            garment_image_delete(image=image)
        garment_id = garment.pk
        garment.delete()
        garment_unpublish(garment_id=garment_id)
    return True


def garment_image_append(
    *, garment: Garment, upload: bytes | BinaryIO, role: str, label: str = "The image"
) -> GarmentImage:
    """Clean an upload through the image intake and add it after the garment's other images.

    The same file twice is refused (code ``garment_image_duplicate``) before anything is stored.
    """
    image = image_intake(upload, limits=intake_limits_from_settings(), label=label)
    with transaction.atomic():
        duplicate = garment.images.filter(source_sha256=image.source_sha256).first()
        if duplicate is not None:
            raise ApplicationError(
                f"This garment has this image already (image {duplicate.pk}).",
                code="garment_image_duplicate",
                extra={"field": "image"},
            )
        last = garment.images.aggregate(last=Max("position"))["last"]
        record = garment_image_store(
            garment=garment, image=image, role=role, position=0 if last is None else last + 1
        )
        _garment_publish_current(garment)
    return record


def garment_image_remove(*, image: GarmentImage) -> None:
    """Delete one image of a garment (its files after the commit) and republish the garment."""
    with transaction.atomic():
        garment = image.garment
        garment_image_delete(image=image)
        _garment_publish_current(garment)


def catalog_import_enqueue(
    *,
    merchant: Merchant,
    csv_file: BinaryIO,
    zip_file: BinaryIO | None = None,
    user: User | None = None,
) -> CatalogImport:
    """Queue an import: the files are kept encrypted until a worker runs it (status queued).

    Same files and format as the admin's import (catalog_import_run), which the worker runs.
    """
    with transaction.atomic():
        record = CatalogImport.objects.create(
            merchant=merchant,
            user=user,
            status=CatalogImport.Status.QUEUED,
            csv_name=getattr(csv_file, "name", "upload.csv")[:255],
            zip_name=(getattr(zip_file, "name", "images.zip") if zip_file else "")[:255],
        )
        stored: list[str] = []
        try:
            record.csv_blob = sealed_file_save(
                content=csv_file.read(),
                folder=_IMPORT_BLOB_FOLDER,
                context=_import_blob_context(record, "csv"),
            )
            stored.append(record.csv_blob)
            if zip_file is not None:
                record.zip_blob = sealed_file_save(
                    content=zip_file.read(),
                    folder=_IMPORT_BLOB_FOLDER,
                    context=_import_blob_context(record, "zip"),
                )
                stored.append(record.zip_blob)
            record.save(update_fields=["csv_blob", "zip_blob", "updated_at"])
        except BaseException:
            for name in stored:  # the row is rolled back: leave no file behind it
                sealed_file_delete(name)
            raise
        import_id = record.pk
        transaction.on_commit(
            lambda: current_app.send_task(CATALOG_IMPORT_TASK, kwargs={"import_id": import_id})
        )
    return record


def catalog_import_process(*, import_id: int) -> CatalogImport:
    """Run a queued import (the worker's side); a finished or failed one is left as it is.

    Safe to run again after a crash or a transient database error: the import itself changes
    nothing the second time for rows already imported, and the files stay until it finishes.
    """
    record = CatalogImport.objects.select_related("merchant", "user").get(pk=import_id)
    if record.status in {CatalogImport.Status.FINISHED, CatalogImport.Status.FAILED}:
        return record
    CatalogImport.objects.filter(pk=record.pk).update(
        status=CatalogImport.Status.RUNNING, updated_at=timezone.now()
    )
    csv_file = io.BytesIO(
        sealed_file_read(record.csv_blob, context=_import_blob_context(record, "csv"))
    )
    zip_file = None
    if record.zip_blob:
        zip_file = io.BytesIO(
            sealed_file_read(record.zip_blob, context=_import_blob_context(record, "zip"))
        )
    blobs = [name for name in (record.csv_blob, record.zip_blob) if name]
    # Cleared in memory only: saved with the results, so a crash before then keeps the files.
    record.csv_blob = record.zip_blob = ""
    record = catalog_import_run(
        merchant=record.merchant,
        csv_file=csv_file,
        zip_file=zip_file,
        user=record.user,
        record=record,
    )
    for name in blobs:
        sealed_file_delete(name)
    return record


def catalog_import_fail(*, import_id: int, reason: str) -> None:
    """Mark a queued or running import failed with a reason, and delete its uploaded files.

    Garments imported before the failure are kept (each was committed on its own).
    """
    record = CatalogImport.objects.filter(pk=import_id).first()
    if record is None or record.status == CatalogImport.Status.FINISHED:
        return
    blobs = (record.csv_blob, record.zip_blob)
    with transaction.atomic():
        CatalogImport.objects.filter(pk=import_id).update(
            status=CatalogImport.Status.FAILED,
            failure=reason,
            csv_blob="",
            zip_blob="",
            updated_at=timezone.now(),
        )
        record.refresh_from_db()
        catalog_import_finished.send(sender=CatalogImport, catalog_import=record)
    for name in blobs:
        if name:
            sealed_file_delete(name)
    logger.warning("catalogue import %s failed: %s", import_id, reason)


def _garment_publish_current(garment: Garment) -> None:
    """Publish the garment as stored now: one loaded with its sizes and images prefetched (as
    the API loads it) would otherwise send those lists as they were before this change."""
    garment.refresh_from_db()
    garment_publish(garment=garment)


def _import_blob_context(record: CatalogImport, kind: str) -> bytes:
    # Binds each ciphertext to its import and role: a blob cannot be swapped for another.
    return f"catalog-import:{record.pk}:{kind}".encode()


def _editable(data: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(allowed))
    if unknown:  # a caller's mistake, not the merchant's: the API layer lists fields itself
        raise ValueError(f"not editable here: {', '.join(unknown)}")
    return dict(data)


def _sku_taken(sku: str) -> ApplicationError:
    return ApplicationError(
        f"You already have a garment with SKU {sku!r}; change that one or pick another SKU.",
        code="garment_sku_taken",
        extra={"field": "sku"},
    )


def _sku_free_check(*, merchant: Merchant, sku: str) -> None:
    if Garment.objects.filter(merchant=merchant, sku=sku).exists():
        raise _sku_taken(sku)


def _garment_save(garment: Garment) -> None:
    """Save; two requests racing for one SKU meet the unique constraint, not a 500."""
    try:
        with transaction.atomic():
            garment.save()
    except IntegrityError as exc:
        if (
            Garment.objects.filter(merchant_id=garment.merchant_id, sku=garment.sku)
            .exclude(pk=garment.pk)
            .exists()
        ):
            raise _sku_taken(garment.sku) from exc
        raise


def _sizes_replace(garment: Garment, sizes: Sequence[Mapping[str, Any]]) -> None:
    """Make the garment's sizes exactly ``sizes``: unlisted measurements are cleared, an
    unlisted stock is 0, unlisted sizes are removed."""
    labels = [spec["label"] for spec in sizes]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise ApplicationError(
            f"Size {', '.join(repeated)} is listed more than once; list each size once.",
            code="garment_size_repeated",
            extra={"field": "sizes"},
        )
    existing = {size.label: size for size in garment.sizes.all()}
    for label, size in existing.items():
        if label not in labels:
            size.delete()
    for spec in sizes:
        values = _editable({k: v for k, v in spec.items() if k != "label"}, SIZE_EDITABLE_FIELDS)
        size = existing.get(spec["label"]) or GarmentSize(garment=garment, label=spec["label"])
        for name in SIZE_EDITABLE_FIELDS:
            setattr(size, name, values.get(name, 0 if name == "stock" else None))
        size.full_clean()
        size.save()
