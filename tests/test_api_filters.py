"""Filters of the entity, action and settlement lists, and the refusals every list shares:
unknown parameters, bad values and ordering outside the whitelist."""

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


# --- entities ---------------------------------------------------------------------------------


@pytest.fixture
def entities():
    zhao = factories.PersonFactory(name="Changpeng Zhao", slug="zhao", country="CA")
    factories.EntityAliasFactory(entity=zhao, alias="CZ")
    binance = factories.EntityFactory(name="Binance Holdings Limited", slug="binance", country="KY")
    factories.EntityIdentifierFactory(entity=binance, scheme=models.IdentifierScheme.LEI, value="LEI-1")
    factories.AuthorityFactory(name="U.S. Department of Justice", slug="doj", country="US")
    factories.CourtFactory(name="W.D. Washington", slug="wdwa", country="US")
    return {"zhao": zhao, "binance": binance}


def test_entities_kind(api, entities):
    assert slugs(api, "entity-list", kind="person") == ["zhao"]


def test_entities_country(api, entities):
    assert slugs(api, "entity-list", country="us") == ["doj", "wdwa"]


def test_entities_q_matches_name_case_insensitively(api, entities):
    assert slugs(api, "entity-list", q="BINANCE hold") == ["binance"]


def test_entities_q_matches_alias(api, entities):
    assert slugs(api, "entity-list", q="cz") == ["zhao"]


def test_entities_identifier(api, entities):
    assert slugs(api, "entity-list", identifier="lei:LEI-1") == ["binance"]
    assert slugs(api, "entity-list", identifier="wikidata:LEI-1") == []


# --- actions ----------------------------------------------------------------------------------


@pytest.fixture
def actions():
    doj = factories.AuthorityFactory(slug="doj")
    sec = factories.AuthorityFactory(slug="sec")
    court = factories.CourtFactory(slug="wdwa")
    case = factories.CaseFactory(slug="binance-case")
    parent = factories.EntityFactory(slug="binance", name="Binance Holdings")
    subsidiary = factories.EntityFactory(slug="binance-ie", name="Binance IE")
    factories.EntityRelationshipFactory(subject=subsidiary, kind=models.RelationshipKind.SUBSIDIARY_OF, object=parent)
    zhao = factories.PersonFactory(slug="zhao", name="Changpeng Zhao")
    bsa = factories.StatuteFactory(citation="31 U.S.C. § 5318(h)")
    criminal = factories.EnforcementActionFactory(
        slug="criminal",
        case=case,
        authority=doj,
        court=court,
        docket_number="2:23-cr-00178",
        caption="United States v. Binance",
        status=models.ActionStatus.PLEA,
        filed_on=D(2023, 11, 14),
        resolved_on=D(2024, 2, 23),
        summary="Bank Secrecy Act plea",
    )
    factories.ActionPartyFactory(action=criminal, entity=parent)
    charge = factories.ChargeFactory(action=criminal)
    models.ChargeStatute.objects.create(charge=charge, statute=bsa)
    civil = factories.EnforcementActionFactory(
        slug="civil",
        authority=sec,
        action_type=models.ActionType.CIVIL,
        caption="SEC v. Zhao",
        filed_on=D(2023, 6, 5),
        status=models.ActionStatus.DISMISSED_WITH_PREJUDICE,
        resolved_on=D(2025, 5, 29),
    )
    factories.ActionPartyFactory(action=civil, entity=zhao)
    factories.ActionPartyFactory(action=civil, entity=subsidiary, role=models.PartyRole.RELIEF_DEFENDANT)
    pending = factories.EnforcementActionFactory(
        slug="pending",
        authority=sec,
        action_type=models.ActionType.ADMINISTRATIVE,
        caption="In the matter of an exchange",
        court=None,
        docket_number="",
    )
    factories.ActionPartyFactory(action=pending, entity=parent, role=models.PartyRole.RESPONDENT)
    return {"zhao": zhao}


def test_actions_authority(api, actions):
    assert slugs(api, "action-list", authority="sec") == ["civil", "pending"]


def test_actions_type(api, actions):
    assert slugs(api, "action-list", type="civil") == ["civil"]


