"""Trigram indexes serving the API's ``q=``, the public search and the admin's search (PostgreSQL)."""

from django.db import migrations

from timeline.migrations._trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("timeline", "0005_m2m_audit_indexes_penalty_totals")]

    operations = [
        trigram_indexes(
            [
                # /api/v1/actions/?q=, admin action search, public search page
                ("timeline_action_caption_trgm", "timeline_enforcementaction", "caption"),
                ("timeline_action_summary_trgm", "timeline_enforcementaction", "summary"),
                ("timeline_action_docket_trgm", "timeline_enforcementaction", "docket_number"),
                # /api/v1/entities/?q=, party names in action search, admin search through entities
                ("timeline_entity_name_trgm", "timeline_entity", "name"),
                ("timeline_alias_alias_trgm", "timeline_entityalias", "alias"),
                # admin event search
                ("timeline_event_title_trgm", "timeline_event", "title"),
            ]
        )
    ]
