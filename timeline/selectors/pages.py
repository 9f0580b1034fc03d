"""Reads behind the public pages: each page's data in a fixed number of queries, whatever its size.

Views call these and render; the joins and prefetches that keep the query count flat live here.
"""

from dataclasses import dataclass, field

import pycountry
from django.db.models import Count, F, Max, Prefetch, Q
from django.db.models.functions import Coalesce

from timeline.models import (
    ActionParty,
    Case,
    Credit,
    EnforcementAction,
    Entity,
    EntityKind,
    EntityRelationship,
    Event,
    FactField,
    PardonRequest,
    PardonStatusChange,
    Restriction,
    Sentence,
    Settlement,
    SettlementComponent,
    Source,
)
from timeline.selectors.penalties import ZERO, PenaltyScope, penalty_totals
from timeline.selectors.search import matching_best_first
from timeline.selectors.timelines import case_timeline, entity_timeline, events_with_details

FEED_SIZE = 50
RECENT_EVENTS = 15
SEARCH_LIMIT = 50

SOURCES_BY_KEY = Source.objects.order_by("key")

# The date a penalty counts for: the settlement's agreement, else its approval, else the action's resolution.
# The same rule as the per-year totals in selectors/penalties.py, so filters and bars agree.
PENALTY_DATE = Coalesce(F("settlement__agreed_on"), F("settlement__approved_on"), F("settlement__action__resolved_on"))


def _component_queryset():
    return (
        SettlementComponent.objects.filter(part_of__isnull=True)
        .select_related("payer", "settlement__action__authority", "settlement__action__case")
        .prefetch_related(Prefetch("credits", queryset=Credit.objects.order_by("key")))
        .order_by("settlement__action__authority__name", "key")
    )


def _add_component_figures(components):
    """Credited and net figures per component (credits share the component's currency)."""
    for component in components:
        component.credited_total = sum((credit.amount for credit in component.credits.all()), ZERO)
        component.net_amount = component.amount - component.suspended_amount - component.credited_total
    return components


def _attach_amounts(events):
    """Set ``event.components`` and ``event.sentence_terms`` on each event of a list.

    A settlement agreed the day its action was resolved has no event of its own (see
    services/events.py), so its components are shown on the resolution event instead.
    """
    for event in events:
        components = []
        if event.settlement_id:
            components = list(event.settlement.page_components)
        elif event.fact_field == FactField.ACTION_RESOLVED and event.action_id:
            for settlement in event.action.page_settlements:
                if settlement.agreed_on in (None, event.action.resolved_on):
                    components.extend(settlement.page_components)
        event.components = _add_component_figures(components)
        event.sentence_terms = event.sentence if event.fact_field == FactField.SENTENCE_IMPOSED else None
    return events


def _with_amounts(events):
    components = Prefetch("components", queryset=_component_queryset(), to_attr="page_components")
    return events.select_related("settlement", "sentence", "action").prefetch_related(
        Prefetch("settlement__components", queryset=_component_queryset(), to_attr="page_components"),
        Prefetch(
            "action__settlements",
            queryset=Settlement.objects.order_by("agreed_on", "slug").prefetch_related(components),
            to_attr="page_settlements",
        ),
    )


# Cases


def cases_for_pages():
    return Case.objects.prefetch_related(
        Prefetch("sources", queryset=SOURCES_BY_KEY), Prefetch("headline_sources", queryset=SOURCES_BY_KEY)
    )


def cases_with_activity():
    """Every case with its number of events and the date of its latest one, for the home page."""
    return Case.objects.annotate(event_count=Count("events"), latest_event=Max("events__date")).order_by("title")


@dataclass
class CasePage:
    case: Case
    events: list
    actions: list
    totals_by_authority: list
    totals_by_currency: list


def case_page(case):
    """Everything /cases/<slug>/ shows: proceedings, the dated story with amounts, the totals box."""
    actions = list(
        EnforcementAction.objects.filter(case=case)
        .select_related("authority", "court", "judge")
        .prefetch_related(Prefetch("parties", queryset=ActionParty.objects.select_related("entity")))
        .order_by(F("filed_on").asc(nulls_last=True), "caption")
    )
    events = _attach_amounts(list(_with_amounts(case_timeline(case))))
    components = SettlementComponent.objects.filter(settlement__action__case=case)
    return CasePage(
        case=case,
        events=events,
        actions=actions,
        totals_by_authority=sorted(
            penalty_totals(components, group_by="authority"), key=lambda total: (total.currency, -total.gross)
        ),
        totals_by_currency=penalty_totals(components, group_by="currency"),
    )


# Entities


def entities_for_pages():
    return Entity.objects.select_related("parent").prefetch_related(
        "aliases",
        "identifiers",
        Prefetch("sources", queryset=SOURCES_BY_KEY),
    )


@dataclass
class EntityPage:
    entity: Entity
    include_related: bool
    relationships: list
    party_roles: list
    actions_brought: list
    payments: list
    payment_totals: list
    restrictions: list
    sentences: list
    pardon_requests: list
    events: list = field(default_factory=list)
    country_name: str = ""


