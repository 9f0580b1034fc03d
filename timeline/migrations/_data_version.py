"""Triggers that write a new data version (``timeline.DataVersion``) with every change to timeline data.

PostgreSQL: a deferred constraint trigger per table fires at commit, once per transaction (a
transaction-local setting remembers it ran), and queues one row in ``timeline_dataversion_pending``.
That row's own deferred trigger runs after every event queued before it, foreign-key checks
included, and stores the transaction's id as the version. So the version row is locked last, when
the writer waits for nothing else, and two writers can never wait on each other in a cycle.
TRUNCATE, which constraint triggers cannot watch, has a trigger of its own. SQLite runs one writer
at a time, so plain row triggers store a random 64-bit number.

Audit tables (``timeline_historical*``) are left out: no anonymous answer reads them.
(The migration loader skips modules whose name starts with an underscore.)
"""

from django.db import migrations

VERSION_TABLE = "timeline_dataversion"
PENDING_TABLE = "timeline_dataversion_pending"
PG_FUNCTION = "timeline_data_changed"
PG_COMMIT_FUNCTION = "timeline_data_version_commit"
SQLITE_EVENTS = {"ins": "INSERT", "upd": "UPDATE", "del": "DELETE"}

PG_SETUP_SQL = [
    f"CREATE TABLE {PENDING_TABLE} (xact bigint PRIMARY KEY)",
    f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('timeline.data_version_xact', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('timeline.data_version_xact', txid_current()::text, true);
        INSERT INTO {PENDING_TABLE} (xact) VALUES (txid_current());
    END IF;
    RETURN NULL;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION {PG_COMMIT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {PENDING_TABLE} WHERE xact = NEW.xact;
    INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, NEW.xact)
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END
$$
""",
    f"CREATE CONSTRAINT TRIGGER {PG_COMMIT_FUNCTION} AFTER INSERT ON {PENDING_TABLE} "
    f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {PG_COMMIT_FUNCTION}()",
]


def watched_tables(apps):
    """The timeline tables whose rows make up what the API answers (many-to-many tables included)."""
    tables = {
        model._meta.db_table
        for model in apps.get_app_config("timeline").get_models(include_auto_created=True)
        if not model._meta.db_table.startswith("timeline_historical")
    }
    return sorted(tables - {VERSION_TABLE})


def sqlite_trigger(table, suffix):
    return f"timeline_dv_{table.removeprefix('timeline_')}_{suffix}"


def install(schema_editor, tables):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_SETUP_SQL:
            schema_editor.execute(statement)
        for table in tables:
            schema_editor.execute(
                f'CREATE CONSTRAINT TRIGGER {PG_FUNCTION} AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
            )
            schema_editor.execute(
                f'CREATE TRIGGER timeline_data_truncated AFTER TRUNCATE ON "{table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
            )
    elif vendor == "sqlite":
        for table in tables:
            for suffix, event in SQLITE_EVENTS.items():
                schema_editor.execute(
                    f'CREATE TRIGGER "{sqlite_trigger(table, suffix)}" AFTER {event} ON "{table}" BEGIN '
                    f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, random()) "
                    f"ON CONFLICT (id) DO UPDATE SET version = excluded.version; END"
                )
    else:
        raise NotImplementedError(f"no data-version triggers for {vendor}")


def uninstall(schema_editor, tables):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in tables:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS {PG_FUNCTION} ON "{table}"')
            schema_editor.execute(f'DROP TRIGGER IF EXISTS timeline_data_truncated ON "{table}"')
        schema_editor.execute(f"DROP TABLE IF EXISTS {PENDING_TABLE}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {PG_COMMIT_FUNCTION}()")
    elif vendor == "sqlite":
        for table in tables:
            for suffix in SQLITE_EVENTS:
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{sqlite_trigger(table, suffix)}"')


def data_version_triggers():
    """A migration operation putting the triggers on every watched table of the migration's state."""

    def forwards(apps, schema_editor):
        first = "txid_current()" if schema_editor.connection.vendor == "postgresql" else "random()"
        schema_editor.execute(f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, {first})")
        install(schema_editor, watched_tables(apps))

    def backwards(apps, schema_editor):
        uninstall(schema_editor, watched_tables(apps))

    return migrations.RunPython(forwards, backwards, elidable=False)
