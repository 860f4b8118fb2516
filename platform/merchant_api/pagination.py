"""Cursor pagination: stable pages while the merchant's catalogue changes underneath."""

from rest_framework.pagination import CursorPagination


class NewestFirstCursor(CursorPagination):
    """``?cursor=`` pages of up to ``page_size`` (``?page_size=`` up to 100), newest first."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at", "-id")
