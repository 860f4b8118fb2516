"""``/api/v1/imports/``: bulk catalogue imports, run by a worker while the merchant polls
(or listens for the ``import.finished`` webhook).

The files are those of the admin's import: a CSV with one row per garment size and a ZIP of
the images it names (catalog/import_rows.py has the columns).
"""

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.import_rows import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from catalog.models import CatalogImport
from catalog.selectors import catalog_import_get_for_merchant, catalog_import_list_for_merchant
from catalog.services import catalog_import_enqueue
from merchant_api.endpoint import MerchantEndpoint
from merchant_api.pagination import NewestFirstCursor
from merchant_api.schema import problems


class ProblemOfRow(serializers.Serializer):
    column = serializers.CharField(help_text="The CSV column at fault; '' for the whole row.")
    message = serializers.CharField()


class RowReport(serializers.Serializer):
    row = serializers.IntegerField(help_text="As a spreadsheet numbers it: the header is row 1.")
    sku = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["refused"], help_text="Rows not listed here were imported."
    )
    problems = ProblemOfRow(many=True, help_text="Every problem of the row, not only the first.")


class ImportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=CatalogImport.Status.choices,
        help_text="queued, running, then finished (even with refused rows) or failed.",
    )
    csv_name = serializers.CharField()
    zip_name = serializers.CharField()
    rows_total = serializers.IntegerField(help_text="Data rows in the CSV (once finished).")
    garments_created = serializers.IntegerField()
    garments_updated = serializers.IntegerField()
    garments_unchanged = serializers.IntegerField()
    rows_refused = RowReport(many=True)
    file_problems = serializers.ListField(
        child=serializers.CharField(),
        help_text="Problems with a whole file (not UTF-8, missing columns, unreadable ZIP).",
    )
    failure = serializers.CharField(help_text="Why a failed import stopped; '' otherwise.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ImportPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ImportOutput(many=True)


def import_output(record: CatalogImport) -> dict[str, Any]:
    """An import with its report: each refused row once, with every one of its problems."""
    rows: dict[int, dict[str, Any]] = {}
    file_problems: list[str] = []
    for issue in record.errors:
        if issue["row"] == 0:
            file_problems.append(issue["message"])
            continue
        row = rows.setdefault(
            issue["row"],
            {"row": issue["row"], "sku": issue.get("sku", ""), "status": "refused", "problems": []},
        )
        row["sku"] = row["sku"] or issue.get("sku", "")
        row["problems"].append({"column": issue["column"], "message": issue["message"]})
    return ImportOutput(
        {
            "id": record.pk,
            "status": record.status,
            "csv_name": record.csv_name,
            "zip_name": record.zip_name,
            "rows_total": record.rows_total,
            "garments_created": record.created_count,
            "garments_updated": record.updated_count,
            "garments_unchanged": record.unchanged_count,
            "rows_refused": [rows[number] for number in sorted(rows)],
            "file_problems": file_problems,
            "failure": record.failure,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
        }
    ).data


class ImportInput(serializers.Serializer):
    csv_file = serializers.FileField(
        help_text=f"UTF-8 CSV, one row per garment size. Columns: {', '.join(REQUIRED_COLUMNS)}"
        f" (required); {', '.join(OPTIONAL_COLUMNS)} (optional)."
    )
    zip_file = serializers.FileField(
        required=False, help_text="A ZIP of the images the CSV's `images` column names."
    )


class ImportListApi(MerchantEndpoint):
    """Your catalogue imports: start one, list them."""

    @extend_schema(
        operation_id="imports_create",
        summary="Start a catalogue import (CSV + optional ZIP of images)",
        description=(
            "Answers 202 at once with the queued import and its `Location`; poll it (or listen "
            "for the `import.finished` webhook) until `status` is `finished` or `failed`."
        ),
        request={"multipart/form-data": ImportInput},
        responses={202: ImportOutput, **problems(400, 409, 413, 422, 429)},
    )
    def post(self, request: Request) -> Response:
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = catalog_import_enqueue(
            merchant=self.merchant,
            csv_file=data.validated_data["csv_file"],
            zip_file=data.validated_data.get("zip_file"),
        )
        return Response(
            import_output(record),
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("api_v1_import_detail", kwargs={"import_id": record.pk})},
        )

    @extend_schema(
        operation_id="imports_list",
        summary="Your catalogue imports, newest first",
        parameters=[
            OpenApiParameter("cursor", OpenApiTypes.STR, description="From `next`/`previous`."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 100; default 50."),
        ],
        responses={200: ImportPage, **problems(404, 429)},
    )
    def get(self, request: Request) -> Response:
        paginator = NewestFirstCursor()
        page = paginator.paginate_queryset(
            catalog_import_list_for_merchant(merchant=self.merchant), request, view=self
        )
        return paginator.get_paginated_response([import_output(record) for record in page])


class ImportDetailApi(MerchantEndpoint):
    """One import: its status and, once finished, its report."""

    @extend_schema(
        operation_id="imports_retrieve",
        summary="An import's status and its per-row report",
        responses={200: ImportOutput, **problems(404, 429)},
    )
    def get(self, request: Request, import_id: int) -> Response:
        record = catalog_import_get_for_merchant(merchant=self.merchant, import_id=import_id)
        if record is None:
            raise NotFound(f"You have no import with id {import_id}.")
        return Response(import_output(record))
