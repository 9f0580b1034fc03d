"""The public data as FollowTheMoney entities, the format OpenSanctions publishes and yente loads.

Entities are Person, Company, Organization or PublicBody (authorities and courts); court actions
are CourtCase with a CourtCaseParty per party; agency (administrative) orders and the bars and
undertakings of settlements are Sanction; each settlement component is a Payment from its payer
to the authority; events and clemency steps are Event; sources are Article, tied to what they
document by Documentation. Every party to an enforcement action carries the topic ``reg.action``;
the convicted (a conviction or guilty plea on a charge, or a sentence) also ``crime.fin``.
FollowTheMoney has no notion of a credit or a suspended amount: both are spelled out in the
payment's description (and kept exactly in timeline's own files of the release).

Ids are stable across releases: ``timeline-<type>-<slug or key>``.
"""

from collections import defaultdict

from timeline.models import (
    ActionParty,
    ActionType,
    Charge,
    ChargeDisposition,
    Credit,
    EnforcementAction,
    Entity,
    EntityKind,
    Event,
    IdentifierScheme,
    PardonStatusChange,
    Restriction,
    Sentence,
    SettlementComponent,
    Source,
)
from timeline.models.common import iso_date

DATASET = "timeline"
SCHEMA_BY_KIND = {
    EntityKind.PERSON: "Person",
    EntityKind.COMPANY: "Company",
    EntityKind.AUTHORITY: "PublicBody",
    EntityKind.COURT: "PublicBody",
    EntityKind.ORGANIZATION: "Organization",
}
IDENTIFIER_PROPERTY = {
    IdentifierScheme.LEI: "leiCode",
    IdentifierScheme.WIKIDATA: "wikidataId",
    IdentifierScheme.WEBSITE: "website",
}
CONVICTED = {ChargeDisposition.CONVICTED, ChargeDisposition.PLEADED_GUILTY}


def ftm_id(kind, key):
    return f"{DATASET}-{kind}-{key}"


def entity_id(entity_pk, slugs):
    return ftm_id("entity", slugs[entity_pk])


def _entity(schema, key, properties):
    """An entity dict with empty values dropped and every value a list of strings."""
    cleaned = {}
    for name, values in properties.items():
        values = values if isinstance(values, list | tuple | set) else [values]
        kept = sorted({str(value) for value in values if value not in (None, "")})
        if kept:
            cleaned[name] = kept
    return {"id": key, "schema": schema, "properties": cleaned, "datasets": [DATASET]}


def _source_urls(obj):
    return [source.url for source in obj.sources.all()]


def _topics():
    """Entity id -> FollowTheMoney topics: reg.action for parties, crime.fin for the convicted."""
    topics = defaultdict(set)
    for entity_pk in ActionParty.objects.values_list("entity_id", flat=True):
        topics[entity_pk].add("reg.action")
    convicted = set(
        Charge.objects.filter(disposition__in=CONVICTED, defendant__isnull=False).values_list("defendant_id", flat=True)
    )
    convicted |= set(Sentence.objects.values_list("defendant_id", flat=True))
    for entity_pk in convicted:
        topics[entity_pk] |= {"reg.action", "crime.fin"}
    return topics


def _entities(slugs):
    topics = _topics()
    queryset = Entity.objects.select_related("parent").prefetch_related("aliases", "identifiers", "sources")
    for entity in queryset.order_by("slug"):
        schema = SCHEMA_BY_KIND[entity.kind]
        properties = {
            "name": entity.name,
            "alias": [alias.alias for alias in entity.aliases.all()],
            "country": entity.country.lower(),
            "description": entity.description,
            "topics": sorted(topics.get(entity.pk, ())),
            "sourceUrl": _source_urls(entity),
            "modifiedAt": entity.updated_at.date().isoformat(),
        }
        if entity.kind == EntityKind.COURT:
            properties["classification"] = "court"
        if entity.parent_id and schema != "Person":
            properties["parent"] = entity_id(entity.parent_id, slugs)
        for identifier in entity.identifiers.all():
            name = IDENTIFIER_PROPERTY.get(identifier.scheme)
            if identifier.scheme == IdentifierScheme.SEC_CIK and schema == "Company":
                name = "cikCode"
            properties.setdefault(name or "idNumber", []).append(identifier.value)
        yield _entity(schema, entity_id(entity.pk, slugs), properties)


def _actions(slugs):
    actions = EnforcementAction.objects.select_related("authority", "court", "case").prefetch_related(
        "sources", "parties"
    )
    for action in actions.order_by("slug"):
        urls = _source_urls(action)
        if action.action_type == ActionType.ADMINISTRATIVE:
            for party in action.parties.all():
                yield _entity(
                    "Sanction",
                    ftm_id("order", f"{action.slug}-{slugs[party.entity_id]}"),
                    {
                        "entity": entity_id(party.entity_id, slugs),
                        "authority": action.authority.name,
                        "country": action.authority.country.lower(),
                        "reason": action.caption,
                        "summary": action.summary,
                        "status": action.get_status_display(),
                        "startDate": iso_date(
                            action.resolved_on or action.filed_on,
                            action.resolved_precision if action.resolved_on else action.filed_precision,
                        ),
                        "recordId": action.docket_number,
                        "sourceUrl": urls,
                    },
                )
            continue
        case_id = ftm_id("action", action.slug)
        yield _entity(
            "CourtCase",
            case_id,
            {
                "name": action.caption,
                "caseNumber": action.docket_number,
                "court": action.court.name if action.court else "",
                "type": action.get_action_type_display(),
                "category": action.case.title,
                "status": action.get_status_display(),
                "fileDate": iso_date(action.filed_on, action.filed_precision),
                "closeDate": iso_date(action.resolved_on, action.resolved_precision),
                "summary": action.summary,
                "country": action.authority.country.lower(),
                "sourceUrl": urls,
            },
        )
        parties = [(party.entity_id, party.get_role_display()) for party in action.parties.all()]
        parties.append((action.authority_id, "Authority"))
        for entity_pk, role in parties:
            yield _entity(
                "CourtCaseParty",
                ftm_id("party", f"{action.slug}-{slugs[entity_pk]}-{role.lower()}"),
                {"case": case_id, "party": entity_id(entity_pk, slugs), "role": role},
            )


