"""POST /api/v1/match/, decisions through the API and the reconciliation service, on the curated data."""

import json
import logging

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import StaffUserFactory
from timeline.screening.matching import SCHEMA_KINDS, MatchQuery
from timeline.screening.models import ScreeningDecision
from timeline.screening.retrieval import candidate_ids

pytestmark = pytest.mark.django_db

MATCH = "/api/v1/match/"


def match(client, queries, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return client.post(MATCH + (f"?{query}" if query else ""), {"queries": queries}, format="json")


def person(*names, **properties):
    return {"schema": "Person", "properties": {"name": list(names), **properties}}


def top(response, key):
    results = response.json()["responses"][key]["results"]
    return results[0] if results else None


@pytest.fixture
def screener(db):
    user = StaffUserFactory(username="screener")
    user.groups.add(Group.objects.get(name="screening"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.parametrize("name", ["Zhao Changpeng", "CZ", "赵长鹏", "Chang Peng Zhao", "changpeng  zhao."])
def test_match_finds_changpeng_zhao(curated_data, name):
    response = match(APIClient(), {"q": person(name)})
    assert response.status_code == 200
    result = top(response, "q")
    assert result["id"] == "changpeng-zhao"
    assert result["match"] is True
    assert result["enforcement"]["actions"] == 3
    assert {authority["id"] for authority in result["enforcement"]["authorities"]} == {"cftc", "doj", "sec"}
    assert result["enforcement"]["clemency"][0]["status"] == "granted"
    assert result["enforcement"]["custody"][0]["custody"] == "4 months in custody"
    assert result["enforcement"]["links"]["page"].endswith("/entities/changpeng-zhao/")


def test_match_finds_binance_holdings_with_enforcement_summary(curated_data):
    response = match(APIClient(), {"b": {"schema": "Company", "properties": {"name": ["BINANCE HOLDINGS LTD"]}}})
    result = top(response, "b")
    assert result["id"] == "binance-holdings"
    assert result["score"] == 1.0 and result["match"] is True
    assert result["explanation"][0]["matched"] == "Binance Holdings Limited"
    assert {penalty["currency"] for penalty in result["enforcement"]["net_penalties"]} == {"USD"}
    assert result["enforcement"]["latest_event"]["date"]


@pytest.mark.parametrize("name", ["Xqzwv Blorfington", "John Smith", "Changpeng Wang", "Maria Garcia Lopez"])
def test_unrelated_names_match_nothing(curated_data, name):
    response = match(APIClient(), {"q": person(name)})
    assert [result for result in response.json()["responses"]["q"]["results"] if result["match"]] == []


def test_schema_restricts_candidates_and_country_contradicts(curated_data):
    as_company = match(APIClient(), {"q": {"schema": "Company", "properties": {"name": ["Changpeng Zhao"]}}})
    assert top(as_company, "q") is None
    other_country = top(match(APIClient(), {"q": person("Changpeng Zhao", country=["FR"])}), "q")
    same_country = top(match(APIClient(), {"q": person("Changpeng Zhao", country=["CA"])}), "q")
    assert other_country["features"]["country_mismatch"] < 0
    assert other_country["score"] < same_country["score"]


def test_threshold_limit_and_exclusion(curated_data):
    query = {"q": {"schema": "Company", "properties": {"name": ["Binance Holdings"]}}}
    results = match(APIClient(), query, limit=1).json()["responses"]["q"]["results"]
    assert [result["id"] for result in results] == ["binance-holdings"]
    excluded = match(APIClient(), query, exclude_entity_ids="binance-holdings").json()["responses"]["q"]["results"]
    assert "binance-holdings" not in [result["id"] for result in excluded]
    strict = match(APIClient(), {"q": person("Sam Bankman")}, threshold=0.99).json()["responses"]["q"]["results"]
    assert all(result["match"] is False for result in strict)


def retrieval_queries(names):
    """Queries candidate retrieval makes for these person names (PostgreSQL may add a trigram lookup)."""
    with CaptureQueriesContext(connection) as retrieval:
        for name in names:
            query = MatchQuery.from_properties("Person", {"name": [name]})
            candidate_ids(query.forms, query.identifiers, SCHEMA_KINDS["Person"])
    return len(retrieval)


def test_match_query_count_does_not_grow_with_results(curated_data):
    client = APIClient()
    names = ["Changpeng Zhao", "Sam Bankman-Fried", "Do Kwon", "CZ"]
    with CaptureQueriesContext(connection) as single:
        assert match(client, {"a": person(names[0])}).status_code == 200
    with CaptureQueriesContext(connection) as several:
        response = match(client, {f"q{i}": person(name) for i, name in enumerate(names)})
    assert sum(len(answer["results"]) for answer in response.json()["responses"].values()) >= len(names)
    # Beyond retrieval, however many results: candidates with aliases and identifiers (3), the
    # enforcement summary (6) and the request's savepoint and release (2).
    assert len(single) == retrieval_queries(names[:1]) + 11
    assert len(several) == retrieval_queries(names) + 11


BAD_BODIES = [
    ({"queries": {}}, "queries"),
    ({"queries": {"q": person("")}}, "queries"),
    ({"queries": {"q": person("x" * 10_000)}}, "queries"),
    ({"queries": {"q": person("Zhao\x00Changpeng")}}, "queries"),
    ({"queries": {"q": person("Zhao\x07")}}, "queries"),
    ({"queries": {"q": person("!!!")}}, "queries"),
    ({"queries": {"q": {"schema": "Vessel", "properties": {"name": ["Ever Given"]}}}}, "queries"),
    ({"queries": {"q": {"schema": "Person", "properties": {"nickname": ["CZ"]}}}}, "queries"),
    ({"queries": {"q": {"schema": "Person", "properties": {"country": ["CA"]}}}}, "queries"),
    ({"queries": {"q": person("CZ", country=["Canada"])}}, "queries"),
    ({"queries": {"q": person("CZ", birthDate=["11/9/1977"])}}, "queries"),
    ({"queries": {f"q{i}": person("CZ") for i in range(101)}}, "queries"),
    ({"queries": ["CZ"]}, "queries"),
    ({}, "queries"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_bad_match_bodies_are_400(curated_data, body, field):
    response = APIClient().post(MATCH, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [("threshold=1.5", "threshold"), ("threshold=-0.1", "threshold"), ("limit=0", "limit"), ("colour=red", "colour")],
)
def test_bad_match_parameters_are_400(curated_data, params, field):
    response = APIClient().post(f"{MATCH}?{params}", {"queries": {"q": person("CZ")}}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_match_writes_nothing_and_logs_no_name(curated_data, caplog):
    before = ScreeningDecision.objects.count()
    with caplog.at_level(logging.DEBUG):
        match(APIClient(), {"q": person("Zhao Changpeng")})
        APIClient().post(MATCH, {"queries": {"q": person("Zhao\x00Changpeng")}}, format="json")
    assert "Changpeng" not in caplog.text
    assert ScreeningDecision.objects.count() == before


def test_decisions_through_the_api_are_shown_and_rejected_hidden(curated_data, screener):
    body = {"name": "Binance Holdings", "entity": "binance-holdings-ie", "verdict": "false_positive", "note": "IE arm"}
    created = screener.post(reverse("api:screening-decisions"), body, format="json")
    assert created.status_code == 201
    assert created.json()["decided_by"] == "screener"
    decision = ScreeningDecision.objects.get(entity__slug="binance-holdings-ie")
    assert decision.audit_trail.first().history_user.username == "screener"
    query = {"q": {"schema": "Company", "properties": {"name": ["BINANCE HOLDINGS"]}}}
    ids = [result["id"] for result in match(screener, query, limit=10).json()["responses"]["q"]["results"]]
    assert "binance-holdings-ie" not in ids
    shown = match(screener, query, limit=10, include_rejected="true").json()["responses"]["q"]["results"]
    rejected = next(result for result in shown if result["id"] == "binance-holdings-ie")
    assert rejected["decision"]["verdict"] == "false_positive"
    # Anonymous callers see neither the decision nor its effect.
    public = match(APIClient(), query, limit=10).json()["responses"]["q"]["results"]
    assert "binance-holdings-ie" in [result["id"] for result in public]
    assert all("decision" not in result for result in public)
    listed = screener.get(reverse("api:screening-decisions"), {"name": "binance  HOLDINGS"}).json()["results"]
    assert [item["entity"] for item in listed] == ["binance-holdings-ie"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "entity": "changpeng-zhao", "verdict": "match"},
        {"name": "CZ", "entity": "no-such-entity", "verdict": "match"},
        {"name": "CZ", "entity": "sec", "verdict": "match"},
        {"name": "CZ", "entity": "changpeng-zhao", "verdict": "maybe"},
    ],
)
def test_bad_decisions_are_400_and_save_nothing(curated_data, screener, body):
    response = screener.post(reverse("api:screening-decisions"), body, format="json")
    assert response.status_code == 400
    assert ScreeningDecision.objects.count() == 0


def test_decisions_need_the_screening_permission(curated_data, viewer):
    assert APIClient().get(reverse("api:screening-decisions")).status_code == 401
    assert viewer.get(reverse("api:screening-decisions")).status_code == 403


def test_reconcile_manifest_queries_and_suggest(curated_data):
    client = APIClient()
    manifest = client.get(reverse("api:reconcile")).json()
    assert manifest["versions"] == ["0.2"]
    assert {"id": "Person", "name": "Person"} in manifest["defaultTypes"]
    queries = {"q0": {"query": "Zhao Changpeng", "type": "Person"}, "q1": {"query": "Binance Holdings Ltd", "limit": 2}}
    answer = client.post(reverse("api:reconcile"), {"queries": json.dumps(queries)}, format="multipart").json()
    assert answer["q0"]["result"][0]["id"] == "changpeng-zhao"
    assert answer["q0"]["result"][0]["match"] is True
    assert answer["q1"]["result"][0]["id"] == "binance-holdings"
    assert len(answer["q1"]["result"]) <= 2
    got = client.get(reverse("api:reconcile"), {"queries": json.dumps(queries)}).json()
    assert got == answer
    suggest = client.get(reverse("api:reconcile-suggest-entity"), {"prefix": "Bankman-F"}).json()
    assert [item["id"] for item in suggest["result"]] == ["sam-bankman-fried"]


@pytest.mark.parametrize(
    "queries", ["not json", "[]", json.dumps({"q": {"query": ""}}), json.dumps({"q": {"query": "CZ", "type": "Ship"}})]
)
def test_bad_reconcile_queries_are_400(curated_data, queries):
    response = APIClient().get(reverse("api:reconcile"), {"queries": queries})
    assert response.status_code == 400
    assert "queries" in response.json()


@pytest.mark.parametrize(
    "body", [[{"query": "CZ"}], {"queries": 5}, {"queries": {"q": {"query": "CZ", "type": ["Person"]}}}]
)
def test_odd_reconcile_json_bodies_are_400(curated_data, body):
    response = APIClient().post(reverse("api:reconcile"), body, format="json")
    assert response.status_code == 400
