"""Keep the timeline in line with the facts it mirrors.

Every dated fact (an action filed or resolved, a settlement agreed, a sentence imposed and
served, a clemency step, a relationship starting or ending) has exactly one Event carrying
``fact_field``. Faces that write facts (admin, API, loaders) call :func:`events_sync` after
the write; ``manage.py sync_timeline`` and :func:`events_sync_all` repair a whole database.
"""

from dataclasses import dataclass, field

from django.db import transaction

from timeline.models import (
    ActionType,
    ClaimStatus,
    EnforcementAction,
    EntityRelationship,
    Event,
    EventType,
    FactField,
    PardonRequest,
    PardonStatusChange,
    Sentence,
    Settlement,
)
from timeline.models.actions import ActionStatus
from timeline.models.common import DatePrecision
from timeline.models.events import FACT_FIELD_LINK
from timeline.models.people import ClemencyStatus

RESOLUTION_EVENT_TYPES = {
    ActionStatus.DISMISSED_WITH_PREJUDICE: EventType.DISMISSAL,
    ActionStatus.DISMISSED_WITHOUT_PREJUDICE: EventType.DISMISSAL,
    ActionStatus.WITHDRAWN: EventType.DISMISSAL,
    ActionStatus.SETTLED: EventType.SETTLEMENT,
    ActionStatus.ACQUITTED: EventType.VERDICT,
    ActionStatus.CONVICTED: EventType.VERDICT,
    ActionStatus.PARTIAL_VERDICT: EventType.VERDICT,
}


@dataclass
class EventSpec:
    """What the event mirroring one dated fact must say."""

    fact_field: str
    link: object
    key: str
    date: object
    precision: str
    event_type: str
    title: str
    case_id: int | None
    entity_ids: set = field(default_factory=set)
    source_ids: set = field(default_factory=set)
    claim_status: str = ClaimStatus.FACT
    claimed_by_id: int | None = None


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    def add(self, other):
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted


def _source_ids(obj):
    return {source.pk for source in obj.sources.all()}


def _action_entity_ids(action):
    return {action.authority_id, *(party.entity_id for party in action.parties.all())}


def action_specs(action):
    """Filing and resolution of an action; an order issued and resolved the same day is one event."""
    entity_ids = _action_entity_ids(action)
    sources = _source_ids(action)
    same_day_order = (
        action.action_type == ActionType.ADMINISTRATIVE
        and action.filed_on is not None
        and action.filed_on == action.resolved_on
    )
    filed = None
    if action.filed_on and not same_day_order:
        verb = {"criminal": "charges", "civil": "sues", "administrative": "opens proceedings"}[action.action_type]
        filed = EventSpec(
            FactField.ACTION_FILED,
            action,
            f"{action.slug}-filed",
            action.filed_on,
            action.filed_precision,
            EventType.FILING,
            f"{action.authority.name} {verb}: {action.caption}",
            action.case_id,
            entity_ids,
            sources,
        )
    resolved = None
    if action.resolved_on:
        resolved = EventSpec(
            FactField.ACTION_RESOLVED,
            action,
            f"{action.slug}-resolved",
            action.resolved_on,
            action.resolved_precision,
            RESOLUTION_EVENT_TYPES.get(action.status, EventType.JUDGMENT),
            f"{action.caption}: {action.get_status_display().lower()}",
            action.case_id,
            entity_ids,
            sources,
        )
    return {FactField.ACTION_FILED: filed, FactField.ACTION_RESOLVED: resolved}


def settlement_specs(settlement):
    """A settlement's agreement date, unless it is the day its action was resolved (already on the timeline)."""
    action = settlement.action
    spec = None
    if settlement.agreed_on and settlement.agreed_on != action.resolved_on:
        payer_ids = {component.payer_id for component in settlement.components.all()}
        spec = EventSpec(
            FactField.SETTLEMENT_AGREED,
            settlement,
            f"{settlement.slug}-agreed",
            settlement.agreed_on,
            settlement.agreed_precision,
            EventType.SETTLEMENT,
            f"{settlement.get_kind_display()}: {settlement.title}",
            action.case_id,
            {action.authority_id, *payer_ids},
            _source_ids(settlement),
        )
    return {FactField.SETTLEMENT_AGREED: spec}


