"""Write a versioned bulk release and its manifest (``index.json``), keeping the previous releases.

A release is one directory, ``<BULK_ROOT>/<version>/``, written under a temporary name and renamed
into place when complete, so a reader never sees half a release; ``<BULK_ROOT>/index.json`` is
then replaced by the new manifest, which lists the releases kept. Everything is read in one
transaction (a repeatable-read snapshot on PostgreSQL), so the files agree with each other and with
``changes_since``: the change-feed token from which a copy loaded from this release reads on.

The layout follows CourtListener's bulk data (per-table CSV, schema, load script) and the manifest
OpenSanctions publishes (a version that rises with each release, resources with size and checksum).
"""

import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from timeline.selectors.data_version import current_data_version
from timeline.services.export import export_timeline
from timeline.sync.bulk.ftm import ftm_entities
from timeline.sync.bulk.tables import load_script, postgresql_schema, table_models, write_table_csv
from timeline.sync.selectors import latest_token

INDEX = "index.json"
VERSION_FORMAT = "%Y%m%d%H%M%S"
LOAD_SH = """#!/bin/sh
# Load this release into an empty PostgreSQL database: DATABASE_URL=postgres://... ./load.sh
# Tables first, then the rows, then foreign keys and indexes, all in one transaction.
set -eu
cd "$(dirname "$0")"
psql "${DATABASE_URL:?set DATABASE_URL to the database to load into}" -X -q -v ON_ERROR_STOP=1 \\
  --single-transaction -f schema.sql -f load.sql -f constraints.sql
"""
MIME_TYPES = {".csv": "text/csv", ".json": "application/json", ".sql": "application/sql", ".sh": "text/x-shellscript"}


def sha256(path):
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_versions(root):
    """Versions of the complete releases under ``root``, oldest first."""
    if not root.is_dir():
        return []
    return sorted(entry.name for entry in root.iterdir() if entry.is_dir() and entry.name.isdigit())


def next_version(root, now):
    """The time of publication as YYYYMMDDHHMMSS, moved past the latest release when that is not earlier."""
    version = now.strftime(VERSION_FORMAT)
    existing = release_versions(root)
    if existing and version <= existing[-1]:
        version = str(int(existing[-1]) + 1)
    return version


@contextmanager
def snapshot():
    """One transaction for every read; on PostgreSQL a repeatable-read, read-only snapshot."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            connection.cursor().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _write_text(path, text):
    path.write_text(text, encoding="utf-8")


def _write_ftm(path):
    count = 0
    with path.open("w", encoding="utf-8") as stream:
        for entity in ftm_entities():
            stream.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def _write_export(path):
    with path.open("w", encoding="utf-8") as stream:
        return export_timeline(stream)


def _steps():
    """(file name, title, writer) for every file of a release; a writer returns its row count or None."""
    steps = []
    files = {}
    for model in table_models():
        table = model._meta.db_table
        files[table] = f"{table}.csv"
        steps.append((f"csv/{table}.csv", f"Table {table}", lambda path, model=model: write_table_csv(model, path)))
    tables, after = postgresql_schema()
    steps += [
        ("schema.sql", "PostgreSQL schema: tables", lambda path: _write_text(path, "\n".join(tables) + "\n")),
        (
            "constraints.sql",
            "PostgreSQL schema: keys and indexes",
            lambda path: _write_text(path, "\n".join(after) + "\n"),
        ),
        (
            "load.sql",
            "psql commands loading the CSV files",
            lambda path: _write_text(path, "\n".join(load_script(files)) + "\n"),
        ),
        ("load.sh", "Load script", lambda path: (_write_text(path, LOAD_SH), path.chmod(0o755))[0]),
        ("timeline.json", "Editor export (export_timeline format)", _write_export),
        ("entities.ftm.json", "FollowTheMoney entities, one per line", _write_ftm),
    ]
    return steps


def _resource(base_url, version, name, title, path, rows):
    resource = {
        "name": name,
        "path": name,
        "title": title,
        "url": f"{base_url}{version}/{name}",
        "mime_type": MIME_TYPES.get(path.suffix, "application/octet-stream"),
        "size": path.stat().st_size,
        "sha256": sha256(path),
    }
    if rows is not None:
        resource["rows"] = rows
    return resource


def bulk_release_publish(root=None, base_url="/bulk/", progress=None, now=None):
    """Write a release under ``root`` (BULK_ROOT), make it the latest, drop the oldest past the number
    kept (BULK_KEEP_RELEASES); returns its manifest. ``progress(name)`` is called after each file."""
    root = Path(root or settings.BULK_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(UTC)
    version = next_version(root, now)
    work = root / f".{version}.partial"
    shutil.rmtree(work, ignore_errors=True)
    (work / "csv").mkdir(parents=True)
    resources = []
    try:
        with snapshot():
            data_version = current_data_version()
            changes_since = latest_token()
            steps = _steps()
            for name, title, write in steps:
                path = work / name
                rows = write(path)
                resources.append(_resource(base_url, version, name, title, path, rows))
                if progress:
                    progress(name, len(steps))
        previous = release_versions(root)
        published = now.isoformat().replace("+00:00", "Z")
        manifest = {
            "name": "timeline",
            "title": "timeline: regulatory enforcement actions, settlements, sentences and clemency",
            "version": version,
            "published_at": published,
            # The names OpenSanctions' dataset index (and clients written for it) read.
            "updated_at": published,
            "last_export": published,
            "data_version": data_version,
            "changes_since": changes_since,
            "changes_url": f"/api/v1/changes/?since={changes_since}",
            "license": dict(settings.BULK_LICENSE),
            "database": connection.vendor,
            "resources": resources,
            "entity_count": next(r["rows"] for r in resources if r["name"] == "entities.ftm.json"),
        }
        _write_text(work / INDEX, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        os.replace(work, root / version)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    kept = [*previous, version][-max(settings.BULK_KEEP_RELEASES, 1) :]
    for old in previous:
        if old not in kept:
            shutil.rmtree(root / old, ignore_errors=True)
    latest = {**manifest, "releases": [{"version": v, "index_url": f"{base_url}{v}/{INDEX}"} for v in reversed(kept)]}
    temporary = root / f".{INDEX}.partial"
    _write_text(temporary, json.dumps(latest, indent=2, ensure_ascii=False) + "\n")
    os.replace(temporary, root / INDEX)
    return latest
