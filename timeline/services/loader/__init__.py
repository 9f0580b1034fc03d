"""The editors' loader: validated, atomic, idempotent loading of timeline records by natural key.

Input is Django's fixture format with natural keys and no primary keys (JSON or YAML), the same
files ``loaddata`` reads. ``load_paths`` checks every record and writes them in one transaction;
any problem rolls everything back and raises :class:`LoadFailed` listing every problem found.
"""

from django.db import transaction

from timeline.services.loader.parsing import expand_paths, parse_file
from timeline.services.loader.planning import Planner
from timeline.services.loader.reporting import LoadFailed, LoadReport, Problem
from timeline.services.loader.syncing import sync_and_verify
from timeline.services.loader.writing import Writer

__all__ = ["LoadFailed", "LoadReport", "Problem", "load_paths"]


def load_paths(paths, *, dry_run=False, self_contained=False, require_timestamps=False, progress=None):
    """Load files and folders of editor records; return a LoadReport or raise LoadFailed.

    Re-loading a file updates records in place by natural key and leaves untouched records and
    fields alone. With ``dry_run`` the whole load, sync included, runs and is rolled back.
    ``progress`` wraps the record iterable (e.g. a tqdm factory) for long loads.
    """
    files, problems = expand_paths(paths)
    raw_records = []
    for path in files:
        records, found = parse_file(path)
        raw_records.extend(records)
        problems.extend(found)
    report = LoadReport(files=[str(path) for path in files], records=len(raw_records), dry_run=dry_run)
    if problems:
        # References into an unreadable file would only add noise: fix the files first.
        raise LoadFailed(problems, report)

    with transaction.atomic():
        planner = Planner(self_contained=self_contained, require_timestamps=require_timestamps)
        planned = planner.plan(raw_records)
        writer = Writer(planned, report, progress)
        writer.run()
        problems = [problem for record in planned for problem in record.problems()]
        if not problems:
            problems = []
            synced = sync_and_verify(writer.saved, problems)
            problems += [problem for record in writer.saved for problem in record.problems()]
            report.events_created = synced.events.created
            report.events_updated = synced.events.updated
            report.events_deleted = synced.events.deleted
            report.clemency_changed = synced.clemency_changed
        if problems or dry_run:
            transaction.set_rollback(True)
    if problems:
        raise LoadFailed(problems, report)
    return report
