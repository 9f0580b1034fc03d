"""Nested writes never delete silently: a PATCH merges items by key and removes only what it marks
``_delete``; a PUT replaces and must list everything. Each data loss once seen is a test here."""

import copy

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests import factories
from tests.test_api_writes import action_body, pardon_body  # noqa: F401 (fixtures)
from tests.test_api_writes_settlements import settlement_body, settlement_world  # noqa: F401 (fixtures)
from timeline import models

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return factories.SourceFactory(key="release")


def post(client, name, body):
    response = client.post(reverse(f"api:{name}-list"), body, format="json")
    assert response.status_code == 201, response.content
    return response


def write(client, method, name, lookup, body):
    """A conditional write based on the version a GET returns; returns (answer, GET before)."""
    url = reverse(f"api:{name}-detail", args=[lookup])
    before = client.get(url)
    response = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH=before["ETag"])
    return response, before.json()


def without(data, *names):
    """A detail representation less the members a write is expected to change."""
    data = copy.deepcopy(data)
    for name in ("updated_at", *names):
        data.pop(name, None)
    return data


def component(data, key):
    wholes = data["components"]
    flat = [item for whole in wholes for item in (whole, *whole["parts"])]
    return next(item for item in flat if item["key"] == key)


@pytest.fixture
def two_components(editor, settlement_world, source):  # noqa: F811
    """The FinCEN order (a penalty with a part and a credit) plus a sibling forfeiture."""
    body = settlement_body(source)
    body["components"].append(
        {
            "key": "fincen-forfeiture",
            "payer": "binance",
            "kind": "criminal_forfeiture",
            "amount": "420300000.00",
            "currency": "USD",
            "sources": [source.key],
        }
    )
    post(editor, "settlement", body)
    return body


def test_patching_one_component_keeps_its_sibling(editor, two_components):
    totals = models.PenaltyTotal.objects.values_list("authority", "year", "currency", "gross", "credited")
    totals_before = sorted(totals)
    patch = {"components": [{"key": "fincen-penalty", "description": "Civil money penalty"}]}
    response, before = write(editor, "patch", "settlement", "fincen-consent", patch)
    assert response.status_code == 200, response.content
    after = response.json()
    assert component(after, "fincen-penalty")["description"] == "Civil money penalty"
    assert component(after, "fincen-forfeiture") == component(before, "fincen-forfeiture")
    assert sorted(totals) == totals_before
    # Nothing but the named field changed.
    component(before, "fincen-penalty")["description"] = "Civil money penalty"
    assert without(after) == without(before)


def test_patching_a_components_terms_keeps_its_credit_and_parts(editor, two_components):
    patch = {"components": [{"key": "fincen-penalty", "terms": "Within 30 days"}]}
    response, before = write(editor, "patch", "settlement", "fincen-consent", patch)
    assert response.status_code == 200, response.content
    penalty = component(response.json(), "fincen-penalty")
    assert [credit["key"] for credit in penalty["credits"]] == ["fincen-credit"]
    assert [part["key"] for part in penalty["parts"]] == ["fincen-penalty-collected"]
    component(before, "fincen-penalty")["terms"] = "Within 30 days"
    assert without(response.json()) == without(before)


def test_patching_one_credit_field_keeps_its_amount_and_against(editor, two_components):
    patch = {"components": [{"key": "fincen-penalty", "credits": [{"key": "fincen-credit", "note": "As stated"}]}]}
    response, before = write(editor, "patch", "settlement", "fincen-consent", patch)
    assert response.status_code == 200, response.content
    component(before, "fincen-penalty")["credits"][0]["note"] = "As stated"
    assert without(response.json()) == without(before)


def test_delete_marker_removes_only_the_item_it_names(editor, two_components):
    patch = {"components": [{"key": "fincen-forfeiture", "_delete": True}], "monitors": []}
    response, before = write(editor, "patch", "settlement", "fincen-consent", patch)
    assert response.status_code == 200, response.content
    after = response.json()
    assert [whole["key"] for whole in after["components"]] == ["fincen-penalty"]
    assert after["monitors"] == before["monitors"]  # an empty list in a PATCH names nothing
    before["components"] = [whole for whole in before["components"] if whole["key"] != "fincen-forfeiture"]
    assert without(after, "components") == without(before, "components")
    assert component(after, "fincen-penalty") == component(before, "fincen-penalty")


