"""A settlement with its components, parts, credits, monitors and bars is written all or nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from timeline import models

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


# --- settlements ------------------------------------------------------------------------------


@pytest.fixture
def settlement_world(source):
    doj_plea = factories.SettlementFactory(slug="doj-plea", sources=[source])
    binance = factories.EntityFactory(slug="binance")
    factories.SettlementComponentFactory(
        key="doj-fine", settlement=doj_plea, payer=binance, amount=Decimal("1805475575.00")
    )
    action = factories.EnforcementActionFactory(
        slug="fincen-order",
        action_type=models.ActionType.ADMINISTRATIVE,
        court=None,
        docket_number="",
        filed_on=D(2023, 11, 21),
        status=models.ActionStatus.SETTLED,
        resolved_on=D(2023, 11, 21),
    )
    factories.PersonFactory(slug="zhao")
    return {"action": action}


def settlement_body(source, **overrides):
    body = {
        "slug": "fincen-consent",
        "action": "fincen-order",
        "kind": "consent_order",
        "title": "FinCEN consent order",
        "agreed_on": "2023-11-22",
        "sources": [source.key],
        "components": [
            {
                "key": "fincen-penalty",
                "payer": "binance",
                "kind": "civil_money_penalty",
                "amount": "3400000000.00",
                "currency": "USD",
                "suspended_amount": "150000000.00",
                "sources": [source.key],
                "parts": [
                    {
                        "key": "fincen-penalty-collected",
                        "payer": "binance",
                        "kind": "civil_money_penalty",
                        "amount": "780000000.00",
                        "currency": "USD",
                        "sources": [source.key],
                    }
                ],
                "credits": [
                    {
                        "key": "fincen-credit",
                        "kind": "credited",
                        "amount": "2470000000.00",
                        "currency": "USD",
                        "against": ["doj-fine"],
                        "sources": [source.key],
                    }
                ],
            }
        ],
        "monitors": [{"key": "fincen-monitor", "term_months": 60, "sources": [source.key]}],
        "restrictions": [
            {
                "key": "zhao-bar",
                "subject": "zhao",
                "kind": "bar",
                "scope": "Any involvement in operating the business",
                "is_permanent": True,
                "sources": [source.key],
            }
        ],
    }
    body.update(overrides)
    return body


SETTLEMENT_MODELS = (
    models.Settlement,
    models.SettlementComponent,
    models.Credit,
    models.Monitor,
    models.Restriction,
    models.Event,
)


def test_settlement_with_components_credits_monitors_and_bars(editor, settlement_world, source):
    response = post(editor, "settlement", settlement_body(source))
    assert response.status_code == 201, response.content
    data = response.json()
    [penalty] = data["components"]
    assert penalty["amount"] == "3400000000.00"
    assert penalty["suspended_amount"] == "150000000.00"
    assert [part["key"] for part in penalty["parts"]] == ["fincen-penalty-collected"]
    [credit] = penalty["credits"]
    assert credit["amount"] == "2470000000.00"
    assert [(a["key"], a["settlement"]) for a in credit["against"]] == [("doj-fine", "doj-plea")]
    assert data["monitors"][0]["term_months"] == 60
    assert data["restrictions"][0]["subject"]["slug"] == "zhao"
    settlement = models.Settlement.objects.get(slug="fincen-consent")
    agreed = models.Event.objects.get(settlement=settlement, fact_field=models.FactField.SETTLEMENT_AGREED)
    assert agreed.date == D(2023, 11, 22)
    assert "binance" in set(agreed.entities.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            {"suspended_amount": "4000000000.00"},
            {"components": {"0": {"suspended_amount": ["The suspended amount cannot exceed the amount."]}}},
        ),
        (
            {"credits": [{"key": "c", "amount": "3300000000.00", "currency": "USD", "sources": ["release"]}]},
            {
                "components": {
                    "0": {
                        "credits": {
                            "0": {
                                "amount": [
                                    "Credits cannot exceed what is payable on the component (USD 3,250,000,000.00)."
                                ]
                            }
                        }
                    }
                }
            },
        ),
        (
            {
                "credits": [
                    {"key": "c", "amount": "1.00", "currency": "USD", "against": ["nope"], "sources": ["release"]}
                ]
            },
            {"components": {"0": {"credits": {"0": {"against": ["No component with key nope."]}}}}},
        ),
        (
            {
                "parts": [
                    {
                        "key": "p",
                        "payer": "binance",
                        "kind": "other",
                        "amount": "1.00",
                        "currency": "EUR",
                        "sources": ["release"],
                    }
                ]
            },
            {
                "components": {
                    "0": {"parts": {"0": {"currency": ["A part must be in the currency of the whole (USD)."]}}}
                }
            },
        ),
    ],
    ids=["suspended-over-amount", "credit-over-payable", "credit-against-unknown", "part-in-other-currency"],
)
def test_settlement_write_is_all_or_nothing(editor, settlement_world, source, change, errors):
    body = settlement_body(source)
    body["components"][0].update(change)
    before = counts(*SETTLEMENT_MODELS)
    response = post(editor, "settlement", body)
    assert response.status_code == 400, response.content
    assert response.json() == errors
    assert counts(*SETTLEMENT_MODELS) == before


def test_settlement_second_component_error_keeps_the_first_unsaved(editor, settlement_world, source):
    body = settlement_body(source)
    bad = {**body["components"][0], "key": "second", "amount": "-5", "parts": [], "credits": []}
    body["components"].append(bad)
    before = counts(*SETTLEMENT_MODELS)
    response = post(editor, "settlement", body)
    assert response.status_code == 400
    assert response.json() == {"components": {"1": {"amount": ["Ensure this value is greater than or equal to 0."]}}}
    assert counts(*SETTLEMENT_MODELS) == before


def test_settlement_replace_matches_children_by_key(editor, settlement_world, source):
    assert post(editor, "settlement", settlement_body(source)).status_code == 201
    penalty = models.SettlementComponent.objects.get(key="fincen-penalty")
    body = settlement_body(source)
    body["components"][0].update(amount="3500000000.00", parts=[], credits=[])
    body["monitors"] = []
    url = reverse("api:settlement-detail", args=["fincen-consent"])
    response = editor.put(url, body, format="json", **if_match(editor, url))
    assert response.status_code == 200, response.content
    penalty.refresh_from_db()
    assert penalty.amount == Decimal("3500000000.00")
    assert not models.SettlementComponent.objects.filter(key="fincen-penalty-collected").exists()
    assert not models.Credit.objects.exists()
    assert not models.Monitor.objects.exists()
    assert models.Restriction.objects.filter(key="zhao-bar").exists()

    # The answer to a write carries the new version, so a client can go on editing without a GET.
    response = editor.patch(
        url, {"title": "FinCEN consent order, amended"}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert response.status_code == 200
    assert models.SettlementComponent.objects.filter(settlement__slug="fincen-consent").count() == 1


def test_settlement_component_key_of_another_settlement_is_refused(editor, settlement_world, source):
    body = settlement_body(source)
    body["components"][0].update(key="doj-fine", parts=[], credits=[])
    response = post(editor, "settlement", body)
    assert response.status_code == 400
    assert "key" in response.json()["components"]["0"]
    assert models.SettlementComponent.objects.get(key="doj-fine").settlement.slug == "doj-plea"


def test_settlement_patch_adding_a_component_still_needs_a_source(editor, settlement_world, source):
    assert post(editor, "settlement", settlement_body(source)).status_code == 201
    new = {"key": "extra", "payer": "binance", "kind": "other", "amount": "5.00", "currency": "USD"}
    url = reverse("api:settlement-detail", args=["fincen-consent"])
    before = counts(*SETTLEMENT_MODELS)
    response = editor.patch(url, {"components": [new]}, format="json", **if_match(editor, url))
    assert response.status_code == 400
    assert response.json() == {"components": {"0": {"sources": ["Cite at least one source."]}}}
    assert counts(*SETTLEMENT_MODELS) == before
    assert models.SettlementComponent.objects.filter(key="fincen-penalty").exists()
