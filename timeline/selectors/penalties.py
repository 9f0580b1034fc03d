"""Penalty totals, gross and net of credits, so no dollar paid once is counted twice.

For a set of settlement components (breakdown parts excluded):
  gross     = sum of amounts
  suspended = sum of amounts payable only on breach
  credited  = sum of credits on those components (credited against / deemed satisfied by
              another component's payment, which is counted in full where it stands)
  net       = gross - suspended - credited
Nets of disjoint groups therefore add up to the net of their union.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, ExtractYear

from timeline.models import Credit, SettlementComponent

ZERO = Decimal("0.00")

# group_by name -> (component path to the group's key, path to its label)
GROUPINGS = {
    "authority": ("settlement__action__authority__slug", "settlement__action__authority__name"),
    "entity": ("payer__slug", "payer__name"),
    "case": ("settlement__action__case__slug", "settlement__action__case__title"),
    "year": ("year", "year"),
    "currency": ("currency", "currency"),
}


@dataclass
class PenaltyTotal:
    group: str | int | None
    label: str | int | None
    currency: str
    gross: Decimal = ZERO
    suspended: Decimal = ZERO
    credited: Decimal = ZERO
    components: int = 0

    @property
    def net(self):
        return self.gross - self.suspended - self.credited

    def as_dict(self):
        return {
            "group": self.group,
            "label": self.label,
            "currency": self.currency,
            "gross": self.gross,
            "credited": self.credited,
            "suspended": self.suspended,
            "net": self.net,
            "components": self.components,
        }


def _with_year(queryset, prefix=""):
    settlement = f"{prefix}settlement__"
    return queryset.annotate(
        year=ExtractYear(
            Coalesce(F(f"{settlement}agreed_on"), F(f"{settlement}approved_on"), F(f"{settlement}action__resolved_on"))
        )
    )


def penalty_totals(components=None, group_by="currency"):
    """Totals per group and currency over ``components`` (a SettlementComponent queryset).

    Runs two grouped queries whatever the number of components.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {sorted(GROUPINGS)}")
    if components is None:
        components = SettlementComponent.objects.all()
    components = components.filter(part_of__isnull=True)
    key_path, label_path = GROUPINGS[group_by]
    if group_by == "year":
        components = _with_year(components)
    rows = (
        components.order_by()
        .values(key_path, label_path, "currency")
        .annotate(gross=Sum("amount"), suspended=Sum("suspended_amount"), count=Count("id"))
    )
    totals = {}
    for row in rows:
        key = (row[key_path], row["currency"])
        totals[key] = PenaltyTotal(
            group=row[key_path],
            label=row[label_path],
            currency=row["currency"],
            gross=row["gross"] or ZERO,
            suspended=row["suspended"] or ZERO,
            components=row["count"],
        )

    credits = Credit.objects.filter(component__in=components.values("pk"))
    credit_key = f"component__{key_path}" if group_by != "year" else "year"
    if group_by == "year":
        credits = _with_year(credits, prefix="component__")
    for row in credits.order_by().values(credit_key, "currency").annotate(credited=Sum("amount")):
        key = (row[credit_key], row["currency"])
        if key in totals:
            totals[key].credited += row["credited"] or ZERO
    return sorted(totals.values(), key=lambda total: (str(total.group), total.currency))
