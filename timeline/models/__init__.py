"""The domain model of timeline, split by sub-domain; import from here."""

from timeline.models.actions import (
    ActionParty,
    ActionStatus,
    ActionType,
    Charge,
    ChargeDisposition,
    ChargeStatute,
    EnforcementAction,
    PartyRole,
    Statute,
)
from timeline.models.cases import Case, CaseKind
from timeline.models.common import ClaimStatus, DatePrecision
from timeline.models.data_version import DataVersion
from timeline.models.entities import (
    Entity,
    EntityAlias,
    EntityIdentifier,
    EntityKind,
    EntityRelationship,
    IdentifierScheme,
    RelationshipKind,
)
from timeline.models.events import Event, EventType, FactField
from timeline.models.money import (
    ComponentKind,
    Credit,
    CreditEvidence,
    CreditKind,
    CreditQuantum,
    Monitor,
    Restriction,
    RestrictionKind,
    Settlement,
    SettlementComponent,
    SettlementKind,
)
from timeline.models.people import (
    ClemencyKind,
    ClemencyStatus,
    PardonRequest,
    PardonStatusChange,
    Sentence,
)
from timeline.models.sources import PRIMARY_SOURCE_KINDS, Source, SourceKind
from timeline.models.totals import PenaltyTotal

__all__ = [
    "PRIMARY_SOURCE_KINDS",
    "ActionParty",
    "ActionStatus",
    "ActionType",
    "Case",
    "CaseKind",
    "Charge",
    "ChargeDisposition",
    "ChargeStatute",
    "ClaimStatus",
    "ClemencyKind",
    "ClemencyStatus",
    "ComponentKind",
    "Credit",
    "CreditEvidence",
    "CreditKind",
    "CreditQuantum",
    "DataVersion",
    "DatePrecision",
    "EnforcementAction",
    "Entity",
    "EntityAlias",
    "EntityIdentifier",
    "EntityKind",
    "EntityRelationship",
    "Event",
    "EventType",
    "FactField",
    "IdentifierScheme",
    "Monitor",
    "PardonRequest",
    "PardonStatusChange",
    "PartyRole",
    "PenaltyTotal",
    "RelationshipKind",
    "Restriction",
    "RestrictionKind",
    "Sentence",
    "Settlement",
    "SettlementComponent",
    "SettlementKind",
    "Source",
    "SourceKind",
    "Statute",
]
