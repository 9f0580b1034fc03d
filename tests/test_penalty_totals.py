"""The penalty totals table stays equal to what the records add up to, whatever path writes them.

After each write, two checks: the table equals what ``penalty_totals_rebuild()`` computes from the
records, and the totals read from it (by authority, year and currency, unrestricted and scoped)
equal the totals added up from the components.
"""

import datetime
import io
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests import factories
from timeline import models
from timeline.selectors.pages import penalties_by, penalty_components, penalty_scope
from timeline.selectors.penalties import (
    STORED_GROUPINGS,
    PenaltyScope,
    penalty_totals,
    penalty_totals_from_components,
    penalty_totals_from_table,
)
from timeline.services.penalty_totals import PenaltyTotalsRebuild, penalty_totals_rebuild
from timeline.services.synthetic import synthetic_generate

D = datetime.date
FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
pytestmark = pytest.mark.django_db


def usd(value):
    return Decimal(value)


def stored():
    """The table as {(authority slug, year, currency): (gross, suspended, credited, components)}."""
    return {
        (row.authority.slug, row.year, row.currency): (row.gross, row.suspended, row.credited, row.components)
        for row in models.PenaltyTotal.objects.select_related("authority")
    }


def as_dicts(totals):
    return [total.as_dict() for total in totals]


def scopes():
    """Every scope the data gives a reason to try: each authority, each currency, a range of years."""
    found = [PenaltyScope()]
    found += [PenaltyScope(authority_id=pk) for pk in models.PenaltyTotal.objects.values_list("authority", flat=True)]
    found += [PenaltyScope(currency=code) for code in models.PenaltyTotal.objects.values_list("currency", flat=True)]
    years = [year for year in models.PenaltyTotal.objects.values_list("year", flat=True) if year is not None]
    if years:
        found += [PenaltyScope(year_from=min(years)), PenaltyScope(year_from=min(years) + 1, year_to=max(years))]
    return set(found)


def assert_current():
    """The table as kept equals the table rebuilt; totals read from it equal totals from the components."""
    kept = stored()
    penalty_totals_rebuild()
    assert kept == stored()
    assert all(figures != (0, 0, 0, 0) for figures in kept.values()), "rows that add nothing are deleted"
    for scope in scopes():
        components = scope.restrict_components(models.SettlementComponent.objects.all())
        for group_by in STORED_GROUPINGS:
            from_table = as_dicts(penalty_totals(group_by=group_by, scope=scope))
            assert from_table == as_dicts(penalty_totals_from_components(components, group_by)), (scope, group_by)
    return kept


# --- a small world ------------------------------------------------------------------------------


@pytest.fixture
def source():
    return factories.SourceFactory(key="release")


@pytest.fixture
def world(source):
    doj = factories.AuthorityFactory(slug="doj", name="Justice")
    fincen = factories.AuthorityFactory(slug="fincen", name="FinCEN")
    factories.EntityFactory(slug="binance")
    plea_action = factories.EnforcementActionFactory(
        slug="doj-case", authority=doj, status=models.ActionStatus.SETTLED, resolved_on=D(2024, 2, 23)
    )
    plea = factories.SettlementFactory(slug="doj-plea", action=plea_action, agreed_on=D(2023, 11, 21), sources=[source])
    factories.SettlementComponentFactory(
        key="doj-fine", settlement=plea, payer=models.Entity.objects.get(slug="binance"), amount=usd("1805475575.00")
    )
    factories.EnforcementActionFactory(
        slug="fincen-order",
        authority=fincen,
        action_type=models.ActionType.ADMINISTRATIVE,
        court=None,
        docket_number="",
        status=models.ActionStatus.SETTLED,
        resolved_on=D(2023, 11, 21),
    )
    return {"doj": doj, "fincen": fincen, "plea": plea}


def if_match(client, url):
    return {"HTTP_IF_MATCH": client.get(url)["ETag"]}


