"""Generate the synthetic dataset: safety checks, one transaction, batched writes, integrity check.

Transaction: the whole run is one transaction, so an interrupted or failed run leaves the
database exactly as it was (nothing half-written to clean up) and a rerun starts afresh.
``batch_size`` only bounds memory: rows are built and written ``batch_size`` actions at a time.

Rows are built in a background thread (pure Python, no database access) while the main thread
writes the previous batch, so building and PostgreSQL's work overlap on two cores.

On PostgreSQL, the secondary indexes and UNIQUE constraints of the tables written are dropped
inside the transaction and rebuilt from their exact catalog definitions after the load: one sorted
build is several times faster than millions of random index insertions, and rebuilding a unique
index or constraint re-checks uniqueness over every row, old and new. As a superuser, foreign-key
triggers are switched off for this transaction only (``SET LOCAL session_replication_role =
replica``, as ``pg_restore --disable-triggers`` does): a
per-row FK trigger costs more than the row itself. Every foreign key of every row written is then
checked with one anti-join per key before commit, and any dangling reference aborts the whole run.
CHECK and UNIQUE constraints stay enforced by the database throughout.
"""

import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from timeline.migrations._search_document import search_documents_rebuild
from timeline.models import Case, EnforcementAction, Entity, Event, Source, Statute
from timeline.services.data_version import data_version_bump
from timeline.services.penalty_totals import penalty_totals_rebuild
from timeline.services.synthetic.builders import PREFIX, Builder
from timeline.services.synthetic.plan import Plan
from timeline.services.synthetic.tables import TABLES
from timeline.services.synthetic.writers import CopyWriter, InsertWriter

SYNTHETIC_PREFIX = PREFIX
# (model, field holding the natural key) checked to tell curated data from synthetic data.
MARKED_MODELS = ((Entity, "slug"), (Case, "slug"), (EnforcementAction, "slug"), (Source, "key"), (Event, "key"))


class SyntheticDataError(Exception):
    """The database is not in a state the generator may write to."""


@dataclass
class SyntheticReport:
    rows: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    method: str = ""
    foreign_keys: str = ""
    penalty_totals: int = 0
    penalty_totals_seconds: float = 0.0

    @property
    def total_rows(self):
        return sum(self.rows.values())

    @property
    def rows_per_second(self):
        return self.total_rows / self.seconds if self.seconds else 0.0


def database_contents():
    """(holds curated data, holds synthetic data), judged by the ``syn-`` prefix of keys and slugs."""
    curated = any(model.objects.exclude(**{f"{key}__startswith": PREFIX}).exists() for model, key in MARKED_MODELS)
    synthetic = any(model.objects.filter(**{f"{key}__startswith": PREFIX}).exists() for model, key in MARKED_MODELS)
    return curated, synthetic


def _timeline_tables():
    return [
        model._meta.db_table
        for model in apps.get_app_config("timeline").get_models(include_auto_created=True)
        if not model._meta.db_table.startswith("timeline_historical")
    ]


def _wipe():
    """Empty every timeline table (audit-trail tables excepted); only called when no curated data exists."""
    quote = connection.ops.quote_name
    tables = _timeline_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(quote(table) for table in tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")


def _max_ids():
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        result = {}
        for table in TABLES:
            cursor.execute(f"SELECT MAX(id) FROM {quote(table.model._meta.db_table)}")
            result[table.name] = cursor.fetchone()[0] or 0
    return result


def _disable_fk_triggers():
    """Switch FK triggers off for this transaction when allowed (superuser); report whether it was."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser')")
        if cursor.fetchone()[0] != "on":
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def _check_foreign_keys(floors):
    """One anti-join per foreign key over the rows written; raise on the first dangling reference."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in TABLES:
            for model_field in table.model._meta.concrete_fields:
                if not isinstance(model_field, models.ForeignKey):
                    continue
                child, column = quote(table.model._meta.db_table), quote(model_field.column)
                parent = quote(model_field.related_model._meta.db_table)
                cursor.execute(
                    f"SELECT c.id, c.{column} FROM {child} c WHERE c.id > %s AND c.{column} IS NOT NULL "
                    f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = c.{column}) LIMIT 1",
                    [floors[table.name]],
                )
                dangling = cursor.fetchone()
                if dangling:
                    raise SyntheticDataError(
                        f"{table.model._meta.db_table}.{model_field.column} = {dangling[1]} (row {dangling[0]}) "
                        "references no row; nothing was written."
                    )