def sentence_specs(sentence):
    action = sentence.action
    entity_ids = {sentence.defendant_id, action.authority_id}
    sources = _source_ids(sentence)
    name = sentence.defendant.name
    specs = {
        FactField.SENTENCE_IMPOSED: EventSpec(
            FactField.SENTENCE_IMPOSED,
            sentence,
            f"{action.slug}-{sentence.defendant.slug}-sentenced",
            sentence.sentenced_on,
            DatePrecision.DAY,
            EventType.SENTENCING,
            f"{name} sentenced to {sentence.custody_display}",
            action.case_id,
            entity_ids,
            sources,
        ),
        FactField.SENTENCE_REPORTED: None,
        FactField.SENTENCE_RELEASED: None,
    }
    if sentence.report_date:
        specs[FactField.SENTENCE_REPORTED] = EventSpec(
            FactField.SENTENCE_REPORTED,
            sentence,
            f"{action.slug}-{sentence.defendant.slug}-reported",
            sentence.report_date,
            sentence.report_precision,
            EventType.CUSTODY,
            f"{name} reports to prison" + (f" ({sentence.facility})" if sentence.facility else ""),
            action.case_id,
            entity_ids,
            sources,
        )
    if sentence.released_on:
        specs[FactField.SENTENCE_RELEASED] = EventSpec(
            FactField.SENTENCE_RELEASED,
            sentence,
            f"{action.slug}-{sentence.defendant.slug}-released",
            sentence.released_on,
            DatePrecision.DAY,
            EventType.RELEASE,
            f"{name} released from custody",
            action.case_id,
            entity_ids,
            sources,
        )
    return specs


def status_change_specs(change):
    request = change.pardon_request
    first_action = next(iter(request.actions.all()), None)
    entity_ids = {request.person_id}
    if change.claimed_by_id:
        entity_ids.add(change.claimed_by_id)
    if change.status == ClemencyStatus.GRANTED and request.granted_by_id:
        entity_ids.add(request.granted_by_id)
    title = f"{request.get_kind_display()} for {request.person.name}: {change.get_status_display().lower()}"
    if change.claim_status != ClaimStatus.FACT:
        title += f" ({change.get_claim_status_display().lower()} by {change.claimed_by.name})"
    return {
        FactField.CLEMENCY_STEP: EventSpec(
            FactField.CLEMENCY_STEP,
            change,
            f"{change.key}-event",
            change.date,
            change.date_precision,
            EventType.CLEMENCY,
            title,
            first_action.case_id if first_action else None,
            entity_ids,
            _source_ids(change),
            change.claim_status,
            change.claimed_by_id,
        )
    }


def relationship_specs(relationship):
    entity_ids = {relationship.subject_id, relationship.object_id}
    sources = _source_ids(relationship)
    role = relationship.title or relationship.get_kind_display()
    specs = {FactField.RELATIONSHIP_START: None, FactField.RELATIONSHIP_END: None}
    base = f"{relationship.subject.slug}-{relationship.kind}-{relationship.object.slug}".replace("_", "-")
    if relationship.start_date:
        specs[FactField.RELATIONSHIP_START] = EventSpec(
            FactField.RELATIONSHIP_START,
            relationship,
            f"{base}-start",
            relationship.start_date,
            relationship.start_precision,
            EventType.RELATIONSHIP,
            f"{relationship.subject.name} becomes {role} ({relationship.object.name})",
            relationship.case_id,
            entity_ids,
            sources,
        )
    if relationship.end_date:
        specs[FactField.RELATIONSHIP_END] = EventSpec(
            FactField.RELATIONSHIP_END,
            relationship,
            f"{base}-end",
            relationship.end_date,
            relationship.end_precision,
            EventType.RELATIONSHIP,
            f"{relationship.subject.name} ceases to be {role} ({relationship.object.name})",
            relationship.case_id,
            entity_ids,
            sources,
        )
    return specs


