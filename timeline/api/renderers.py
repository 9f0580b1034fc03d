"""CSV for every list (``?format=csv``), with the same filters and pagination as JSON.

Rows are the page's results. Nested objects become dotted columns (``authority.slug``); lists
become one cell joined with "; ", each item shown by its slug, key or citation (or, for an item
without one, its first value with the rest in brackets, e.g. a party as "binance-holdings
(defendant)"). A list read straight from the database (``timeline.api.flat_csv``) arrives as a
``CSVTable`` already in columns. Text a spreadsheet would run as a formula (``=``, ``+``, ``-``,
``@``, tab or carriage return first) is written with a leading apostrophe.
"""

import csv
import io
import re

from django.conf import settings
from rest_framework import serializers
from rest_framework_csv.renderers import CSVRenderer

IDENTITY_KEYS = ("slug", "key", "citation")
LIST_SEPARATOR = "; "
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A signed number ("-2.50") starts like a formula but is only a number; "-2+3" is not one.
SIGNED_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


class CSVTable(list):
    """Rows already in columns (lists of cells in ``header`` order), for the renderer to write as they are."""

    def __init__(self, header, rows=()):
        super().__init__(rows)
        self.header = header


def safe_cell(value):
    """The cell as text a spreadsheet shows rather than evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not SIGNED_NUMBER.fullmatch(value):
        return f"'{value}"
    return value


def item_label(value):
    """A list item in one cell: its slug, key or citation; otherwise its first value with the rest in brackets."""
    if isinstance(value, dict):
        for key in IDENTITY_KEYS:
            if value.get(key) not in (None, ""):
                return str(value[key])
        labels = [label for label in (item_label(v) for v in value.values()) if label]
        if len(labels) > 1:
            return f"{labels[0]} ({', '.join(labels[1:])})"
        return labels[0] if labels else ""
    if isinstance(value, list):
        return ", ".join(item_label(item) for item in value)
    return "" if value is None else str(value)


def flatten(row, prefix=""):
    flat = {}
    for name, value in row.items():
        column = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{column}."))
        elif isinstance(value, list):
            flat[column] = LIST_SEPARATOR.join(item_label(item) for item in value)
        else:
            flat[column] = value
    return flat


def serializer_columns(serializer, prefix=""):
    """Columns in field order; a nested object (even when null in some rows) spreads over dotted columns."""
    columns = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer):
            columns.extend(serializer_columns(field, f"{prefix}{name}."))
        else:
            columns.append(f"{prefix}{name}")
    return columns


def row_serializer(view, paginated):
    """The serializer describing one row: the view's, or its ``results`` child for a report like the totals."""
    get_serializer = getattr(view, "get_serializer", None)
    if get_serializer is None:
        return None
    try:
        serializer = get_serializer()
    except (AssertionError, TypeError):
        return None
    results = serializer.fields.get("results") if isinstance(serializer, serializers.Serializer) else None
    if paginated and isinstance(results, serializers.ListSerializer):
        return results.child
    return serializer if isinstance(serializer, serializers.Serializer) else None


class FlatCSVRenderer(CSVRenderer):
    """One row per record; columns in the serializer's field order, present even when no row matches."""

    def render(self, data, media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        if data is None:
            return b""
        response = renderer_context.get("response")
        failed = response is not None and response.status_code >= 400
        paginated = isinstance(data, dict) and isinstance(data.get("results"), list)
        if paginated and isinstance(data["results"], CSVTable):
            return self.write(data["results"].header, data["results"], renderer_context)
        if failed:
            rows = [data] if isinstance(data, dict) else [{"detail": item} for item in data]
        elif paginated:
            rows = data["results"]
        else:
            rows = data if isinstance(data, list) else [data]
        flat_rows = [flatten(row) if isinstance(row, dict) else {"value": row} for row in rows]
        serializer = None if failed else row_serializer(renderer_context.get("view"), paginated)
        header = serializer_columns(serializer) if serializer is not None else []
        parts = [column.split(".") for column in header]
        nested = {".".join(part[:depth]) for part in parts for depth in range(1, len(part))}
        flat_rows = [
            {column: safe_cell(value) for column, value in row.items() if column not in nested} for row in flat_rows
        ]
        for row in flat_rows:
            header.extend(column for column in row if column not in header)
        return super().render(flat_rows, media_type, {**renderer_context, "header": header})

    def write(self, header, rows, renderer_context):
        buffer = io.StringIO()
        writer = csv.writer(buffer, **renderer_context.get("writer_opts", self.writer_opts or {}))
        writer.writerow(header)
        writer.writerows([safe_cell(value) for value in row] for row in rows)
        return buffer.getvalue().encode(renderer_context.get("encoding", settings.DEFAULT_CHARSET))
