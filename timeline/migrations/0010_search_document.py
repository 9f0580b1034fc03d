"""Stored, weighted full-text search documents with GIN indexes, kept current by triggers (PostgreSQL)."""

from django.db import migrations

from timeline.migrations._search_document import search_document_operation


class Migration(migrations.Migration):
    dependencies = [("timeline", "0009_event_description_trigram")]

    operations = [search_document_operation()]