def consent_order(source, **overrides):
    """FinCEN's order as the API takes it: a penalty with a suspension, a breakdown part and a credit."""
    body = {
        "slug": "fincen-consent",
        "action": "fincen-order",
        "kind": "consent_order",
        "title": "FinCEN consent order",
        "agreed_on": "2023-11-21",
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
                        "amount": "2470000000.00",
                        "currency": "USD",
                        "against": ["doj-fine"],
                        "sources": [source.key],
                    }
                ],
            }
        ],
    }
    body.update(overrides)
    return body


FINCEN_2023 = ("fincen", 2023, "USD")
DOJ_2023 = ("doj", 2023, "USD")


# --- the API's writes (services) ----------------------------------------------------------------


def test_api_post_patch_put_and_delete_of_a_settlement(editor, world, source):
    assert stored() == {DOJ_2023: (usd("1805475575.00"), 0, 0, 1)}

    response = editor.post(reverse("api:settlement-list"), consent_order(source), format="json")
    assert response.status_code == 201, response.content
    # The part is inside its whole: one component counted, with its suspension and its credit.
    assert assert_current()[FINCEN_2023] == (usd("3400000000"), usd("150000000"), usd("2470000000"), 1)

    url = reverse("api:settlement-detail", args=["fincen-consent"])
    body = consent_order(source)
    body["components"][0]["amount"] = "3500000000.00"
    body["components"][0]["credits"][0]["amount"] = "2000000000.00"
    response = editor.patch(url, {"components": body["components"]}, format="json", **if_match(editor, url))
    assert response.status_code == 200, response.content
    assert assert_current()[FINCEN_2023] == (usd("3500000000"), usd("150000000"), usd("2000000000"), 1)

    response = editor.patch(url, {"agreed_on": "2024-01-05"}, format="json", **if_match(editor, url))
    assert response.status_code == 200, response.content
    kept = assert_current()
    assert FINCEN_2023 not in kept
    assert kept[("fincen", 2024, "USD")] == (usd("3500000000"), usd("150000000"), usd("2000000000"), 1)

    body = consent_order(source, agreed_on="2024-01-05")
    body["components"][0].update(parts=[], credits=[])
    response = editor.put(url, body, format="json", **if_match(editor, url))
    assert response.status_code == 200, response.content
    assert assert_current()[("fincen", 2024, "USD")] == (usd("3400000000"), usd("150000000"), 0, 1)

    response = editor.delete(url, **if_match(editor, url))
    assert response.status_code == 204, response.content
    assert assert_current() == {DOJ_2023: (usd("1805475575.00"), 0, 0, 1)}


def test_refused_api_write_leaves_the_table_as_it_was(editor, world, source):
    before = stored()
    body = consent_order(source)
    body["components"][0]["suspended_amount"] = "4000000000.00"
    response = editor.post(reverse("api:settlement-list"), body, format="json")
    assert response.status_code == 400
    assert stored() == before


def test_part_kept_when_its_whole_is_removed_counts_again(editor, world, source):
    """The service detaches such parts with a bulk update before saving them under their new whole."""
    assert editor.post(reverse("api:settlement-list"), consent_order(source), format="json").status_code == 201
    url = reverse("api:settlement-detail", args=["fincen-consent"])
    collected = consent_order(source)["components"][0]["parts"][0]
    response = editor.patch(url, {"components": [collected]}, format="json", **if_match(editor, url))
    assert response.status_code == 200, response.content
    assert assert_current()[FINCEN_2023] == (usd("780000000"), 0, 0, 1)


def test_credits_lowered_and_raised_in_one_write(editor, world, source):
    """The service zeroes stored credits with a bulk update before saving each one."""
    body = consent_order(source)
    body["components"][0]["credits"].append(
        {"key": "fincen-credit-2", "amount": "100000000.00", "currency": "USD", "sources": [source.key]}
    )
    assert editor.post(reverse("api:settlement-list"), body, format="json").status_code == 201
    assert assert_current()[FINCEN_2023][2] == usd("2570000000")
    url = reverse("api:settlement-detail", args=["fincen-consent"])
    body["components"][0]["credits"][0]["amount"] = "10000000.00"
    body["components"][0]["credits"][1]["amount"] = "3000000000.00"
    response = editor.patch(url, {"components": body["components"]}, format="json", **if_match(editor, url))
    assert response.status_code == 200, response.content
    assert assert_current()[FINCEN_2023][2] == usd("3010000000")