def _drop_secondary_indexes():
    """Drop the written tables' secondary indexes and UNIQUE constraints; return how to rebuild them.

    Primary keys stay (the foreign-key check joins on them). Definitions come from the catalog,
    so the rebuilt schema is exactly the migrated one.
    """
    names = [table.model._meta.db_table for table in TABLES]
    rebuild = []
    with connection.cursor() as cursor:
        # Fire the foreign-key checks of rows written earlier in this transaction (ALTER TABLE refuses
        # tables with pending trigger events), then defer them again as Django declares them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid "
            "WHERE c.relname = ANY(%s) AND c.relnamespace = 'public'::regnamespace AND k.contype = 'u'",
            [names],
        )
        for table, name, definition in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            rebuild.append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indrelid "
            "WHERE c.relname = ANY(%s) AND c.relnamespace = 'public'::regnamespace AND NOT i.indisprimary",
            [names],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            rebuild.append(definition)
    return rebuild


def _rebuild_indexes(definitions):
    if not definitions:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)


def _produce(builder, actions, batch_size, batches, stop):
    """Build the rows batch by batch into ``batches``; runs in a thread and touches no database."""

    def put(item):
        while not stop.is_set():
            try:
                batches.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    try:
        builder.base_rows()
        put((0, builder.take()))
        for start in range(0, actions, batch_size):
            stop_at = min(start + batch_size, actions)
            builder.action_rows(start, stop_at)
            put((stop_at - start, builder.take()))
        put(None)
    except BaseException as error:  # handed to the writing thread, which re-raises it
        put(error)


def _reset_sequences():
    id_models = {table.model for table in TABLES if table.has_id}
    statements = connection.ops.sequence_reset_sql(no_style(), list(id_models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def synthetic_generate(actions, seed=1, batch_size=10_000, force=False, replace=False, progress=None):
    """Write a synthetic dataset of ``actions`` actions; returns a SyntheticReport.

    Refuses a database holding curated data unless ``force`` (synthetic rows are then added
    beside it, never replacing it), and a database already holding synthetic data unless
    ``replace`` (which empties the timeline tables first, and is refused when curated data exists).
    ``progress(n)`` is called with the number of actions written after each batch.
    """
    if actions < 1:
        raise SyntheticDataError("Give at least one action.")
    curated, synthetic = database_contents()
    if replace and curated:
        raise SyntheticDataError("Refusing to empty a database that holds curated data.")
    if curated and not force:
        raise SyntheticDataError("The database holds curated (non-synthetic) data; pass --force to add beside it.")
    if synthetic and not replace:
        raise SyntheticDataError("The database already holds synthetic data; pass --replace to regenerate it.")

    report = SyntheticReport()
    started = time.perf_counter()
    with transaction.atomic():
        if replace:
            _wipe()
        floors = _max_ids()
        postgres = connection.vendor == "postgresql"
        writer = CopyWriter() if postgres else InsertWriter()
        report.method = writer.method
        triggers_off = postgres and _disable_fk_triggers()
        dropped = _drop_secondary_indexes() if postgres else []
        existing_statutes = dict(Statute.objects.values_list("citation", "id"))
        builder = Builder(Plan(actions=actions, seed=seed), {name: top + 1 for name, top in floors.items()},
                          existing_statutes)  # fmt: skip
        batches, stop = queue.Queue(maxsize=2), threading.Event()
        producer = threading.Thread(target=_produce, args=(builder, actions, batch_size, batches, stop), daemon=True)
        producer.start()
        try:
            while (item := batches.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                done, rows = item
                for table in TABLES:
                    batch = rows.get(table.name)
                    if batch:
                        if len(batch[0]) != len(table.columns):
                            raise SyntheticDataError(
                                f"{table.name} rows have {len(batch[0])} values for {len(table.columns)} columns: "
                                "the builders are out of date with the model."
                            )
                        writer.write(table, batch)
                        report.rows[table.name] += len(batch)
                if progress and done:
                    progress(done)
        finally:
            stop.set()
            producer.join()
        if triggers_off:
            # The triggers recomputing documents from related rows were off too: write those documents
            # at once, before the indexes (their GIN included) are built over the final rows.
            with connection.cursor() as cursor:
                search_documents_rebuild(cursor, own_too=False)
        _rebuild_indexes(dropped)
        if triggers_off:
            _check_foreign_keys(floors)
            report.foreign_keys = "checked by anti-join (triggers off for the load)"
        else:
            report.foreign_keys = "checked by the database's constraints"
        _reset_sequences()
        # COPY and executemany send no signals: the penalty totals are added up once, over every row.
        rebuild_started = time.perf_counter()
        report.penalty_totals = penalty_totals_rebuild()
        report.penalty_totals_seconds = time.perf_counter() - rebuild_started
        # With triggers off for the load, cached API answers must still learn that everything changed.
        data_version_bump()
    if postgres and not connection.in_atomic_block:
        # Steady state for the planner: statistics, and the visibility map that index-only scans need.
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(quote(table.model._meta.db_table) for table in TABLES)}")
    elif postgres:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(quote(table.model._meta.db_table) for table in TABLES)}")
    report.seconds = time.perf_counter() - started
    return report
