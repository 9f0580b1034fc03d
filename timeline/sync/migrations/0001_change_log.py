"""The change log and its horizon, and the triggers that fill the log (see _triggers.py)."""

from django.db import migrations, models

from timeline.sync.migrations._triggers import change_log_functions, change_log_triggers

# The public models when this migration was written (timeline.sync.tables.PUBLIC_MODELS).
LOGGED_MODELS = [
    "timeline.source",
    "timeline.entity",
    "timeline.entityalias",
    "timeline.entityidentifier",
    "timeline.case",
    "timeline.statute",
    "timeline.enforcementaction",
    "timeline.actionparty",
    "timeline.charge",
    "timeline.chargestatute",
    "timeline.settlement",
    "timeline.settlementcomponent",
    "timeline.credit",
    "timeline.monitor",
    "timeline.restriction",
    "timeline.sentence",
    "timeline.pardonrequest",
    "timeline.pardonstatuschange",
    "timeline.entityrelationship",
    "timeline.event",
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("timeline", "0009_event_description_trigram"),
    ]

    operations = [
        migrations.CreateModel(
            name="Change",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.BigIntegerField(null=True, unique=True, verbose_name="position")),
                (
                    "model",
                    models.CharField(
                        help_text="Model label, e.g. timeline.entity.", max_length=100, verbose_name="model"
                    ),
                ),
                ("row_id", models.BigIntegerField(verbose_name="record id")),
                (
                    "action",
                    models.CharField(
                        choices=[("created", "Created"), ("changed", "Changed"), ("deleted", "Deleted")],
                        max_length=7,
                        verbose_name="action",
                    ),
                ),
                (
                    "xact",
                    models.BigIntegerField(
                        help_text="PostgreSQL transaction id, until stamped.", null=True, verbose_name="transaction"
                    ),
                ),
                ("recorded_at", models.DateTimeField(verbose_name="recorded")),
            ],
            options={
                "verbose_name": "change",
                "indexes": [
                    models.Index(
                        condition=models.Q(("position__isnull", True)),
                        fields=["xact"],
                        name="timeline_sync_change_unstamped",
                    ),
                    models.Index(fields=["recorded_at"], name="timeline_sync_change_recorded"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("action__in", ["created", "changed", "deleted"])),
                        name="timeline_sync_change_action_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="FeedHorizon",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("position", models.BigIntegerField(default=0, verbose_name="pruned up to position")),
                ("pruned_at", models.DateTimeField(null=True, verbose_name="pruned")),
            ],
            options={
                "verbose_name": "change feed horizon",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="timeline_sync_feedhorizon_single_row")
                ],
            },
        ),
        change_log_functions(),
        change_log_triggers(LOGGED_MODELS),
    ]
