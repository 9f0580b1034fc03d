"""More trigram indexes for the admin's substring search (PostgreSQL), same form as 0006."""

from django.db import migrations

from timeline.migrations._trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("timeline", "0006_trigram_search_indexes")]

    operations = [
        trigram_indexes(
            [
                # admin action search by slug
                ("timeline_action_slug_trgm", "timeline_enforcementaction", "slug"),
                # admin event search by key
                ("timeline_event_key_trgm", "timeline_event", "key"),
                # admin case search and the public search page
                ("timeline_case_title_trgm", "timeline_case", "title"),
            ]
        )
    ]
