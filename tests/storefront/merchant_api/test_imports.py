"""Catalogue imports through /api/v1/imports/: queued, run by a real worker, reported per row."""

import contextlib
import csv
import http.client
import io
import os
import time
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import CatalogImport, Garment
from catalog.tasks import catalog_import_run_task
from tests.storefront.merchant_api.conftest import client_for

HEADER = ["sku", "name", "category", "price", "size", "stock", "colour", "images", "chest_cm"]
ROWS = [
    ["TEE-1", "Linen tee", "top", "29.90", "S", "4", "ecru", "tee.png", "92"],  # row 2
    ["TEE-1", "Linen tee", "top", "29.90", "M", "0", "ecru", "", "96"],  # row 3
    # Row 4: four problems at once (price, size, category, a missing image), all reported.
    ["BROKEN-1", "Broken", "hat", "-3", "XM", "1", "red", "missing.png", ""],
    ["JEAN-1", "Straight jeans", "bottom", "79", "L", "2", "blue", "jeans.png", ""],  # row 5
]


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 160), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _csv(rows: list[list[str]]) -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile("catalogue.csv", text.getvalue().encode(), "text/csv")


def _zip() -> SimpleUploadedFile:
    """The same bytes every time: an entry's date defaults to the clock's (2 s steps), and a
    retried POST must be the very same request."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, colour in (("tee.png", (230, 220, 200)), ("photos/jeans.png", (40, 60, 120))):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), _png(colour))
    return SimpleUploadedFile("images.zip", buffer.getvalue(), "application/zip")


def _post(key: str, **headers: str):
    return client_for(key).post(
        "/api/v1/imports/",
        {"csv_file": _csv(ROWS), "zip_file": _zip()},
        format="multipart",
        headers=headers,
    )


def _private_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT).parent / "private"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.slow
def test_an_import_runs_on_a_worker_and_reports_the_broken_row(shop_a, storefront_worker):
    storefront_worker()
    started = _post(shop_a.write)
    assert started.status_code == 202, started.content
    body = started.json()
    assert body["status"] == "queued" and body["csv_name"] == "catalogue.csv"
    assert started["Location"] == f"/api/v1/imports/{body['id']}/"

    client = client_for(shop_a.read)
    deadline = time.monotonic() + 90
    while True:
        report = client.get(started["Location"])
        assert report.status_code == 200
        if report.json()["status"] in {"finished", "failed"} or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    report = report.json()
    assert report["status"] == "finished", report
    assert report["rows_total"] == 4
    assert report["garments_created"] == 2 and report["failure"] == ""
    assert report["file_problems"] == []
    [refused] = report["rows_refused"]
    assert refused["row"] == 4 and refused["sku"] == "BROKEN-1" and refused["status"] == "refused"
    columns = {problem["column"] for problem in refused["problems"]}
    assert {"price", "size", "category", "images"} <= columns, refused["problems"]
    assert any("missing.png" in problem["message"] for problem in refused["problems"])

    # The other rows were imported, with their sizes and images, and the API serves them.
    assert set(Garment.objects.values_list("sku", flat=True)) == {"TEE-1", "JEAN-1"}
    tee = client.get("/api/v1/garments/by-sku/TEE-1/").json()
    assert [(s["label"], s["stock"], s["chest_cm"]) for s in tee["sizes"]] == [
        ("S", 4, "92.0"),
        ("M", 0, "96.0"),
    ]
    assert len(tee["images"]) == 1
    # The uploaded files are gone once the import has run.
    assert _private_files() == []
    assert client.get("/api/v1/imports/").json()["results"][0]["id"] == body["id"]


def test_queued_files_are_encrypted_and_a_failed_run_says_why(shop_a):
    started = _post(shop_a.write)
    assert started.status_code == 202
    record = CatalogImport.objects.get(pk=started.json()["id"])
    assert record.status == CatalogImport.Status.QUEUED and record.merchant == shop_a.merchant
    files = _private_files()
    assert len(files) == 2  # the CSV and the ZIP, until a worker has run the import
    for path in files:
        content = path.read_bytes()
        assert b"Linen tee" not in content and b"PK\x03\x04" not in content[:4]

    # A file lost from storage: the task fails for good (no retry helps), and says so.
    Path(settings.MEDIA_ROOT).parent.joinpath("private", record.csv_blob).unlink()
    catalog_import_run_task.apply(kwargs={"import_id": record.pk})
    report = client_for(shop_a.read).get(f"/api/v1/imports/{record.pk}/").json()
    assert report["status"] == "failed"
    assert "unexpected error" in report["failure"] and "FileNotFoundError" in report["failure"]
    assert _private_files() == []
    assert not Garment.objects.exists()


def test_a_queued_import_runs_once_even_if_its_message_comes_twice(shop_a):
    started = _post(shop_a.write).json()
    catalog_import_run_task.apply(kwargs={"import_id": started["id"]})
    catalog_import_run_task.apply(kwargs={"import_id": started["id"]})
    report = client_for(shop_a.read).get(f"/api/v1/imports/{started['id']}/").json()
    assert report["status"] == "finished" and report["garments_created"] == 2
    assert Garment.objects.count() == 2


def test_a_retried_post_with_its_idempotency_key_starts_one_import(shop_a):
    first = _post(shop_a.write, **{"Idempotency-Key": "import-2026-12-05"})
    again = _post(shop_a.write, **{"Idempotency-Key": "import-2026-12-05"})
    assert first.status_code == again.status_code == 202
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert CatalogImport.objects.count() == 1


def test_bad_requests_are_problems_and_a_read_key_cannot_import(shop_a):
    missing = client_for(shop_a.write).post("/api/v1/imports/", {}, format="multipart")
    assert missing.status_code == 400
    assert [error["field"] for error in missing.json()["errors"]] == ["csv_file"]
    refused = _post(shop_a.read)
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    assert not CatalogImport.objects.exists() and _private_files() == []


def test_another_merchant_reaches_no_import_of_this_one(shop_a, shop_b):
    import_id = _post(shop_a.write).json()["id"]
    catalog_import_run_task.apply(kwargs={"import_id": import_id})
    for key in (shop_b.read, shop_b.write):
        client = client_for(key)
        response = client.get(f"/api/v1/imports/{import_id}/")
        assert response.status_code == 404
        assert b"BROKEN" not in response.content and b"catalogue.csv" not in response.content
        assert client.get("/api/v1/imports/").json()["results"] == []
        assert client.get("/api/v1/garments/").json()["results"] == []
    # shop_b's own import lands in shop_b's catalogue only.
    own = _post(shop_b.write).json()["id"]
    catalog_import_run_task.apply(kwargs={"import_id": own})
    assert Garment.objects.filter(merchant=shop_b.merchant).count() == 2
    assert Garment.objects.filter(merchant=shop_a.merchant).count() == 2
    assert client_for(shop_a.read).get(f"/api/v1/imports/{own}/").status_code == 404


@pytest.mark.slow
def test_the_real_server_takes_an_import_larger_than_a_photo_up_to_its_own_limit(
    shop_a, web_server
):
    """The ASGI body limit: a catalogue's ZIP may pass the one-photo limit on this path only."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("padding.bin", os.urandom(settings.REQUEST_MAX_BYTES + 1024 * 1024))
    body, content_type = _multipart(
        {"csv_file": ("catalogue.csv", "\r\n".join([",".join(HEADER), *map(",".join, ROWS)])),
         "zip_file": ("images.zip", buffer.getvalue())}
    )  # fmt: skip
    assert len(body) > settings.REQUEST_MAX_BYTES
    url, key = web_server.url, shop_a.write
    status, payload = _post_raw(url, "/api/v1/imports/", key, body, content_type)
    assert status == 202, payload[:500]
    assert CatalogImport.objects.get().status == CatalogImport.Status.QUEUED

    # Over the import's own limit: refused from the declared length, nothing read.
    over = settings.API_IMPORT_MAX_BYTES + 1
    status, _ = _post_raw(url, "/api/v1/imports/", key, None, content_type, over)
    assert status == 413
    # Any other API path keeps the one-photo limit.
    status, _ = _post_raw(url, "/api/v1/garments/", key, body, content_type)
    assert status == 413
    assert CatalogImport.objects.count() == 1


def _multipart(fields: dict[str, tuple[str, str | bytes]]) -> tuple[bytes, str]:
    boundary = "fitting-room-test-boundary"
    parts = []
    for name, (filename, content) in fields.items():
        data = content.encode() if isinstance(content, str) else content
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )


def _post_raw(
    base_url: str,
    path: str,
    key: str,
    body: bytes | None,
    content_type: str,
    declared: int | None = None,
) -> tuple[int, bytes]:
    """A POST on a real socket; with ``body`` None only the headers (and ``declared``) go."""
    address = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Authorization", f"Bearer {key}")
        connection.putheader("Content-Type", content_type)
        connection.putheader("Content-Length", str(declared if body is None else len(body)))
        connection.endheaders()
        if body is not None:
            # Refused early, the server stops reading: its answer is already waiting.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.send(body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
