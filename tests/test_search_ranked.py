"""Ranked full-text search: the stored search documents, kept current by the database on every write
path (PostgreSQL), and the site-wide ``/api/v1/search/`` built on them, with its portable SQLite path."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from timeline import models
from timeline.migrations._search_document import search_documents_rebuild
from timeline.selectors.search import matching_ids, search_ranked

pytestmark = pytest.mark.django_db

SEARCH = "api:search"


@pytest.fixture
def api():
    return APIClient()


def search(api, **params):
    response = api.get(reverse(SEARCH), params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def hits(api, text, **params):
    return [(row["type"], row["key"]) for row in search(api, q=text, **params)]


def matched(model, text):
    return set(model.objects.filter(pk__in=matching_ids(model, text)).values_list("slug", flat=True))


@pytest.fixture
def matter():
    company = factories.EntityFactory(
        name="Quuxly Asset Holdings", slug="quuxly", description="A <b>trust</b> company for R&D."
    )
    factories.EntityAliasFactory(entity=company, alias="QAH")
    case = factories.CaseFactory(title="The Quuxly matter", slug="quuxly-matter", summary="Reporting failures.")
    action = factories.EnforcementActionFactory(
        case=case, slug="us-v-quuxly", caption="United States v. Q. Holdings", docket_number="1:24-cr-00321"
    )
    factories.ActionPartyFactory(action=action, entity=company)
    return company, case, action


# The curated data: what a reader of the Binance matter types.


def test_cz_finds_changpeng_zhao_and_the_docket_its_action(api, curated_data):
    assert ("entity", "changpeng-zhao") in hits(api, "CZ")
    assert hits(api, "2:23-cr-00179", type="action")[0] == ("action", "doj-us-v-changpeng-zhao")


@pytest.mark.postgres_only
def test_cz_finds_the_binance_case_through_its_parties_aliases(api, curated_data):
    found = hits(api, "CZ")
    assert ("case", "binance-changpeng-zhao") in found
    assert ("action", "doj-us-v-changpeng-zhao") in found


def test_results_are_typed_ranked_and_link_to_their_record(api, curated_data):
    rows = search(api, q="Changpeng Zhao", limit=10)
    assert 0 < len(rows) <= 10
    assert [row["rank"] for row in rows] == sorted((row["rank"] for row in rows), reverse=True)
    for row in rows:
        assert row["type"] in ("entity", "case", "action", "event", "source")
        assert api.get(row["url"]).status_code == 200
    assert {row["type"] for row in search(api, q="Changpeng Zhao", type="case,entity")} <= {"case", "entity"}


# Snippets


def test_snippets_mark_the_match_and_escape_the_text(api, matter):
    (row,) = search(api, q="quuxly", type="entity")
    assert row["key"] == "quuxly"
    assert "<mark>Quuxly</mark>" in row["snippet"]
    text = re.sub(r"</?mark>", "", row["snippet"])
    assert not re.search(r"[<>]|&(?!amp;|lt;|gt;)", text), row["snippet"]


# Bad input: a ranked answer or a 400, never a 500.


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "x" * 201},
        {"q": "binance\x00"},
        {"q": "binance", "type": "docket"},
        {"q": "binance", "limit": "0"},
        {"q": "binance", "limit": "51"},
        {"q": "binance", "page": "2"},
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(api, params):
    response = api.get(reverse(SEARCH), params)
    assert response.status_code == 400, response.content
    assert set(response.json()) <= {*params, "q"}


@pytest.mark.parametrize(
    "text",
    ['!!!"" & | :* ((( <-> ' * 8, '"unclosed phrase', "-", "or or or", "Бинанс 币安 بينانس", "'; drop table x; --"],
)
def test_any_text_is_a_ranked_answer(api, matter, text):
    assert isinstance(search(api, q=text[:200]), list)


def test_search_query_count_is_pinned(api, matter, django_assert_num_queries):
    api.get(reverse(SEARCH), {"q": "quuxly"})  # warm per-process caches
    # The request's savepoint and its release, around one statement on PostgreSQL (the query, every
    # kind and the snippets) or one icontains query per kind on SQLite.
    expected = 3 if connection.vendor == "postgresql" else 7
    with django_assert_num_queries(expected):
        assert ("entity", "quuxly") in hits(api, "quuxly")


# The documents (PostgreSQL): the database keeps them current whatever writes.


@pytest.mark.postgres_only
def test_prefix_of_a_name_and_fuzzy_names(matter):
    assert matched(models.Entity, "quux") == {"quuxly"}
    (fuzzy,) = search_ranked("Quuxlee Asset Holdngs", kinds=["entity"])
    assert (fuzzy.key, fuzzy.match) == ("quuxly", "fuzzy")


@pytest.mark.postgres_only
def test_documents_follow_aliases_parties_and_renames(matter):
    company, _case, action = matter
    assert matched(models.EnforcementAction, "QAH") == {"us-v-quuxly"}
    assert matched(models.Case, "QAH") == {"quuxly-matter"}
    alias = factories.EntityAliasFactory(entity=company, alias="Zorbex")
    assert matched(models.Entity, "zorbex") == {"quuxly"}
    assert matched(models.EnforcementAction, "zorbex") == {"us-v-quuxly"}
    alias.delete()
    assert matched(models.Case, "zorbex") == set()
    models.Entity.objects.filter(pk=company.pk).update(name="Vantorq Capital")  # bulk update, no save()
    assert matched(models.EnforcementAction, "vantorq") == {"us-v-quuxly"}
    assert matched(models.Case, "vantorq") == {"quuxly-matter"}
    models.ActionParty.objects.filter(action=action).delete()
    assert matched(models.EnforcementAction, "vantorq") == set()
    assert matched(models.Case, "vantorq") == set()


@pytest.mark.postgres_only
def test_documents_follow_raw_sql_and_an_action_moving_case(matter):
    _company, _case, action = matter
    with connection.cursor() as cursor:
        cursor.execute("UPDATE timeline_enforcementaction SET summary = 'Wire fraud' WHERE id = %s", [action.pk])
    assert matched(models.EnforcementAction, "wire fraud") == {"us-v-quuxly"}
    other = factories.CaseFactory(slug="other-matter")
    models.EnforcementAction.objects.filter(pk=action.pk).update(case=other)
    assert matched(models.Case, "QAH") == {"other-matter"}
    assert matched(models.EnforcementAction, "00321") == {"us-v-quuxly"}


@pytest.mark.postgres_only
def test_the_bulk_rebuild_writes_what_the_triggers_write(matter):
    factories.EventFactory(title="Quuxly fined", description="A fine.")
    factories.SourceFactory(title="Quuxly press release", publisher="Agency")
    tables = ("timeline_entity", "timeline_case", "timeline_enforcementaction", "timeline_event", "timeline_source")

    def documents():
        with connection.cursor() as cursor:
            found = {}
            for table in tables:
                cursor.execute(f"SELECT id, search_document::text FROM {table} ORDER BY id")
                found[table] = cursor.fetchall()
            return found

    by_triggers = documents()
    assert all(document for rows in by_triggers.values() for _id, document in rows)
    with connection.cursor() as cursor:
        search_documents_rebuild(cursor)
    assert documents() == by_triggers


@pytest.mark.postgres_only
def test_text_search_reads_the_gin_indexes(matter):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    for model, index in (
        (models.EnforcementAction, "timeline_enforcementaction_search"),
        (models.Entity, "timeline_entity_search"),
    ):
        explained = model.objects.filter(pk__in=matching_ids(model, "quuxly asset")).explain()
        assert index in explained, explained
