"""Read the agencies' enforcement releases into the review inbox; for cron or by hand."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from timeline.watch.fetching import DirectoryTransport, Fetcher
from timeline.watch.publishers import publishers
from timeline.watch.services import watch_run

EXIT_NOTHING_READ = 1
EXIT_USAGE = 2


def iso_date(value):
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since: {value!r} is not a date (YYYY-MM-DD)", returncode=EXIT_USAGE) from exc


class Command(BaseCommand):
    help = (
        "Read new and changed enforcement releases of DOJ, SEC, CFTC, OFAC and FinCEN into the inbox "
        "(admin: Agency watch > Inbox items). Exit status 1 only when nothing at all could be read."
    )

    def add_arguments(self, parser):
        choices = list(publishers())
        parser.add_argument(
            "--publisher", action="append", choices=choices, help=f"Only these ({', '.join(choices)}); repeatable."
        )
        parser.add_argument("--since", help="Skip releases published before this date (YYYY-MM-DD).")
        parser.add_argument(
            "--from-dir", help="Read saved responses from this directory (with its manifest.json), not the network."
        )
        parser.add_argument(
            "--base-url", help="Read every publisher from this host (a mirror) instead of the publisher's own."
        )

    def handle(self, *args, **options):
        since = iso_date(options["since"]) if options["since"] else None
        chosen = {slug: p for slug, p in publishers().items() if slug in (options["publisher"] or publishers())}
        if not options["from_dir"] and not settings.WATCH_CONTACT:
            raise CommandError(
                "Set WATCH_CONTACT (an e-mail address or URL) first: the publishers ask automated clients to "
                "say who they are, and SEC.gov refuses undeclared ones.",
                returncode=EXIT_USAGE,
            )
        try:
            transport = DirectoryTransport(options["from_dir"]) if options["from_dir"] else None
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(
                f"--from-dir {options['from_dir']}: no readable manifest.json ({exc})", returncode=EXIT_USAGE
            ) from exc
        fetchers = {
            slug: Fetcher(
                options["base_url"] or publisher.base_url,
                transport=transport,
                min_interval=_interval(publisher, transport),
                conditional=transport is None,
            )
            for slug, publisher in chosen.items()
        }
        bar = tqdm(desc="releases", unit=" release", file=self.stderr._out, disable=None)
        try:
            summary = watch_run(chosen, fetchers, since=since, progress=lambda slug: bar.update(1))
        finally:
            bar.close()
            for fetcher in fetchers.values():
                fetcher.close()
        self._report(chosen, summary)
        if summary.failed and not summary.read:
            raise CommandError("Nothing could be read.", returncode=EXIT_NOTHING_READ)

    def _report(self, chosen, summary):
        for slug in chosen:
            counts = [
                len([entry for entry in getattr(summary, name) if entry[0] == slug])
                for name in ("new", "changed", "unchanged", "failed")
            ]
            new, changed, unchanged, failed = counts
            self.stdout.write(f"{slug}: {new} new, {changed} changed, {unchanged} unchanged, {failed} failed")
        for slug, release_id in summary.changed:
            self.stdout.write(f"changed since read: {slug} {release_id}")
        for slug, release_id, reason in summary.failed:
            self.stderr.write(f"failed: {slug} {release_id or '(listing)'}: {reason}")
        self.stdout.write(
            f"Total: {len(summary.new)} new, {len(summary.changed)} changed, {len(summary.unchanged)} unchanged, "
            f"{len(summary.failed)} failed, {summary.requests} request(s)."
        )


def _interval(publisher, transport):
    """Saved responses need no pause; a publisher that asks for a faster or slower pace gets it."""
    if transport is not None:
        return 0
    if publisher.min_interval is None:
        return settings.WATCH_MIN_INTERVAL
    return min(publisher.min_interval, settings.WATCH_MIN_INTERVAL)