def test_actions_status(api, actions):
    assert slugs(api, "action-list", status="plea") == ["criminal"]


def test_actions_party(api, actions):
    assert slugs(api, "action-list", party="binance") == ["criminal", "pending"]


def test_actions_party_include_related_rolls_up_subsidiaries(api, actions):
    assert slugs(api, "action-list", party="binance", include_related="true") == ["civil", "criminal", "pending"]


def test_actions_role(api, actions):
    assert slugs(api, "action-list", role="relief_defendant") == ["civil"]


def test_actions_party_and_role_hold_on_the_same_party(api, actions):
    assert slugs(api, "action-list", party="binance", role="respondent") == ["pending"]
    assert slugs(api, "action-list", party="zhao", role="respondent") == []


def test_actions_statute(api, actions):
    assert slugs(api, "action-list", statute="31 U.S.C. § 5318(h)") == ["criminal"]


def test_actions_case(api, actions):
    assert slugs(api, "action-list", case="binance-case") == ["criminal"]


def test_actions_court(api, actions):
    assert slugs(api, "action-list", court="wdwa") == ["criminal"]


def test_actions_filed_after(api, actions):
    assert slugs(api, "action-list", filed_after="2023-06-05") == ["civil", "criminal"]


def test_actions_filed_before(api, actions):
    assert slugs(api, "action-list", filed_before="2023-06-05") == ["civil", "pending"]


def test_actions_resolved_after(api, actions):
    assert slugs(api, "action-list", resolved_after="2025-01-01") == ["civil"]


def test_actions_resolved_before(api, actions):
    assert slugs(api, "action-list", resolved_before="2025-01-01") == ["criminal"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("united STATES", ["criminal"]),
        ("2:23-CR", ["criminal"]),
        ("secrecy act", ["criminal"]),
        ("changpeng", ["civil"]),
    ],
    ids=["caption", "docket", "summary", "party-name"],
)
def test_actions_q(api, actions, text, expected):
    assert slugs(api, "action-list", q=text) == expected


# --- settlements ------------------------------------------------------------------------------


@pytest.fixture
def settlements():
    doj = factories.AuthorityFactory(slug="doj")
    cftc = factories.AuthorityFactory(slug="cftc")
    case = factories.CaseFactory(slug="binance-case")
    parent = factories.EntityFactory(slug="binance")
    subsidiary = factories.EntityFactory(slug="binance-ie")
    factories.EntityRelationshipFactory(subject=subsidiary, kind=models.RelationshipKind.SUBSIDIARY_OF, object=parent)
    plea = factories.SettlementFactory(
        slug="plea", action=factories.EnforcementActionFactory(authority=doj, case=case), agreed_on=D(2023, 11, 21)
    )
    factories.SettlementComponentFactory(settlement=plea, payer=parent, amount=Decimal("1805475575.00"))
    consent = factories.SettlementFactory(
        slug="consent", action=factories.EnforcementActionFactory(authority=cftc), agreed_on=D(2023, 12, 14)
    )
    factories.SettlementComponentFactory(
        settlement=consent,
        payer=subsidiary,
        kind=models.ComponentKind.DISGORGEMENT,
        amount=Decimal("1350000000.00"),
    )
    factories.SettlementComponentFactory(
        settlement=consent, payer=parent, kind=models.ComponentKind.CIVIL_MONEY_PENALTY, amount=Decimal("1500000.00")
    )
    euro = factories.SettlementFactory(slug="euro", agreed_on=D(2022, 1, 10))
    factories.SettlementComponentFactory(settlement=euro, currency="EUR", amount=Decimal("5000.00"))
    return {}


def test_settlements_authority(api, settlements):
    assert slugs(api, "settlement-list", authority="cftc") == ["consent"]


def test_settlements_party(api, settlements):
    assert slugs(api, "settlement-list", party="binance-ie") == ["consent"]


def test_settlements_party_include_related(api, settlements):
    assert slugs(api, "settlement-list", party="binance", include_related="true") == ["consent", "plea"]


def test_settlements_case(api, settlements):
    assert slugs(api, "settlement-list", case="binance-case") == ["plea"]


