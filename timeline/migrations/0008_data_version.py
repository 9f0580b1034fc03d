"""The data version: one row changed by triggers with every write to timeline data (``_data_version.py``)."""

from django.db import migrations, models

from timeline.migrations._data_version import data_version_triggers


class Migration(migrations.Migration):
    dependencies = [("timeline", "0007_more_trigram_indexes")]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(verbose_name="version")),
            ],
            options={
                "verbose_name": "data version",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="timeline_dataversion_single_row")
                ],
            },
        ),
        data_version_triggers(),
    ]
