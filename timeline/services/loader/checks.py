"""Checks across records that no single model's clean() can make: amounts that must add up.

Each check reads the database inside the load's transaction, so it sees records from this load
merged with those already stored, and yields (object, field, message) for what does not add up.
"""

from decimal import Decimal

from django.db.models import Prefetch

from timeline.models import Settlement, SettlementComponent

ZERO = Decimal("0.00")
LISTED = 6


def _money(currency, amount):
    return f"{currency} {amount:,}"


def _listing(components):
    shown = [f"{component.key} {component.amount:,}" for component in components[:LISTED]]
    if len(components) > LISTED:
        shown.append(f"and {len(components) - LISTED} more")
    return ", ".join(shown) or "no components"


def settlement_total_problems(settlement_ids):
    """A stated total equals the sum of the settlement's top-level components in that currency.

    A settlement with a stated total and no components yet is left alone: its breakdown may come later.
    """
    top_level = SettlementComponent.objects.filter(part_of__isnull=True).order_by("key")
    settlements = Settlement.objects.filter(pk__in=settlement_ids, stated_total__isnull=False).prefetch_related(
        Prefetch("components", queryset=top_level)
    )
    for settlement in settlements:
        components = list(settlement.components.all())
        if not components:
            continue
        currency = settlement.stated_total_currency
        counted = [component for component in components if component.currency == currency]
        total = sum((component.amount for component in counted), ZERO)
        if total != settlement.stated_total:
            yield (
                settlement,
                "stated_total",
                f"the stated total {_money(currency, settlement.stated_total)} does not equal the sum of its "
                f"top-level components in {currency}, {_money(currency, total)} ({_listing(counted)})",
            )


def parts_problems(component_ids):
    """The parts of a component (its breakdown) add up to the component's amount."""
    wholes = SettlementComponent.objects.filter(pk__in=component_ids).prefetch_related(
        Prefetch("parts", queryset=SettlementComponent.objects.order_by("key"))
    )
    for whole in wholes:
        parts = list(whole.parts.all())
        if not parts:
            continue
        total = sum((part.amount for part in parts), ZERO)
        if total != whole.amount:
            yield (
                whole,
                "amount",
                f"its parts add up to {_money(whole.currency, total)} ({_listing(parts)}), "
                f"not its amount {_money(whole.currency, whole.amount)}",
            )


def credit_problems(component_ids):
    """Credits on a component never exceed what is payable on it (amount less the suspended part).

    Stated credits count in full, plus the largest bound or shared total of the others (each alone
    must fit beside the stated ones, as Credit.clean() asks).
    """
    components = SettlementComponent.objects.filter(pk__in=component_ids).prefetch_related("credits")
    for component in components:
        credits = [credit for credit in component.credits.all() if credit.currency == component.currency]
        credited = sum((credit.amount for credit in credits if credit.is_quantified), ZERO)
        bounds = [credit.amount for credit in credits if not credit.is_quantified and credit.amount is not None]
        credited += max(bounds, default=ZERO)
        payable = component.amount - component.suspended_amount
        if credited > payable:
            keys = ", ".join(sorted(credit.key for credit in component.credits.all()))
            yield (
                component,
                "amount",
                f"credits on it ({keys}) total {_money(component.currency, credited)}, more than is payable: "
                f"{_money(component.currency, payable)} (amount less suspended amount)",
            )
