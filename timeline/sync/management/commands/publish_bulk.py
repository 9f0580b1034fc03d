"""Publish a bulk release under BULK_ROOT, served at /bulk/ (the latest manifest at /bulk/index.json)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from timeline.sync.bulk.release import bulk_release_publish


class Command(BaseCommand):
    help = (
        "Write a versioned bulk release: one CSV per public table with the PostgreSQL schema and a load "
        "script, the editors' JSON export, FollowTheMoney entities and index.json with checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("--root", help="Directory of the releases (default: the BULK_ROOT setting).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        bar = None

        def progress(name, total):
            nonlocal bar
            if options["no_progress"]:
                return
            if bar is None:
                bar = tqdm(total=total, unit="file", file=self.stderr._out, desc="publish_bulk")
            bar.set_postfix_str(name, refresh=False)
            bar.update(1)

        manifest = bulk_release_publish(root=options["root"], progress=progress)
        if bar is not None:
            bar.close()
        self.stdout.write(
            f"Release {manifest['version']}: {len(manifest['resources'])} files, "
            f"{manifest['entity_count']} FollowTheMoney entities, changes since {manifest['changes_since']}."
        )
