"""Load editor files (Django fixtures with natural keys) after validating every record."""

import sys
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from timeline.services.loader import LoadFailed, load_paths


class Command(BaseCommand):
    help = (
        "Validate and load timeline records from JSON or YAML files and folders (Django's fixture format "
        "with natural keys). Every record is checked first; any problem loads nothing and lists every "
        "problem by file, record and field. Re-loading updates records in place by natural key."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files, or folders of .json/.yaml files.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report what would change; write nothing."
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, **options):
        show_progress = not options["no_progress"] and sys.stderr.isatty()
        progress = partial(tqdm, file=sys.stderr, disable=not show_progress, leave=False)
        try:
            report = load_paths(options["paths"], dry_run=options["dry_run"], progress=progress)
        except LoadFailed as failed:
            raise CommandError("\n".join([str(failed), *failed.lines()])) from None
        for line in report.lines():
            self.stdout.write(line)
