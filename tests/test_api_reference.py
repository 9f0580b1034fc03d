"""The issue's "Done when" queries against the curated Binance / Changpeng Zhao fixtures.

Figures are those of the reference (../shared/reference/binance.md): a gross of 11,586,244,988 USD,
3,368,618,825 credited and 150,000,000 suspended, beside the officials' "over $4.3 billion".
"""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from timeline import models

D = datetime.date
CASE = "binance-changpeng-zhao"


@pytest.fixture
def api(curated_data):
    return APIClient()


def get(api, name, **params):
    response = api.get(reverse(f"api:{name}"), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_settlements_paid_by_binance_holdings(api):
    data = get(api, "settlement-list", party="binance-holdings")
    assert {row["authority"]["slug"] for row in data["results"]} == {"doj", "fincen", "ofac", "cftc"}
    assert data["count"] == 4
    paid = sorted(
        component["amount"]
        for row in data["results"]
        for component in row["components"]
        if component["payer"] == "binance-holdings" and component["part_of"] is None
    )
    assert paid == [
        "1350000000.00",
        "1350000000.00",
        "1805475575.00",
        "2510650588.00",
        "3400000000.00",
        "968618825.00",
    ]
    # Zhao's own plea agreement is not a Binance Holdings settlement.
    assert all(row["action"]["slug"] != "doj-us-v-changpeng-zhao" for row in data["results"])


def test_sentence_of_changpeng_zhao(api):
    [sentence] = get(api, "sentence-list", defendant="changpeng-zhao")["results"]
    assert sentence["sentenced_on"] == "2024-04-30"
    assert sentence["custody_months"] == 4
    assert (sentence["fine_amount"], sentence["fine_currency"]) == ("50000000.00", "USD")
    assert sentence["judge"]["name"] == "Richard A. Jones"
    assert sentence["prosecution_sought_months"] == 36
    assert sentence["supervised_release_months"] is None
    assert sentence["scheduled_release_on"] == "2024-09-29"
    assert sentence["released_on"] == "2024-09-27"
    assert sentence["authority"]["slug"] == "doj"
    assert sentence["sources"]


def test_granted_pardon_of_changpeng_zhao(api):
    [row] = get(api, "pardon-request-list", person="changpeng-zhao", status="granted")["results"]
    assert (row["kind"], row["status"], row["granted_by"]["slug"]) == ("pardon", "granted", "donald-trump")
    detail = api.get(row["api_url"]).json()
    history = detail["history"]
    assert [step["date"] for step in history] == sorted(step["date"] for step in history)
    report = next(
        step
        for step in history
        if step["claimed_by"] and step["claimed_by"]["slug"] == "wall-street-journal" and step["date"] == "2025-03-13"
    )
    assert report["claim_status"] == "reported"
    denial = next(step for step in history if step["claim_status"] == "denied")
    assert (denial["claimed_by"]["slug"], denial["responds_to"]) == ("changpeng-zhao", report["key"])
    requested = next(step for step in history if step["status"] == "requested")
    assert (requested["date"], requested["date_precision"]) == ("2025-04-01", "month")
    grant = next(step for step in history if step["status"] == "granted" and step["claim_status"] == "fact")
    assert grant["date"] == "2025-10-23"


def test_events_of_changpeng_zhao_since_2023(api):
    keys, dates = [], []
    url, params = reverse("api:event-list"), {"entity": "changpeng-zhao", "date_after": "2023-01-01", "page_size": 5}
    while url:
        data = api.get(url, params).json()
        keys += [row["key"] for row in data["results"]]
        dates += [row["date"] for row in data["results"]]
        for row in data["results"]:
            assert "changpeng-zhao" in {entity["slug"] for entity in row["entities"]}
            assert row["sources"], row["key"]
        url, params = data["next"], None
    expected = models.Event.objects.filter(entities__slug="changpeng-zhao", date__gte=D(2023, 1, 1)).order_by(
        "date", "id"
    )
    assert keys == [event.key for event in expected]
    assert dates == sorted(dates)
    assert min(dates) >= "2023-01-01"
    reference_dates = {"2023-03-27", "2023-06-05", "2023-11-21", "2024-04-30", "2024-09-27", "2025-03-13", "2025-10-23"}
    assert reference_dates <= set(dates)


def test_penalty_totals_of_the_case_by_authority(api):
    data = get(api, "stats-penalties", case=CASE, group_by="authority")
    by_authority = {
        row["group"]: (row["gross"], row["credited"], row["suspended"], row["net"]) for row in data["results"]
    }
    assert by_authority == {
        "doj": ("4366126163.00", "0.00", "0.00", "4366126163.00"),
        "fincen": ("3400000000.00", "2470000000.00", "150000000.00", "780000000.00"),
        "ofac": ("968618825.00", "898618825.00", "0.00", "70000000.00"),
        "cftc": ("2851500000.00", "0.00", "0.00", "2851500000.00"),
    }
    [total] = data["totals"]
    assert (total["currency"], total["gross"], total["credited"], total["suspended"], total["net"]) == (
        "USD",
        "11586244988.00",
        "3368618825.00",
        "150000000.00",
        "8067626163.00",
    )
    assert data["headline"]["headline_text"] == "over $4.3 billion"
    assert data["headline"]["sources"]


def test_entity_search_and_roll_up(api):
    assert [row["slug"] for row in get(api, "entity-list", q="CZ")["results"]] == ["changpeng-zhao"]
    binance = {row["slug"] for row in get(api, "entity-list", q="binance")["results"]}
    assert {"binance-holdings", "bam-trading-services"} <= binance
    related = get(api, "action-list", party="binance-holdings", include_related="true")["results"]
    assert "doj-us-v-changpeng-zhao" in {row["slug"] for row in related}


def test_case_timeline_in_date_order(api):
    dates = []
    url, params = reverse("api:case-timeline", kwargs={"slug": CASE}), {"page_size": 100}
    while url:
        data = api.get(url, params).json()
        dates += [row["date"] for row in data["results"]]
        url, params = data["next"], None
    assert dates == sorted(dates)
    assert len(dates) == models.Event.objects.filter(case__slug=CASE).count()


def test_anonymous_writes_are_refused(api):
    before = models.Settlement.objects.count()
    response = api.post(reverse("api:settlement-list"), {"slug": "x", "action": "sec-v-binance"}, format="json")
    assert response.status_code == 401
    assert api.delete(reverse("api:entity-detail", args=["changpeng-zhao"])).status_code == 401
    assert api.patch(reverse("api:case-detail", args=[CASE]), {"title": "x"}, format="json").status_code == 401
    assert models.Settlement.objects.count() == before
    assert models.Entity.objects.filter(slug="changpeng-zhao").exists()