def test_delete_marker_on_a_part_and_a_credit(editor, two_components):
    patch = {
        "components": [
            {
                "key": "fincen-penalty",
                "parts": [{"key": "fincen-penalty-collected", "_delete": True}],
                "credits": [{"key": "fincen-credit", "_delete": True}],
            }
        ]
    }
    response, _ = write(editor, "patch", "settlement", "fincen-consent", patch)
    assert response.status_code == 200, response.content
    penalty = component(response.json(), "fincen-penalty")
    assert penalty["parts"] == [] and penalty["credits"] == []
    assert models.SettlementComponent.objects.filter(key="fincen-forfeiture").exists()


@pytest.mark.parametrize(
    ("patch", "errors"),
    [
        (
            {"components": [{"key": "nowhere", "_delete": True}]},
            {"components": {"0": {"key": ["Nothing stored here to remove under this key."]}}},
        ),
        (
            {"components": [{"key": "fincen-forfeiture", "_delete": True, "amount": "1.00"}]},
            {"components": {"0": {"_delete": ["An item to remove names only itself, not amount."]}}},
        ),
        (
            {"monitors": [{"term_months": 12}]},
            {"monitors": {"0": {"key": ["Name the item: a nested item is matched to the stored one by this member."]}}},
        ),
        (
            {"components": [{"key": "fincen-penalty", "parts": [{"key": "fincen-forfeiture", "_delete": True}]}]},
            {"components": {"0": {"parts": {"0": {"key": ["Nothing stored here to remove under this key."]}}}}},
        ),
    ],
    ids=["unknown-key", "delete-with-fields", "item-without-key", "delete-part-of-another-whole"],
)
def test_bad_removal_instructions_are_400_and_change_nothing(editor, two_components, patch, errors):
    response, before = write(editor, "patch", "settlement", "fincen-consent", patch)
    assert response.status_code == 400
    assert response.json() == errors
    assert without(editor.get(reverse("api:settlement-detail", args=["fincen-consent"])).json()) == without(before)


def test_put_requires_every_list_and_refuses_delete_markers(editor, two_components, source):
    body = copy.deepcopy(two_components)
    del body["monitors"]
    for item in body["components"]:
        item.setdefault("parts", [])
        item.setdefault("credits", [])
    item = body["components"][0]["parts"][0]
    item["credits"] = []
    response, _ = write(editor, "put", "settlement", "fincen-consent", body)
    assert response.status_code == 400
    assert response.json() == {"monitors": ["This field is required."]}

    body["monitors"] = [{"key": "fincen-monitor", "_delete": True}]
    response, _ = write(editor, "put", "settlement", "fincen-consent", body)
    assert response.status_code == 400
    assert "_delete" in response.json()["monitors"]["0"]


def test_put_names_missing_fields_of_items_and_nested_lists(editor, two_components):
    body = copy.deepcopy(two_components)
    del body["components"][1]["amount"]  # the forfeiture
    response, _ = write(editor, "put", "settlement", "fincen-consent", body)
    assert response.status_code == 400
    errors = response.json()["components"]
    assert errors["1"]["amount"] == ["This field is required."]
    assert errors["0"]["parts"]["0"]["credits"] == ["This field is required."]
    assert models.SettlementComponent.objects.get(key="fincen-forfeiture").amount == 420300000


def test_removing_a_component_another_settlement_credits_against_is_409(editor, two_components):
    # The FinCEN credit is counted against the DOJ fine of the plea agreement.
    response, _ = write(
        editor, "patch", "settlement", "doj-plea", {"components": [{"key": "doj-fine", "_delete": True}]}
    )
    assert response.status_code == 409, response.content
    assert response.json()["dependents"] == [str(models.Credit.objects.get(key="fincen-credit"))]
    assert models.SettlementComponent.objects.filter(key="doj-fine").exists()


