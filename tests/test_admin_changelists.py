"""Changelists over large tables: search by id sets returns the rows Django's own search returns, each
once and without DISTINCT; the case filter takes a slug instead of listing every case; years come from
the ends of the date index; per-row counts are right and sortable; query counts stay pinned."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.conftest import shared_rows
from tests.test_admin import build_world, changelist_url
from timeline import models

D = datetime.date
pytestmark = pytest.mark.django_db

SEARCHES = [
    "Exchange",
    "exchange HOLDINGS",
    '"Exchange Holdings"',
    "FP",
    "fp founder",
    "Exchange.US",
    "Exchange US",
    "Founder Exchange.US",  # two words matched by two different entities of one event
    "Ledger founder",
    "doj",
    "5318(h)",
    "plea",
    "nothing matches this",
]


shared_world = shared_rows(build_world)


@pytest.fixture
def world(shared_world, db):
    return shared_world.data()


def search_ids(model_admin, term, *, stock):
    request = RequestFactory().get("/")
    queryset = model_admin.get_queryset(request)
    if stock:
        found, duplicates = admin.ModelAdmin.get_search_results(model_admin, request, queryset, term)
        found = found.distinct() if duplicates else found
    else:
        found, duplicates = model_admin.get_search_results(request, queryset, term)
        assert duplicates is False
    ids = list(found.values_list("pk", flat=True))
    assert len(ids) == len(set(ids)), (model_admin, term)
    return sorted(ids)


@pytest.mark.parametrize(
    "model", [model for model, model_admin in admin.site._registry.items() if model._meta.app_label == "timeline"]
)
def test_search_returns_the_rows_djangos_search_returns(world, model):
    model_admin = admin.site._registry[model]
    for term in SEARCHES:
        assert search_ids(model_admin, term, stock=False) == search_ids(model_admin, term, stock=True), term


def test_every_word_must_match_one_and_the_same_related_row(world):
    """As Django's search: the founder's name and the subsidiary's alias are two entities of the press
    event, so no single entity row matches both words."""
    event_admin = admin.site._registry[models.Event]
    assert world.press_event.pk in search_ids(event_admin, "Founder", stock=False)
    assert world.press_event.pk in search_ids(event_admin, "Exchange.US", stock=False)
    assert world.press_event.pk not in search_ids(event_admin, "Founder Exchange.US", stock=False)
    assert world.press_event.pk in search_ids(event_admin, "Ledger Exchange.US", stock=False)


def results(response):
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert len(rows) == len({row.pk for row in rows})
    return rows


def test_action_search_through_party_names_and_aliases_lists_each_action_once(admin_client, world):
    # The company is a party of two actions, twice over in one, and has an alias.
    factories.ActionPartyFactory(action=world.action, entity=world.company, role=models.PartyRole.RESPONDENT)
    url = changelist_url("enforcementaction")
    assert {a.slug for a in results(admin_client.get(url, {"q": "exchange.COM"}))} == {
        "doj-exchange",
        "fincen-exchange",
    }
    assert {a.slug for a in results(admin_client.get(url, {"q": "Founder Person"}))} == {"doj-founder"}
    assert {a.slug for a in results(admin_client.get(url, {"q": "fp"}))} == {"doj-founder"}
    response = admin_client.get(url, {"q": "Exchange"})
    assert {a.slug for a in results(response)} == {"doj-exchange", "fincen-exchange"}
    assert response.context["cl"].result_count == 2


def test_event_search_through_entity_aliases(admin_client, world):
    rows = results(admin_client.get(changelist_url("event"), {"q": "exchange.us"}))
    assert world.press_event in rows
    assert set(rows) == set(models.Event.objects.filter(entities=world.subsidiary))


def test_searches_and_filters_run_without_distinct_or_group_by(admin_client, world):
    """The count and the page of each list; the authority filter's own choices are not concerned."""
    for model_name, params in [
        ("enforcementaction", {"q": "Exchange founder", "case": "exchange-matter", "filed_on__year": "2023"}),
        ("event", {"q": "Exchange.US Ledger", "case": "exchange-matter", "date__year": "2025"}),
        ("entity", {"q": "FP"}),
        ("case", {"q": "exchange"}),
    ]:
        with CaptureQueriesContext(connection) as queries:
            results(admin_client.get(changelist_url(model_name), params))
        listing = [
            query["sql"]
            for query in queries.captured_queries
            if query["sql"].startswith(("SELECT COUNT(*)", f'SELECT "timeline_{model_name}"."id"'))
        ]
        assert len(listing) == 2, listing
        for sql in listing:
            assert "DISTINCT" not in sql, sql
            assert "GROUP BY" not in sql, sql


# The case filter


@pytest.fixture
def other_case(world):
    case = factories.CaseFactory(slug="other-matter", title="Other matter entirely")
    factories.EnforcementActionFactory(slug="other-action", case=case, caption="SEC v. Other Exchange")
    factories.EventFactory(key="other-event", case=case, title="Other Exchange event")
    return case


