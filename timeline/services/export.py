"""Export timeline records in the editor format: natural keys, no primary keys, sources inline.

The output is what ``load_timeline`` and plain ``loaddata`` read: every record follows the records
it references, and every record referenced (sources, entities, statutes, the actions a credit's
components belong to, ...) is in the file, so it loads into an empty database.
"""

from collections import defaultdict

from django.core import serializers
from django.db.models import Q

from timeline.models import (
    ActionParty,
    Case,
    Charge,
    ChargeStatute,
    Credit,
    EnforcementAction,
    Entity,
    EntityAlias,
    EntityIdentifier,
    EntityRelationship,
    Event,
    Monitor,
    PardonRequest,
    PardonStatusChange,
    Restriction,
    Sentence,
    Settlement,
    SettlementComponent,
)
from timeline.services.loader.schema import editor_models, many_to_many, normalize_key, self_references

CHUNK = 500
FORMATS = ("json", "yaml")


def _ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def _case_records(cases):
    """Everything that belongs to the cases: their proceedings, outcomes, clemency and timeline."""
    actions = EnforcementAction.objects.filter(case__in=cases)
    settlements = Settlement.objects.filter(action__in=actions)
    components = SettlementComponent.objects.filter(settlement__in=settlements)
    sentences = Sentence.objects.filter(action__in=actions)
    charges = Charge.objects.filter(action__in=actions)
    requests = PardonRequest.objects.filter(Q(actions__in=actions) | Q(sentences__in=sentences))
    changes = PardonStatusChange.objects.filter(pardon_request__in=requests)
    involved = (
        _ids(Entity.objects.filter(party_roles__action__in=actions))
        | _ids(Entity.objects.filter(payments__settlement__in=settlements))
        | _ids(Entity.objects.filter(sentences__in=sentences))
        | _ids(Entity.objects.filter(pardon_requests__in=requests))
    )
    relationships = EntityRelationship.objects.filter(Q(subject__in=involved) | Q(object__in=involved))
    events = Event.objects.filter(
        Q(case__in=cases)
        | Q(action__in=actions)
        | Q(settlement__in=settlements)
        | Q(sentence__in=sentences)
        | Q(status_change__in=changes)
        | Q(relationship__in=relationships)
    )
    querysets = [
        Case.objects.filter(pk__in=[case.pk for case in cases]),
        actions,
        ActionParty.objects.filter(action__in=actions),
        charges,
        ChargeStatute.objects.filter(charge__in=charges),
        settlements,
        components,
        Credit.objects.filter(component__in=components),
        Monitor.objects.filter(settlement__in=settlements),
        Restriction.objects.filter(settlement__in=settlements),
        sentences,
        requests,
        changes,
        relationships,
        events,
    ]
    return {queryset.model: _ids(queryset) for queryset in querysets}


def _entity_records(entities):
    """An entity's own records, and every case it takes part in, brings or hears."""
    involvement = Q()
    for path in (
        "actions__parties__entity",
        "actions__authority",
        "actions__court",
        "actions__judge",
        "actions__settlements__components__payer",
        "actions__settlements__restrictions__subject",
        "actions__sentences__defendant",
        "actions__pardon_requests__person",
    ):
        involvement |= Q(**{f"{path}__in": entities})
    selected = _case_records(list(Case.objects.filter(involvement).distinct()))
    requests = PardonRequest.objects.filter(person__in=entities)
    changes = PardonStatusChange.objects.filter(pardon_request__in=requests)
    relationships = EntityRelationship.objects.filter(Q(subject__in=entities) | Q(object__in=entities))
    own = [
        Entity.objects.filter(pk__in=[entity.pk for entity in entities]),
        requests,
        changes,
        relationships,
        Event.objects.filter(
            Q(entities__in=entities) | Q(status_change__in=changes) | Q(relationship__in=relationships)
        ),
    ]
    for queryset in own:
        selected.setdefault(queryset.model, set()).update(_ids(queryset))
    return selected


def _chunks(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _add_references(selected):
    """Grow the selection until every foreign key and many-to-many target is in it."""
    pending = {model: set(ids) for model, ids in selected.items()}
    while pending:
        found = defaultdict(set)
        for model, ids in pending.items():
            links = [field for field in model._meta.concrete_fields if field.many_to_one]
            for chunk in _chunks(ids):
                if links:
                    rows = model._default_manager.filter(pk__in=chunk).values_list(*[f.attname for f in links])
                    for row in rows:
                        for field, value in zip(links, row, strict=True):
                            if value is not None:
                                found[field.related_model].add(value)
                for field in many_to_many(model).values():
                    through = field.remote_field.through
                    owner = through._meta.get_field(field.m2m_field_name()).attname
                    target = through._meta.get_field(field.m2m_reverse_field_name()).attname
                    rows = through.objects.filter(**{f"{owner}__in": chunk}).values_list(target, flat=True)
                    found[field.related_model].update(rows)
        pending = {}
        for model, ids in found.items():
            new = ids - selected.setdefault(model, set())
            if new:
                selected[model] |= new
                pending[model] = new


def _add_companions(selected):
    """Records that travel with a record exported: an entity's aliases and identifiers, and a
    settlement's every component, so that its stated total still adds up. Returns whether any was new."""
    companions = [
        (EntityAlias.objects.filter(entity__in=selected.get(Entity, set()))),
        (EntityIdentifier.objects.filter(entity__in=selected.get(Entity, set()))),
        (SettlementComponent.objects.filter(settlement__in=selected.get(Settlement, set()))),
    ]
    grown = False
    for queryset in companions:
        new = _ids(queryset) - selected.setdefault(queryset.model, set())
        if new:
            selected[queryset.model] |= new
            grown = True
    return grown


def _in_load_order(model, objects):
    """By natural key, with any record a same-model record points at placed before it."""
    objects = sorted(objects, key=lambda obj: normalize_key(obj.natural_key()))
    own = self_references(model)
    if not own:
        return objects
    placed, ordered, remaining = set(), [], objects
    while remaining:
        ready = [
            obj
            for obj in remaining
            if all(getattr(obj, model._meta.get_field(name).attname) in placed | {None} for name in own)
        ]
        if not ready:  # a cycle the models should have refused; keep the records rather than drop them
            ready = remaining
        ordered.extend(ready)
        placed.update(obj.pk for obj in ready)
        remaining = [obj for obj in remaining if obj.pk not in placed]
    return ordered


def export_records(cases=(), entities=()):
    """Model instances to export, in load order: everything, or what the cases and entities need."""
    if cases or entities:
        selected = defaultdict(set)
        for source in (
            _case_records(list(cases)) if cases else {},
            _entity_records(list(entities)) if entities else {},
        ):
            for model, ids in source.items():
                selected[model] |= ids
        _add_references(selected)
        while _add_companions(selected):
            _add_references(selected)
    else:
        selected = None
    records = []
    for model in editor_models():
        manager = model._default_manager
        if selected is None:
            objects = list(manager.all())
        else:
            objects = [obj for chunk in _chunks(selected.get(model, ())) for obj in manager.filter(pk__in=chunk)]
        records.extend(_in_load_order(model, objects))
    return records


def export_timeline(stream, *, cases=(), entities=(), fmt="json"):
    """Write the records to ``stream`` as JSON or YAML fixtures with natural keys; returns how many."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    records = export_records(cases=cases, entities=entities)
    serializers.serialize(
        fmt,
        records,
        stream=stream,
        indent=2 if fmt == "json" else None,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    return len(records)
