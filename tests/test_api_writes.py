"""Writes validate as the admin does: bad input is a 400 with field errors and nothing is saved;
multi-object writes are all or nothing; every fact written keeps the timeline in line."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse

from tests import factories
from timeline import models
from timeline.api.exceptions import exception_handler

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return factories.SourceFactory(key="release")


def counts(*model_classes):
    return [model.objects.count() for model in model_classes]


def post(client, name, body):
    return client.post(reverse(f"api:{name}-list"), body, format="json")


def if_match(client, url):
    """The If-Match header naming the record's current version, as a client reads it before writing."""
    return {"HTTP_IF_MATCH": client.get(url)["ETag"]}


# --- entities ---------------------------------------------------------------------------------


def test_entity_with_aliases_and_identifiers(editor):
    body = {
        "slug": "binance",
        "name": "Binance Holdings Limited",
        "kind": "company",
        "country": "KY",
        "aliases": ["Binance", "Binance.com"],
        "identifiers": [{"scheme": "wikidata", "value": "Q123"}],
    }
    response = post(editor, "entity", body)
    assert response.status_code == 201, response.content
    assert response["Location"].endswith(reverse("api:entity-detail", args=["binance"]))
    assert response.json()["aliases"] == ["Binance", "Binance.com"]
    assert response.json()["identifiers"] == [{"scheme": "wikidata", "value": "Q123"}]

    url = reverse("api:entity-detail", args=["binance"])
    response = editor.patch(url, {"aliases": ["BNB"], "identifiers": []}, format="json", **if_match(editor, url))
    assert response.status_code == 200, response.content
    assert sorted(models.EntityAlias.objects.values_list("alias", flat=True)) == ["BNB"]
    assert not models.EntityIdentifier.objects.exists()


def test_entity_bad_country_and_duplicate_identifier_are_field_errors(editor):
    factories.EntityIdentifierFactory(scheme="lei", value="TAKEN")
    before = counts(models.Entity, models.EntityIdentifier)
    response = post(editor, "entity", {"slug": "x", "name": "X", "kind": "company", "country": "XX"})
    assert response.status_code == 400
    assert "country" in response.json()
    response = post(
        editor,
        "entity",
        {"slug": "y", "name": "Y", "kind": "company", "identifiers": [{"scheme": "lei", "value": "TAKEN"}]},
    )
    assert response.status_code == 400
    assert response.json()["identifiers"]["0"]
    assert counts(models.Entity, models.EntityIdentifier) == before


def test_duplicate_slug_is_a_field_error(editor):
    factories.EntityFactory(slug="binance")
    response = post(editor, "entity", {"slug": "binance", "name": "Other", "kind": "company"})
    assert response.status_code == 400
    assert "slug" in response.json()


def test_malformed_json_and_wrong_types_are_400(editor, source):
    response = editor.post(reverse("api:source-list"), data="{not json", content_type="application/json")
    assert response.status_code == 400
    response = post(editor, "source", {"key": "k", "url": "not a url", "title": "T", "publisher": "P"})
    assert response.status_code == 400
    assert "url" in response.json()
    assert models.Source.objects.count() == 1


# --- actions ----------------------------------------------------------------------------------


@pytest.fixture
def action_body(source):
    case = factories.CaseFactory(slug="binance-case")
    factories.AuthorityFactory(slug="doj")
    factories.CourtFactory(slug="wdwa")
    factories.EntityFactory(slug="binance")
    factories.StatuteFactory(citation="31 U.S.C. § 5318(h)")
    return {
        "slug": "us-v-binance",
        "case": case.slug,
        "authority": "doj",
        "action_type": "criminal",
        "caption": "United States v. Binance Holdings Limited",
        "court": "wdwa",
        "docket_number": "2:23-cr-00178",
        "status": "plea",
        "filed_on": "2023-11-14",
        "resolved_on": "2024-02-23",
        "sources": [source.key],
        "parties": [{"entity": "binance", "role": "defendant"}],
        "charges": [
            {
                "number": 1,
                "description": "Conspiracy to fail to maintain an effective AML program",
                "statutes": [{"statute": "31 U.S.C. § 5318(h)", "confirmed": False}],
                "disposition": "pleaded_guilty",
                "sources": [source.key],
            }
        ],
    }


