"""The change log behind ``/api/v1/changes/``, written by database triggers (``migrations/_triggers.py``).

Triggers rather than signals or the audit trail: ``loaddata``, bulk ``update()``, many-to-many
writes and raw SQL all skip those, and a mirror that misses one change is no longer a mirror.
"""

from django.db import models
from django.db.models import Q


class ChangeAction(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"


class Change(models.Model):
    """One row of a public table created, changed or deleted; ``position`` is its place in commit order.

    On PostgreSQL the position is stamped at commit, while the transaction holds the data-version
    row, so positions rise in the order transactions commit: a reader never sees position n + 1
    while n is still to come. Until then it is null and the row is invisible to the feed.
    """

    position = models.BigIntegerField("position", null=True, unique=True)
    model = models.CharField("model", max_length=100, help_text="Model label, e.g. timeline.entity.")
    row_id = models.BigIntegerField("record id")
    action = models.CharField("action", max_length=7, choices=ChangeAction.choices)
    xact = models.BigIntegerField("transaction", null=True, help_text="PostgreSQL transaction id, until stamped.")
    recorded_at = models.DateTimeField("recorded")

    class Meta:
        verbose_name = "change"
        indexes = [
            # The commit stamp finds its transaction's rows by this (PostgreSQL).
            models.Index(fields=["xact"], condition=Q(position__isnull=True), name="timeline_sync_change_unstamped"),
            # Pruning by age.
            models.Index(fields=["recorded_at"], name="timeline_sync_change_recorded"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ChangeAction.values), name="timeline_sync_change_action_valid"
            ),
        ]

    def __str__(self):
        return f"{self.position}: {self.model} {self.row_id} {self.action}"


class FeedHorizon(models.Model):
    """The single row (id 1) saying how far back the feed reaches: changes at or before
    ``position`` were pruned, so a ``since`` token below it is answered 410."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    position = models.BigIntegerField("pruned up to position", default=0)
    pruned_at = models.DateTimeField("pruned", null=True)

    class Meta:
        verbose_name = "change feed horizon"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="timeline_sync_feedhorizon_single_row")]

    def __str__(self):
        return f"changes kept after position {self.position}"