def entity_page(entity, include_related=False):
    """Everything /entities/<slug>/ shows: who it is, what it went through, and its timeline."""
    relationships = list(
        EntityRelationship.objects.filter(Q(subject=entity) | Q(object=entity))
        .select_related("subject", "object")
        .prefetch_related(Prefetch("sources", queryset=SOURCES_BY_KEY))
        .order_by(F("start_date").asc(nulls_last=True), "kind", "id")
    )
    party_roles = list(
        ActionParty.objects.filter(entity=entity)
        .select_related("action__case", "action__authority", "action__court")
        .order_by(F("action__filed_on").asc(nulls_last=True), "action__caption")
    )
    actions_brought = []
    if entity.kind == EntityKind.AUTHORITY:
        actions_brought = list(
            EnforcementAction.objects.filter(authority=entity)
            .select_related("case")
            .order_by(F("filed_on").asc(nulls_last=True), "caption")
        )
    payments = _add_component_figures(
        list(_component_queryset().filter(payer=entity).order_by(PENALTY_DATE.asc(nulls_last=True), "key"))
    )
    restrictions = list(
        Restriction.objects.filter(subject=entity)
        .select_related("settlement__action__authority")
        .order_by(F("start_date").asc(nulls_last=True), "key")
    )
    sentences = list(
        Sentence.objects.filter(defendant=entity)
        .select_related("action__case", "action__authority", "judge")
        .order_by("sentenced_on")
    )
    history = PardonStatusChange.objects.select_related("claimed_by").prefetch_related(
        Prefetch("sources", queryset=SOURCES_BY_KEY)
    )
    pardon_requests = list(
        PardonRequest.objects.filter(person=entity)
        .select_related("granted_by")
        .prefetch_related(Prefetch("history", queryset=history.order_by("date", "id")))
        .order_by("slug")
    )
    events = _attach_amounts(list(_with_amounts(entity_timeline(entity, include_related=include_related))))
    return EntityPage(
        entity=entity,
        include_related=include_related,
        relationships=relationships,
        party_roles=party_roles,
        actions_brought=actions_brought,
        payments=payments,
        payment_totals=penalty_totals(SettlementComponent.objects.filter(payer=entity), group_by="authority"),
        restrictions=restrictions,
        sentences=sentences,
        pardon_requests=pardon_requests,
        events=events,
        country_name=country_name(entity.country),
    )


def country_name(code):
    """'Cayman Islands' for 'KY'; the code itself when pycountry does not know it."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    return getattr(country, "common_name", None) or getattr(country, "name", code or "")


# Events


def recent_events(limit=RECENT_EVENTS):
    """The latest dated events across every case, newest first."""
    return list(events_with_details(Event.objects.order_by("-date", "-id"))[:limit])


def event_changes(case=None, entity=None, include_related=False, limit=FEED_SIZE):
    """New and changed events, most recently changed first, for the Atom feeds."""
    if entity is not None:
        events = entity_timeline(entity, include_related=include_related)
    elif case is not None:
        events = case_timeline(case)
    else:
        events = events_with_details()
    return list(events.order_by("-updated_at", "-id")[:limit])


# Penalties


def penalty_authorities():
    """Authorities that imposed at least one recorded penalty, for the penalties filter."""
    paid = SettlementComponent.objects.values("settlement__action__authority_id")
    return Entity.objects.filter(pk__in=paid).order_by("name")


def penalty_payers():
    """Entities that paid at least one recorded penalty, for the penalties filter."""
    return Entity.objects.filter(pk__in=SettlementComponent.objects.values("payer_id")).order_by("name")


def penalty_components(authority=None, payer=None, date_from=None, date_to=None):
    """Settlement components matching the penalties filters; the date is the one the year totals use."""
    components = SettlementComponent.objects.alias(penalty_date=PENALTY_DATE)
    if authority is not None:
        components = components.filter(settlement__action__authority=authority)
    if payer is not None:
        components = components.filter(payer=payer)
    if date_from is not None:
        components = components.filter(penalty_date__gte=date_from)
    if date_to is not None:
        components = components.filter(penalty_date__lte=date_to)
    return components


def penalty_scope(authority=None, payer=None, date_from=None, date_to=None):
    """The penalties filters as a PenaltyScope the totals table answers, or None when it cannot.

    The table holds whole years: a date range it answers runs from a 1 January to a 31 December.
    """
    if payer is not None:
        return None
    if date_from is not None and (date_from.month, date_from.day) != (1, 1):
        return None
    if date_to is not None and (date_to.month, date_to.day) != (12, 31):
        return None
    return PenaltyScope(
        authority_id=authority.pk if authority is not None else None,
        year_from=date_from.year if date_from is not None else None,
        year_to=date_to.year if date_to is not None else None,
    )


def penalties_by(group_by, **filters):
    """Totals per year or per authority over the filtered components, largest authority first."""
    scope = penalty_scope(**filters)
    if scope is not None:
        totals = penalty_totals(group_by=group_by, scope=scope)
    else:
        totals = penalty_totals(penalty_components(**filters), group_by=group_by)
    if group_by == "year":
        return sorted(totals, key=lambda total: (total.currency, total.group is None, total.group or 0))
    return sorted(totals, key=lambda total: (total.currency, -total.gross, str(total.label)))


# Search


def search_entities(query, limit=SEARCH_LIMIT):
    """Entities matching ``query`` in their name, aliases, identifiers or description, best first."""
    matches = matching_best_first(Entity.objects.all(), query, "name")
    return list(matches.prefetch_related("aliases")[:limit])


def search_cases(query, limit=SEARCH_LIMIT):
    """Cases matching ``query`` in their title, summary or their parties' names, best first."""
    return list(matching_best_first(Case.objects.all(), query, "title")[:limit])
