"""Spreadsheet import and export in the admin, driven through the admin's own pages: exports follow the
changelist's filters and search, imports preview a dry run, update by natural key, name every bad row
and field, and write a file whole or not at all."""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from tests import factories
from tests.conftest import shared_rows
from timeline import models
from timeline.admin import actions, entities, money, people
from timeline.admin.common import FactAdminMixin, RefuseCitedDeleteMixin, TimelineModelAdmin
from timeline.admin.resources import (
    EnforcementActionResource,
    EntityResource,
    SentenceResource,
    SettlementComponentResource,
)
from timeline.admin.spreadsheets import SpreadsheetMixin
from timeline.services.events import events_sync_all
from timeline.services.roles import roles_ensure

D = datetime.date
pytestmark = pytest.mark.django_db

RESOURCES = {
    "entity": EntityResource,
    "enforcementaction": EnforcementActionResource,
    "settlementcomponent": SettlementComponentResource,
    "sentence": SentenceResource,
}
MODELS = {
    "entity": models.Entity,
    "enforcementaction": models.EnforcementAction,
    "settlementcomponent": models.SettlementComponent,
    "sentence": models.Sentence,
}
FORMATS = {"csv": str(SpreadsheetMixin.formats.index(CSV)), "xlsx": str(SpreadsheetMixin.formats.index(XLSX))}


@dataclass
class World:
    doj_release: models.Source
    sec_order: models.Source
    doj: models.Entity
    sec: models.Entity
    court: models.Entity
    judge: models.Entity
    exchange: models.Entity
    founder: models.Entity
    case: models.Case
    prosecution: models.EnforcementAction
    civil_suit: models.EnforcementAction
    plea: models.Settlement
    fine: models.SettlementComponent
    forfeiture: models.SettlementComponent
    sentence: models.Sentence


def build_world():
    doj_release = factories.SourceFactory(key="doj-release")
    sec_order = factories.SourceFactory(key="sec-order")
    doj = factories.AuthorityFactory(name="Department of Justice", slug="doj")
    doj.sources.set([doj_release])
    sec = factories.AuthorityFactory(name="Securities and Exchange Commission", slug="sec")
    sec.sources.set([sec_order])
    court = factories.CourtFactory(name="U.S. District Court, W.D. Washington", slug="wdwa")
    judge = factories.PersonFactory(name="Richard Jones", slug="richard-jones")
    exchange = factories.EntityFactory(name="Exchange Holdings Limited", slug="exchange-holdings")
    founder = factories.PersonFactory(name="Founder Person", slug="founder-person")
    case = factories.CaseFactory(slug="exchange-matter", sources=[doj_release])
    prosecution = factories.EnforcementActionFactory(
        slug="us-v-exchange",
        case=case,
        authority=doj,
        court=court,
        docket_number="2:23-cr-00179",
        caption="United States v. Exchange Holdings Limited",
        filed_on=D(2023, 11, 21),
        sources=[doj_release],
    )
    civil_suit = factories.EnforcementActionFactory(
        slug="sec-v-exchange",
        case=case,
        authority=sec,
        action_type=models.ActionType.CIVIL,
        court=court,
        docket_number="1:23-cv-01599",
        caption="SEC v. Exchange Holdings Limited",
        filed_on=D(2023, 6, 5),
        sources=[sec_order],
    )
    plea = factories.SettlementFactory(slug="exchange-plea", action=prosecution, sources=[doj_release])
    fine = factories.SettlementComponentFactory(
        key="exchange-fine", settlement=plea, payer=exchange, amount=Decimal("1805475575.00"), sources=[doj_release]
    )
    forfeiture = factories.SettlementComponentFactory(
        key="exchange-forfeiture",
        settlement=plea,
        payer=exchange,
        kind=models.ComponentKind.CRIMINAL_FORFEITURE,
        amount=Decimal("2510650558.31"),
        sources=[doj_release, sec_order],
    )
    sentence = factories.SentenceFactory(
        action=prosecution, defendant=founder, judge=judge, custody_months=4, sources=[doj_release]
    )
    events_sync_all()
    return World(
        doj_release,
        sec_order,
        doj,
        sec,
        court,
        judge,
        exchange,
        founder,
        case,
        prosecution,
        civil_suit,
        plea,
        fine,
        forfeiture,
        sentence,
    )


