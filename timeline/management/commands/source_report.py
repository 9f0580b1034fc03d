"""Print, per case, the share of facts with a primary source, and how each amount of a case is backed."""

from django.core.management.base import BaseCommand, CommandError

from timeline.models import Case
from timeline.selectors.source_quality import amount_sourcing, amount_table, case_sourcing, sourcing_table


class Command(BaseCommand):
    help = (
        "Print a Markdown table of every case's facts and how many cite a primary source (agency release, "
        "court record or its copy, official statement); with --amounts CASE, how each amount of that case is backed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--amounts", metavar="CASE", help="Slug of a case whose amounts to list.")

    def handle(self, *args, **options):
        if options["amounts"]:
            case = Case.objects.filter(slug=options["amounts"]).first()
            if case is None:
                raise CommandError(f"No case with the slug {options['amounts']!r}.")
            self.stdout.write(amount_table(amount_sourcing(case)))
        else:
            self.stdout.write(sourcing_table(case_sourcing()))
