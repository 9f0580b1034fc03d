"""Export timeline records as editor files that load_timeline and loaddata read back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from timeline.models import Case, Entity
from timeline.services.export import FORMATS, export_timeline


class Command(BaseCommand):
    help = (
        "Write timeline records as fixtures with natural keys and no primary keys, sources and every "
        "referenced record included: everything, or the records of the cases and entities named."
    )

    def add_arguments(self, parser):
        parser.add_argument("--case", action="append", default=[], metavar="SLUG", help="A case to export (repeat).")
        parser.add_argument(
            "--entity", action="append", default=[], metavar="SLUG", help="An entity to export, with its cases."
        )
        parser.add_argument("--output", metavar="FILE", help="Write here instead of standard output.")
        parser.add_argument(
            "--format", choices=FORMATS, help="json or yaml; by default from the output file's extension, else json."
        )

    def handle(self, *args, **options):
        cases = self._lookup(Case, options["case"])
        entities = self._lookup(Entity, options["entity"])
        output = options["output"]
        fmt = options["format"] or ("yaml" if output and Path(output).suffix.lower() in (".yaml", ".yml") else "json")
        if output:
            with open(output, "w", encoding="utf-8") as stream:
                count = export_timeline(stream, cases=cases, entities=entities, fmt=fmt)
            self.stderr.write(f"{count} record(s) written to {output}.")
        else:
            export_timeline(self.stdout, cases=cases, entities=entities, fmt=fmt)

    def _lookup(self, model, slugs):
        found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise CommandError(f"No {model._meta.verbose_name} with slug {', '.join(missing)}.")
        return [found[slug] for slug in slugs]