def _restrictions(slugs):
    queryset = Restriction.objects.select_related("settlement__action__authority").prefetch_related("sources")
    for restriction in queryset.order_by("key"):
        authority = restriction.settlement.action.authority
        duration = (
            "permanent"
            if restriction.is_permanent
            else (f"{restriction.duration_months} months" if restriction.duration_months else "")
        )
        yield _entity(
            "Sanction",
            ftm_id("restriction", restriction.key),
            {
                "entity": entity_id(restriction.subject_id, slugs),
                "authority": authority.name,
                "country": authority.country.lower(),
                "program": restriction.get_kind_display(),
                "provisions": restriction.scope,
                "duration": duration,
                "startDate": iso_date(restriction.start_date, restriction.start_precision),
                "endDate": iso_date(restriction.end_date, restriction.end_precision),
                "summary": restriction.note,
                "sourceUrl": _source_urls(restriction),
            },
        )


def _credit_lines(component):
    lines = []
    for credit in component.credits.all():
        against = ", ".join(other.key for other in credit.against.all()) or "another payment"
        approx = "about " if credit.is_approximate else ""
        lines.append(f"{credit.get_kind_display()} {against}: {approx}{credit.currency} {credit.amount}.")
    return lines


def _payments(slugs):
    queryset = SettlementComponent.objects.select_related("settlement__action").prefetch_related(
        "sources", "credits__against"
    )
    for component in queryset.order_by("key"):
        settlement = component.settlement
        notes = [component.description, *_credit_lines(component)]
        if component.suspended_amount:
            notes.append(f"Suspended (payable only on breach): {component.currency} {component.suspended_amount}.")
        if component.is_approximate:
            notes.append("The amount is approximate.")
        yield _entity(
            "Payment",
            ftm_id("payment", component.key),
            {
                "payer": entity_id(component.payer_id, slugs),
                "beneficiary": entity_id(settlement.action.authority_id, slugs),
                "amount": component.amount,
                "currency": component.currency,
                "date": iso_date(settlement.agreed_on, settlement.agreed_precision),
                "purpose": component.get_kind_display(),
                "programme": settlement.title,
                "description": " ".join(note for note in notes if note),
                "summary": component.terms,
                "sourceUrl": _source_urls(component),
            },
        )


def _events(slugs):
    for event in Event.objects.prefetch_related("entities", "sources").order_by("key"):
        yield _entity(
            "Event",
            ftm_id("event", event.key),
            {
                "name": event.title,
                "date": iso_date(event.date, event.date_precision),
                "description": event.description,
                "involved": [entity_id(entity.pk, slugs) for entity in event.entities.all()],
                "sourceUrl": _source_urls(event),
            },
        )
    steps = PardonStatusChange.objects.select_related("pardon_request").prefetch_related("sources")
    for step in steps.order_by("key"):
        request = step.pardon_request
        yield _entity(
            "Event",
            ftm_id("clemency", step.key),
            {
                "name": f"{request.get_kind_display()}: {step.get_status_display()}",
                "date": iso_date(step.date, step.date_precision),
                "description": step.description,
                "involved": [entity_id(request.person_id, slugs)],
                "sourceUrl": _source_urls(step),
            },
        )


def _sources(slugs):
    """Each source as an Article, and a Documentation for each entity and court case it documents."""
    documented = defaultdict(list)
    for entity_pk, source_pk in Entity.sources.through.objects.values_list("entity_id", "source_id"):
        documented[source_pk].append(entity_id(entity_pk, slugs))
    court_actions = EnforcementAction.objects.exclude(action_type=ActionType.ADMINISTRATIVE)
    action_slugs = dict(court_actions.values_list("pk", "slug"))
    through = EnforcementAction.sources.through.objects.filter(enforcementaction_id__in=action_slugs)
    for action_pk, source_pk in through.values_list("enforcementaction_id", "source_id"):
        documented[source_pk].append(ftm_id("action", action_slugs[action_pk]))
    for source in Source.objects.order_by("key"):
        article_id = ftm_id("source", source.key)
        yield _entity(
            "Article",
            article_id,
            {
                "title": source.title,
                "name": source.title,
                "publisher": source.publisher,
                "publishedAt": iso_date(source.published_on, source.published_precision),
                "sourceUrl": source.url,
                "notes": source.note,
            },
        )
        for target in sorted(documented.get(source.pk, ())):
            yield _entity(
                "Documentation",
                ftm_id("doc", f"{source.key}-{target.removeprefix(DATASET + '-')}"),
                {"document": article_id, "entity": target, "role": source.get_kind_display()},
            )


def ftm_entities():
    """Every FollowTheMoney entity of the public data, as dicts ready for one JSON line each."""
    slugs = dict(Entity.objects.values_list("pk", "slug"))
    for part in (_entities, _actions, _restrictions, _payments, _events, _sources):
        yield from part(slugs)


def ftm_mapped_models():
    """The timeline models this mapping reads (tests check it against the public tables)."""
    return (
        Entity,
        EnforcementAction,
        ActionParty,
        Charge,
        Sentence,
        Restriction,
        SettlementComponent,
        Credit,
        Event,
        PardonStatusChange,
        Source,
    )
