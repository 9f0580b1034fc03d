"""Triggers that log every change to a public table in ``timeline_sync_change``.

PostgreSQL: a row trigger per table logs (model, id, action, transaction) as the row is written.
At commit the data-version machinery (``timeline/migrations/_data_version.py``) writes the
version row, last of all the transaction's work; a trigger on that row stamps the transaction's
log rows with positions from a sequence. The version row stays locked until commit, so positions
are handed out in commit order. A transaction that writes again after its deferred triggers ran
early (``SET CONSTRAINTS ALL IMMEDIATE``, as ``loaddata`` does) re-arms the data version, so those
rows are stamped (and the version moves) at commit too.

SQLite has one writer at a time: the row trigger gives each log row the next position at once.

A many-to-many table's row is logged as a change of its owner (an entity's ``sources``). The
models are the ones public when the installing migration was written; a public model added later
needs a migration of its own (``tests/test_sync_public.py`` checks every public table has them).
(The migration loader skips modules whose name starts with an underscore.)
"""

from django.db import migrations

CHANGE_TABLE = "timeline_sync_change"
SEQUENCE = "timeline_sync_position"
PG_LOG_FUNCTION = "timeline_sync_log"
PG_STAMP_FUNCTION = "timeline_sync_stamp"
VERSION_TABLE = "timeline_dataversion"
PG_ACTIONS = "CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END"
SQLITE_EVENTS = {
    "ins": ("INSERT", "NEW", "created"),
    "upd": ("UPDATE", "NEW", "changed"),
    "del": ("DELETE", "OLD", "deleted"),
}
STAMPED_SETTING = "timeline_sync.stamped_xact"

PG_SETUP_SQL = [
    f"CREATE SEQUENCE {SEQUENCE}",
    # TG_ARGV: model label, id column, and for a many-to-many table 'changed' (its owner changed).
    f"""
CREATE OR REPLACE FUNCTION {PG_LOG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    action text := coalesce(TG_ARGV[2], {PG_ACTIONS});
    old_id bigint;
    new_id bigint;
BEGIN
    IF current_setting('{STAMPED_SETTING}', true) = txid_current()::text THEN
        -- This transaction's deferred triggers already ran: write the data version again at commit.
        PERFORM set_config('timeline.data_version_xact', '', true);
        PERFORM set_config('{STAMPED_SETTING}', '', true);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_id := (to_jsonb(OLD) ->> TG_ARGV[1])::bigint;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_id := (to_jsonb(NEW) ->> TG_ARGV[1])::bigint;
    END IF;
    IF old_id IS NOT NULL AND old_id IS DISTINCT FROM new_id THEN
        INSERT INTO {CHANGE_TABLE} (model, row_id, action, xact, recorded_at)
        VALUES (TG_ARGV[0], old_id, CASE WHEN new_id IS NULL THEN action ELSE 'changed' END,
                txid_current(), clock_timestamp());
    END IF;
    IF new_id IS NOT NULL THEN
        INSERT INTO {CHANGE_TABLE} (model, row_id, action, xact, recorded_at)
        VALUES (TG_ARGV[0], new_id, action, txid_current(), clock_timestamp());
    END IF;
    RETURN NULL;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION {PG_STAMP_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {CHANGE_TABLE} SET position = nextval('{SEQUENCE}'), xact = NULL
    WHERE xact = txid_current() AND position IS NULL;
    PERFORM set_config('{STAMPED_SETTING}', txid_current()::text, true);
    RETURN NULL;
END
$$
""",
    f"CREATE TRIGGER {PG_STAMP_FUNCTION} AFTER INSERT OR UPDATE ON {VERSION_TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {PG_STAMP_FUNCTION}()",
]
PG_TEARDOWN_SQL = [
    f"DROP TRIGGER IF EXISTS {PG_STAMP_FUNCTION} ON {VERSION_TABLE}",
    f"DROP FUNCTION IF EXISTS {PG_STAMP_FUNCTION}()",
    f"DROP FUNCTION IF EXISTS {PG_LOG_FUNCTION}()",
    f"DROP SEQUENCE IF EXISTS {SEQUENCE}",
]


def logged_tables(apps, labels):
    """(table, model label, id column, action or None) for each model and its many-to-many tables."""
    tables = []
    for label in labels:
        model = apps.get_model(label)
        tables.append((model._meta.db_table, label, model._meta.pk.column, None))
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                owner = through._meta.get_field(field.m2m_field_name()).column
                tables.append((through._meta.db_table, label, owner, "changed"))
    return tables


def trigger_name(table, suffix=""):
    return f"timeline_sync_{table.removeprefix('timeline_')}{suffix}"


def install(schema_editor, tables):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table, label, column, action in tables:
            arguments = ", ".join(f"'{value}'" for value in (label, column, action) if value)
            schema_editor.execute(
                f'CREATE TRIGGER {trigger_name(table)} AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION {PG_LOG_FUNCTION}({arguments})"
            )
    elif vendor == "sqlite":
        for table, label, column, action in tables:
            for suffix, (event, row, default_action) in SQLITE_EVENTS.items():
                schema_editor.execute(
                    f'CREATE TRIGGER "{trigger_name(table, "_" + suffix)}" AFTER {event} ON "{table}" BEGIN '
                    f"INSERT INTO {CHANGE_TABLE} (position, model, row_id, action, recorded_at) VALUES ("
                    f"(SELECT coalesce(max(position), 0) + 1 FROM {CHANGE_TABLE}), '{label}', {row}.\"{column}\", "
                    f"'{action or default_action}', strftime('%Y-%m-%d %H:%M:%f', 'now')); END"
                )
    else:
        raise NotImplementedError(f"no change-log triggers for {vendor}")


def uninstall(schema_editor, tables):
    vendor = schema_editor.connection.vendor
    for table, _, _, _ in tables:
        if vendor == "postgresql":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS {trigger_name(table)} ON "{table}"')
        else:
            for suffix in SQLITE_EVENTS:
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{trigger_name(table, "_" + suffix)}"')


def change_log_functions():
    """The PostgreSQL sequence and functions the per-table triggers call (nothing on SQLite)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in PG_SETUP_SQL:
                schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in PG_TEARDOWN_SQL:
                schema_editor.execute(statement)

    return migrations.RunPython(forwards, backwards, elidable=False)


def change_log_triggers(labels):
    """A migration operation logging changes to these models (and their many-to-many tables)."""

    def forwards(apps, schema_editor):
        install(schema_editor, logged_tables(apps, labels))

    def backwards(apps, schema_editor):
        uninstall(schema_editor, logged_tables(apps, labels))

    return migrations.RunPython(forwards, backwards, elidable=False)