def test_changing_an_actions_authority_or_resolution_moves_its_settlements(editor, world, source):
    undated = factories.SettlementFactory(action=world["plea"].action, agreed_on=None, approved_on=None)
    factories.SettlementComponentFactory(settlement=undated, amount=usd("7.00"), currency="EUR")
    assert assert_current()[("doj", 2024, "EUR")] == (usd("7"), 0, 0, 1)

    url = reverse("api:action-detail", args=["doj-case"])
    response = editor.patch(url, {"resolved_on": "2025-03-01"}, format="json", **if_match(editor, url))
    assert response.status_code == 200, response.content
    kept = assert_current()
    assert ("doj", 2024, "EUR") not in kept
    assert kept[("doj", 2025, "EUR")] == (usd("7"), 0, 0, 1)
    assert kept[DOJ_2023] == (usd("1805475575"), 0, 0, 1)  # dated by its own agreement, so unmoved

    response = editor.patch(url, {"authority": "fincen"}, format="json", **if_match(editor, url))
    assert response.status_code == 200, response.content
    assert set(assert_current()) == {("fincen", 2025, "EUR"), FINCEN_2023}


# --- model writes: dates, parts, credits, deletes ------------------------------------------------


def test_settlement_dates_fall_back_to_approval_then_resolution(world):
    plea = world["plea"]
    plea.agreed_on, plea.approved_on = None, D(2022, 6, 1)
    plea.save()
    assert set(assert_current()) == {("doj", 2022, "USD")}
    plea.approved_on = None
    plea.save()
    assert set(assert_current()) == {("doj", 2024, "USD")}
    action = plea.action
    action.resolved_on = None
    action.save()
    assert set(assert_current()) == {("doj", None, "USD")}
    plea.title = "A new title only"
    plea.save()
    assert set(assert_current()) == {("doj", None, "USD")}


def test_components_moved_into_and_out_of_a_breakdown_take_their_credits(world):
    fine = models.SettlementComponent.objects.get(key="doj-fine")
    other = factories.SettlementComponentFactory(settlement=world["plea"], amount=usd("500.00"))
    credit = factories.CreditFactory(component=other, amount=usd("200.00"))
    assert assert_current()[DOJ_2023] == (usd("1805476075"), 0, usd("200"), 2)

    other.part_of = fine
    other.save()
    assert assert_current()[DOJ_2023] == (usd("1805475575"), 0, 0, 1)

    other.part_of = None
    other.suspended_amount = usd("50.00")
    other.save()
    assert assert_current()[DOJ_2023] == (usd("1805476075"), usd("50"), usd("200"), 2)

    other.currency = credit.currency = "EUR"
    other.save()
    credit.save()
    kept = assert_current()
    assert kept[("doj", 2023, "EUR")] == (usd("500"), usd("50"), usd("200"), 1)
    assert kept[DOJ_2023] == (usd("1805475575"), 0, 0, 1)

    other.settlement = factories.SettlementFactory(action__authority=world["fincen"], agreed_on=D(2021, 1, 1))
    other.save()
    assert assert_current()[("fincen", 2021, "EUR")] == (usd("500"), usd("50"), usd("200"), 1)
    assert set(stored()) == {DOJ_2023, ("fincen", 2021, "EUR")}


