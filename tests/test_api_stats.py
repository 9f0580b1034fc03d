"""Penalty totals through the API: gross, credited, suspended and net per group and currency."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from timeline import models

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two authorities settling with a group of companies; one credit, one suspension, one breakdown."""
    doj = factories.AuthorityFactory(slug="doj", name="Justice")
    fincen = factories.AuthorityFactory(slug="fincen", name="FinCEN")
    case = factories.CaseFactory(
        slug="matter", headline_text="over $4 thousand", headline_amount=Decimal("4000.00"), headline_currency="USD"
    )
    case.headline_sources.set([factories.SourceFactory(key="headline")])
    parent = factories.EntityFactory(slug="parent")
    subsidiary = factories.EntityFactory(slug="subsidiary")
    factories.EntityRelationshipFactory(subject=subsidiary, kind=models.RelationshipKind.SUBSIDIARY_OF, object=parent)
    plea = factories.SettlementFactory(
        action=factories.EnforcementActionFactory(authority=doj, case=case), agreed_on=D(2023, 11, 21)
    )
    fine = factories.SettlementComponentFactory(settlement=plea, payer=parent, amount=Decimal("1000.00"))
    factories.SettlementComponentFactory(settlement=plea, payer=parent, part_of=fine, amount=Decimal("400.00"))
    order = factories.SettlementFactory(
        action=factories.EnforcementActionFactory(authority=fincen, case=case), agreed_on=D(2024, 1, 5)
    )
    penalty = factories.SettlementComponentFactory(
        settlement=order,
        payer=subsidiary,
        kind=models.ComponentKind.CIVIL_MONEY_PENALTY,
        amount=Decimal("3000.00"),
        suspended_amount=Decimal("500.00"),
    )
    credit = factories.CreditFactory(component=penalty, amount=Decimal("1000.00"))
    credit.against.set([fine])
    factories.SettlementComponentFactory(
        settlement=order, payer=subsidiary, currency="EUR", amount=Decimal("10.50"), kind=models.ComponentKind.OTHER
    )
    return {"case": case}


def stats(**params):
    response = APIClient().get(reverse("api:stats-penalties"), params)
    assert response.status_code == 200, response.content
    return response.json()


def rows(data, key="results"):
    return {
        (row["group"], row["currency"]): (row["gross"], row["credited"], row["suspended"], row["net"])
        for row in data[key]
    }


def test_by_authority_net_of_credits_and_suspensions(world):
    data = stats(case="matter", group_by="authority")
    assert data["group_by"] == "authority"
    assert rows(data) == {
        ("doj", "USD"): ("1000.00", "0.00", "0.00", "1000.00"),
        ("fincen", "EUR"): ("10.50", "0.00", "0.00", "10.50"),
        ("fincen", "USD"): ("3000.00", "1000.00", "500.00", "1500.00"),
    }
    assert rows(data, "totals") == {
        (None, "EUR"): ("10.50", "0.00", "0.00", "10.50"),
        (None, "USD"): ("4000.00", "1000.00", "500.00", "2500.00"),
    }


def test_by_year(world):
    assert rows(stats(group_by="year")) == {
        ("2023", "USD"): ("1000.00", "0.00", "0.00", "1000.00"),
        ("2024", "EUR"): ("10.50", "0.00", "0.00", "10.50"),
        ("2024", "USD"): ("3000.00", "1000.00", "500.00", "1500.00"),
    }


def test_by_entity(world):
    data = stats(group_by="entity")
    assert {row["label"] for row in data["results"]} == {
        models.Entity.objects.get(slug="parent").name,
        models.Entity.objects.get(slug="subsidiary").name,
    }
    assert rows(data)[("subsidiary", "USD")] == ("3000.00", "1000.00", "500.00", "1500.00")


def test_by_case_and_default_grouping(world):
    assert rows(stats(group_by="case"))[("matter", "USD")] == ("4000.00", "1000.00", "500.00", "2500.00")
    data = stats()
    assert data["group_by"] == "currency"
    assert rows(data) == {
        ("EUR", "EUR"): ("10.50", "0.00", "0.00", "10.50"),
        ("USD", "USD"): ("4000.00", "1000.00", "500.00", "2500.00"),
    }


def test_nets_of_groups_add_up_to_the_total(world):
    data = stats(group_by="authority", currency="USD")
    net = sum(Decimal(row["net"]) for row in data["results"])
    assert [Decimal(row["net"]) for row in data["totals"]] == [net]


def test_party_counts_only_what_the_party_paid(world):
    assert rows(stats(party="parent"), "totals") == {(None, "USD"): ("1000.00", "0.00", "0.00", "1000.00")}
    assert rows(stats(party="parent", include_related="true"), "totals")[(None, "USD")] == (
        "4000.00",
        "1000.00",
        "500.00",
        "2500.00",
    )


def test_settlement_filters_apply(world):
    assert rows(stats(component_kind="civil_money_penalty"), "totals") == {
        (None, "USD"): ("3000.00", "1000.00", "500.00", "1500.00")
    }
    assert rows(stats(authority="doj"), "totals") == {(None, "USD"): ("1000.00", "0.00", "0.00", "1000.00")}
    assert rows(stats(date_after="2024-01-01", currency="eur"), "totals") == {
        (None, "EUR"): ("10.50", "0.00", "0.00", "10.50")
    }
    assert rows(stats(amount_min="2000"), "totals") == {(None, "USD"): ("3000.00", "1000.00", "500.00", "1500.00")}


def test_headline_beside_the_computed_figures(world):
    headline = stats(case="matter")["headline"]
    assert headline == {
        "case": "matter",
        "title": world["case"].title,
        "headline_text": "over $4 thousand",
        "amount": "4000.00",
        "currency": "USD",
        "sources": [headline["sources"][0]],
    }
    assert headline["sources"][0]["key"] == "headline"
    assert stats()["headline"] is None


def test_no_matching_settlements_gives_empty_totals(world):
    data = stats(date_after="2030-01-01")
    assert data["results"] == data["totals"] == []
