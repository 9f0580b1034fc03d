"""Trigram indexes for substring search on PostgreSQL (pg_trgm); other databases keep scanning.

Django writes ``field__icontains=value`` as ``UPPER(column::text) LIKE UPPER('%value%')`` on
PostgreSQL; a GIN index over ``upper(column::text) gin_trgm_ops`` answers exactly that
expression, so searches stop scanning whole tables and match the same rows on both databases.
(The migration loader skips modules whose name starts with an underscore.)
"""

from django.db import migrations


def trigram_indexes(entries):
    """A migration operation creating (and on reverse dropping) ``(index name, table, column)`` indexes."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in entries:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((upper("{column}"::text)) gin_trgm_ops)'
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table, _column in entries:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop, elidable=False)