def test_credits_added_changed_moved_and_removed(world):
    fine = models.SettlementComponent.objects.get(key="doj-fine")
    part = factories.SettlementComponentFactory(settlement=world["plea"], part_of=fine, amount=usd("10.00"))
    credit = factories.CreditFactory(component=fine, amount=usd("1000.00"))
    assert assert_current()[DOJ_2023][2] == usd("1000")
    credit.amount = usd("1500.00")
    credit.save()
    assert assert_current()[DOJ_2023][2] == usd("1500")
    credit.component = part  # a credit on a part adds nothing
    credit.save()
    assert assert_current()[DOJ_2023][2] == 0
    factories.CreditFactory(component=part, amount=usd("5.00"))
    assert assert_current()[DOJ_2023][2] == 0
    credit.component = fine
    credit.save()
    assert assert_current()[DOJ_2023][2] == usd("1500")
    credit.delete()
    assert assert_current()[DOJ_2023] == (usd("1805475575"), 0, 0, 1)


def test_deletes_cascade_each_row_subtracting_itself(world):
    fine = models.SettlementComponent.objects.get(key="doj-fine")
    factories.SettlementComponentFactory(settlement=world["plea"], part_of=fine, amount=usd("10.00"))
    factories.CreditFactory(component=fine, amount=usd("1000.00"))
    second = factories.SettlementFactory(action=world["plea"].action, agreed_on=D(2023, 12, 1))
    kept_component = factories.SettlementComponentFactory(settlement=second, amount=usd("20.00"))
    factories.CreditFactory(component=kept_component, amount=usd("3.00"))
    assert assert_current()[DOJ_2023] == (usd("1805475595"), 0, usd("1003"), 2)

    fine.delete()  # with its part and its credit
    assert assert_current()[DOJ_2023] == (usd("20"), 0, usd("3"), 1)
    models.Settlement.objects.filter(pk=second.pk).delete()
    assert assert_current() == {}


# --- the admin ----------------------------------------------------------------------------------


def change_form(admin_client, obj):
    """The change form of ``obj`` as a browser posts it back: every field and inline row as shown."""
    url = reverse(f"admin:timeline_{obj._meta.model_name}_change", args=[obj.pk])
    response = admin_client.get(url)
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += formset.initial_forms
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(item) for item in value]
            elif isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = "" if value is None else str(value)
    return url, data


