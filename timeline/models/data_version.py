"""One number that changes whenever any timeline record changes: the key of cached API answers.

Database triggers on every timeline table write it (migration 0008, ``timeline/migrations/_data_version.py``),
so no write escapes it: the ORM, the admin, ``loaddata``, bulk ``update()`` and raw SQL alike. The
value is an identifier of the last writing transaction, not a count: it only has to differ from every
earlier value, and it becomes visible in the same commit as the write, never before.
"""

from django.db import models
from django.db.models import Q


class DataVersion(models.Model):
    """The single row (id 1) holding the current data version; derived, never edited by hand."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField("version")

    class Meta:
        verbose_name = "data version"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="timeline_dataversion_single_row")]

    def __str__(self):
        return f"data version {self.version}"
