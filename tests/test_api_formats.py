"""Formats and paging: JSON, CSV and the browsable API; page sizes, cursors and Link headers; throttling."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from timeline import models
from timeline.services.roles import roles_ensure

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle_cache():
    """Throttle counters live in the cache shared by the suite."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def read_csv(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.fixture
def settlements():
    binance = factories.EntityFactory(slug="binance")
    for slug, payer in (("first", binance), ("second", factories.EntityFactory(slug="other"))):
        settlement = factories.SettlementFactory(slug=slug)
        factories.SettlementComponentFactory(key=f"{slug}-fine", settlement=settlement, payer=payer)
        factories.SettlementComponentFactory(
            key=f"{slug}-penalty", settlement=settlement, payer=payer, amount=Decimal("2.50")
        )


def test_csv_of_a_list_with_the_same_filters(api, settlements):
    response = api.get(reverse("api:settlement-list"), {"format": "csv", "party": "binance"})
    rows = read_csv(response)
    assert response["Content-Disposition"] == 'attachment; filename="settlements.csv"'
    assert [row["slug"] for row in rows] == ["first"]
    assert rows[0]["components"] == "first-fine; first-penalty"
    assert rows[0]["authority.slug"]
    header = response.content.decode().splitlines()[0].split(",")
    assert header[:3] == ["api_url", "slug", "title"]


def test_csv_by_accept_header_and_empty_result_keeps_the_header(api, settlements):
    response = api.get(
        reverse("api:settlement-list"), {"party": "other", "date_after": "2100-01-01"}, HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert len(lines) == 1
    assert "authority.slug" in lines[0].split(",")


def test_csv_of_every_list(api, settlements):
    factories.EventFactory(entities=[factories.EntityFactory()])
    factories.SentenceFactory()
    factories.PardonRequestFactory()
    for name in ("entity", "case", "action", "settlement", "sentence", "pardon-request", "source", "event"):
        rows = read_csv(api.get(reverse(f"api:{name}-list"), {"format": "csv"}))
        assert rows, name


def test_csv_of_timelines_and_totals(api, settlements):
    case = factories.CaseFactory(slug="matter")
    factories.EventFactory(case=case, key="only")
    rows = read_csv(api.get(reverse("api:case-timeline", kwargs={"slug": "matter"}), {"format": "csv"}))
    assert [row["key"] for row in rows] == ["only"]
    assert rows[0]["case.slug"] == "matter"
    rows = read_csv(api.get(reverse("api:stats-penalties"), {"format": "csv"}))
    assert [(row["currency"], row["gross"], row["net"]) for row in rows] == [("USD", "2000005.00", "2000005.00")]


def test_csv_errors_are_still_errors(api):
    response = api.get(reverse("api:entity-list"), {"format": "csv", "nope": "1"})
    assert response.status_code == 400
    assert "nope" in response.content.decode()


@pytest.mark.parametrize("value", ["0", "-1", "101", "abc", "1.5"])
def test_bad_page_size_is_400(api, value):
    response = api.get(reverse("api:entity-list"), {"page_size": value})
    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


def test_csv_allows_larger_pages(api):
    assert api.get(reverse("api:entity-list"), {"format": "csv", "page_size": 1000}).status_code == 200
    assert api.get(reverse("api:entity-list"), {"format": "csv", "page_size": 1001}).status_code == 400


@pytest.mark.parametrize(("value", "status"), [("0", 400), ("abc", 400), ("2", 404)])
def test_bad_page_number(api, value, status):
    factories.EntityFactory()
    assert api.get(reverse("api:entity-list"), {"page": value}).status_code == status


def test_default_page_size_and_link_header(api):
    factories.SourceFactory.create_batch(25)
    response = api.get(reverse("api:source-list"))
    data = response.json()
    assert data["count"] == 25
    assert len(data["results"]) == 20
    assert response["Link"] == f'<{data["next"]}>; rel="next"'
    second = api.get(data["next"])
    assert len(second.json()["results"]) == 5
    assert 'rel="prev"' in second["Link"]


def test_event_cursor_pages_stay_stable_when_events_are_added(api):
    case = factories.CaseFactory()
    for day in range(1, 6):
        factories.EventFactory(case=case, key=f"day-{day}", date=D(2024, 1, day))
    first = api.get(reverse("api:event-list"), {"page_size": 2}).json()
    assert [row["key"] for row in first["results"]] == ["day-1", "day-2"]
    factories.EventFactory(case=case, key="earlier", date=D(2023, 1, 1))
    second = api.get(first["next"]).json()
    assert [row["key"] for row in second["results"]] == ["day-3", "day-4"]
    assert "count" not in first


def test_bad_cursor_is_400(api):
    response = api.get(reverse("api:event-list"), {"cursor": "garbage"})
    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_money_is_an_exact_decimal_string_with_its_currency(api, settlements):
    data = api.get(reverse("api:settlement-detail", args=["first"])).json()
    amounts = {(row["key"], row["amount"], row["currency"]) for row in data["components"]}
    assert amounts == {("first-fine", "1000000.00", "USD"), ("first-penalty", "2.50", "USD")}


def test_browsable_api_renders_with_its_forms(api, settlements):
    """An editor's pages include the write forms, built from the write serializers."""
    user = factories.UserFactory(username="editor")
    user.groups.add(roles_ensure()["editor"])
    api.force_login(user)
    request = factories.PardonRequestFactory(slug="pardon")
    factories.PardonStatusChangeFactory(pardon_request=request)
    action = factories.EnforcementActionFactory(slug="action")
    factories.ActionPartyFactory(action=action)
    charge = factories.ChargeFactory(action=action)
    models.ChargeStatute.objects.create(charge=charge, statute=factories.StatuteFactory())
    credit = factories.CreditFactory(component=models.SettlementComponent.objects.get(key="first-fine"))
    credit.against.add(models.SettlementComponent.objects.get(key="second-fine"))
    entity = factories.EntityFactory(slug="entity")
    factories.EntityAliasFactory(entity=entity)
    sentence = factories.SentenceFactory()
    factories.EventFactory(key="event")
    details = {
        "settlement": "first",
        "pardon-request": "pardon",
        "action": "action",
        "entity": "entity",
        "sentence": sentence.pk,
        "event": "event",
        "case": action.case.slug,
        "source": models.Source.objects.first().key,
    }
    for name, lookup in details.items():
        for url in (reverse(f"api:{name}-list"), reverse(f"api:{name}-detail", args=[lookup])):
            response = api.get(url, HTTP_ACCEPT="text/html")
            assert response.status_code == 200, url
            assert b"<form" in response.content


def test_anonymous_clients_are_throttled_with_retry_after(api):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/minute"}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        url = reverse("api:entity-list")
        assert api.get(url).status_code == 200
        assert api.get(url).status_code == 200
        response = api.get(url)
        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 60
        user = factories.UserFactory()
        signed_in = APIClient()
        signed_in.force_authenticate(user)
        assert signed_in.get(url).status_code == 200
