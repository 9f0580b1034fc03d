"""Precision, recall and top-1 accuracy of matching on the labelled evaluation set (see README, Screening)."""

from django.core.management.base import BaseCommand, CommandError

from timeline.screening.evaluation import evaluate
from timeline.screening.matching import DEFAULT_THRESHOLD


class Command(BaseCommand):
    help = "Evaluate matching on names derived from the entities in the database (load fixtures/*.json first)."

    def add_arguments(self, parser):
        parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
        parser.add_argument("--show-errors", action="store_true", help="List every miss and false alarm.")

    def handle(self, threshold, show_errors, **options):
        if not 0 <= threshold <= 1:
            raise CommandError("--threshold must be between 0 and 1.")
        figures = evaluate(threshold)
        if not figures.positives:
            raise CommandError("No screened entities in this database: load fixtures/*.json first.")
        self.stdout.write(
            f"threshold {threshold}: {figures.positives} positives, {figures.negatives} negatives; "
            f"precision {figures.precision:.3f}, recall {figures.recall:.3f}, top-1 {figures.top1_accuracy:.3f} "
            f"({figures.false_positives} false matches, {len(figures.misses)} misses)"
        )
        if show_errors:
            for case, best in figures.misses:
                self.stdout.write(f"miss   [{case.variation}] {case.query!r} -> {case.expected}; best {best}")
            for case, flagged in figures.false_alarms:
                self.stdout.write(f"false  [{case.variation}] {case.query!r} -> {flagged}")
            for case, flagged in figures.others_flagged:
                self.stdout.write(f"also   [{case.variation}] {case.query!r} -> {case.expected}, also {flagged}")
