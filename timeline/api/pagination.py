"""Pagination: numbered pages for the record lists, cursors for the event lists.

A bad ``page_size`` (not a whole number, below 1, above the maximum) or a bad ``page`` or
``cursor`` is a 400 naming the parameter, never silently clamped: a client asking for 10,000
rows learns the limit instead of receiving 100 and assuming that is all. Every paginated
response also carries RFC 8288 ``Link`` headers (next/prev), so CSV clients can page too.
"""

import binascii
from base64 import b64decode
from urllib.parse import parse_qs

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# CSV exports are read by programs, not people: they may take larger pages.
MAX_CSV_PAGE_SIZE = 1000


CURSOR_TOKENS = {"o", "r", "p"}


def cursor_well_formed(encoded):
    """Strict base64 of a query string holding only the offset, reverse and position tokens."""
    try:
        text = b64decode(encoded, validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return False
    tokens = parse_qs(text, keep_blank_values=True)
    return bool(tokens) and set(tokens) <= CURSOR_TOKENS


class PageSizeMixin:
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def maximum_page_size(self, request):
        renderer = getattr(request, "accepted_renderer", None)
        return MAX_CSV_PAGE_SIZE if getattr(renderer, "format", None) == "csv" else self.max_page_size

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        maximum = self.maximum_page_size(request)
        try:
            size = int(raw)
        except ValueError:
            size = None
        if size is None or not 1 <= size <= maximum:
            raise ValidationError({self.page_size_query_param: [f"Give a whole number from 1 to {maximum}."]})
        return size

    def link_header(self):
        links = [(self.get_next_link(), "next"), (self.get_previous_link(), "prev")]
        return ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links if url)

    def with_links(self, response):
        header = self.link_header()
        if header:
            response["Link"] = header
        return response


class RecordPagination(PageSizeMixin, PageNumberPagination):
    """Numbered pages with a total count, for the record lists."""

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param) or 1
        if raw in self.last_page_strings:
            return raw
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            raise ValidationError({self.page_query_param: ["Give a page number from 1, or 'last'."]})
        return number

    def get_paginated_response(self, data):
        return self.with_links(super().get_paginated_response(data))


class TimelinePagination(PageSizeMixin, CursorPagination):
    """Cursor pages in (date, id) order: stable while editors add events between requests."""

    ordering = ("date", "id")

    def decode_cursor(self, request):
        """Only what a next or previous link carries is a cursor; anything else is a 400 naming the parameter.

        DRF's decoder skips characters outside base64 and reads an empty result as the first page,
        so a garbled cursor would silently restart the listing; it is checked strictly first.
        """
        encoded = request.query_params.get(self.cursor_query_param)
        try:
            if encoded is not None and not cursor_well_formed(encoded):
                raise NotFound
            return super().decode_cursor(request)
        except NotFound:
            raise self.invalid_cursor() from None

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except DjangoValidationError:
            # A well-formed cursor whose position is not a value of the ordering field.
            raise self.invalid_cursor() from None

    def invalid_cursor(self):
        return ValidationError({self.cursor_query_param: ["Invalid cursor: use the next or previous link."]})

    def get_paginated_response(self, data):
        return self.with_links(super().get_paginated_response(data))


class HistoryPagination(TimelinePagination):
    """Cursor pages of an audit trail, newest first: stable while new changes are recorded."""

    ordering = ("-history_date", "-history_id")