shared_world = shared_rows(build_world)


@pytest.fixture
def world(shared_world, db):
    return shared_world.data()


# Files, and the admin's import and export pages


def headers(model_name):
    return RESOURCES[model_name]().get_export_headers()


def csv_upload(model_name, rows, columns=None):
    columns = columns or headers(model_name)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return SimpleUploadedFile(f"{model_name}.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_upload(model_name, rows):
    columns = headers(model_name)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(f"{model_name}.xlsx", buffer.getvalue(), content_type=XLSX.CONTENT_TYPE)


def import_url(model_name):
    return reverse(f"admin:timeline_{model_name}_import")


def preview(client, model_name, upload, file_format="csv"):
    """The import form's POST: a dry run whose result the page previews."""
    response = client.post(
        import_url(model_name), {"import_file": upload, "format": FORMATS[file_format], "resource": "0"}
    )
    assert response.status_code == 200
    return response


def confirm(client, model_name, previewed):
    """The confirmation form's POST, with the hidden fields the preview page rendered."""
    form = previewed.context.get("confirm_form")
    assert form is not None, previewed.context["result"].invalid_rows or previewed.context["result"].base_errors
    data = {name: form.initial[name] for name in ("import_file_name", "original_file_name", "format", "resource")}
    return client.post(reverse(f"admin:timeline_{model_name}_process_import"), data)


def import_file(client, model_name, upload, file_format="csv"):
    previewed = preview(client, model_name, upload, file_format)
    response = confirm(client, model_name, previewed)
    assert response.status_code == 302
    return response


def export(client, model_name, file_format, query=""):
    """The export form's POST to the export page, which keeps the changelist's query string."""
    resource = RESOURCES[model_name]
    data = {"format": FORMATS[file_format], "resource": "0"}
    data.update({f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()})
    response = client.post(reverse(f"admin:timeline_{model_name}_export") + query, data)
    assert response.status_code == 200, response.content[:500]
    return response


def exported_rows(response, file_format):
    if file_format == "csv":
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def export_as_upload(client, model_name, file_format="csv"):
    content = export(client, model_name, file_format).content
    return SimpleUploadedFile(f"{model_name}.{file_format}", content)


def error_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request) if message.level_tag == "error"]


def counts():
    return {name: model.objects.count() for name, model in MODELS.items()} | {
        "event": models.Event.objects.count(),
        "history": models.Entity.audit_trail.count() + models.EnforcementAction.audit_trail.count(),
    }


def component_row(key, **values):
    row = {
        "key": key,
        "settlement": "exchange-plea",
        "payer": "exchange-holdings",
        "kind": "restitution",
        "amount": "1000.00",
        "currency": "USD",
        "is_approximate": "0",
        "suspended_amount": "0",
        "sources": "doj-release",
    }
    row.update(values)
    return row


def action_row(slug, **values):
    row = {
        "slug": slug,
        "case": "exchange-matter",
        "authority": "doj",
        "action_type": "criminal",
        "caption": f"United States v. {slug}",
        "status": "pending",
        "filed_on": "2024-02-01",
        "filed_precision": "day",
        "sources": "doj-release",
    }
    row.update(values)
    return row


def sentence_row(defendant, **values):
    row = {
        "action": "us-v-exchange",
        "defendant": defendant,
        "sentenced_on": "2024-04-30",
        "custody_months": "36",
        "is_life_sentence": "0",
        "sources": "doj-release",
    }
    row.update(values)
    return row


def entity_row(slug, **values):
    row = {"slug": slug, "name": slug.replace("-", " ").title(), "kind": "company", "country": "KY"}
    row.update(values)
    return row


# The admins keep what they did before


@pytest.mark.parametrize(
    ("model_admin", "bases"),
    [
        (entities.EntityAdmin, (RefuseCitedDeleteMixin,)),
        (actions.EnforcementActionAdmin, (FactAdminMixin,)),
        (money.SettlementComponentAdmin, (FactAdminMixin, money.SettlementSyncMixin)),
        (people.SentenceAdmin, (FactAdminMixin,)),
    ],
)
def test_admins_gain_import_export_and_keep_their_bases(model_admin, bases):
    assert issubclass(model_admin, ImportExportMixin)
    assert issubclass(model_admin, TimelineModelAdmin)
    assert issubclass(model_admin, SimpleHistoryAdmin)
    for base in bases:
        assert issubclass(model_admin, base)


