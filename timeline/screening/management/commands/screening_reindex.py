"""Rebuild the screening name index, after loads that bypass model signals (bulk_create, raw SQL)."""

from django.core.management.base import BaseCommand

from timeline.screening.indexing import name_index_rebuild


class Command(BaseCommand):
    help = "Rewrite the name index every screening query retrieves its candidates from."

    def handle(self, **options):
        written = name_index_rebuild()
        self.stdout.write(f"{written} name keys written.")