SPEC_BUILDERS = {
    EnforcementAction: action_specs,
    Settlement: settlement_specs,
    Sentence: sentence_specs,
    PardonStatusChange: status_change_specs,
    EntityRelationship: relationship_specs,
}


def _free_key(key):
    """``key``, or the first ``key-2``, ``key-3`` ... no other event holds (an editor may have used it)."""
    key = key[: Event._meta.get_field("key").max_length - 4]
    taken = set(Event.objects.filter(key__startswith=key).values_list("key", flat=True))
    candidate, number = key, 1
    while candidate in taken:
        number += 1
        candidate = f"{key}-{number}"
    return candidate


def _title(text):
    limit = Event._meta.get_field("title").max_length
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _apply(obj, specs):
    """Create, update or delete the mirrored events of one fact to match its specs."""
    report = SyncReport()
    link = FACT_FIELD_LINK[next(iter(specs))]
    existing = {event.fact_field: event for event in Event.objects.filter(**{link: obj}).exclude(fact_field="")}
    for fact_field, spec in specs.items():
        event = existing.get(fact_field)
        if spec is None:
            if event is not None:
                event.delete()
                report.deleted += 1
            continue
        if event is None:
            event = Event(key=_free_key(spec.key), fact_field=fact_field, title=_title(spec.title), **{link: obj})
            report.created += 1
            changed = True
        else:
            changed = False
        wanted = {
            "date": spec.date,
            "date_precision": spec.precision,
            "event_type": spec.event_type,
            "case_id": spec.case_id,
            "claim_status": spec.claim_status,
            "claimed_by_id": spec.claimed_by_id,
        }
        for attr, value in wanted.items():
            if getattr(event, attr) != value:
                setattr(event, attr, value)
                changed = True
        if changed:
            if event.pk:
                report.updated += 1
            event.full_clean(exclude=["key"] if event.pk else None, validate_unique=not event.pk)
            event.save()
        current_entities = set(event.entities.values_list("pk", flat=True))
        if current_entities != spec.entity_ids:
            event.entities.set(spec.entity_ids)
            if not changed:
                report.updated += 1
                changed = True
        missing_sources = spec.source_ids - set(event.sources.values_list("pk", flat=True))
        if missing_sources:
            event.sources.add(*missing_sources)
            if not changed:
                report.updated += 1
    return report


@transaction.atomic
def events_sync(obj):
    """Bring the events mirroring ``obj`` (and the facts that hang off it) in line with it."""
    report = SyncReport()
    if isinstance(obj, EnforcementAction):
        report.add(_apply(obj, action_specs(obj)))
        for settlement in obj.settlements.all():
            report.add(_apply(settlement, settlement_specs(settlement)))
        for sentence in obj.sentences.all():
            report.add(_apply(sentence, sentence_specs(sentence)))
    elif isinstance(obj, PardonRequest):
        for change in obj.history.all():
            report.add(_apply(change, status_change_specs(change)))
    elif type(obj) in SPEC_BUILDERS:
        report.add(_apply(obj, SPEC_BUILDERS[type(obj)](obj)))
    return report


@transaction.atomic
def events_sync_all():
    """Repair every mirrored event in the database; returns what changed."""
    report = SyncReport()
    querysets = [
        EnforcementAction.objects.select_related("authority").prefetch_related("parties", "sources"),
        Settlement.objects.select_related("action").prefetch_related("components", "sources"),
        Sentence.objects.select_related("action", "defendant").prefetch_related("sources"),
        PardonStatusChange.objects.select_related("pardon_request__person", "claimed_by").prefetch_related(
            "pardon_request__actions", "sources"
        ),
        EntityRelationship.objects.select_related("subject", "object").prefetch_related("sources"),
    ]
    for queryset in querysets:
        builder = SPEC_BUILDERS[queryset.model]
        for obj in queryset:
            report.add(_apply(obj, builder(obj)))
    return report