def add_row(data, prefix, values):
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update({f"{prefix}-{index}-{name}": value for name, value in values.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def test_admin_inline_saves_and_deletes(admin_client, world, source):
    plea = world["plea"]
    url, data = change_form(admin_client, plea)
    data["agreed_on"] = "2022-05-05"
    add_row(
        data,
        "components",
        {
            "key": "doj-forfeiture",
            "kind": "criminal_forfeiture",
            "payer": str(models.Entity.objects.get(slug="binance").pk),
            "amount": "2510650000.00",
            "currency": "USD",
            "suspended_amount": "0",
            "sources": [str(source.pk)],
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert assert_current() == {("doj", 2022, "USD"): (usd("4316125575"), 0, 0, 2)}

    forfeiture = models.SettlementComponent.objects.get(key="doj-forfeiture")
    url, data = change_form(admin_client, forfeiture)
    add_row(
        data,
        "credits",
        {
            "key": "forfeiture-credit",
            "kind": "credited",
            "quantum": "stated",
            "evidence": "reported",
            "amount": "10.00",
            "currency": "USD",
            "sources": [str(source.pk)],
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert assert_current()[("doj", 2022, "USD")][2] == usd("10")

    url = reverse("admin:timeline_settlementcomponent_delete", args=[forfeiture.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert assert_current() == {("doj", 2022, "USD"): (usd("1805475575"), 0, 0, 1)}


# --- loaders, raw saves, bulk writers -----------------------------------------------------------


def test_load_timeline_of_the_binance_case_gives_its_curated_figures():
    files = [str(FIXTURES_DIR / "00-reference.json"), str(FIXTURES_DIR / "binance-changpeng-zhao.json")]
    call_command("load_timeline", *files, no_progress=True, verbosity=0)
    assert_current()
    [total] = penalty_totals_from_table("currency")  # the case is all the file holds
    assert (total.currency, total.components) == ("USD", 9)
    assert total.gross == usd("11586244988")
    assert total.credited == usd("3368618825")
    assert total.suspended == usd("150000000")
    assert total.net == usd("8067626163")
    by_authority = {total.group: total.net for total in penalty_totals_from_table("authority")}
    assert by_authority == {
        "doj": usd("4366126163"),
        "fincen": usd("780000000"),
        "ofac": usd("70000000"),
        "cftc": usd("2851500000"),
    }


def test_plain_loaddata_schedules_one_rebuild_at_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("loaddata", *sorted(str(path) for path in FIXTURES_DIR.glob("*.json")), verbosity=0)
    [rebuild] = [callback for callback in callbacks if isinstance(callback, PenaltyTotalsRebuild)]
    assert not models.PenaltyTotal.objects.exists()
    # Until the rebuild runs, writes leave the table to it rather than adjusting rows it lacks.
    models.SettlementComponent.objects.filter(part_of__isnull=True).first().delete()
    rebuild()
    assert models.PenaltyTotal.objects.exists()
    assert_current()


def test_curated_data_by_every_grouping(curated_data):
    assert_current()
    api, url = APIClient(), reverse("api:stats-penalties")
    for group_by in STORED_GROUPINGS:
        from_table = api.get(url, {"group_by": group_by}).json()
        # amount_min=0 selects every component too, but only the components can answer it.
        from_components = api.get(url, {"group_by": group_by, "amount_min": "0"}).json()
        assert from_table["results"] and from_table == from_components


def test_a_drifted_table_is_rebuilt_not_a_refused_write(world, django_capture_on_commit_callbacks):
    models.PenaltyTotal.objects.all().delete()  # as a database written before the table existed
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        models.SettlementComponent.objects.get(key="doj-fine").delete()
        factories.SettlementComponentFactory(settlement=world["plea"], amount=usd("2.00"))
    assert len([callback for callback in callbacks if isinstance(callback, PenaltyTotalsRebuild)]) == 1
    assert assert_current() == {DOJ_2023: (usd("2"), 0, 0, 1)}


def test_sync_timeline_repairs_the_table_and_says_so(world):
    models.PenaltyTotal.objects.all().delete()
    output = io.StringIO()
    call_command("sync_timeline", "--dry-run", stdout=output)
    assert "Penalty totals rows would change: 1." in output.getvalue()
    assert not models.PenaltyTotal.objects.exists()
    call_command("sync_timeline", stdout=output)
    assert assert_current() == {DOJ_2023: (usd("1805475575"), 0, 0, 1)}
    output = io.StringIO()
    call_command("sync_timeline", stdout=output)
    assert "Penalty totals rows changed: 0." in output.getvalue()


def test_synthetic_generator_adds_up_the_totals():
    report = synthetic_generate(40, seed=5)
    assert report.penalty_totals == models.PenaltyTotal.objects.count() > 0
    for group_by in STORED_GROUPINGS:
        assert as_dicts(penalty_totals_from_table(group_by)) == as_dicts(penalty_totals_from_components(None, group_by))


# --- the readers --------------------------------------------------------------------------------


def test_penalties_page_agrees_with_the_components_whatever_the_filters(world):
    factories.SettlementComponentFactory(
        settlement=factories.SettlementFactory(action__authority=world["fincen"], agreed_on=D(2024, 6, 30)),
        amount=usd("9.00"),
    )
    binance = models.Entity.objects.get(slug="binance")
    for filters, from_table in [
        ({}, True),
        ({"date_from": D(2024, 1, 1)}, True),
        ({"date_from": D(2023, 1, 1), "date_to": D(2023, 12, 31), "authority": world["doj"]}, True),
        ({"date_from": D(2024, 7, 1)}, False),
        ({"payer": binance}, False),
    ]:
        assert (penalty_scope(**filters) is not None) == from_table, filters
        for group_by in ("year", "authority"):
            shown = as_dicts(penalties_by(group_by, **filters))
            counted = as_dicts(penalty_totals_from_components(penalty_components(**filters), group_by))
            assert sorted(shown, key=repr) == sorted(counted, key=repr), (filters, group_by)
    assert [total.group for total in penalties_by("year", date_from=D(2024, 1, 1))] == [2024]


def test_stats_endpoint_reads_the_table_in_a_fixed_number_of_queries(django_assert_num_queries):
    authorities = [factories.AuthorityFactory(slug=f"authority-{n}") for n in range(3)]

    def grow(n):
        for number in range(n):
            component = factories.SettlementComponentFactory(
                settlement__action__authority=authorities[number % 3],
                settlement__agreed_on=D(2000 + number % 20, 1, 1),
                amount=usd("100.00"),
            )
            factories.CreditFactory(component=component, amount=usd("10.00"))

    url = reverse("api:stats-penalties")
    for size in (5, 50):
        grow(size)
        # The request's savepoint and release, then for the groups and for the totals one read of the table
        # and one of the credits whose amount is not stated (they make the net a range).
        with django_assert_num_queries(6):
            response = APIClient().get(url, {"group_by": "authority"})
        assert response.status_code == 200
        totals = {row["group"]: row for row in response.json()["results"]}
        assert sum(row["components"] for row in totals.values()) == models.SettlementComponent.objects.count()
        # Naming the authority adds its lookup.
        with django_assert_num_queries(7):
            assert APIClient().get(url, {"group_by": "year", "authority": "authority-0"}).status_code == 200


# --- random sequences of writes -----------------------------------------------------------------

YEARS = st.one_of(st.none(), st.integers(2019, 2022))
RESOLVED_YEARS = st.one_of(st.none(), st.integers(2023, 2026))  # after the factories' filing date
AMOUNTS = st.integers(0, 1000).map(lambda cents: Decimal(cents) / 100)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("component"), st.integers(0, 2), AMOUNTS, st.sampled_from(["USD", "EUR"]), st.booleans()),
        st.tuples(st.just("amount"), st.integers(0, 20), AMOUNTS),
        st.tuples(st.just("part"), st.integers(0, 20), st.integers(0, 20)),
        st.tuples(st.just("delete component"), st.integers(0, 20)),
        st.tuples(st.just("credit"), st.integers(0, 20), AMOUNTS),
        st.tuples(st.just("delete credit"), st.integers(0, 20)),
        st.tuples(st.just("agreed"), st.integers(0, 2), YEARS),
        st.tuples(st.just("resolved"), st.integers(0, 1), RESOLVED_YEARS),
        st.tuples(st.just("authority"), st.integers(0, 1), st.integers(0, 1)),
        st.tuples(st.just("delete settlement"), st.integers(0, 2)),
    ),
    max_size=12,
)


def pick(queryset, index):
    rows = list(queryset.order_by("pk"))
    return rows[index % len(rows)] if rows else None


def run_step(step, authorities, settlements):
    kind, *args = step
    components = models.SettlementComponent.objects.all()
    if kind == "component":
        settlement = pick(models.Settlement.objects.all(), args[0])
        if settlement is not None:
            whole = (
                components.filter(settlement=settlement, part_of=None, currency=args[2]).first() if args[3] else None
            )
            factories.SettlementComponentFactory(settlement=settlement, amount=args[1], currency=args[2], part_of=whole)
    elif kind == "amount" and (component := pick(components, args[0])):
        component.amount, component.suspended_amount = args[1] * 2, args[1]
        component.save()
    elif kind == "part" and (component := pick(components, args[0])):
        whole = pick(components.exclude(pk=component.pk), args[1])
        component.part_of = None if component.part_of_id else whole
        component.save()
    elif kind == "delete component" and (component := pick(components, args[0])):
        component.delete()
    elif kind == "credit" and (component := pick(components, args[0])):
        factories.CreditFactory(component=component, amount=args[1], currency=component.currency)
    elif kind == "delete credit" and (credit := pick(models.Credit.objects.all(), args[0])):
        credit.delete()
    elif kind == "agreed" and (settlement := pick(models.Settlement.objects.all(), args[0])):
        settlement.agreed_on = None if args[1] is None else D(args[1], 3, 1)
        settlement.save()
    elif kind == "resolved":
        action = settlements[args[0]].action
        action.resolved_on = None if args[1] is None else D(args[1], 12, 1)
        action.save()
    elif kind == "authority":
        action = settlements[args[0]].action
        action.authority = authorities[args[1]]
        action.save()
    elif kind == "delete settlement" and (settlement := pick(models.Settlement.objects.all(), args[0])):
        settlement.delete()


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=STEPS)
def test_random_sequences_of_writes_keep_the_table_current(db, steps):
    with transaction.atomic():
        authorities = [factories.AuthorityFactory(), factories.AuthorityFactory()]
        settlements = [
            factories.SettlementFactory(action__authority=authorities[0], agreed_on=None),
            factories.SettlementFactory(action__authority=authorities[1], agreed_on=D(2020, 5, 1)),
        ]
        factories.SettlementFactory(action=settlements[0].action, agreed_on=D(2021, 1, 1))
        for step in steps:
            run_step(step, authorities, settlements)
        assert_current()
        transaction.set_rollback(True)


# --- concurrent writers (PostgreSQL: SQLite runs one writer at a time) ---------------------------


def in_thread(function):
    """Run ``function`` in a thread of its own, with its own connection, inside a transaction."""

    def run():
        try:
            with transaction.atomic():
                function()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_adding_to_the_same_new_row_all_count():
    authority = factories.AuthorityFactory()
    settlements = [factories.SettlementFactory(action__authority=authority) for _ in range(4)]
    barrier = threading.Barrier(len(settlements))

    def writer(settlement):
        def write():
            barrier.wait(timeout=30)
            for _ in range(3):
                factories.SettlementComponentFactory(settlement=settlement, amount=usd("10.00"))

        return write

    for thread in [in_thread(writer(settlement)) for settlement in settlements]:
        thread.join(timeout=60)
    assert assert_current() == {(authority.slug, 2023, "USD"): (usd("120"), 0, 0, 12)}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_component_added_while_its_settlement_moves_to_another_year_follows_it():
    settlement = factories.SettlementFactory(agreed_on=D(2023, 5, 1))
    factories.SettlementComponentFactory(settlement=settlement, amount=usd("5.00"))
    slug = settlement.action.authority.slug

    def add():
        factories.SettlementComponentFactory(settlement_id=settlement.pk, amount=usd("7.00"))

    # The date changes first; the new component waits for the settlement's lock, then reads the new year.
    with transaction.atomic():
        settlement.agreed_on = D(2024, 5, 1)
        settlement.save()
        thread = in_thread(add)
        time.sleep(1)
        assert thread.is_alive(), "the writer waits for the settlement's row lock"
    thread.join(timeout=30)
    assert assert_current() == {(slug, 2024, "USD"): (usd("12"), 0, 0, 2)}

    # The component comes first; the date change (inside a transaction, as every writer of the site
    # makes one) waits for it, then moves it with the rest.
    added = threading.Event()

    def add_and_hold():
        factories.SettlementComponentFactory(settlement_id=settlement.pk, amount=usd("9.00"))
        added.set()
        time.sleep(1)

    thread = in_thread(add_and_hold)
    assert added.wait(timeout=30)
    with transaction.atomic():
        settlement.agreed_on = D(2025, 5, 1)
        settlement.save()
    thread.join(timeout=30)
    assert assert_current() == {(slug, 2025, "USD"): (usd("21"), 0, 0, 3)}


def test_migrate_fills_an_empty_table_from_records_written_before_it_existed(world):
    kept = stored()
    assert kept
    models.PenaltyTotal.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert stored() == kept
    models.PenaltyTotal.objects.filter(year=2023).update(gross=usd("1.00"))
    call_command("migrate", verbosity=0)
    assert stored() != kept, "a table that holds rows is left to sync_timeline, not rebuilt by every migrate"
