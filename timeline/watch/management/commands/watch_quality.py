"""Print the extraction-quality table of the labelled samples (the one in the README)."""

from django.core.management.base import BaseCommand

from timeline.watch.quality import SAMPLES, quality, quality_markdown


class Command(BaseCommand):
    help = "Measure the agency-watch extraction on labelled saved releases: right, wrong and missed per field."

    def add_arguments(self, parser):
        parser.add_argument("--from-dir", default=str(SAMPLES), help="Samples with manifest.json and labels.json.")

    def handle(self, *args, **options):
        self.stdout.write(quality_markdown(quality(options["from_dir"])))
