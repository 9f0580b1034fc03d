"""Repair derived data across the database: clemency statuses, the events that mirror facts, penalty totals."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from timeline.services.sync import timeline_sync_all


class Command(BaseCommand):
    help = (
        "Bring every mirrored event and clemency status in line with the facts, rebuild the penalty totals, "
        "and print what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, **options):
        with transaction.atomic():
            report = timeline_sync_all()
            if options["dry_run"] or report.failures:
                transaction.set_rollback(True)
        events = report.events
        verb = "would change" if options["dry_run"] else "changed"
        self.stdout.write(
            f"Events {verb}: {events.created} created, {events.updated} updated, {events.deleted} deleted."
        )
        self.stdout.write(
            f"Clemency statuses {verb}: {', '.join(report.clemency_changed) if report.clemency_changed else 'none'}."
        )
        self.stdout.write(f"Penalty totals rows {verb}: {report.penalty_totals_changed}.")
        self.stdout.write(f"Total: {report.changes} change(s).")
        if report.failures:
            lines = [f"{obj._meta.label_lower} {obj}: {reason}" for obj, reason in report.failures]
            raise CommandError("\n".join([f"{len(lines)} record(s) could not be synced; nothing written:", *lines]))