def test_patching_one_charge_keeps_the_others(editor, action_body, source):  # noqa: F811
    charge = action_body["charges"][0]
    action_body["charges"] = [
        charge,
        {**charge, "number": 2, "description": "Failure to register", "statutes": []},
        {**charge, "number": 3, "description": "Sanctions violations", "statutes": []},
    ]
    post(editor, "action", action_body)
    patch = {"charges": [{"number": 2, "note": "Count two as pleaded"}]}
    response, before = write(editor, "patch", "action", "us-v-binance", patch)
    assert response.status_code == 200, response.content
    after = response.json()
    assert [charge["number"] for charge in after["charges"]] == [1, 2, 3]
    before["charges"][1]["note"] = "Count two as pleaded"
    assert without(after) == without(before)

    patch = {
        "charges": [
            {"number": 3, "_delete": True},
            {"number": 1, "statutes": [{"statute": "31 U.S.C. § 5318(h)", "confirmed": True}]},
        ]
    }
    response, before = write(editor, "patch", "action", "us-v-binance", patch)
    assert response.status_code == 200, response.content
    after = response.json()
    assert [charge["number"] for charge in after["charges"]] == [1, 2]
    assert after["charges"][0]["statutes"][0]["confirmed"] is True


def test_parties_are_merged_by_entity_and_role(editor, action_body):  # noqa: F811
    factories.PersonFactory(slug="zhao")
    action_body["parties"].append({"entity": "zhao", "role": "defendant"})
    post(editor, "action", action_body)
    patch = {"parties": [{"entity": "zhao", "role": "defendant", "note": "Charged separately"}]}
    response, _ = write(editor, "patch", "action", "us-v-binance", patch)
    assert response.status_code == 200, response.content
    assert {party["entity"]["slug"]: party["note"] for party in response.json()["parties"]} == {
        "binance": "",
        "zhao": "Charged separately",
    }
    patch = {"parties": [{"entity": "zhao", "role": "defendant", "_delete": True}]}
    response, _ = write(editor, "patch", "action", "us-v-binance", patch)
    assert [party["entity"]["slug"] for party in response.json()["parties"]] == ["binance"]


def test_clemency_steps_are_merged_and_the_status_follows_the_merged_history(editor, pardon_body):  # noqa: F811
    post(editor, "pardon-request", pardon_body)
    patch = {"history": [{"key": "denial", "description": "Denied through a spokesman."}]}
    response, before = write(editor, "patch", "pardon-request", "zhao-pardon", patch)
    assert response.status_code == 200, response.content
    before["history"][1]["description"] = "Denied through a spokesman."
    assert without(response.json()) == without(before)
    patch = {"history": [{"key": "denial", "_delete": True}]}
    response, _ = write(editor, "patch", "pardon-request", "zhao-pardon", patch)
    assert response.status_code == 200, response.content
    data = response.json()
    assert [step["key"] for step in data["history"]] == ["report", "grant"]
    assert data["status"] == "granted"

    # A status the merged history contradicts is refused.
    patch = {"status": "reported", "granted_by": None}
    response, _ = write(editor, "patch", "pardon-request", "zhao-pardon", patch)
    assert response.status_code == 400
    assert response.json() == {"status": ["The status follows the history, which gives granted."]}
    assert models.PardonRequest.objects.get(slug="zhao-pardon").status == "granted"


# --- the parent's history shows what its nested items did ---------------------------------------


def latest_entry(client, name, lookup):
    return client.get(reverse(f"api:{name}-history", args=[lookup])).json()["results"][0]


def nested_of(entry):
    return {
        (item["list"], tuple(item["item"].values()), item["type"]): {
            c["field"]: (c["old"], c["new"]) for c in item["changes"]
        }
        for item in entry["nested"]
    }


