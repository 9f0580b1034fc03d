"""Pagination: numbered pages for the record lists, cursors for the event lists.

A bad ``page_size`` (not a whole number, below 1, above the maximum) or a bad ``page`` or
``cursor`` is a 400 naming the parameter, never silently clamped: a client asking for 10,000
rows learns the limit instead of receiving 100 and assuming that is all. Every paginated
response also carries RFC 8288 ``Link`` headers (next/prev), so CSV clients can page too.

Record lists count their rows only up to a cap (``API_COUNT_CAP``, default 10,000): an exact
``COUNT(*)`` of a broad filter reads every matching row on every page. Past the cap a list
reports ``count`` = the cap and ``count_is_exact: false``; its pages are still served, and
``next`` is there exactly when a further row exists (each page reads one row more than it
shows). ``page=last`` needs the exact count, so on such a list it is a 400 naming ``page``:
reverse the ``ordering`` and read page 1 instead.
"""

import binascii
from base64 import b64decode, b64encode
from datetime import datetime
from math import ceil
from urllib.parse import parse_qs

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# CSV exports are read by programs, not people: they may take larger pages.
MAX_CSV_PAGE_SIZE = 1000
# Record lists count exactly up to this many rows (the API_COUNT_CAP setting overrides it).
COUNT_CAP = 10_000
# No list is this long; a page starting further out is a 404 before any query (and any overflow).
MAX_OFFSET = 2**62


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


class CappedPage:
    """One page of a record list: its rows, and the list's count exact up to the cap.

    Quacks like the Django ``Page`` DRF's page-number pagination reads (links, browsable controls).
    """

    def __init__(self, rows, number, page_size, count, count_is_exact, has_next):
        self.object_list = rows
        self.number = number
        self.count = count
        self.count_is_exact = count_is_exact
        self._has_next = has_next
        # The browsable API's page links: the pages counted, and at least up to the next one.
        self.num_pages = max(ceil(count / page_size), number + has_next, 1)
        self.paginator = self

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def count_cap():
    return getattr(settings, "API_COUNT_CAP", COUNT_CAP)


def capped_count(queryset, cap):
    """The number of rows, but at most ``cap + 1``: a COUNT over a ``LIMIT cap + 1`` subquery."""
    return queryset.order_by()[: cap + 1].count()


class RecordPagination(PageSizeMixin, PageNumberPagination):
    """Numbered pages for the record lists, with a count exact up to the cap (see the module docstring)."""

    def get_page_number(self, request):
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

    def last_page_number(self, queryset, page_size, cap):
        count = capped_count(queryset, cap)
        if count > cap:
            raise ValidationError(
                {
                    self.page_query_param: [
                        f"'last' needs an exact count, and this list has more than {cap:,} rows: "
                        "reverse the ordering and read page 1, or narrow the filters."
                    ]
                }
            )
        return max(ceil(count / page_size), 1)

    def paginate_queryset(self, queryset, request, view=None, read=None):
        """Read one row more than the page shows; count (up to the cap) only when that row exists.

        ``read`` turns the page's slice into the rows returned (a CSV page's ``.values()``), while
        the count still runs on ``queryset`` itself, without that read's joins.
        """
        self.request = request
        page_size = self.get_page_size(request)
        cap = count_cap()
        number = self.get_page_number(request)
        if number in self.last_page_strings:
            number = self.last_page_number(queryset, page_size, cap)
        offset = (number - 1) * page_size
        if offset > MAX_OFFSET:
            raise NotFound(self.invalid_page_message)
        page = queryset[offset : offset + page_size + 1]
        rows = list(read(page) if read else page)
        has_next = len(rows) > page_size
        rows = rows[:page_size]
        if not rows and number > 1:
            raise NotFound(self.invalid_page_message)
        if not has_next:
            total = offset + len(rows)
        elif offset + len(rows) + 1 > cap:
            total = cap + 1
        else:
            total = capped_count(queryset, cap)
        self.page = CappedPage(rows, number, page_size, min(total, cap), total <= cap, has_next)
        self.display_page_controls = number > 1 or has_next
        return rows

    def get_paginated_response(self, data):
        body = {
            "count": self.page.count,
            "count_is_exact": self.page.count_is_exact,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        }
        return self.with_links(Response(body))

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["count"]["description"] = (
            f"Matching records, counted exactly up to {count_cap():,}; past that, {count_cap():,}."
        )
        response["properties"] = {
            "count": properties["count"],
            "count_is_exact": {
                "type": "boolean",
                "description": "False when more records match than the count reports (the cap was reached).",
                "example": True,
            },
            **{name: value for name, value in properties.items() if name != "count"},
        }
        response["required"] = ["count", "count_is_exact", "results"]
        return response


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

    def paginate_queryset(self, queryset, request, view=None, read=None):
        """``read`` turns the records into the rows returned (a CSV page's ``.values()``)."""
        try:
            return super().paginate_queryset(read(queryset) if read else queryset, request, view)
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


class UpdatedPagination(PageSizeMixin, BasePagination):
    """Keyset pages in (updated_at, id) order, for lists read with ``updated_after`` / ``updated_before``.

    The cursor holds the last row's (updated_at, id) and the next page starts strictly after it, so a
    record updated while a client pages moves to the end and is read there, and none is skipped
    (DRF's cursor counts rows sharing a time, which a record moving away would throw off). The order
    is fixed: an ``ordering`` parameter is a 400 rather than silently ignored.
    """

    cursor_query_param = "cursor"
    ordering = ("updated_at", "id")

    def paginate_queryset(self, queryset, request, view=None, read=None):
        self.request = request
        if request.query_params.get(api_settings.ORDERING_PARAM):
            raise ValidationError(
                {
                    api_settings.ORDERING_PARAM: [
                        "Lists read with updated_after or updated_before come in (updated_at, id) order; "
                        "leave out ordering."
                    ]
                }
            )
        size = self.get_page_size(request)
        queryset = queryset.order_by(*self.ordering)
        position = self.decode_cursor(request)
        if position is not None:
            updated_at, pk = position
            queryset = queryset.filter(Q(updated_at__gt=updated_at) | Q(updated_at=updated_at, pk__gt=pk))
        keys = list(queryset.values_list(*self.ordering)[: size + 1])
        self.next_position = keys[size - 1] if len(keys) > size else None
        page = queryset.filter(pk__in=[pk for _, pk in keys[:size]])
        return list(read(page) if read else page)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            stamp, pk = b64decode(encoded, altchars=b"-_", validate=True).decode("ascii").split("|")
            updated_at = datetime.fromisoformat(stamp)
            if updated_at.tzinfo is None or not pk.isascii() or not pk.isdigit():
                raise ValueError(pk)
            return updated_at, int(pk)
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise ValidationError({self.cursor_query_param: ["Invalid cursor: use the next link."]}) from None

    def get_next_link(self):
        if self.next_position is None:
            return None
        updated_at, pk = self.next_position
        token = b64encode(f"{updated_at.isoformat()}|{pk}".encode("ascii"), altchars=b"-_").decode("ascii")
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, token)

    def get_previous_link(self):
        return None

    def get_paginated_response(self, data):
        return self.with_links(Response({"next": self.get_next_link(), "previous": None, "results": data}))
