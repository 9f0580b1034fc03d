"""Validate the curated fixtures without writing: the check CI runs on fixtures/."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from timeline.services.loader import LoadFailed, load_paths


class Command(BaseCommand):
    help = (
        "Validate every file in fixtures/ (or the folder given) as load_timeline would, and check that the "
        "set stands alone: references resolve within it, no natural key is defined twice, and records "
        "carry the timestamps plain loaddata needs. Writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", nargs="?", default=str(Path(settings.BASE_DIR) / "fixtures"), help="Default: fixtures/."
        )

    def handle(self, *args, **options):
        try:
            report = load_paths([options["folder"]], dry_run=True, self_contained=True, require_timestamps=True)
        except LoadFailed as failed:
            raise CommandError("\n".join([str(failed), *failed.lines()])) from None
        self.stdout.write(
            f"{len(report.files)} file(s), {report.records} record(s) checked in {options['folder']}: no problems."
        )
