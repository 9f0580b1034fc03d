"""The number of SQL queries of every list, detail and timeline endpoint, pinned and independent of size.

Each endpoint is asked for 5 and then 50 records (or a record with 5 and then 50 children) and must
run exactly the pinned number of queries both times: a missing select_related/prefetch_related
shows up here as a count that grows with the page. Lists hold one record more than the page, so
their capped count runs too; CSV pages are pinned separately (they read rows with ``.values()``).
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from timeline import models
from timeline.services.events import events_sync

D = datetime.date
pytestmark = pytest.mark.django_db
SIZES = [5, 50]


@pytest.fixture
def api():
    return APIClient()


def build_entities(n):
    parent = factories.EntityFactory(slug="group")
    for _ in range(n - 1):
        entity = factories.EntityFactory(parent=parent)
        factories.EntityAliasFactory(entity=entity)


def build_actions(n):
    for _ in range(n):
        action = factories.EnforcementActionFactory()
        factories.ActionPartyFactory(action=action)
        factories.ActionPartyFactory(action=action, role=models.PartyRole.RELIEF_DEFENDANT)


def build_settlements(n):
    for _ in range(n):
        settlement = factories.SettlementFactory()
        whole = factories.SettlementComponentFactory(settlement=settlement)
        factories.SettlementComponentFactory(settlement=settlement, part_of=whole, amount=Decimal("10.00"))


def build_sentences(n):
    for _ in range(n):
        factories.SentenceFactory(judge=factories.PersonFactory())


def build_pardon_requests(n):
    for _ in range(n):
        factories.PardonRequestFactory()


def build_events(n):
    case = factories.CaseFactory(slug="the-case")
    entity = factories.EntityFactory(slug="the-entity")
    for day in range(n):
        factories.EventFactory(case=case, date=D(2020, 1, 1) + datetime.timedelta(days=day), entities=[entity])


LISTS = {
    "entity-list": (build_entities, 5),
    "case-list": (lambda n: factories.CaseFactory.create_batch(n), 4),
    "action-list": (build_actions, 5),
    "settlement-list": (build_settlements, 5),
    "sentence-list": (build_sentences, 5),
    "pardon-request-list": (build_pardon_requests, 4),
    "source-list": (lambda n: factories.SourceFactory.create_batch(n), 4),
    "event-list": (build_events, 5),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", LISTS)
def test_list_query_count(api, django_assert_num_queries, name, size):
    build, expected = LISTS[name]
    build(size + 1)
    with django_assert_num_queries(expected):
        response = api.get(reverse(f"api:{name}"), {"page_size": size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == size
    assert response.json()["next"]


# Savepoint, count, rows and release, plus one query per to-many column (aliases, parties, components,
# sources; entities and sources for events, whose cursor pages need no count).
CSV_LISTS = {
    "entity-list": 5,
    "case-list": 4,
    "action-list": 5,
    "settlement-list": 5,
    "sentence-list": 5,
    "pardon-request-list": 4,
    "source-list": 4,
    "event-list": 5,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", CSV_LISTS)
def test_csv_list_query_count(api, django_assert_num_queries, name, size):
    build, _ = LISTS[name]
    build(size + 1)
    with django_assert_num_queries(CSV_LISTS[name]):
        response = api.get(reverse(f"api:{name}"), {"page_size": size, "format": "csv"})
    assert response.status_code == 200
    assert len(response.content.decode().splitlines()) == size + 1


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("name", "expected"), [("case-timeline", 5), ("entity-timeline", 6)])
def test_timeline_query_count(api, django_assert_num_queries, name, expected, size):
    build_events(size)
    slug = "the-case" if name == "case-timeline" else "the-entity"
    with django_assert_num_queries(expected):
        response = api.get(reverse(f"api:{name}", kwargs={"slug": slug}), {"page_size": size})
    assert len(response.json()["results"]) == size


def entity_with_children(n):
    entity = factories.EntityFactory(slug="subject")
    for _ in range(n):
        factories.EntityAliasFactory(entity=entity)
        factories.EntityIdentifierFactory(entity=entity)
        factories.EntityRelationshipFactory(object=entity)
        factories.EntityFactory(parent=entity)
    entity.sources.set(factories.SourceFactory.create_batch(n))
    return "entity-detail", "subject"


def case_with_children(n):
    case = factories.CaseFactory(slug="subject", sources=factories.SourceFactory.create_batch(n))
    factories.EnforcementActionFactory.create_batch(n, case=case)
    return "case-detail", "subject"


def action_with_children(n):
    action = factories.EnforcementActionFactory(slug="subject", judge=factories.PersonFactory())
    for number in range(1, n + 1):
        factories.ActionPartyFactory(action=action)
        charge = factories.ChargeFactory(action=action, number=number, defendant=factories.PersonFactory())
        models.ChargeStatute.objects.create(charge=charge, statute=factories.StatuteFactory())
        factories.SettlementFactory(action=action)
        factories.SentenceFactory(action=action)
    return "action-detail", "subject"


def settlement_with_children(n):
    settlement = factories.SettlementFactory(slug="subject")
    other = factories.SettlementComponentFactory()
    for _ in range(n):
        whole = factories.SettlementComponentFactory(settlement=settlement)
        part = factories.SettlementComponentFactory(settlement=settlement, part_of=whole, amount=Decimal("10.00"))
        credit = factories.CreditFactory(component=whole, amount=Decimal("1.00"))
        credit.against.set([other, part])
        factories.CreditFactory(component=part, amount=Decimal("1.00"))
        factories.MonitorFactory(settlement=settlement, monitor=factories.EntityFactory())
        factories.RestrictionFactory(settlement=settlement)
    return "settlement-detail", "subject"


def pardon_request_with_children(n):
    request = factories.PardonRequestFactory(slug="subject")
    for day in range(n):
        claimant = factories.EntityFactory()
        factories.PardonStatusChangeFactory(
            pardon_request=request,
            date=D(2025, 1, 1) + datetime.timedelta(days=day),
            claim_status=models.ClaimStatus.REPORTED,
            claimed_by=claimant,
        )
        request.actions.add(factories.EnforcementActionFactory())
        request.sentences.add(factories.SentenceFactory())
    return "pardon-request-detail", "subject"


def sentence_with_children(n):
    sentence = factories.SentenceFactory(sources=factories.SourceFactory.create_batch(n))
    return "sentence-detail", sentence.pk


def event_with_children(n):
    factories.EventFactory(
        key="subject", entities=factories.EntityFactory.create_batch(n), sources=factories.SourceFactory.create_batch(n)
    )
    return "event-detail", "subject"


DETAILS = {
    "entity": (entity_with_children, 9),
    "case": (case_with_children, 6),
    "action": (action_with_children, 10),
    "settlement": (settlement_with_children, 18),
    "sentence": (sentence_with_children, 4),
    "pardon-request": (pardon_request_with_children, 8),
    "event": (event_with_children, 5),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("resource", DETAILS)
def test_detail_query_count(api, django_assert_num_queries, resource, size):
    build, expected = DETAILS[resource]
    name, lookup = build(size)
    with django_assert_num_queries(expected):
        response = api.get(reverse(f"api:{name}", args=[lookup]))
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_penalty_totals_query_count(api, django_assert_num_queries, size):
    case = factories.CaseFactory(slug="the-case")
    for _ in range(size):
        component = factories.SettlementComponentFactory(settlement__action__case=case)
        factories.CreditFactory(component=component)
    for _ in range(3):
        action = factories.EnforcementActionFactory(case=case)
        events_sync(action)
    # Two more than before credits without a stated amount: one read of them per total.
    with django_assert_num_queries(10):
        response = api.get(reverse("api:stats-penalties"), {"case": "the-case", "group_by": "authority"})
    assert response.status_code == 200
