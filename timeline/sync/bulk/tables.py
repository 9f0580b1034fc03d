"""The public tables as CSV files and the PostgreSQL schema that loads them.

On PostgreSQL each table is written with ``COPY ... TO STDOUT``; elsewhere the rows are read
through the ORM and written the way COPY writes them (NULL unquoted and empty, every other value
quoted, booleans t/f, times in ISO 8601 with their offset), so every release loads the same way.
The schema is Django's own PostgreSQL DDL for the models, made without a server: tables first,
then (after the rows are in) foreign keys, indexes and the identity counters.
"""

import datetime
import functools

from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper

from timeline.sync.tables import public_models

TRIGRAM_OPCLASS = "gin_trgm_ops"


@functools.cache
def table_models():
    """Each public table and the model (auto-created many-to-many tables included) that defines it."""
    found = []
    for model in public_models():
        found.append(model)
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                found.append(through)
    return tuple(found)


def columns(model):
    return [field.column for field in model._meta.concrete_fields]


def _quote(name):
    return connection.ops.quote_name(name)


def _csv_field(value):
    """One field as COPY writes it with FORCE_QUOTE *: NULL bare and empty, everything else quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "t" if value else "f"
    elif isinstance(value, datetime.datetime):
        value = value.isoformat()
    text = str(value)
    return '"' + text.replace('"', '""') + '"'


def write_table_csv(model, path):
    """Write the model's table to ``path`` as CSV with a header; returns the number of rows."""
    names = columns(model)
    if connection.vendor == "postgresql":
        query = (
            f"COPY (SELECT {', '.join(_quote(name) for name in names)} FROM {_quote(model._meta.db_table)} "
            f"ORDER BY {_quote(model._meta.pk.column)}) TO STDOUT WITH (FORMAT csv, HEADER, FORCE_QUOTE *)"
        )
        with path.open("wb") as stream, connection.cursor() as cursor, cursor.cursor.copy(query) as copy:
            for block in copy:
                stream.write(block)
        return model._base_manager.count()
    attnames = [field.attname for field in model._meta.concrete_fields]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(",".join(names) + "\n")
        for row in model._base_manager.order_by("pk").values_list(*attnames).iterator(chunk_size=2000):
            stream.write(",".join(_csv_field(value) for value in row) + "\n")
            rows += 1
    return rows


def _offline_postgresql():
    """A PostgreSQL backend that never connects: only its schema editor's SQL is used."""
    settings = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "schema",
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "OPTIONS": {},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {},
    }
    return PostgreSQLWrapper(settings, alias="bulk_schema")


def postgresql_schema():
    """(tables, constraints): CREATE TABLE statements, then what is best added once the rows are loaded."""
    with _offline_postgresql().schema_editor(collect_sql=True, atomic=False) as editor:
        for model in public_models():
            editor.create_model(model)
        tables = list(editor.collected_sql)
    after = editor.collected_sql[len(tables) :]
    if any(TRIGRAM_OPCLASS in statement for statement in after):
        after.insert(0, "CREATE EXTENSION IF NOT EXISTS pg_trgm;")
    for model in table_models():
        table, pk = model._meta.db_table, model._meta.pk.column
        after.append(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "
            f'coalesce(max("{pk}"), 1), max("{pk}") IS NOT NULL) FROM "{table}";'
        )
    return tables, after


def load_script(files):
    """psql commands loading each CSV (``files``: table -> file name) into its table."""
    lines = []
    for model in table_models():
        table = model._meta.db_table
        cols = ", ".join(f'"{name}"' for name in columns(model))
        lines.append(f"\\copy \"{table}\" ({cols}) FROM 'csv/{files[table]}' WITH (FORMAT csv, HEADER)")
    return lines
