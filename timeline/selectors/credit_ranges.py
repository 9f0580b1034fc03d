"""Credits documented without a stated amount, and the range they leave the net in.

A credit given as a bound ("up to"), as an unknown share of a stated total, or with no amount at
all is a documented relation: some of the component is paid through another component, but how
much is not on the record. Net totals subtract only stated credits, so they are an upper bound;
these credits give the most that may still come off, which makes the lower bound.

Per credited component the most they can take is what is payable on it (amount less suspended
amount less its stated credits), and never more than their bounds: each "up to" bound, each
distinct shared total once; a credit with no amount may take all that is payable.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from timeline.models import Credit, CreditQuantum

ZERO = Decimal("0.00")


@dataclass
class UnquantifiedCredit:
    """One credit whose amount is not stated, with the most it can take off its component."""

    key: str
    component: str
    kind: str
    quantum: str
    amount: Decimal | None
    currency: str
    evidence: str
    most: Decimal

    def as_dict(self):
        return {
            "key": self.key,
            "component": self.component,
            "kind": self.kind,
            "amount_given_as": self.quantum,
            "amount": self.amount,
            "currency": self.currency,
            "evidence": self.evidence,
            "at_most": self.most,
        }


@dataclass
class CreditRange:
    """What the unquantified credits of one group and currency can take off its net, and which they are."""

    most: Decimal = ZERO
    credits: list = field(default_factory=list)


def _component_most(payable, rows):
    """The most these unquantified credits can take together from one component with ``payable`` left."""
    if any(row["quantum"] == CreditQuantum.UNKNOWN for row in rows):
        return payable
    bounds = sum((row["amount"] for row in rows if row["quantum"] == CreditQuantum.UP_TO), ZERO)
    bounds += sum({row["amount"] for row in rows if row["quantum"] == CreditQuantum.SHARE}, ZERO)
    return min(payable, bounds)


def credit_ranges(components, group_path, annotate=None):
    """{(group, currency): CreditRange} for the unquantified credits on the top-level ``components``.

    ``group_path`` is the path from a component to its group key; ``annotate`` (name, expression over
    a credit) adds a computed key first, as the year of a penalty is.
    """
    stated = (
        Credit.objects.filter(component=OuterRef("component"), quantum=CreditQuantum.STATED)
        .order_by()
        .values("component")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=30, decimal_places=2)
    credits = Credit.objects.filter(component__in=components.filter(part_of__isnull=True).values("pk")).exclude(
        quantum=CreditQuantum.STATED
    )
    group = f"component__{group_path}"
    if annotate is not None:
        name, expression = annotate
        credits = credits.annotate(**{name: expression})
        group = name
    rows = credits.order_by("component_id", "key").values(
        "key",
        "kind",
        "quantum",
        "amount",
        "currency",
        "evidence",
        "component_id",
        component_key=F("component__key"),
        group=F(group),
        payable=F("component__amount") - F("component__suspended_amount"),
        stated=Coalesce(Subquery(stated, output_field=money), Value(ZERO), output_field=money),
    )
    by_component = defaultdict(list)
    for row in rows:
        by_component[row["component_id"]].append(row)
    ranges = defaultdict(CreditRange)
    for component_rows in by_component.values():
        first = component_rows[0]
        payable = max(first["payable"] - first["stated"], ZERO)
        credit_range = ranges[(first["group"], first["currency"])]
        credit_range.most += _component_most(payable, component_rows)
        for row in component_rows:
            most = payable if row["amount"] is None else min(payable, row["amount"])
            credit_range.credits.append(
                UnquantifiedCredit(
                    key=row["key"],
                    component=row["component_key"],
                    kind=row["kind"],
                    quantum=row["quantum"],
                    amount=row["amount"],
                    currency=row["currency"],
                    evidence=row["evidence"],
                    most=most,
                )
            )
    return dict(ranges)