def case_filter_html(response):
    return response.content.decode().split('data-filter-title="case"')[1].split("</details>")[0]


@pytest.mark.parametrize("model_name", ["enforcementaction", "event", "entityrelationship"])
def test_case_filter_takes_a_slug_and_lists_only_the_chosen_case(admin_client, world, other_case, model_name):
    url = changelist_url(model_name)
    response = admin_client.get(url)
    everything = results(response)
    assert 'name="case"' in case_filter_html(response)
    assert other_case.title not in case_filter_html(response)  # no link per case
    response = admin_client.get(url, {"case": " other-matter "})
    assert results(response) == [row for row in everything if row.case_id == other_case.pk]
    assert other_case.title in case_filter_html(response)
    assert world.case.title not in case_filter_html(response)


def test_case_filter_keeps_the_search_and_other_filters(admin_client, world, other_case):
    response = admin_client.get(changelist_url("event"), {"q": "Exchange", "event_type__exact": "press_report"})
    case_filter = case_filter_html(response)
    assert '<input type="hidden" name="q" value="Exchange">' in case_filter
    assert '<input type="hidden" name="event_type__exact" value="press_report">' in case_filter
    rows = results(admin_client.get(changelist_url("event"), {"q": "Exchange", "case": "other-matter"}))
    assert [event.key for event in rows] == ["other-event"]


def test_case_filter_with_an_unknown_slug_lists_nothing_and_says_so(admin_client, world):
    response = admin_client.get(changelist_url("enforcementaction"), {"case": "no-such-case"})
    assert results(response) == []
    assert "No case has the slug “no-such-case”." in response.content.decode()


# The year filter


def test_year_filter_lists_the_years_of_the_table_and_filters_by_one(admin_client, world):
    factories.EnforcementActionFactory(slug="old", case=world.case, filed_on=D(2019, 5, 1))
    url = changelist_url("enforcementaction")
    specs = admin_client.get(url).context["cl"].filter_specs
    year_filter = next(spec for spec in specs if getattr(spec, "parameter_name", "") == "filed_on__year")
    assert [year for year, _ in year_filter.lookup_choices] == ["2023", "2022", "2021", "2020", "2019"]
    assert [a.slug for a in results(admin_client.get(url, {"filed_on__year": "2019"}))] == ["old"]
    assert {a.slug for a in results(admin_client.get(url, {"filed_on__year": "2023"}))} == {
        "doj-exchange",
        "fincen-exchange",
        "doj-founder",
    }
    # date_hierarchy's month links still narrow the year.
    assert results(admin_client.get(url, {"filed_on__year": "2023", "filed_on__month": "5"})) == []


def test_year_filter_refuses_a_year_that_is_not_a_number(admin_client, world):
    response = admin_client.get(changelist_url("event"), {"date__year": "twenty"})
    assert response.status_code == 302
    assert "e=1" in response["Location"]


# Per-row figures


def test_event_source_counts_are_right_and_sort(admin_client, world):
    event = world.press_event
    event.sources.add(factories.SourceFactory(), factories.SourceFactory())
    column = 1 + list(admin.site._registry[models.Event].list_display).index("source_count")
    rows = results(admin_client.get(changelist_url("event"), {"o": f"-{column}"}))
    assert [row.source_total for row in rows] == [row.sources.count() for row in rows]
    assert [row.source_total for row in rows] == sorted((row.source_total for row in rows), reverse=True)
    assert rows[0] == event


def test_case_counts_are_right(admin_client, world, other_case):
    rows = results(admin_client.get(changelist_url("case")))
    for case in rows:
        assert case.action_total == case.actions.count()
        assert case.event_total == case.events.count()


def test_pardon_request_latest_step_and_step_count(admin_client, world):
    rows = results(admin_client.get(changelist_url("pardonrequest")))
    assert [(row.latest_date, row.step_total) for row in rows] == [(D(2025, 3, 13), 2)]


# Query counts


# Each request also opens and releases a savepoint (ATOMIC_REQUESTS) and reads its session and user.
REQUEST_QUERIES = 4


@pytest.mark.parametrize(
    ("model_name", "params", "queries"),
    [
        # authority choices, the case chosen, years, count, page
        ("enforcementaction", {"q": "Exchange founder", "case": "exchange-matter", "filed_on__year": "2023"}, 5),
        # authority choices, years, count, page
        ("enforcementaction", {"q": "Exchange"}, 4),
        # the case chosen, years, count, page
        ("event", {"q": "Exchange.US", "case": "exchange-matter", "date__year": "2025"}, 4),
        # years, count, page
        ("event", {"q": "Ledger"}, 3),
    ],
)
def test_searched_and_filtered_changelists_are_pinned(
    admin_client, world, django_assert_num_queries, model_name, params, queries
):
    url = changelist_url(model_name)
    admin_client.get(url, params)  # warm per-process caches (content types)
    with django_assert_num_queries(REQUEST_QUERIES + queries):
        results(admin_client.get(url, params))