def test_action_with_parties_and_charges_and_its_events(editor, action_body):
    response = post(editor, "action", action_body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["authority"]["slug"] == "doj"
    assert data["court"]["slug"] == "wdwa"
    assert data["parties"] == [
        {
            "entity": {"slug": "binance", "name": data["parties"][0]["entity"]["name"], "kind": "company"},
            "role": "defendant",
            "note": "",
        }
    ]
    assert data["charges"][0]["statutes"] == [
        {"citation": "31 U.S.C. § 5318(h)", "title": "Bank Secrecy Act", "jurisdiction": "US", "confirmed": False}
    ]
    action = models.EnforcementAction.objects.get(slug="us-v-binance")
    filed = models.Event.objects.get(action=action, fact_field=models.FactField.ACTION_FILED)
    assert filed.date == D(2023, 11, 14)
    assert set(filed.entities.values_list("slug", flat=True)) == {"doj", "binance"}
    assert models.Event.objects.filter(action=action, fact_field=models.FactField.ACTION_RESOLVED).exists()

    url = reverse("api:action-detail", args=["us-v-binance"])
    response = editor.patch(url, {"filed_on": "2023-11-15"}, format="json", **if_match(editor, url))
    assert response.status_code == 200
    filed.refresh_from_db()
    assert filed.date == D(2023, 11, 15)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"authority": "binance"}, "authority"),
        ({"resolved_on": None}, "resolved_on"),
        ({"court": None}, "court"),
        ({"resolved_on": "2020-01-01"}, "resolved_on"),
        ({"filed_on": "2023-11-14", "filed_precision": "month"}, "filed_on"),
    ],
    ids=["authority-kind", "resolution-date-needed", "docket-needs-court", "dates-in-order", "precision"],
)
def test_action_model_rules_are_field_errors(editor, action_body, change, field):
    before = counts(models.EnforcementAction, models.ActionParty, models.Charge, models.Event)
    response = post(editor, "action", {**action_body, **change})
    assert response.status_code == 400
    assert field in response.json()
    assert counts(models.EnforcementAction, models.ActionParty, models.Charge, models.Event) == before


def test_action_nested_error_points_at_the_item_and_saves_nothing(editor, action_body, source):
    second = {
        "number": 2,
        "description": "Unlicensed money transmitting",
        "disposition_on": "2023-11-21",
        "disposition_precision": "year",
        "sources": [source.key],
    }
    body = {**action_body, "charges": [*action_body["charges"], second]}
    before = counts(models.EnforcementAction, models.Charge, models.ChargeStatute, models.Event)
    response = post(editor, "action", body)
    assert response.status_code == 400
    assert response.json() == {
        "charges": {"1": {"disposition_on": ["A date with year precision is stored as 1 January of that year."]}}
    }
    assert counts(models.EnforcementAction, models.Charge, models.ChargeStatute, models.Event) == before


def test_action_duplicate_party_is_refused(editor, action_body):
    body = {**action_body, "parties": action_body["parties"] * 2}
    response = post(editor, "action", body)
    assert response.status_code == 400
    assert list(response.json()["parties"]) == ["1"]
    assert not models.EnforcementAction.objects.exists()


# --- sentences, pardon requests, events -------------------------------------------------------


def test_sentence_rules_and_events(editor, source):
    action = factories.EnforcementActionFactory(slug="us-v-zhao")
    factories.PersonFactory(slug="zhao", name="Changpeng Zhao")
    body = {"action": "us-v-zhao", "defendant": "zhao", "sentenced_on": "2024-04-30", "sources": [source.key]}
    response = post(editor, "sentence", {**body, "custody_months": 4, "is_life_sentence": True})
    assert response.status_code == 400
    assert "custody_months" in response.json()
    response = post(editor, "sentence", {**body, "fine_amount": "50000000.00", "fine_currency": ""})
    assert response.status_code == 400
    assert "fine_currency" in response.json()
    assert not models.Sentence.objects.exists()

    response = post(editor, "sentence", {**body, "custody_months": 4, "released_on": "2024-09-27"})
    assert response.status_code == 201, response.content
    sentence = models.Sentence.objects.get(action=action)
    assert set(models.Event.objects.filter(sentence=sentence).values_list("fact_field", flat=True)) == {
        models.FactField.SENTENCE_IMPOSED,
        models.FactField.SENTENCE_RELEASED,
    }
    response = post(editor, "sentence", {**body, "custody_months": 5})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert models.Sentence.objects.count() == 1


