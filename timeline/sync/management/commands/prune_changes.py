"""Keep the change log bounded: drop changes older than the days kept."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from timeline.sync.services import changes_prune


class Command(BaseCommand):
    help = (
        "Drop change-feed entries older than --keep-days (default: the SYNC_CHANGES_KEEP_DAYS setting). "
        "Readers whose token is older get a 410 and resync from a bulk release."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep-days", type=int, default=settings.SYNC_CHANGES_KEEP_DAYS)

    def handle(self, *args, **options):
        if options["keep_days"] < 0:
            raise CommandError("--keep-days cannot be negative.")
        dropped = changes_prune(options["keep_days"])
        self.stdout.write(f"{dropped} change(s) dropped.")
