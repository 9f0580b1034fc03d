"""How a case's gross amounts come down to what is paid, step by step, from its own records.

Officials often announce one figure for several coordinated resolutions; the records hold every
agency's amount and the credits between them. The steps start at the gross sum, take off each
suspended amount and each stated credit (net, an upper bound), then the most each credit without
a documented amount can take (the floor). Each step says where it comes from: a credit's own
evidence (primary, reported, inferred), or for a suspended amount whether its component cites a
primary source. Per payer, a floor equal to a settlement's stated total is pointed out: that is
the total the other amounts nest within.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from timeline.models import PRIMARY_SOURCE_KINDS, Credit, CreditQuantum, Settlement, SettlementComponent
from timeline.selectors.penalties import penalty_totals

ZERO = Decimal("0.00")
PRIMARY = "primary"
REPORTED = "reported"


@dataclass
class Step:
    label: str
    change: Decimal | None
    running: Decimal | None
    evidence: str
    record: str = ""
    up_to: bool = False


@dataclass
class Reconciliation:
    currency: str
    steps: list = field(default_factory=list)
    gross: Decimal = ZERO
    net: Decimal = ZERO
    net_lower: Decimal = ZERO
    headline_amount: Decimal | None = None
    # (payer name, floor, settlement whose stated total equals the floor or None)
    payers: list = field(default_factory=list)


def _has_primary(sources):
    return any(source.kind in PRIMARY_SOURCE_KINDS for source in sources)


def case_reconciliation(case):
    """One Reconciliation per currency of ``case``'s top-level amounts, in currency order."""
    components = list(
        SettlementComponent.objects.filter(settlement__action__case=case, part_of__isnull=True)
        .select_related("payer", "settlement__action__authority")
        .prefetch_related(
            "sources",
            Prefetch("credits", queryset=Credit.objects.prefetch_related("sources").order_by("key")),
        )
        .order_by("settlement__action__authority__name", "key")
    )
    results = {}
    for component in components:
        result = results.setdefault(component.currency, Reconciliation(currency=component.currency))
        result.gross += component.amount
    for currency, result in results.items():
        running = result.gross
        result.steps.append(Step("Gross: every amount announced", None, running, ""))
        mine = [component for component in components if component.currency == currency]
        for component in mine:
            if component.suspended_amount:
                running -= component.suspended_amount
                evidence = PRIMARY if _has_primary(component.sources.all()) else REPORTED
                label = f"Suspended, payable only on breach ({component.settlement.action.authority.name})"
                result.steps.append(Step(label, -component.suspended_amount, running, evidence, component.key))
        for component in mine:
            for credit in component.credits.all():
                if credit.quantum == CreditQuantum.STATED:
                    running -= credit.amount
                    label = f"{credit.get_kind_display()}: {component.settlement.action.authority.name}"
                    result.steps.append(Step(label, -credit.amount, running, credit.evidence, credit.key))
        result.net = running
        result.steps.append(Step("Net of stated credits (the most that is paid)", None, running, ""))
        totals = {total.currency: total for total in penalty_totals(_queryset(mine), group_by="currency")}
        total = totals.get(currency)
        if total is not None:
            for unquantified in total.unquantified_credits:
                running -= unquantified.most
                label = f"Credited, amount not documented: {unquantified.component}"
                result.steps.append(
                    Step(label, -unquantified.most, running, unquantified.evidence, unquantified.key, up_to=True)
                )
        result.net_lower = running
        if result.net_lower != result.net:
            result.steps.append(Step("Floor: the least that is paid", None, running, ""))
        if case.headline_amount is not None and case.headline_currency == currency:
            result.headline_amount = case.headline_amount
        result.payers = _payer_floors(case, mine)
    return [results[currency] for currency in sorted(results)]


def _queryset(components):
    return SettlementComponent.objects.filter(pk__in=[component.pk for component in components])


def _payer_floors(case, components):
    """Per payer, the least it pays, and the settlement whose stated total that is, if any."""
    stated = {
        (settlement.stated_total, settlement.stated_total_currency): settlement
        for settlement in Settlement.objects.filter(action__case=case, stated_total__isnull=False)
    }
    floors = []
    for total in penalty_totals(_queryset(components), group_by="entity"):
        settlement = stated.get((total.net_lower, total.currency))
        floors.append((total.label, total.net_lower, total.net, settlement))
    return floors