def test_settlements_component_kind(api, settlements):
    assert slugs(api, "settlement-list", component_kind="disgorgement") == ["consent"]


def test_settlements_currency(api, settlements):
    assert slugs(api, "settlement-list", currency="eur") == ["euro"]


def test_settlements_amount_min(api, settlements):
    assert slugs(api, "settlement-list", amount_min="1350000000.00") == ["consent", "plea"]


def test_settlements_amount_max(api, settlements):
    assert slugs(api, "settlement-list", amount_max="1500000") == ["consent", "euro"]


def test_settlements_component_conditions_hold_on_one_component(api, settlements):
    # consent has a disgorgement (1.35 billion) and a small penalty, but no small disgorgement.
    assert slugs(api, "settlement-list", component_kind="disgorgement", amount_max="2000000") == []
    assert slugs(api, "settlement-list", party="binance", component_kind="disgorgement") == []


def test_settlements_date_after(api, settlements):
    assert slugs(api, "settlement-list", date_after="2023-12-01") == ["consent"]


def test_settlements_date_before(api, settlements):
    assert slugs(api, "settlement-list", date_before="2023-11-21") == ["euro", "plea"]


# --- refusals: unknown parameters, bad values, ordering -----------------------------------------

LISTS = [
    "entity-list",
    "case-list",
    "action-list",
    "settlement-list",
    "sentence-list",
    "pardon-request-list",
    "source-list",
    "event-list",
    "stats-penalties",
]


@pytest.mark.parametrize("name", LISTS)
def test_unknown_parameter_is_400_naming_it(api, name):
    response = api.get(reverse(f"api:{name}"), {"partie": "binance"})
    assert response.status_code == 400
    assert "partie" in response.json()


def test_unknown_parameter_on_detail_is_400(api):
    factories.EntityFactory(slug="binance")
    response = api.get(reverse("api:entity-detail", kwargs={"slug": "binance"}), {"kind": "person"})
    assert response.status_code == 400
    assert "kind" in response.json()


@pytest.mark.parametrize(
    ("name", "param", "value"),
    [
        ("entity-list", "kind", "bank"),
        ("entity-list", "country", "XX"),
        ("entity-list", "identifier", "lei"),
        ("entity-list", "identifier", "passport:123"),
        ("action-list", "party", "no-such-entity"),
        ("action-list", "authority", "no-such-authority"),
        ("action-list", "statute", "99 U.S.C. § 1"),
        ("action-list", "filed_after", "2023-02-30"),
        ("action-list", "include_related", "yes"),
        ("settlement-list", "currency", "XYZ"),
        ("settlement-list", "amount_min", "-1"),
        ("settlement-list", "amount_max", "1e400"),
        ("sentence-list", "custody_months_min", "four"),
        ("pardon-request-list", "status", "maybe"),
        ("event-list", "claim_status", "rumour"),
        ("event-list", "case", "no-such-case"),
        ("stats-penalties", "group_by", "planet"),
    ],
)
def test_invalid_value_is_400_naming_the_parameter(api, name, param, value):
    response = api.get(reverse(f"api:{name}"), {param: value})
    assert response.status_code == 400
    assert list(response.json()) == [param]


def test_authority_filter_refuses_an_entity_that_is_not_an_authority(api):
    factories.EntityFactory(slug="binance")
    response = api.get(reverse("api:action-list"), {"authority": "binance"})
    assert response.status_code == 400
    assert "authority" in response.json()


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("entity-list", "name"),
        ("case-list", "title"),
        ("action-list", "filed_on"),
        ("settlement-list", "agreed_on"),
        ("sentence-list", "sentenced_on"),
        ("pardon-request-list", "person__name"),
        ("source-list", "published_on"),
        ("event-list", "date"),
    ],
)
def test_ordering_whitelist(api, name, field):
    assert api.get(reverse(f"api:{name}"), {"ordering": f"-{field}"}).status_code == 200
    response = api.get(reverse(f"api:{name}"), {"ordering": "summary"})
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_entity_ordering_applies(api, entities):
    rows = results(api, "entity-list", ordering="-name")
    assert [row["slug"] for row in rows] == ["wdwa", "doj", "zhao", "binance"]
