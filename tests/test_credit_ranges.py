"""Credits documented without a stated amount: the net becomes a range, and the totals name them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from timeline import models
from timeline.selectors.penalties import penalty_totals

pytestmark = pytest.mark.django_db


def usd(value):
    return Decimal(value)


def component(amount, suspended="0", **kwargs):
    return factories.SettlementComponentFactory(amount=usd(amount), suspended_amount=usd(suspended), **kwargs)


def only_total(components):
    [total] = penalty_totals(models.SettlementComponent.objects.filter(pk__in=[c.pk for c in components]))
    return total


def test_stated_credits_only_make_an_exact_net():
    paid = component("1000")
    factories.CreditFactory(component=paid, amount=usd("300"))
    total = only_total([paid])
    assert (total.credited, total.net, total.net_lower, total.net_is_range) == (
        usd("300"),
        usd("700"),
        usd("700"),
        False,
    )


def test_a_bound_makes_the_net_a_range_naming_the_credit():
    paid = component("1000", suspended="100")
    factories.CreditFactory(component=paid, amount=usd("300"))
    bounded = factories.CreditFactory(component=paid, quantum="up_to", amount=usd("250"), evidence="inferred")
    total = only_total([paid])
    assert (total.credited, total.net, total.net_lower) == (usd("300"), usd("600"), usd("350"))
    assert [(c.key, c.most, c.evidence, c.quantum) for c in total.unquantified_credits] == [
        (bounded.key, usd("250"), "inferred", "up_to")
    ]


def test_an_undocumented_amount_may_take_all_that_is_payable():
    paid = component("1000", suspended="100")
    factories.CreditFactory(component=paid, amount=usd("300"))
    factories.CreditFactory(component=paid, quantum="unknown", amount=None)
    factories.CreditFactory(component=paid, quantum="up_to", amount=usd("50"))
    total = only_total([paid])
    # 600 is payable after the suspended and stated amounts: neither credit can take more, together or alone.
    assert (total.net, total.net_lower, total.unquantified) == (usd("600"), usd("0"), usd("600"))
    assert sorted(c.most for c in total.unquantified_credits) == [usd("50"), usd("600")]


def test_shares_of_one_stated_total_count_that_total_once():
    paid = component("1000")
    factories.CreditFactory(component=paid, quantum="share", amount=usd("400"))
    factories.CreditFactory(component=paid, quantum="share", amount=usd("400"))
    total = only_total([paid])
    assert (total.net, total.net_lower) == (usd("1000"), usd("600"))


def test_ranges_follow_the_grouping():
    doj = factories.AuthorityFactory(slug="doj-range")
    sec = factories.AuthorityFactory(slug="sec-range")
    first = component("1000", settlement__action__authority=doj)
    second = component("500", settlement__action__authority=sec)
    factories.CreditFactory(component=second, quantum="unknown", amount=None)
    components = models.SettlementComponent.objects.filter(pk__in=[first.pk, second.pk])
    by_authority = {t.group: (t.net, t.net_lower) for t in penalty_totals(components, group_by="authority")}
    assert by_authority == {"doj-range": (usd("1000"), usd("1000")), "sec-range": (usd("500"), usd("0"))}


def test_the_totals_table_counts_only_stated_credits_and_adds_the_range():
    paid = component("1000")
    factories.CreditFactory(component=paid, amount=usd("100"))
    factories.CreditFactory(component=paid, quantum="up_to", amount=usd("200"))
    authority = paid.settlement.action.authority
    stored = models.PenaltyTotal.objects.get(authority=authority)
    assert stored.credited == usd("100")
    [total] = penalty_totals(group_by="authority")
    assert (total.net, total.net_lower) == (usd("900"), usd("700"))


def test_validation_ties_the_amount_to_how_it_is_given():
    paid = component("1000")
    credit = factories.CreditFactory.build(component=paid, key="credit-unknown", quantum="unknown", amount=usd("5"))
    with pytest.raises(ValidationError) as excinfo:
        credit.full_clean(exclude=["sources", "against"])
    assert "amount" in excinfo.value.message_dict
    credit = factories.CreditFactory.build(component=paid, key="credit-bound", quantum="up_to", amount=None)
    with pytest.raises(ValidationError) as excinfo:
        credit.full_clean(exclude=["sources", "against"])
    assert "amount" in excinfo.value.message_dict
    factories.CreditFactory(component=paid, amount=usd("900"))
    credit = factories.CreditFactory.build(component=paid, key="credit-too-big", quantum="up_to", amount=usd("200"))
    with pytest.raises(ValidationError) as excinfo:
        credit.full_clean(exclude=["sources", "against"])
    assert "amount" in excinfo.value.message_dict


def test_stats_api_gives_the_range_and_names_the_credits():
    paid = component("1000")
    credit = factories.CreditFactory(component=paid, quantum="unknown", amount=None, evidence="inferred")
    response = APIClient().get(reverse("api:stats-penalties"), {"group_by": "authority"})
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["net"], row["net_lower"], row["net_is_range"]) == ("1000.00", "0.00", True)
    assert [
        (c["key"], c["amount_given_as"], c["amount"], c["evidence"], c["at_most"]) for c in row["unquantified_credits"]
    ] == [(credit.key, "unknown", None, "inferred", "1000.00")]


def test_case_page_shows_the_range_and_the_steps(client):
    paid = component("1000")
    factories.CreditFactory(
        component=paid, quantum="up_to", amount=usd("400"), evidence="inferred", key="bounded-credit"
    )
    case = paid.settlement.action.case
    response = client.get(reverse("pages:case-detail", kwargs={"slug": case.slug}))
    content = response.content.decode()
    assert response.status_code == 200
    assert "600 to 1,000" in content
    assert "bounded-credit" in content and "How the amounts reconcile" in content
