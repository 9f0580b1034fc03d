"""Penalty totals, gross and net of credits, so no dollar paid once is counted twice.

For a set of settlement components (breakdown parts excluded):
  gross     = sum of amounts
  suspended = sum of amounts payable only on breach
  credited  = sum of credits on those components (credited against / deemed satisfied by
              another component's payment, which is counted in full where it stands)
  net       = gross - suspended - credited
Nets of disjoint groups therefore add up to the net of their union. Only credits with a stated
amount count in ``credited``; credits documented as a bound, a share or with no amount make
``net`` an upper bound and ``net_lower`` the least it can be, and are named with the total
(selectors/credit_ranges.py).

Totals by authority, year or currency over every component, or over an authority, a range of
years or a currency, are read from the totals table (models/totals.py), a few thousand rows
however many actions there are; any other selection is added up from the components.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, ExtractYear

from timeline.models import Credit, CreditQuantum, SettlementComponent
from timeline.models.totals import PenaltyTotal as StoredTotal
from timeline.selectors.credit_ranges import credit_ranges

ZERO = Decimal("0.00")

# group_by name -> (component path to the group's key, path to its label)
GROUPINGS = {
    "authority": ("settlement__action__authority__slug", "settlement__action__authority__name"),
    "entity": ("payer__slug", "payer__name"),
    "case": ("settlement__action__case__slug", "settlement__action__case__title"),
    "year": ("year", "year"),
    "currency": ("currency", "currency"),
}
# The groupings the totals table holds: group_by name -> (its path to the key, to the label).
STORED_GROUPINGS = {
    "authority": ("authority__slug", "authority__name"),
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
    # The most that credits without a stated amount can still take off, and those credits.
    unquantified: Decimal = ZERO
    unquantified_credits: list = field(default_factory=list)

    @property
    def net(self):
        """Net of stated credits: exact when no credit is unquantified, else the upper bound."""
        return self.gross - self.suspended - self.credited

    @property
    def net_lower(self):
        return self.net - self.unquantified

    @property
    def net_is_range(self):
        return bool(self.unquantified_credits)

    def as_dict(self):
        return {
            "group": self.group,
            "label": self.label,
            "currency": self.currency,
            "gross": self.gross,
            "credited": self.credited,
            "suspended": self.suspended,
            "net": self.net,
            "net_lower": self.net_lower,
            "net_is_range": self.net_is_range,
            "unquantified_credits": [credit.as_dict() for credit in self.unquantified_credits],
            "components": self.components,
        }


@dataclass(frozen=True)
class PenaltyScope:
    """A selection the totals table can answer: one authority, a range of years, one currency.

    Each restriction is optional; an empty scope is every component. A year bound leaves out
    penalties with no date at all, as a date filter on the components does.
    """

    authority_id: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    currency: str | None = None

    def restrict_components(self, components):
        """The same selection over a SettlementComponent queryset."""
        if self.authority_id is not None:
            components = components.filter(settlement__action__authority_id=self.authority_id)
        if self.currency:
            components = components.filter(currency=self.currency)
        if self.year_from is not None or self.year_to is not None:
            components = components.alias(penalty_year=penalty_year())
        if self.year_from is not None:
            components = components.filter(penalty_year__gte=self.year_from)
        if self.year_to is not None:
            components = components.filter(penalty_year__lte=self.year_to)
        return components

    def restrict_totals(self, totals):
        """The same selection over a queryset of the totals table."""
        if self.authority_id is not None:
            totals = totals.filter(authority_id=self.authority_id)
        if self.currency:
            totals = totals.filter(currency=self.currency)
        if self.year_from is not None:
            totals = totals.filter(year__gte=self.year_from)
        if self.year_to is not None:
            totals = totals.filter(year__lte=self.year_to)
        return totals


def penalty_year(settlement="settlement__"):
    """The year a penalty counts for: its settlement's agreement, else approval, else the action's resolution.

    ``settlement`` is the lookup path from the queried model to the settlement ("" from Settlement).
    """
    return ExtractYear(
        Coalesce(F(f"{settlement}agreed_on"), F(f"{settlement}approved_on"), F(f"{settlement}action__resolved_on"))
    )


def penalty_totals(components=None, group_by="currency", scope=None):
    """Totals per group and currency over ``components`` (a SettlementComponent queryset, None for all).

    Without ``components``, and grouped by authority, year or currency, the totals table answers
    (restricted to ``scope``) in one query; otherwise two grouped queries over the components
    (restricted to ``scope`` too). Both give the same figures, labels and order.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {sorted(GROUPINGS)}")
    if components is None and group_by in STORED_GROUPINGS:
        return penalty_totals_from_table(group_by, scope)
    if components is None:
        components = SettlementComponent.objects.all()
    if scope is not None:
        components = scope.restrict_components(components)
    return penalty_totals_from_components(components, group_by)


def penalty_totals_from_table(group_by="currency", scope=None):
    """Totals per group and currency read from the totals table, in one query."""
    key_path, label_path = STORED_GROUPINGS[group_by]
    rows = StoredTotal.objects.all()
    if scope is not None:
        rows = scope.restrict_totals(rows)
    # A group counts only where it has a component in the currency, as in the component path, which
    # adds credits only to the (group, currency) pairs its components make.
    rows = (
        rows.order_by()
        .values(*dict.fromkeys([key_path, label_path, "currency"]))
        .annotate(
            gross_total=Sum("gross"),
            suspended_total=Sum("suspended"),
            credited_total=Sum("credited"),
            count=Sum("components"),
        )
        .filter(count__gt=0)
    )
    totals = {
        (row[key_path], row["currency"]): PenaltyTotal(
            group=row[key_path],
            label=row[label_path],
            currency=row["currency"],
            gross=row["gross_total"] or ZERO,
            suspended=row["suspended_total"] or ZERO,
            credited=row["credited_total"] or ZERO,
            components=row["count"],
        )
        for row in rows
    }
    components = SettlementComponent.objects.all()
    if scope is not None:
        components = scope.restrict_components(components)
    _add_credit_ranges(totals, components, group_by)
    return sorted(totals.values(), key=lambda total: (str(total.group), total.currency))


def _add_credit_ranges(totals, components, group_by):
    """Add to ``totals`` ({(group, currency): PenaltyTotal}) the credits whose amount is not stated."""
    annotate = ("year", penalty_year("component__settlement__")) if group_by == "year" else None
    for key, credit_range in credit_ranges(components, GROUPINGS[group_by][0], annotate).items():
        if key in totals:
            totals[key].unquantified += credit_range.most
            totals[key].unquantified_credits.extend(credit_range.credits)


def penalty_totals_from_components(components=None, group_by="currency"):
    """Totals per group and currency added up from ``components``, in two grouped queries."""
    if components is None:
        components = SettlementComponent.objects.all()
    components = components.filter(part_of__isnull=True)
    key_path, label_path = GROUPINGS[group_by]
    if group_by == "year":
        components = components.annotate(year=penalty_year())
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

    credits = Credit.objects.filter(component__in=components.values("pk"), quantum=CreditQuantum.STATED)
    credit_key = f"component__{key_path}" if group_by != "year" else "year"
    if group_by == "year":
        credits = credits.annotate(year=penalty_year("component__settlement__"))
    for row in credits.order_by().values(credit_key, "currency").annotate(credited=Sum("amount")):
        key = (row[credit_key], row["currency"])
        if key in totals:
            totals[key].credited += row["credited"] or ZERO
    _add_credit_ranges(totals, components, group_by)
    return sorted(totals.values(), key=lambda total: (str(total.group), total.currency))
