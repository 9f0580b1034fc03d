"""Trigram index on whole normalised names, serving candidate retrieval by similarity (PostgreSQL only)."""

from django.db import migrations

INDEX = "timeline_screening_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "timeline_screening_namekey" '
        'USING gin ("key" gin_trgm_ops) WHERE "kind" = \'name\''
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("timeline_screening", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
