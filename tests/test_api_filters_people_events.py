"""Filters of the sentence, pardon-request and event lists and of the timelines: exactly which records come back."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from timeline import models

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def results(api, name, **params):
    response = api.get(reverse(f"api:{name}"), params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def slugs(api, name, **params):
    return sorted(row["slug"] for row in results(api, name, **params))


def keys(api, name, **params):
    return sorted(row["key"] for row in results(api, name, **params))


# --- sentences --------------------------------------------------------------------------------


@pytest.fixture
def sentences():
    doj = factories.AuthorityFactory(slug="doj")
    court = factories.CourtFactory(slug="wdwa")
    short = factories.SentenceFactory(
        defendant=factories.PersonFactory(slug="zhao"),
        action=factories.EnforcementActionFactory(authority=doj, court=court),
        custody_months=4,
        sentenced_on=D(2024, 4, 30),
    )
    long = factories.SentenceFactory(
        defendant=factories.PersonFactory(slug="ulbricht"), custody_months=None, is_life_sentence=True
    )
    long.sentenced_on = D(2015, 5, 29)
    long.save()
    medium = factories.SentenceFactory(
        defendant=factories.PersonFactory(slug="sbf"), custody_months=300, sentenced_on=D(2024, 3, 28)
    )
    return {"short": short, "long": long, "medium": medium}


def sentence_ids(api, **params):
    return sorted(row["id"] for row in results(api, "sentence-list", **params))


def ids_of(*sentences):
    return sorted(sentence.pk for sentence in sentences)


def test_sentences_defendant(api, sentences):
    assert sentence_ids(api, defendant="zhao") == ids_of(sentences["short"])


def test_sentences_authority(api, sentences):
    assert sentence_ids(api, authority="doj") == ids_of(sentences["short"])


def test_sentences_court(api, sentences):
    assert sentence_ids(api, court="wdwa") == ids_of(sentences["short"])


def test_sentences_custody_months_min(api, sentences):
    assert sentence_ids(api, custody_months_min=5) == ids_of(sentences["medium"])


def test_sentences_custody_months_max(api, sentences):
    assert sentence_ids(api, custody_months_max=4) == ids_of(sentences["short"])


def test_sentences_date_after(api, sentences):
    assert sentence_ids(api, date_after="2024-04-01") == ids_of(sentences["short"])


def test_sentences_date_before(api, sentences):
    assert sentence_ids(api, date_before="2024-03-28") == ids_of(sentences["long"], sentences["medium"])


# --- pardon requests --------------------------------------------------------------------------


@pytest.fixture
def pardons():
    zhao = factories.PersonFactory(slug="zhao")
    granted = factories.PardonRequestFactory(slug="granted", person=zhao, status=models.ClemencyStatus.GRANTED)
    factories.PardonStatusChangeFactory(pardon_request=granted, date=D(2025, 3, 13))
    factories.PardonStatusChangeFactory(
        pardon_request=granted, status=models.ClemencyStatus.GRANTED, date=D(2025, 10, 23)
    )
    commutation = factories.PardonRequestFactory(slug="commutation", kind=models.ClemencyKind.COMMUTATION)
    factories.PardonStatusChangeFactory(pardon_request=commutation, date=D(2024, 6, 1))
    return {}


def test_pardon_requests_person(api, pardons):
    assert slugs(api, "pardon-request-list", person="zhao") == ["granted"]


def test_pardon_requests_status(api, pardons):
    assert slugs(api, "pardon-request-list", status="requested") == ["commutation"]


def test_pardon_requests_kind(api, pardons):
    assert slugs(api, "pardon-request-list", kind="commutation") == ["commutation"]


def test_pardon_requests_date_after(api, pardons):
    assert slugs(api, "pardon-request-list", date_after="2025-01-01") == ["granted"]


def test_pardon_requests_date_before(api, pardons):
    assert slugs(api, "pardon-request-list", date_before="2025-01-01") == ["commutation"]


def test_pardon_requests_dates_bound_one_step(api, pardons):
    assert slugs(api, "pardon-request-list", date_after="2025-04-01", date_before="2025-10-01") == []


# --- events and timelines ---------------------------------------------------------------------


@pytest.fixture
def events():
    case = factories.CaseFactory(slug="binance-case")
    doj = factories.AuthorityFactory(slug="doj")
    parent = factories.EntityFactory(slug="binance")
    officer = factories.PersonFactory(slug="zhao")
    factories.EntityRelationshipFactory(subject=officer, kind=models.RelationshipKind.CEO_OF, object=parent)
    wsj = factories.EntityFactory(slug="wsj")
    factories.EventFactory(
        key="plea", case=case, date=D(2023, 11, 21), event_type=models.EventType.PLEA, entities=[parent, doj]
    )
    factories.EventFactory(
        key="report",
        case=case,
        date=D(2025, 3, 1),
        date_precision=models.DatePrecision.MONTH,
        claim_status=models.ClaimStatus.REPORTED,
        claimed_by=wsj,
        entities=[officer],
    )
    factories.EventFactory(key="elsewhere", date=D(2020, 1, 1), entities=[doj])
    return {"case": case}


def test_events_entity(api, events):
    assert keys(api, "event-list", entity="binance") == ["plea"]


def test_events_entity_include_related(api, events):
    assert keys(api, "event-list", entity="binance", include_related="true") == ["plea", "report"]


def test_events_case(api, events):
    assert keys(api, "event-list", case="binance-case") == ["plea", "report"]


def test_events_type(api, events):
    assert keys(api, "event-list", type="plea") == ["plea"]


def test_events_claim_status(api, events):
    assert keys(api, "event-list", claim_status="reported") == ["report"]


def test_events_authority(api, events):
    assert keys(api, "event-list", authority="doj") == ["elsewhere", "plea"]


def test_events_date_after(api, events):
    assert keys(api, "event-list", date_after="2023-01-01") == ["plea", "report"]


def test_events_date_before(api, events):
    assert keys(api, "event-list", date_before="2023-11-21") == ["elsewhere", "plea"]


def test_events_ordering_by_date_descending(api, events):
    rows = results(api, "event-list", ordering="-date")
    assert [row["key"] for row in rows] == ["report", "plea", "elsewhere"]


def timeline(api, name, slug, **params):
    response = api.get(reverse(f"api:{name}", kwargs={"slug": slug}), params)
    assert response.status_code == 200, response.content
    return [row["key"] for row in response.json()["results"]]


def test_entity_timeline_in_date_order_with_include_related(api, events):
    assert timeline(api, "entity-timeline", "binance") == ["plea"]
    assert timeline(api, "entity-timeline", "binance", include_related="true") == ["plea", "report"]


def test_case_timeline_in_date_order(api, events):
    assert timeline(api, "case-timeline", "binance-case") == ["plea", "report"]


def test_timeline_filters(api, events):
    assert timeline(api, "case-timeline", "binance-case", claim_status="reported") == ["report"]
    assert timeline(api, "case-timeline", "binance-case", date_before="2024-01-01") == ["plea"]
    assert timeline(api, "entity-timeline", "doj", type="plea") == ["plea"]


def test_timeline_of_unknown_slug_is_404(api, events):
    assert api.get(reverse("api:case-timeline", kwargs={"slug": "nope"})).status_code == 404
    assert api.get(reverse("api:entity-timeline", kwargs={"slug": "nope"})).status_code == 404
