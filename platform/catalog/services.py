"""Write paths for the catalogue: garment images and bulk CSV + ZIP import."""

import hashlib
import logging
from dataclasses import dataclass
from typing import BinaryIO

from accounts.models import User
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from catalog.image_archive import ImageArchive
from catalog.import_rows import ImportIssue, ImportRow, rows_parse
from catalog.models import CatalogImport, Garment, GarmentImage, GarmentSize, Merchant
from core.exceptions import ApplicationError
from core.image_intake import ImageRejected, IntakeImage, image_intake, intake_limits_from_settings
from recommendations.services import garment_publish

logger = logging.getLogger(__name__)

MERCHANT_STAFF_GROUP = "Merchant staff"
STAFF_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("garment", "garmentsize", "garmentimage", "catalogimport")
    for action in ("view", "add", "change", "delete")
]


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
    rows, issues, record.rows_total = rows_parse(csv_bytes)
    try:
        archive = ImageArchive(zip_file, max_member_bytes=intake_limits_from_settings().max_bytes)
    except ApplicationError as exc:
        archive = ImageArchive(None, max_member_bytes=0)
        issues.append(ImportIssue(0, "images", exc.message))

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
            issues.extend(ImportIssue(r.row, "", message, sku) for r in sku_rows)
            continue
        issues.extend(row_issues)
        if outcome == "created":
            record.created_count += 1
        elif outcome == "updated":
            record.updated_count += 1
        elif outcome == "unchanged":
            record.unchanged_count += 1
    record.errors = [issue.as_dict() for issue in sorted(issues, key=lambda i: (i.row, i.column))]
    record.save()
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
            loaded, problem = _images_load(row, archive, known_digests)
            if problem:
                issues.append(problem)
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
    if created:
        return "created", issues, garment
    return ("updated" if changed else "unchanged"), issues, garment


@dataclass(frozen=True)
class _ArchivedImage:
    name: str
    digest: str
    cleaned: IntakeImage | None  # None when the garment already has this exact file


def _images_load(
    row: ImportRow, archive: ImageArchive, known_digests: set[str]
) -> tuple[list[_ArchivedImage], ImportIssue | None]:
    loaded = []
    limits = intake_limits_from_settings()
    for name in row.images:
        try:
            data = archive.read(name)
            digest = hashlib.sha256(data).hexdigest()
            cleaned = None
            if digest not in known_digests:
                cleaned = image_intake(data, limits=limits, label=f"Image {name!r}")
        except (LookupError, ValueError) as exc:
            return [], ImportIssue(row.row, "images", str(exc).strip("'\""), row.sku)
        except ImageRejected as exc:
            return [], ImportIssue(row.row, "images", exc.message, row.sku)
        loaded.append(_ArchivedImage(name=name, digest=digest, cleaned=cleaned))
    return loaded, None


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
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="catalog", codename__in=STAFF_PERMISSIONS)
    )
    return group
