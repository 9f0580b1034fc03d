"""Editing without losing data: violation counts of any size, and no credit counted against its own component.

A credit's ``against`` lives in the many-to-many table, which no CHECK on the credit row can see, so a
trigger on each side (the link inserted or changed; the credit moved to another component) refuses it
on PostgreSQL and SQLite alike, whatever path writes it.
"""

from django.core.validators import MinValueValidator
from django.db import migrations, models

CONSTRAINT = "timeline_credit_not_against_own_component"

POSTGRESQL_INSTALL = f"""
CREATE FUNCTION {CONSTRAINT}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'timeline_credit_against' THEN
        IF EXISTS (SELECT 1 FROM timeline_credit c
                   WHERE c.id = NEW.credit_id AND c.component_id = NEW.settlementcomponent_id) THEN
            RAISE EXCEPTION '{CONSTRAINT}' USING ERRCODE = 'check_violation';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM timeline_credit_against a
                  WHERE a.credit_id = NEW.id AND a.settlementcomponent_id = NEW.component_id) THEN
        RAISE EXCEPTION '{CONSTRAINT}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER {CONSTRAINT} BEFORE INSERT OR UPDATE ON timeline_credit_against
    FOR EACH ROW EXECUTE FUNCTION {CONSTRAINT}();
CREATE TRIGGER {CONSTRAINT}_moved BEFORE UPDATE OF component_id ON timeline_credit
    FOR EACH ROW EXECUTE FUNCTION {CONSTRAINT}();
"""
POSTGRESQL_UNINSTALL = f"""
DROP TRIGGER {CONSTRAINT} ON timeline_credit_against;
DROP TRIGGER {CONSTRAINT}_moved ON timeline_credit;
DROP FUNCTION {CONSTRAINT}();
"""
SQLITE_LINK_CHECK = (
    "EXISTS (SELECT 1 FROM timeline_credit c "
    "WHERE c.id = NEW.credit_id AND c.component_id = NEW.settlementcomponent_id)"
)
SQLITE_MOVE_CHECK = (
    "EXISTS (SELECT 1 FROM timeline_credit_against a "
    "WHERE a.credit_id = NEW.id AND a.settlementcomponent_id = NEW.component_id)"
)
SQLITE_INSTALL = [
    f"CREATE TRIGGER {CONSTRAINT}_{event.lower()} BEFORE {event} ON timeline_credit_against "
    f"WHEN {SQLITE_LINK_CHECK} BEGIN SELECT RAISE(ABORT, '{CONSTRAINT}'); END"
    for event in ("INSERT", "UPDATE")
] + [
    f"CREATE TRIGGER {CONSTRAINT}_moved BEFORE UPDATE OF component_id ON timeline_credit "
    f"WHEN {SQLITE_MOVE_CHECK} BEGIN SELECT RAISE(ABORT, '{CONSTRAINT}'); END"
]
SQLITE_UNINSTALL = [f"DROP TRIGGER {CONSTRAINT}_{suffix}" for suffix in ("insert", "update", "moved")]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_INSTALL)
    elif vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"no credit trigger for {vendor}")


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [POSTGRESQL_UNINSTALL] if vendor == "postgresql" else SQLITE_UNINSTALL
    for statement in statements:
        schema_editor.execute(statement)


CHARGE_MODELS = ("charge", "historicalcharge")


def counts_field():
    return models.PositiveBigIntegerField(
        default=1,
        help_text="Counts or violations charged, of any number.",
        validators=[MinValueValidator(1)],
        verbose_name="counts",
    )


class Migration(migrations.Migration):
    dependencies = [("timeline", "0009_event_description_trigram")]

    operations = [
        *(migrations.AlterField(model_name=model, name="counts", field=counts_field()) for model in CHARGE_MODELS),
        migrations.RunPython(install, uninstall),
    ]
