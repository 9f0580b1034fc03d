"""Penalty totals per authority, year and currency, kept current as settlements change.

The penalty statistics group by authority or year over every settlement component; at a million
actions that aggregation takes seconds. This table holds its result, one row per (authority,
year, currency), updated in the same transaction as each write that changes a figure
(timeline/services/penalty_totals.py) and rebuilt from the records by ``sync_timeline``. It is
derived data: no audit trail, never edited by hand.
"""

from django.db import models
from django.db.models import Q

from timeline.models.common import MONEY_DECIMAL_PLACES, currency_constraint

# Sums of many amounts need more digits than one amount.
TOTAL_MAX_DIGITS = 30


def total_field(verbose_name):
    return models.DecimalField(
        verbose_name, max_digits=TOTAL_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, default=0
    )


class PenaltyTotal(models.Model):
    """Sums over the top-level settlement components of one authority's actions in one year."""

    authority = models.ForeignKey(
        "timeline.Entity", verbose_name="authority", on_delete=models.CASCADE, related_name="penalty_totals"
    )
    # The settlement's agreed date, else its approval date, else the action's resolution date; None if none.
    year = models.IntegerField("year", null=True, blank=True)
    currency = models.CharField("currency", max_length=3)
    gross = total_field("gross")
    suspended = total_field("suspended")
    credited = total_field("credited")
    components = models.IntegerField("components", default=0)

    class Meta:
        ordering = ["authority", "year", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "year", "currency"], name="timeline_penaltytotal_unique"),
            # NULL years are distinct to a plain UNIQUE: this keeps one undated row per authority and currency.
            models.UniqueConstraint(
                fields=["authority", "currency"],
                condition=Q(year__isnull=True),
                name="timeline_penaltytotal_undated_unique",
            ),
            currency_constraint("penaltytotal", "currency"),
            models.CheckConstraint(
                condition=Q(gross__gte=0) & Q(suspended__gte=0) & Q(credited__gte=0) & Q(components__gte=0),
                name="timeline_penaltytotal_non_negative",
            ),
        ]

    def __str__(self):
        return f"{self.authority_id} {self.year} {self.currency}"
