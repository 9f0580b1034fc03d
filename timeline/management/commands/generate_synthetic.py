"""Fill the database with a synthetic, deterministic dataset of N enforcement actions."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from timeline.services.synthetic import Plan, SyntheticDataError, synthetic_generate


class Command(BaseCommand):
    help = (
        "Generate N synthetic enforcement actions with entities, cases, charges, settlements, sentences, "
        "clemency, sources and ~5 timeline events each. Same seed, same data. Runs in one transaction "
        "(a failed or interrupted run writes nothing); PostgreSQL loads with COPY. Refuses a database "
        "holding curated data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, required=True, help="Number of enforcement actions.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--batch-size", type=int, default=10_000, help="Actions built and written per batch (bounds memory)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Add synthetic rows beside curated data instead of refusing."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Empty the timeline tables first when they hold only synthetic data.",
        )

    def handle(self, *args, **options):
        actions = options["actions"]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        plan = Plan(actions=actions, seed=options["seed"])
        if options["verbosity"]:
            self.stdout.write(
                f"Generating {actions:,} actions (seed {plan.seed}): {plan.authorities} authorities, "
                f"{plan.courts} courts, ~{plan.parent_companies * 2:,} companies, {plan.people:,} people."
            )
        bar = tqdm(total=actions, unit="action", disable=not options["verbosity"], file=sys.stderr)
        try:
            report = synthetic_generate(
                actions,
                seed=plan.seed,
                batch_size=options["batch_size"],
                force=options["force"],
                replace=options["replace"],
                progress=bar.update,
            )
        except SyntheticDataError as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
        if options["verbosity"] > 1:
            for table, count in sorted(report.rows.items()):
                self.stdout.write(f"  {table:<26} {count:>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {report.total_rows:,} rows in {report.seconds:.1f} s: {report.rows_per_second:,.0f} rows/s "
                f"({report.method}; foreign keys {report.foreign_keys})."
            )
        )
        self.stdout.write(
            f"Penalty totals: {report.penalty_totals:,} row(s) added up in {report.penalty_totals_seconds:.1f} s."
        )