def test_settlement_history_shows_nested_adds_changes_and_removals(editor, two_components, source):
    patch = {
        "components": [
            {
                "key": "fincen-penalty",
                "description": "Civil money penalty",
                "credits": [{"key": "fincen-credit", "note": "As stated"}],
            },
            {"key": "fincen-forfeiture", "_delete": True},
        ],
        "monitors": [{"key": "second-monitor", "term_months": 12, "sources": [source.key]}],
    }
    response, _ = write(editor, "patch", "settlement", "fincen-consent", patch)
    assert response.status_code == 200, response.content
    entry = latest_entry(editor, "settlement", "fincen-consent")
    assert entry["changes"] == []  # the settlement's own fields did not change
    nested = nested_of(entry)
    assert nested[("components", ("fincen-penalty",), "changed")] == {"description": ("", "Civil money penalty")}
    assert nested[("credits", ("fincen-credit",), "changed")] == {"note": ("", "As stated")}
    assert ("components", ("fincen-forfeiture",), "deleted") in nested
    assert nested[("monitors", ("second-monitor",), "created")]["term_months"] == (None, 12)
    assert nested[("monitors", ("second-monitor",), "changed")] == {"sources": ([], [source.key])}
    # Items named but unchanged are saved again and show with no changes; unnamed ones do not show.
    assert not any(key[1] == ("fincen-penalty-collected",) for key in nested)


def test_action_and_clemency_history_show_their_items(editor, action_body, pardon_body):  # noqa: F811
    post(editor, "action", action_body)
    response, _ = write(editor, "patch", "action", "us-v-binance", {"charges": [{"number": 1, "counts": 2}]})
    assert response.status_code == 200, response.content
    charge = models.Charge.objects.get(number=1)
    assert nested_of(latest_entry(editor, "action", "us-v-binance"))[("charges", (1,), "changed")] == {"counts": (1, 2)}

    post(editor, "pardon-request", pardon_body)
    patch = {"history": [{"key": "denial", "_delete": True}]}
    response, _ = write(editor, "patch", "pardon-request", "zhao-pardon", patch)
    assert response.status_code == 200, response.content
    assert ("history", ("denial",), "deleted") in nested_of(latest_entry(editor, "pardon-request", "zhao-pardon"))
    assert charge.pk


# --- integrity the same on every path -------------------------------------------------------------


def test_stated_total_must_match_the_components_as_the_loader_requires(editor, two_components):
    response, _ = write(
        editor, "patch", "settlement", "fincen-consent", {"stated_total": "1.00", "stated_total_currency": "USD"}
    )
    assert response.status_code == 400
    assert "does not equal the sum of its top-level components in USD" in response.json()["stated_total"][0]
    assert models.Settlement.objects.get(slug="fincen-consent").stated_total is None
    patch = {"stated_total": "3820300000.00", "stated_total_currency": "USD"}
    response, _ = write(editor, "patch", "settlement", "fincen-consent", patch)
    assert response.status_code == 200, response.content


def test_a_credit_against_its_own_component_is_refused_by_the_api_and_the_database(editor, two_components):
    patch = {
        "components": [{"key": "fincen-penalty", "credits": [{"key": "fincen-credit", "against": ["fincen-penalty"]}]}]
    }
    response, _ = write(editor, "patch", "settlement", "fincen-consent", patch)
    assert response.status_code == 400
    assert "own component" in response.json()["components"]["0"]["credits"]["0"]["against"][0]
    credit = models.Credit.objects.get(key="fincen-credit")
    with pytest.raises(IntegrityError), transaction.atomic():
        credit.against.add(credit.component)
    other = models.SettlementComponent.objects.get(key="doj-fine")
    with pytest.raises(IntegrityError), transaction.atomic():
        models.Credit.objects.filter(pk=credit.pk).update(component=other)
    assert list(credit.against.values_list("key", flat=True)) == ["doj-fine"]


@pytest.mark.parametrize("header", ["abc", '"unterminated', "W/abc", '"a", b'])
def test_malformed_if_match_is_a_400_not_a_412(editor, two_components, header):
    url = reverse("api:settlement-detail", args=["fincen-consent"])
    response = editor.patch(url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == 400
    assert "Not an entity tag" in response.json()["If-Match"][0]
    stale = editor.patch(url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH='"0123"')
    assert stale.status_code == 412
    assert models.Settlement.objects.get(slug="fincen-consent").title == "FinCEN consent order"


def test_violation_counts_of_any_size(editor, action_body):  # noqa: F811
    """OFAC counted 1,667,153 apparent violations by Binance; a small integer column cannot hold that."""
    action_body["charges"][0]["counts"] = 1667153
    response = post(editor, "action", action_body)
    assert response.json()["charges"][0]["counts"] == 1667153
    assert models.Charge.objects.get(number=1).counts == 1667153
