"""Trigram index on event descriptions for the admin's event search (PostgreSQL), same form as 0006."""

from django.db import migrations

from timeline.migrations._trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("timeline", "0008_data_version")]

    operations = [
        trigram_indexes(
            [
                # admin event search by description (the one searched column still read row by row)
                ("timeline_event_description_trgm", "timeline_event", "description"),
            ]
        )
    ]