@pytest.fixture
def pardon_body(source):
    factories.PersonFactory(slug="zhao", name="Changpeng Zhao")
    factories.PersonFactory(slug="trump", name="Donald J. Trump")
    factories.EntityFactory(slug="wsj", name="The Wall Street Journal")
    step = {"sources": [source.key], "description": "A step."}
    return {
        "slug": "zhao-pardon",
        "person": "zhao",
        "granted_by": "trump",
        "sources": [source.key],
        "history": [
            {
                **step,
                "key": "report",
                "status": "reported",
                "date": "2025-03-13",
                "claim_status": "reported",
                "claimed_by": "wsj",
            },
            {
                **step,
                "key": "denial",
                "status": "reported",
                "date": "2025-03-13",
                "claim_status": "denied",
                "claimed_by": "zhao",
                "responds_to": "report",
            },
            {**step, "key": "grant", "status": "granted", "date": "2025-10-23"},
        ],
    }


def test_pardon_request_status_follows_history(editor, pardon_body):
    response = post(editor, "pardon-request", pardon_body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "granted"
    assert data["granted_by"]["slug"] == "trump"
    assert [step["key"] for step in data["history"]] == ["report", "denial", "grant"]
    assert data["history"][1]["responds_to"] == "report"
    assert models.Event.objects.filter(fact_field=models.FactField.CLEMENCY_STEP).count() == 3

    response = post(editor, "pardon-request", {**pardon_body, "slug": "other", "status": "denied"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_pardon_request_claim_needs_claimant_and_nothing_is_saved(editor, pardon_body):
    pardon_body["history"][0]["claimed_by"] = None
    before = counts(models.PardonRequest, models.PardonStatusChange, models.Event)
    response = post(editor, "pardon-request", pardon_body)
    assert response.status_code == 400
    assert response.json() == {"history": {"0": {"claimed_by": ["Say who made the claim."]}}}
    assert counts(models.PardonRequest, models.PardonStatusChange, models.Event) == before


def test_event_claim_needs_claimant(editor, source):
    body = {
        "key": "report",
        "date": "2025-03-13",
        "event_type": "press_report",
        "title": "Report",
        "claim_status": "reported",
        "sources": [source.key],
    }
    response = post(editor, "event", body)
    assert response.status_code == 400
    assert "claimed_by" in response.json()
    response = post(editor, "event", {**body, "date": "2025-03-13", "date_precision": "month"})
    assert response.status_code == 400
    assert "date" in response.json()
    assert not models.Event.objects.exists()


def test_mirrored_events_are_changed_through_their_fact(editor):
    action = factories.EnforcementActionFactory(filed_on=D(2023, 3, 27))
    from timeline.services.events import events_sync

    events_sync(action)
    event = models.Event.objects.get(action=action)
    url = reverse("api:event-detail", args=[event.key])
    assert editor.patch(url, {"title": "Edited"}, format="json", **if_match(editor, url)).status_code == 409
    assert editor.delete(url, **if_match(editor, url)).status_code == 409
    event.refresh_from_db()
    assert event.title != "Edited"


# --- refused deletes and integrity errors -------------------------------------------------------


def test_delete_of_a_record_others_depend_on_is_409(editor, source):
    action = factories.EnforcementActionFactory(sources=[source])
    url = reverse("api:entity-detail", args=[action.authority.slug])
    response = editor.delete(url, **if_match(editor, url))
    assert response.status_code == 409
    assert response.json()["dependents"]
    url = reverse("api:source-detail", args=[source.key])
    response = editor.delete(url, **if_match(editor, url))
    assert response.status_code == 409
    url = reverse("api:case-detail", args=[action.case.slug])
    response = editor.delete(url, **if_match(editor, url))
    assert response.status_code == 409
    assert models.Entity.objects.filter(pk=action.authority.pk).exists()
    assert models.Source.objects.filter(pk=source.pk).exists()


def test_integrity_error_becomes_409_not_500():
    response = exception_handler(IntegrityError("duplicate key value violates unique constraint"), {})
    assert response.status_code == 409
    assert "detail" in response.data
