"""Fixed values of the synthetic data: date range, status mixes by action type, labels, helpers."""

import datetime
from decimal import Decimal

from timeline.models import (
    ActionStatus,
    ActionType,
    ChargeDisposition,
    ClaimStatus,
    ClemencyKind,
    ClemencyStatus,
    ComponentKind,
    EventType,
    SettlementKind,
)
from timeline.models.common import DatePrecision
from timeline.services.synthetic.plan import WeightedChoice

PREFIX = "syn-"
FIRST_DAY = datetime.date(1998, 1, 1).toordinal()
LAST_DAY = datetime.date(2025, 10, 31).toordinal()
DAY, MONTH, YEAR = DatePrecision.DAY.value, DatePrecision.MONTH.value, DatePrecision.YEAR.value
FACT = ClaimStatus.FACT.value
UTC = datetime.UTC

STATUS_BY_TYPE = {
    ActionType.CRIMINAL: WeightedChoice(
        [
            (ActionStatus.PENDING, 18),
            (ActionStatus.INVESTIGATION, 3),
            (ActionStatus.PLEA, 38),
            (ActionStatus.CONVICTED, 14),
            (ActionStatus.PARTIAL_VERDICT, 2),
            (ActionStatus.ACQUITTED, 3),
            (ActionStatus.SETTLED, 8),
            (ActionStatus.DISMISSED_WITH_PREJUDICE, 4),
            (ActionStatus.DISMISSED_WITHOUT_PREJUDICE, 4),
            (ActionStatus.WITHDRAWN, 2),
            (ActionStatus.CLOSED, 4),
        ]
    ),
    ActionType.CIVIL: WeightedChoice(
        [
            (ActionStatus.PENDING, 20),
            (ActionStatus.SETTLED, 45),
            (ActionStatus.JUDGMENT, 15),
            (ActionStatus.DISMISSED_WITH_PREJUDICE, 5),
            (ActionStatus.DISMISSED_WITHOUT_PREJUDICE, 4),
            (ActionStatus.WITHDRAWN, 3),
            (ActionStatus.CLOSED, 8),
        ]
    ),
    ActionType.ADMINISTRATIVE: WeightedChoice(
        [
            (ActionStatus.PENDING, 10),
            (ActionStatus.INVESTIGATION, 5),
            (ActionStatus.SETTLED, 65),
            (ActionStatus.JUDGMENT, 5),
            (ActionStatus.WITHDRAWN, 3),
            (ActionStatus.CLOSED, 12),
        ]
    ),
}
DISPOSITION_BY_STATUS = {
    ActionStatus.PENDING: ChargeDisposition.PENDING,
    ActionStatus.INVESTIGATION: ChargeDisposition.PENDING,
    ActionStatus.PLEA: ChargeDisposition.PLEADED_GUILTY,
    ActionStatus.CONVICTED: ChargeDisposition.CONVICTED,
    ActionStatus.PARTIAL_VERDICT: ChargeDisposition.CONVICTED,
    ActionStatus.ACQUITTED: ChargeDisposition.ACQUITTED,
    ActionStatus.SETTLED: ChargeDisposition.SETTLED,
    ActionStatus.JUDGMENT: ChargeDisposition.CONVICTED,
    ActionStatus.DISMISSED_WITH_PREJUDICE: ChargeDisposition.DISMISSED,
    ActionStatus.DISMISSED_WITHOUT_PREJUDICE: ChargeDisposition.DISMISSED,
    ActionStatus.WITHDRAWN: ChargeDisposition.WITHDRAWN,
    ActionStatus.CLOSED: ChargeDisposition.SETTLED,
}
SETTLEMENT_KINDS = {
    ActionType.CRIMINAL: (SettlementKind.PLEA_AGREEMENT, SettlementKind.DEFERRED_PROSECUTION),
    ActionType.CIVIL: (SettlementKind.CONSENT_ORDER, SettlementKind.FINAL_JUDGMENT),
    ActionType.ADMINISTRATIVE: (SettlementKind.CONSENT_ORDER, SettlementKind.SETTLEMENT_AGREEMENT),
}
COMPONENT_KINDS = {
    ActionType.CRIMINAL: (ComponentKind.CRIMINAL_FINE, ComponentKind.CRIMINAL_FORFEITURE, ComponentKind.RESTITUTION),
    ActionType.CIVIL: (
        ComponentKind.CIVIL_MONEY_PENALTY,
        ComponentKind.DISGORGEMENT,
        ComponentKind.PREJUDGMENT_INTEREST,
    ),
    ActionType.ADMINISTRATIVE: (ComponentKind.CIVIL_MONEY_PENALTY, ComponentKind.SANCTIONS_SETTLEMENT),
}
FILING_VERBS = {"criminal": "charges", "civil": "sues", "administrative": "opens proceedings"}
STATUS_LABELS = {value: str(label) for value, label in ActionStatus.choices}
SETTLEMENT_LABELS = {value: str(label) for value, label in SettlementKind.choices}
CLEMENCY_KIND_LABELS = {value: str(label) for value, label in ClemencyKind.choices}
CLEMENCY_STATUS_LABELS = {value: str(label) for value, label in ClemencyStatus.choices}
CLAIM_LABELS = {value: str(label) for value, label in ClaimStatus.choices}
CURRENCY_BY_COUNTRY = {"GB": "GBP", "FR": "EUR", "DE": "EUR", "SG": "SGD"}
PARTY_COUNT = WeightedChoice([(1, 60), (2, 25), (3, 10), (4, 3), (5, 2)])
FREE_EVENT_COUNT = WeightedChoice([(1, 15), (2, 25), (3, 30), (4, 20), (5, 10)])
FREE_EVENT_TYPE = WeightedChoice(
    [
        (EventType.PRESS_REPORT, 50),
        (EventType.STATEMENT, 20),
        (EventType.COURT_ORDER, 15),
        (EventType.UNSEALING, 5),
        (EventType.OTHER, 10),
    ]
)
CUSTODY_MONTHS = WeightedChoice([(4, 6), (6, 8), (12, 10), (18, 8), (24, 10), (36, 10), (60, 8), (120, 4), (240, 1)])


def at_precision(ordinal, precision):
    """Move a date to the first day of its precision, as the models require."""
    if precision == DAY:
        return ordinal
    value = datetime.date.fromordinal(ordinal)
    if precision == MONTH:
        return value.replace(day=1).toordinal()
    return value.replace(month=1, day=1).toordinal()


def cents(value):
    """Integer cents to an exact two-place Decimal (no float rounding anywhere)."""
    return Decimal(f"{value // 100}.{value % 100:02d}")