@pytest.mark.parametrize("model_name", list(RESOURCES))
def test_changelists_keep_their_columns_history_and_offer_import_and_export(admin_client, world, model_name):
    response = admin_client.get(reverse(f"admin:timeline_{model_name}_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse(f"admin:timeline_{model_name}_import") in content
    assert reverse(f"admin:timeline_{model_name}_export") in content
    shown = [header["text"] for header in response.context["result_headers"]]
    assert len(shown) == len(response.context["cl"].list_display)
    obj = MODELS[model_name].objects.first()
    history = admin_client.get(reverse(f"admin:timeline_{model_name}_history", args=[obj.pk]))
    assert history.status_code == 200


def test_saving_an_action_still_syncs_and_deleting_a_cited_entity_is_still_refused(admin_client, world):
    url = reverse("admin:timeline_enforcementaction_change", args=[world.prosecution.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    for formset in admin_client.get(url).context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{management.prefix}-{name}"] = management[name].value()
    data["filed_on"] = "2023-11-20"
    assert admin_client.post(url, data).status_code == 302
    event = models.Event.objects.get(action=world.prosecution, fact_field=models.FactField.ACTION_FILED)
    assert event.date == D(2023, 11, 20)

    response = admin_client.post(reverse("admin:timeline_entity_delete", args=[world.doj.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert "protected" in response.content.decode()
    assert models.Entity.objects.filter(pk=world.doj.pk).exists()


# Export


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_entity_export(admin_client, world, file_format):
    rows = {row["slug"]: row for row in exported_rows(export(admin_client, "entity", file_format), file_format)}
    assert set(rows) == set(models.Entity.objects.values_list("slug", flat=True))
    assert rows["doj"]["kind"] == "authority"
    assert rows["doj"]["sources"] == "doj-release"
    assert rows["exchange-holdings"]["country"] == "KY"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_action_export(admin_client, world, file_format):
    response = export(admin_client, "enforcementaction", file_format)
    rows = {row["slug"]: row for row in exported_rows(response, file_format)}
    assert set(rows) == {"us-v-exchange", "sec-v-exchange"}
    row = rows["us-v-exchange"]
    assert (row["case"], row["authority"], row["court"]) == ("exchange-matter", "doj", "wdwa")
    assert row["docket_number"] == "2:23-cr-00179"
    filed = row["filed_on"]
    assert (filed.date() if file_format == "xlsx" else D.fromisoformat(filed)) == D(2023, 11, 21)
    assert row["sources"] == "doj-release"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_component_export_writes_exact_amounts(admin_client, world, file_format):
    rows = {
        row["key"]: row for row in exported_rows(export(admin_client, "settlementcomponent", file_format), file_format)
    }
    assert set(rows) == {"exchange-fine", "exchange-forfeiture"}
    forfeiture = rows["exchange-forfeiture"]
    # Text, not a binary float, in both formats: every cent survives.
    assert forfeiture["amount"] == "2510650558.31"
    assert (forfeiture["settlement"], forfeiture["payer"], forfeiture["currency"]) == (
        "exchange-plea",
        "exchange-holdings",
        "USD",
    )
    assert forfeiture["sources"] == "doj-release, sec-order"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_sentence_export(admin_client, world, file_format):
    (row,) = exported_rows(export(admin_client, "sentence", file_format), file_format)
    assert (row["action"], row["defendant"], row["judge"]) == ("us-v-exchange", "founder-person", "richard-jones")
    assert str(row["custody_months"]) == "4"
    assert row["sources"] == "doj-release"


def test_export_follows_the_changelists_filter(admin_client, world):
    rows = exported_rows(export(admin_client, "entity", "csv", "?kind__exact=authority"), "csv")
    assert sorted(row["slug"] for row in rows) == ["doj", "sec"]
    query = f"?authority__id__exact={world.sec.pk}"
    rows = exported_rows(export(admin_client, "enforcementaction", "xlsx", query), "xlsx")
    assert [row["slug"] for row in rows] == ["sec-v-exchange"]


def test_export_follows_the_changelists_search(admin_client, world):
    rows = exported_rows(export(admin_client, "enforcementaction", "csv", "?q=SEC+v."), "csv")
    assert [row["slug"] for row in rows] == ["sec-v-exchange"]
    rows = exported_rows(export(admin_client, "settlementcomponent", "csv", "?q=forfeiture"), "csv")
    assert [row["key"] for row in rows] == ["exchange-forfeiture"]


def test_export_page_link_carries_the_changelist_query(admin_client, world):
    response = admin_client.get(reverse("admin:timeline_entity_changelist") + "?kind__exact=authority")
    assert reverse("admin:timeline_entity_export") + "?kind__exact=authority" in response.content.decode()


def test_export_queries_do_not_grow_with_rows(admin_client, world):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            export(admin_client, "settlementcomponent", "csv")
        return len(captured)

    before = queries()
    for number in range(5):
        factories.SettlementComponentFactory(
            key=f"extra-{number}", settlement=world.plea, payer=factories.EntityFactory(), sources=[world.sec_order]
        )
    assert queries() == before


# Import: preview, confirm, re-import


def test_preview_is_a_dry_run_that_creates_nothing(admin_client, world):
    before = counts()
    upload = csv_upload("enforcementaction", [action_row("new-one"), action_row("new-two", authority="sec")])
    response = preview(admin_client, "enforcementaction", upload)
    result = response.context["result"]
    assert [row.import_type for row in result.rows] == ["new", "new"]
    assert response.context.get("confirm_form") is not None
    assert "new-one" in response.content.decode()
    assert counts() == before


def test_confirmed_import_creates_and_reimport_changes_nothing(admin_client, world):
    rows = [component_row(f"restitution-{number}", amount=f"{number}000.50") for number in range(1, 5)]
    before = models.SettlementComponent.objects.count()
    response = import_file(admin_client, "settlementcomponent", csv_upload("settlementcomponent", rows))
    assert response.url == reverse("admin:timeline_settlementcomponent_changelist")
    assert models.SettlementComponent.objects.count() == before + 4
    restitution = models.SettlementComponent.objects.get(key="restitution-3")
    assert restitution.amount == Decimal("3000.50")
    assert list(restitution.sources.values_list("key", flat=True)) == ["doj-release"]

    snapshot = counts()
    history = models.SettlementComponent.audit_trail.count()
    previewed = preview(admin_client, "settlementcomponent", csv_upload("settlementcomponent", rows))
    assert [row.import_type for row in previewed.context["result"].rows] == ["skip"] * 4
    assert confirm(admin_client, "settlementcomponent", previewed).status_code == 302
    assert counts() == snapshot
    assert models.SettlementComponent.audit_trail.count() == history


def test_reimport_updates_in_place_by_natural_key(admin_client, world):
    rows = [
        entity_row("exchange-holdings", name="Exchange Holdings Ltd.", sources="doj-release, sec-order"),
        entity_row("new-subsidiary", parent="exchange-holdings"),
    ]
    before = models.Entity.objects.count()
    import_file(admin_client, "entity", csv_upload("entity", rows))
    assert models.Entity.objects.count() == before + 1
    exchange = models.Entity.objects.get(slug="exchange-holdings")
    assert exchange.name == "Exchange Holdings Ltd."
    assert sorted(exchange.sources.values_list("key", flat=True)) == ["doj-release", "sec-order"]
    assert models.Entity.objects.get(slug="new-subsidiary").parent == exchange


def test_sentences_update_by_action_and_defendant(admin_client, world):
    other = factories.PersonFactory(name="Second Defendant", slug="second-defendant")
    rows = [sentence_row("founder-person", custody_months="5"), sentence_row("second-defendant")]
    import_file(admin_client, "sentence", csv_upload("sentence", rows))
    assert models.Sentence.objects.count() == 2
    world.sentence.refresh_from_db()
    assert world.sentence.custody_months == 5
    assert models.Sentence.objects.get(defendant=other).custody_months == 36


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("model_name", list(RESOURCES))
def test_exported_file_reimports_unchanged(admin_client, world, model_name, file_format):
    before = counts()
    previewed = preview(admin_client, model_name, export_as_upload(admin_client, model_name, file_format), file_format)
    result = previewed.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}
    confirm(admin_client, model_name, previewed)
    assert counts() == before


def test_xlsx_import_keeps_amounts_exact(admin_client, world):
    rows = [
        # Fifteen significant digits: what SQLite's decimal storage keeps (PostgreSQL keeps all twenty).
        component_row("text-amount", amount="9876543210987.65"),
        component_row("number-amount", amount=2510650558.31),
        component_row("whole-amount", amount=150000000),
    ]
    import_file(admin_client, "settlementcomponent", xlsx_upload("settlementcomponent", rows), "xlsx")
    amounts = dict(models.SettlementComponent.objects.values_list("key", "amount"))
    assert amounts["text-amount"] == Decimal("9876543210987.65")
    assert amounts["number-amount"] == Decimal("2510650558.31")
    assert amounts["whole-amount"] == Decimal("150000000")


def test_xlsx_number_too_long_for_a_float_is_refused(admin_client, world):
    upload = xlsx_upload("settlementcomponent", [component_row("rounded", amount=1234567890123456.7)])
    response = preview(admin_client, "settlementcomponent", upload, "xlsx")
    (invalid,) = response.context["result"].invalid_rows
    assert "enter the amount as text" in invalid.error_dict["amount"][0]


def test_importing_actions_puts_their_dates_on_the_timeline(admin_client, world):
    rows = [
        action_row("filed-only", filed_on="2024-02-01"),
        action_row("resolved", status="settled", filed_on="2024-03-01", resolved_on="2024-06-01"),
    ]
    import_file(admin_client, "enforcementaction", csv_upload("enforcementaction", rows))
    filed = models.Event.objects.get(action__slug="filed-only", fact_field=models.FactField.ACTION_FILED)
    assert filed.date == D(2024, 2, 1)
    assert filed.case == world.case
    assert world.doj in filed.entities.all()
    assert world.doj_release in filed.sources.all()
    resolved = models.Event.objects.get(action__slug="resolved", fact_field=models.FactField.ACTION_RESOLVED)
    assert resolved.date == D(2024, 6, 1)

    rows[0]["filed_on"] = "2024-02-02"
    import_file(admin_client, "enforcementaction", csv_upload("enforcementaction", rows))
    filed.refresh_from_db()
    assert filed.date == D(2024, 2, 2)


def test_importing_sentences_and_components_syncs_their_events(admin_client, world):
    world.plea.agreed_on = D(2023, 11, 21)
    world.plea.save()
    other = factories.PersonFactory(name="Second Defendant", slug="second-defendant")
    import_file(admin_client, "sentence", csv_upload("sentence", [sentence_row("second-defendant")]))
    imposed = models.Event.objects.get(sentence__defendant=other, fact_field=models.FactField.SENTENCE_IMPOSED)
    assert imposed.date == D(2024, 4, 30)

    payer = factories.EntityFactory(name="Paying Affiliate", slug="paying-affiliate")
    upload = csv_upload("settlementcomponent", [component_row("affiliate-payment", payer="paying-affiliate")])
    import_file(admin_client, "settlementcomponent", upload)
    agreed = models.Event.objects.get(settlement=world.plea, fact_field=models.FactField.SETTLEMENT_AGREED)
    assert payer in agreed.entities.all()


# Import: one bad row saves nothing

GOOD_COMPONENTS = [component_row(f"good-{number}") for number in range(1, 7)]

BAD_ROWS = [
    ("settlementcomponent", component_row("bad", payer="no-such-entity"), "payer", "no-such-entity"),
    ("settlementcomponent", component_row("bad", amount="-5.00"), "amount", "cannot be negative"),
    ("settlementcomponent", component_row("bad", amount="1,000.00"), "amount", "is not an amount"),
    ("settlementcomponent", component_row("bad", currency="XYZ"), "currency", "ISO 4217"),
    ("settlementcomponent", component_row("bad", currency=""), "currency", "cannot be blank"),
    ("settlementcomponent", component_row("bad", sources=""), "sources", "Cite at least one source"),
    ("settlementcomponent", component_row("bad", sources="doj-release, nowhere"), "sources", "nowhere"),
    ("settlementcomponent", component_row("bad", kind="bribe"), "kind", "not a valid choice"),
    ("settlementcomponent", component_row("bad", is_approximate="maybe"), "is_approximate", "yes or no"),
    ("settlementcomponent", component_row("bad", suspended_amount="5000.00"), "suspended_amount", "exceed"),
    ("sentence", sentence_row("founder-person", sentenced_on="2024-13-45"), "sentenced_on", "YYYY-MM-DD"),
    ("sentence", sentence_row("founder-person", sentenced_on="30/04/2024"), "sentenced_on", "YYYY-MM-DD"),
    ("sentence", sentence_row("no-such-person"), "defendant", "no-such-person"),
    ("sentence", sentence_row("founder-person", custody_months="4.5"), "custody_months", "whole number"),
    ("sentence", sentence_row("founder-person", fine_amount="100.00", fine_currency=""), "fine_currency", "currency"),
    ("sentence", sentence_row("founder-person", judge="doj"), "judge", "“doj” is not an allowed judge."),
    ("enforcementaction", action_row("bad", authority="nobody"), "authority", "nobody"),
    ("enforcementaction", action_row("bad", authority="exchange-holdings"), "authority", "not a government"),
    ("enforcementaction", action_row("bad", filed_on="2024-03-15", filed_precision="month"), "filed_on", "month"),
    ("enforcementaction", action_row("bad", status="settled"), "resolved_on", "resolution date"),
    ("entity", entity_row("bad", country="XX"), "country", "ISO 3166"),
    ("entity", entity_row("bad", parent="nobody"), "parent", "nobody"),
]


def good_rows(model_name):
    people = [factories.PersonFactory(name=f"Defendant {number}", slug=f"defendant-{number}") for number in range(6)]
    return {
        "settlementcomponent": GOOD_COMPONENTS,
        "sentence": [sentence_row(person.slug) for person in people],
        "enforcementaction": [action_row(f"good-{number}") for number in range(1, 7)],
        "entity": [entity_row(f"good-{number}") for number in range(1, 7)],
    }[model_name]


@pytest.mark.parametrize(("model_name", "bad_row", "field", "expected"), BAD_ROWS)
def test_one_bad_row_among_good_ones_imports_nothing(admin_client, world, model_name, bad_row, field, expected):
    good = good_rows(model_name)
    rows = [*good[:4], bad_row, *good[4:]]
    before = counts()
    response = preview(admin_client, model_name, csv_upload(model_name, rows))
    result = response.context["result"]
    (invalid,) = result.invalid_rows
    assert invalid.number == 5
    assert expected in " ".join(invalid.error_dict[field])
    assert "instance with id" not in str(invalid.error_dict)
    assert response.context.get("confirm_form") is None
    (message,) = error_messages(response)
    assert message.startswith("Nothing was imported.")
    assert f"row 5, {field}: " in message
    assert counts() == before

    # Posting the confirmation anyway (the page offers none) writes nothing either.
    stored = response.context["form"].cleaned_data["import_file"]
    data = {"import_file_name": stored.tmp_storage_name, "original_file_name": stored.name, "format": FORMATS["csv"]}
    forced = admin_client.post(reverse(f"admin:timeline_{model_name}_process_import"), data)
    assert forced.status_code == 302
    assert forced.url == import_url(model_name)
    assert f"row 5, {field}: " in error_messages(forced)[0]
    assert counts() == before


def test_every_bad_row_is_reported_not_just_the_first(admin_client, world):
    rows = [
        component_row("good-1"),
        component_row("bad-1", amount="-1"),
        component_row("good-2"),
        component_row("bad-2", payer="nobody", currency="usd"),
    ]
    response = preview(admin_client, "settlementcomponent", csv_upload("settlementcomponent", rows))
    invalid = {row.number: set(row.error_dict) for row in response.context["result"].invalid_rows}
    assert invalid == {2: {"amount"}, 4: {"payer", "currency"}}


def test_a_file_that_went_bad_after_its_preview_imports_nothing(admin_client, world):
    """The confirmation re-runs every check; the rows still valid are rolled back with the bad one."""
    rows = [action_row(f"good-{number}") for number in range(1, 6)] + [action_row("via-sec", authority="sec")]
    previewed = preview(admin_client, "enforcementaction", csv_upload("enforcementaction", rows))
    assert previewed.context.get("confirm_form") is not None
    models.Entity.objects.filter(pk=world.sec.pk).update(kind=models.EntityKind.COMPANY)
    before = counts()

    response = confirm(admin_client, "enforcementaction", previewed)
    assert response.status_code == 302
    assert response.url == import_url("enforcementaction")
    (message,) = error_messages(response)
    assert message.startswith("Nothing was imported.")
    assert "row 6, authority" in message
    assert counts() == before
    assert not models.EnforcementAction.objects.filter(slug__startswith="good-").exists()


def test_unknown_column_imports_nothing(admin_client, world):
    columns = [*headers("settlementcomponent"), "amout"]
    upload = csv_upload("settlementcomponent", [component_row("typo", amout="5")], columns=columns)
    before = counts()
    response = preview(admin_client, "settlementcomponent", upload)
    assert response.context["result"].has_errors()
    assert response.context.get("confirm_form") is None
    assert "Unknown columns: amout" in error_messages(response)[0]
    assert counts() == before


def test_new_rows_without_a_sources_column_are_refused(admin_client, world):
    columns = [column for column in headers("enforcementaction") if column != "sources"]
    upload = csv_upload("enforcementaction", [action_row("unsourced")], columns=columns)
    response = preview(admin_client, "enforcementaction", upload)
    (invalid,) = response.context["result"].invalid_rows
    assert "every new row cites at least one source" in invalid.error_dict["sources"][0]


def test_lowering_an_amount_below_its_credits_is_refused(admin_client, world):
    factories.CreditFactory(component=world.fine, amount=Decimal("1000000.00"), sources=[world.doj_release])
    row = component_row("exchange-fine", kind="criminal_fine", amount="999999.99")
    response = preview(admin_client, "settlementcomponent", csv_upload("settlementcomponent", [row]))
    (invalid,) = response.context["result"].invalid_rows
    assert "Credits of USD 1,000,000.00" in invalid.error_dict["amount"][0]


# Permissions


def user_in(group_name):
    roles_ensure()
    user = factories.StaffUserFactory(username=f"{group_name}-user")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.mark.parametrize("model_name", list(RESOURCES))
def test_viewer_exports_but_cannot_import(client, world, model_name):
    client.force_login(user_in("viewer"))
    changelist = client.get(reverse(f"admin:timeline_{model_name}_changelist"))
    assert changelist.status_code == 200
    content = changelist.content.decode()
    assert reverse(f"admin:timeline_{model_name}_export") in content
    assert reverse(f"admin:timeline_{model_name}_import") not in content
    assert exported_rows(export(client, model_name, "csv"), "csv")

    assert client.get(import_url(model_name)).status_code == 403
    upload = csv_upload(model_name, [])
    assert client.post(import_url(model_name), {"import_file": upload, "format": "0"}).status_code == 403
    process = reverse(f"admin:timeline_{model_name}_process_import")
    assert (
        client.post(process, {"import_file_name": "x", "original_file_name": "x.csv", "format": "0"}).status_code == 403
    )


def test_editor_imports(client, world):
    client.force_login(user_in("editor"))
    changelist = client.get(reverse("admin:timeline_settlementcomponent_changelist"))
    assert reverse("admin:timeline_settlementcomponent_import") in changelist.content.decode()
    import_file(client, "settlementcomponent", csv_upload("settlementcomponent", [component_row("editor-made")]))
    assert models.SettlementComponent.objects.filter(key="editor-made").exists()


def test_import_needs_change_as_well_as_add_permission(client, world):
    user = factories.StaffUserFactory(username="adder")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="timeline", codename="add_entity"),
        Permission.objects.get(content_type__app_label="timeline", codename="view_entity"),
    )
    client.force_login(user)
    assert client.get(import_url("entity")).status_code == 403
    user.user_permissions.add(Permission.objects.get(content_type__app_label="timeline", codename="change_entity"))
    assert client.get(import_url("entity")).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(reverse("admin:timeline_entity_export"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
