"""The curated Binance / Changpeng Zhao fixtures: complete, true to the reference facts, consistent with the logic.

Expected values are written out here from ../shared/reference/binance.md so that a changed number or date in
fixtures/ fails a test; where that reference file sits beside the project, the sources are checked against it too.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db.models import Q

from tests.tables import data_models
from timeline import models
from timeline.selectors.penalties import penalty_totals
from timeline.selectors.timelines import case_timeline, entity_timeline, related_entity_ids
from timeline.services.clemency import derived_status
from timeline.services.events import events_sync_all

D = datetime.date
FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
CASE_FILE = FIXTURES_DIR / "binance-changpeng-zhao.json"
REFERENCE_FILE = FIXTURES_DIR / "00-reference.json"
SHARED_REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "binance.json"
CASE = "binance-changpeng-zhao"

A1 = "doj-us-v-binance-holdings"
A2 = "doj-us-v-changpeng-zhao"
A3 = "fincen-binance-consent-order"
A4 = "ofac-binance-settlement"
A5 = "cftc-v-zhao-binance"
A6 = "sec-v-binance"

pytestmark = pytest.mark.django_db


def usd(value):
    return Decimal(value)


def fixture_paths():
    return sorted(str(path) for path in FIXTURES_DIR.glob("*.json"))


def records(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def timeline_models():
    return data_models(include_auto_created=True)


def snapshot():
    """Every row of every timeline table (through tables and audit history included), by primary key."""
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in timeline_models()}


def case_obj():
    return models.Case.objects.get(slug=CASE)


def case_components():
    return models.SettlementComponent.objects.filter(settlement__action__case__slug=CASE)


# ---------------------------------------------------------------- loading


def test_fixtures_use_natural_keys_and_no_primary_keys():
    for path in (REFERENCE_FILE, CASE_FILE):
        for record in records(path):
            assert set(record) == {"model", "fields"}, record
            model = apps.get_model(record["model"])
            for field in model._meta.get_fields():
                value = record["fields"].get(field.name)
                if value is None:
                    continue
                if field.many_to_one or field.one_to_one:
                    assert isinstance(value, list), (record["model"], field.name, value)
                elif field.many_to_many:
                    assert all(isinstance(item, list) for item in value), (record["model"], field.name)


def test_every_fixture_record_is_in_the_database_after_loading(curated_data):
    for path in fixture_paths():
        with open(path, encoding="utf-8") as stream:
            for deserialized in serializers.deserialize("json", stream, handle_forward_references=False):
                # The deserializer looks the record up by its natural key: a pk means it was loaded.
                assert deserialized.object.pk is not None, deserialized.object


def test_loading_twice_creates_no_duplicates_and_changes_nothing(curated_data):
    before = snapshot()
    counts = {label: len(rows) for label, rows in before.items()}
    assert counts["timeline.Source"] >= 57
    call_command("loaddata", *fixture_paths(), verbosity=0)
    after = snapshot()
    assert {label: len(rows) for label, rows in after.items()} == counts
    assert after == before


def test_every_record_passes_model_validation(curated_data):
    """loaddata skips clean(): the admin would still accept every curated record as it stands."""
    checked = 0
    for model in apps.get_app_config("timeline").get_models():
        if model.__name__.startswith("Historical"):
            continue
        for obj in model.objects.all():
            obj.full_clean()
            checked += 1
    assert checked > 200


# ---------------------------------------------------------------- sources


def test_every_fact_cites_a_source(curated_data):
    sourced = []
    for model in apps.get_app_config("timeline").get_models():
        field = next((f for f in model._meta.many_to_many if f.name == "sources"), None)
        if field is not None:
            sourced.append((model, field))
    assert {model for model, _ in sourced} >= {
        models.Case,
        models.EnforcementAction,
        models.Charge,
        models.Settlement,
        models.SettlementComponent,
        models.Credit,
        models.Monitor,
        models.Restriction,
        models.Sentence,
        models.PardonRequest,
        models.PardonStatusChange,
        models.EntityRelationship,
        models.Event,
        models.Entity,
    }
    case_entities = {record["fields"]["slug"] for record in records(CASE_FILE) if record["model"] == "timeline.entity"}
    for model, field in sourced:
        queryset = model.objects.all()
        if field.blank:
            # Optional sources (entities): the parties this case introduces must still cite theirs.
            queryset = queryset.filter(slug__in=case_entities)
        unsourced = queryset.filter(sources__isnull=True)
        assert not unsourced.exists(), (model.__name__, list(unsourced))
    assert case_obj().headline_sources.exists()


PINNED_SOURCES = [
    # key, url, kind, publication date, precision
    ("binance-b01", "https://ofac.treasury.gov/recent-actions/20231121", "agency_release", D(2023, 11, 21), "day"),
    (
        "binance-b08",
        "https://www.moneylaunderingnews.com/2023/11/binance-settles-criminal-and-civil-aml-and-sanctions-"
        "enforcement-actions-for-multiple-billions-while-its-founder-owner-and-former-ceo-zhao-pleads-guilty-"
        "to-single-aml-crime/",
        "law_firm",
        D(2023, 11, 1),
        "month",
    ),
    (
        "binance-b09",
        "https://www.schneiderwallace.com/media/binance-and-ceo-plead-guilty-to-federal-charges-"
        "agree-to-pay-4-3-billion/",
        "law_firm",
        None,
        "day",
    ),
    (
        "binance-b11",
        "https://scribd.com/document/686260159/USA-v-Binance-Plea-Agreement",
        "court_record_copy",
        D(2023, 11, 20),
        "day",
    ),
    (
        "binance-b34",
        "https://www.scribd.com/document/661838061/Bi-Nance",
        "court_record_copy",
        D(2023, 3, 27),
        "day",
    ),
    (
        "binance-b49",
        "https://www.thecoli.com/threads/general-trump-administration-f-kery-thread-2025-2029.1056881/page-1714",
        "aggregator",
        D(2025, 10, 23),
        "day",
    ),
    (
        "binance-b50",
        "https://www.dawn.com/news/1950796/trump-pardons-convicted-binance-founder-zhao-white-house-says",
        "news",
        D(2025, 10, 23),
        "day",
    ),
]


def test_sources_carry_url_kind_and_date_precision(curated_data):
    for key, url, kind, published_on, precision in PINNED_SOURCES:
        source = models.Source.objects.get(key=key)
        assert (source.url, source.kind, source.published_on) == (url, kind, published_on), key
        if published_on is not None:
            assert source.published_precision == precision, key


@pytest.mark.skipif(not SHARED_REFERENCE.exists(), reason="the shared reference folder is not beside the project")
def test_sources_match_the_shared_reference_exactly(curated_data):
    reference = json.loads(SHARED_REFERENCE.read_text(encoding="utf-8"))["cases"][0]["sources"]
    assert models.Source.objects.filter(key__startswith="binance-b").count() == len(reference)
    for item in reference:
        source = models.Source.objects.get(key=f"binance-{item['id'].lower()}")
        assert (source.url, source.title, source.publisher) == (item["url"], item["title"], item["publisher"])
        date = item["date"]
        if date is None:
            assert source.published_on is None
        elif len(date) == 7:
            assert (source.published_on.isoformat()[:7], source.published_on.day) == (date, 1)
            assert source.published_precision == models.DatePrecision.MONTH
        else:
            assert (source.published_on.isoformat(), source.published_precision) == (date, models.DatePrecision.DAY)


# ---------------------------------------------------------------- entities


ENTITIES = [
    # slug, kind, country
    ("doj", "authority", "US"),
    ("fincen", "authority", "US"),
    ("ofac", "authority", "US"),
    ("cftc", "authority", "US"),
    ("sec", "authority", "US"),
    ("binance-holdings", "company", "KY"),
    ("binance-holdings-ie", "company", ""),
    ("binance-services-holdings", "company", ""),
    ("bam-trading-services", "company", ""),
    ("bam-management-us-holdings", "company", ""),
    ("changpeng-zhao", "person", "CA"),
    ("samuel-lim", "person", ""),
    ("richard-teng", "person", ""),
    ("donald-trump", "person", "US"),
    ("wall-street-journal", "company", ""),
    ("usdc-wd-wash", "court", "US"),
    ("usdc-nd-ill", "court", "US"),
    ("usdc-ddc", "court", "US"),
    ("richard-a-jones", "person", ""),
]


def test_entities_have_the_reference_slugs_kinds_and_countries(curated_data):
    for slug, kind, country in ENTITIES:
        entity = models.Entity.objects.get(slug=slug)
        assert (entity.kind, entity.country) == (kind, country), slug


def test_aliases_find_binance_binance_us_and_cz(curated_data):
    def search(term):
        """As the admin's entity search does: names and aliases containing the term."""
        matches = models.Entity.objects.filter(Q(name__icontains=term) | Q(aliases__alias__icontains=term))
        return set(matches.values_list("slug", flat=True))

    assert {"binance-holdings", "bam-trading-services"} <= search("Binance")
    assert search("Binance.US") == {"bam-trading-services"}
    assert search("Binance.com") == {"binance-holdings"}
    assert "changpeng-zhao" in search("CZ")
    assert set(models.EntityAlias.objects.filter(alias="CZ").values_list("entity__slug", flat=True)) == {
        "changpeng-zhao"
    }


def test_authority_components_hang_off_their_parents(curated_data):
    parents = dict(models.Entity.objects.filter(parent__isnull=False).values_list("slug", "parent__slug"))
    assert parents["usao-wd-wash"] == "doj"
    assert parents["fincen"] == parents["ofac"] == "us-treasury"


RELATIONSHIPS = [
    # subject, kind, object, title, start, start precision, end
    ("changpeng-zhao", "founder_of", "binance-holdings", "Founder", None, "day", None),
    ("changpeng-zhao", "ceo_of", "binance-holdings", "Chief Executive Officer", None, "day", D(2023, 11, 21)),
    ("richard-teng", "ceo_of", "binance-holdings", "Chief Executive Officer", D(2023, 11, 21), "day", None),
    ("samuel-lim", "officer_of", "binance-holdings", "Chief Compliance Officer", None, "day", None),
    ("binance-holdings-ie", "affiliate_of", "binance-holdings", "", None, "day", None),
    ("binance-services-holdings", "affiliate_of", "binance-holdings", "", None, "day", None),
    ("bam-trading-services", "affiliate_of", "binance-holdings", "", None, "day", None),
    ("bam-management-us-holdings", "affiliate_of", "binance-holdings", "", None, "day", None),
]


def test_relationships(curated_data):
    for subject, kind, obj, title, start, start_precision, end in RELATIONSHIPS:
        relationship = models.EntityRelationship.objects.get_by_natural_key(subject, kind, obj)
        found = (relationship.title, relationship.start_date, relationship.start_precision, relationship.end_date)
        assert found == (title, start, start_precision, end), (subject, kind, obj)
    lim = models.EntityRelationship.objects.get_by_natural_key("samuel-lim", "officer_of", "binance-holdings")
    assert lim.note.startswith("Former Chief Compliance Officer")


def test_binance_group_rolls_up_its_affiliates_and_officers(curated_data):
    binance = models.Entity.objects.get(slug="binance-holdings")
    slugs = set(models.Entity.objects.filter(pk__in=related_entity_ids(binance)).values_list("slug", flat=True))
    assert slugs >= {
        "binance-holdings",
        "binance-holdings-ie",
        "binance-services-holdings",
        "bam-trading-services",
        "bam-management-us-holdings",
        "changpeng-zhao",
        "richard-teng",
        "samuel-lim",
    }


# ---------------------------------------------------------------- case and actions


def test_case_title_and_headline_stored_apart_from_computed_totals(curated_data):
    case = case_obj()
    assert case.title == "Binance and Changpeng Zhao: 2023 U.S. global resolution, SEC suit and 2025 pardon"
    assert (case.headline_text, case.headline_amount, case.headline_currency) == (
        "over $4.3 billion",
        usd("4300000000"),
        "USD",
    )
    assert set(case.headline_sources.values_list("key", flat=True)) == {
        "binance-b09",
        "binance-b15",
        "binance-b18",
        # "criminal fine and forfeiture" (the USAO's words) and "in total with the CFTC" (the CFTC release's)
        "binance-usao-fy2024-republication",
        "binance-finadium-cftc-copy",
        "binance-cftc-8825-23",
    }
    [total] = penalty_totals(case_components(), group_by="case")
    assert case.headline_amount not in (total.gross, total.net, total.net_lower)


ACTIONS = {
    A1: ("doj", "criminal", "usdc-wd-wash", "2:23-cr-00178", "richard-a-jones", "judgment", D(2023, 11, 14),
         D(2024, 2, 23), {("binance-holdings", "defendant")}),
    A2: ("doj", "criminal", "usdc-wd-wash", "2:23-cr-00179", "richard-a-jones", "plea", D(2023, 11, 14),
         D(2024, 4, 30), {("changpeng-zhao", "defendant")}),
    A3: ("fincen", "administrative", None, "", None, "settled", D(2023, 11, 21), D(2023, 11, 21),
         {("binance-holdings", "respondent")}),
    A4: ("ofac", "administrative", None, "", None, "settled", D(2023, 11, 21), D(2023, 11, 21),
         {("binance-holdings", "respondent")}),
    A5: ("cftc", "civil", "usdc-nd-ill", "1:23-cv-01887", "manish-s-shah", "settled", D(2023, 3, 27),
         D(2023, 12, 14), {("changpeng-zhao", "defendant"), ("binance-holdings", "defendant"),
                           ("binance-holdings-ie", "defendant"), ("binance-services-holdings", "defendant"),
                           ("samuel-lim", "defendant")}),
    A6: ("sec", "civil", "usdc-ddc", "1:23-cv-01599", "amy-berman-jackson", "dismissed_with_prejudice",
         D(2023, 6, 5), D(2025, 5, 29), {("binance-holdings", "defendant"), ("bam-trading-services", "defendant"),
                                         ("bam-management-us-holdings", "defendant"),
                                         ("changpeng-zhao", "defendant")}),
}  # fmt: skip


def test_actions_match_the_reference(curated_data):
    assert set(models.EnforcementAction.objects.filter(case__slug=CASE).values_list("slug", flat=True)) == set(ACTIONS)
    for slug, (authority, action_type, court, docket, judge, status, filed, resolved, parties) in ACTIONS.items():
        action = models.EnforcementAction.objects.select_related("authority", "court", "judge").get(slug=slug)
        assert action.authority.slug == authority, slug
        assert action.action_type == action_type, slug
        assert (action.court.slug if action.court else None, action.docket_number) == (court, docket), slug
        assert (action.judge.slug if action.judge else None) == judge, slug
        assert (action.status, action.filed_on, action.resolved_on) == (status, filed, resolved), slug
        assert set(action.parties.values_list("entity__slug", "role")) == parties, slug


def test_sealed_filings_are_noted(curated_data):
    assert "under seal" in models.EnforcementAction.objects.get(slug=A1).summary
    assert "unsealed on 21 November 2023" in models.EnforcementAction.objects.get(slug=A1).summary
    assert "under seal" in models.EnforcementAction.objects.get(slug=A2).summary


def citations(charge, confirmed):
    return set(charge.citations.filter(confirmed=confirmed).values_list("statute__citation", flat=True))


def test_binance_charges_pleaded_guilty_with_unconfirmed_citations(curated_data):
    charges = list(models.Charge.objects.filter(action__slug=A1).order_by("number"))
    assert [c.number for c in charges] == [1, 2, 3]
    assert "anti-money-laundering program" in charges[0].description
    assert "unlicensed money transmitting" in charges[1].description
    assert "International Emergency Economic Powers Act" in charges[2].description
    for charge in charges:
        assert (charge.disposition, charge.disposition_on) == ("pleaded_guilty", D(2023, 11, 21))
        assert citations(charge, confirmed=True) == set()
    assert citations(charges[0], False) == {"18 U.S.C. § 371", "31 U.S.C. § 5318(h)", "31 U.S.C. § 5322"}
    assert citations(charges[1], False) == {"18 U.S.C. § 1960"}
    assert citations(charges[2], False) == {"50 U.S.C. § 1705"}


def test_zhao_charge_has_confirmed_citations(curated_data):
    [charge] = models.Charge.objects.filter(action__slug=A2)
    assert (charge.counts, charge.disposition, charge.disposition_on) == (1, "pleaded_guilty", D(2023, 11, 21))
    assert citations(charge, confirmed=True) == {
        "31 U.S.C. § 5318(h)",
        "31 U.S.C. § 5322(b)",
        "31 U.S.C. § 5322(c)",
        "31 U.S.C. § 5322(e)",
        "18 U.S.C. § 2",
    }
    assert citations(charge, confirmed=False) == set()


def test_cftc_and_sec_charges(curated_data):
    cftc = models.Charge.objects.filter(action__slug=A5)
    assert cftc.count() == 3
    assert set(cftc.values_list("disposition", "disposition_on")) == {("settled", D(2023, 12, 14))}
    [sec] = models.Charge.objects.filter(action__slug=A6)
    assert (sec.counts, sec.disposition, sec.disposition_on) == (13, "dismissed", D(2025, 5, 29))


# ---------------------------------------------------------------- money

SETTLEMENTS = {
    "binance-doj-plea-agreement": (A1, "plea_agreement", D(2023, 11, 21), D(2024, 2, 23), usd("4316126163")),
    "zhao-doj-plea-agreement": (A2, "plea_agreement", D(2023, 11, 21), None, None),
    "binance-fincen-consent-order": (A3, "consent_order", D(2023, 11, 21), None, None),
    "binance-ofac-settlement-agreement": (A4, "settlement_agreement", D(2023, 11, 21), None, None),
    "cftc-binance-zhao-lim-consent-orders": (A5, "consent_order", D(2023, 11, 21), D(2023, 12, 14), None),
}

COMPONENTS = {
    # key: (settlement, payer, kind, amount, suspended, part of)
    "binance-doj-criminal-fine": (
        "binance-doj-plea-agreement", "binance-holdings", "criminal_fine", "1805475575.00", "0.00", None),
    "binance-doj-criminal-forfeiture": (
        "binance-doj-plea-agreement", "binance-holdings", "criminal_forfeiture", "2510650588.00", "0.00", None),
    "binance-doj-forfeiture-us-users": (
        "binance-doj-plea-agreement", "binance-holdings", "criminal_forfeiture", "1612031763.00", "0.00",
        "binance-doj-criminal-forfeiture"),
    "binance-doj-forfeiture-iran": (
        "binance-doj-plea-agreement", "binance-holdings", "criminal_forfeiture", "898618825.00", "0.00",
        "binance-doj-criminal-forfeiture"),
    "binance-fincen-civil-money-penalty": (
        "binance-fincen-consent-order", "binance-holdings", "civil_money_penalty", "3400000000.00", "150000000.00",
        None),
    "binance-ofac-sanctions-settlement": (
        "binance-ofac-settlement-agreement", "binance-holdings", "sanctions_settlement", "968618825.00", "0.00", None),
    "binance-cftc-disgorgement": (
        "cftc-binance-zhao-lim-consent-orders", "binance-holdings", "disgorgement", "1350000000.00", "0.00", None),
    "binance-cftc-civil-monetary-penalty": (
        "cftc-binance-zhao-lim-consent-orders", "binance-holdings", "civil_money_penalty", "1350000000.00", "0.00",
        None),
    "zhao-cftc-civil-monetary-penalty": (
        "cftc-binance-zhao-lim-consent-orders", "changpeng-zhao", "civil_money_penalty", "150000000.00", "0.00", None),
    "lim-cftc-civil-monetary-penalty": (
        "cftc-binance-zhao-lim-consent-orders", "samuel-lim", "civil_money_penalty", "1500000.00", "0.00", None),
    "zhao-doj-criminal-fine": (
        "zhao-doj-plea-agreement", "changpeng-zhao", "criminal_fine", "50000000.00", "0.00", None),
}  # fmt: skip


def test_settlements(curated_data):
    found = models.Settlement.objects.filter(action__case__slug=CASE)
    assert set(found.values_list("slug", flat=True)) == set(SETTLEMENTS)
    for slug, (action, kind, agreed, approved, stated_total) in SETTLEMENTS.items():
        settlement = models.Settlement.objects.get(slug=slug)
        assert (settlement.action.slug, settlement.kind) == (action, kind), slug
        assert (settlement.agreed_on, settlement.approved_on) == (agreed, approved), slug
        assert settlement.stated_total == stated_total, slug
        assert settlement.stated_total_currency == ("USD" if stated_total is not None else ""), slug


def test_every_component_is_exact_and_in_usd(curated_data):
    assert set(case_components().values_list("key", flat=True)) == set(COMPONENTS)
    for key, (settlement, payer, kind, amount, suspended, part_of) in COMPONENTS.items():
        component = models.SettlementComponent.objects.get(key=key)
        assert component.settlement.slug == settlement
        assert component.payer.slug == payer
        assert component.kind == kind
        assert component.amount == Decimal(amount)
        assert str(component.amount) == amount
        assert component.suspended_amount == Decimal(suspended)
        assert component.currency == "USD"
        assert component.is_approximate is False
        assert (component.part_of.key if component.part_of else None) == part_of


def test_parts_and_stated_total_add_up(curated_data):
    forfeiture = models.SettlementComponent.objects.get(key="binance-doj-criminal-forfeiture")
    assert sum(part.amount for part in forfeiture.parts.all()) == forfeiture.amount == usd("2510650588")
    plea = models.Settlement.objects.get(slug="binance-doj-plea-agreement")
    whole = plea.components.filter(part_of__isnull=True)
    assert sum(component.amount for component in whole) == plea.stated_total == usd("4316126163")


def test_credits(curated_data):
    fincen = models.Credit.objects.get(key="binance-fincen-credit-doj-cftc")
    assert (fincen.component.key, fincen.kind, fincen.amount, fincen.currency, fincen.is_approximate) == (
        "binance-fincen-civil-money-penalty",
        "credited",
        usd("2470000000"),
        "USD",
        False,
    )
    assert set(fincen.against.values_list("key", flat=True)) == {
        "binance-doj-criminal-fine",
        "binance-doj-criminal-forfeiture",
        "binance-cftc-disgorgement",
        "binance-cftc-civil-monetary-penalty",
    }
    assert "not known" in fincen.note
    ofac = models.Credit.objects.get(key="binance-ofac-credit-doj-iran-forfeiture")
    assert (ofac.component.key, ofac.kind, ofac.amount, ofac.is_approximate) == (
        "binance-ofac-sanctions-settlement",
        "deemed_satisfied",
        usd("898618825"),
        True,
    )
    assert set(ofac.against.values_list("key", flat=True)) == {"binance-doj-forfeiture-iran"}
    assert "not read in the agreement" in ofac.note
    quanta = (fincen.quantum, fincen.evidence, ofac.quantum, ofac.evidence)
    assert quanta == ("stated", "reported", "stated", "reported")
    zhao = models.Credit.objects.get(key="binance-zhao-doj-fine-credited-cftc")
    assert (zhao.component.key, zhao.quantum, zhao.amount, zhao.evidence) == (
        "zhao-doj-criminal-fine",
        "stated",
        usd("50000000"),
        "reported",
    )
    assert set(zhao.against.values_list("key", flat=True)) == {"zhao-cftc-civil-monetary-penalty"}
    assert models.Credit.objects.filter(component__in=case_components()).count() == 7


# Documented relations whose amount is not: each agency amount sits inside the DOJ's 4,316,126,163.
UNQUANTIFIED = {
    # key: (credited component, against, evidence)
    "binance-cftc-disgorgement-within-doj": (
        "binance-cftc-disgorgement",
        {"binance-doj-forfeiture-us-users"},
        "inferred",
    ),
    "binance-cftc-penalty-within-doj": (
        "binance-cftc-civil-monetary-penalty",
        {"binance-doj-criminal-fine", "binance-doj-criminal-forfeiture"},
        "inferred",
    ),
    "binance-fincen-cash-within-doj": (
        "binance-fincen-civil-money-penalty",
        {"binance-doj-criminal-fine", "binance-doj-criminal-forfeiture"},
        "inferred",
    ),
    "binance-ofac-cash-within-doj": (
        "binance-ofac-sanctions-settlement",
        {"binance-doj-criminal-fine", "binance-doj-criminal-forfeiture"},
        "inferred",
    ),
}


def test_credits_without_a_documented_amount(curated_data):
    for key, (component, against, evidence) in UNQUANTIFIED.items():
        credit = models.Credit.objects.get(key=key)
        assert (credit.component.key, credit.quantum, credit.amount, credit.evidence) == (
            component,
            "unknown",
            None,
            evidence,
        ), key
        assert set(credit.against.values_list("key", flat=True)) == against, key
        assert credit.sources.exists(), key


def test_case_totals_gross_credited_suspended_net(curated_data):
    [total] = penalty_totals(case_components(), group_by="case")
    assert total.group == CASE
    assert total.currency == "USD"
    assert total.components == 9
    assert total.gross == usd("11586244988")
    # Stated credits: FinCEN's 2.47 bn, OFAC's 898.6 m and Zhao's 50 m fine set off against his CFTC penalty.
    assert total.credited == usd("3418618825")
    assert total.suspended == usd("150000000")
    assert total.net == total.gross - total.credited - total.suspended == usd("8017626163")
    # The rest of FinCEN (780 m), OFAC (70 m) and Binance's CFTC amounts (2.7 bn) are inside the DOJ total too,
    # by amounts no record states: the net is a range, and its floor is the DOJ total plus the individuals.
    assert total.net_is_range
    assert {credit.key: credit.most for credit in total.unquantified_credits} == {
        "binance-cftc-disgorgement-within-doj": usd("1350000000"),
        "binance-cftc-penalty-within-doj": usd("1350000000"),
        "binance-fincen-cash-within-doj": usd("780000000"),
        "binance-ofac-cash-within-doj": usd("70000000"),
    }
    assert total.unquantified == usd("3550000000")
    assert total.net_lower == usd("4467626163") == usd("4316126163") + usd("150000000") + usd("1500000")


def test_totals_per_authority(curated_data):
    by_authority = {
        total.group: (total.gross, total.credited, total.suspended, total.net)
        for total in penalty_totals(case_components(), group_by="authority")
    }
    assert by_authority == {
        "doj": (usd("4366126163"), usd("50000000"), usd("0"), usd("4316126163")),
        "fincen": (usd("3400000000"), usd("2470000000"), usd("150000000"), usd("780000000")),
        "ofac": (usd("968618825"), usd("898618825"), usd("0"), usd("70000000")),
        "cftc": (usd("2851500000"), usd("0"), usd("0"), usd("2851500000")),
    }
    assert sum(net for *_, net in by_authority.values()) == usd("8017626163")
    lower = {total.group: total.net_lower for total in penalty_totals(case_components(), group_by="authority")}
    # Every agency's Binance amount nests in the DOJ's: only the DOJ total and the individuals' CFTC penalties stay.
    assert lower == {
        "doj": usd("4316126163"),
        "fincen": usd("0"),
        "ofac": usd("0"),
        "cftc": usd("151500000"),
    }


def test_monitors(curated_data):
    doj = models.Monitor.objects.get(key="binance-doj-monitor")
    assert (doj.settlement.slug, doj.term_months, doj.monitor) == ("binance-doj-plea-agreement", 36, None)
    assert "Forensic Risk Alliance" in doj.note
    assert "September 2025" in doj.note
    fincen = models.Monitor.objects.get(key="binance-fincen-monitor")
    assert (fincen.settlement.slug, fincen.term_months) == ("binance-fincen-consent-order", 60)
    assert "OFAC" in fincen.note


def test_restrictions(curated_data):
    expected = {
        "zhao-binance-bar": ("binance-doj-plea-agreement", "changpeng-zhao", "bar", True),
        "binance-fincen-us-exit": ("binance-fincen-consent-order", "binance-holdings", "undertaking", False),
        "zhao-appeal-waiver": ("zhao-doj-plea-agreement", "changpeng-zhao", "undertaking", False),
        "cftc-binance-permanent-injunction": (
            "cftc-binance-zhao-lim-consent-orders",
            "binance-holdings",
            "injunction",
            True,
        ),
    }
    for key, (settlement, subject, kind, permanent) in expected.items():
        restriction = models.Restriction.objects.get(key=key)
        assert (restriction.settlement.slug, restriction.subject.slug, restriction.kind) == (settlement, subject, kind)
        assert restriction.is_permanent is permanent
    bar = models.Restriction.objects.get(key="zhao-binance-bar")
    assert "any present or future involvement in operating or managing" in bar.scope
    assert (bar.duration_months, bar.end_date) == (None, None)
    assert "three years" in bar.note
    assert set(bar.sources.values_list("key", flat=True)) == {"binance-b30", "binance-b16"}
    assert "Binance.US" in models.Restriction.objects.get(key="binance-fincen-us-exit").note
    assert "18 months" in models.Restriction.objects.get(key="zhao-appeal-waiver").scope


# ---------------------------------------------------------------- sentence and pardon


def test_zhao_sentence(curated_data):
    sentence = models.Sentence.objects.get_by_natural_key(A2, "changpeng-zhao")
    assert sentence.sentenced_on == D(2024, 4, 30)
    assert sentence.judge.slug == "richard-a-jones"
    assert (sentence.custody_months, sentence.probation_months, sentence.supervised_release_months) == (4, None, None)
    assert (sentence.fine_amount, sentence.fine_currency) == (usd("50000000"), "USD")
    assert sentence.prosecution_sought_months == 36
    assert "robation" in sentence.defence_sought
    assert sentence.guidelines == "12 to 18 months"
    assert sentence.facility == "FCI Lompoc II"
    assert sentence.report_date is None
    assert "31 May 2024" in sentence.note and "June 2024" in sentence.note
    assert (sentence.scheduled_release_on, sentence.released_on) == (D(2024, 9, 29), D(2024, 9, 27))
    assert not models.Sentence.objects.filter(defendant__slug="binance-holdings").exists()


def test_conflicting_prison_report_dates_are_disputed_events(curated_data):
    reports = models.Event.objects.filter(
        case__slug=CASE, event_type=models.EventType.CUSTODY, claim_status=models.ClaimStatus.DISPUTED
    ).order_by("date")
    assert [(e.date, e.date_precision, e.claimed_by.slug, e.claimed_by.kind) for e in reports] == [
        (D(2024, 5, 31), "day", "cointelegraph", "company"),
        (D(2024, 6, 1), "month", "bloomberg", "company"),
    ]


PARDON_HISTORY = [
    # key, status, date, precision, claim status, claimed by, responds to
    ("zhao-pardon-2025-03-13-wsj-report", "reported", D(2025, 3, 13), "day", "reported", "wall-street-journal", None),
    ("zhao-pardon-2025-03-13-zhao-denial", "reported", D(2025, 3, 13), "day", "denied", "changpeng-zhao",
     "zhao-pardon-2025-03-13-wsj-report"),
    ("zhao-pardon-2025-04-zhao-application", "requested", D(2025, 4, 1), "month", "reported", "changpeng-zhao", None),
    ("zhao-pardon-2025-10-22-wsj-signing", "granted", D(2025, 10, 22), "day", "reported", "wall-street-journal",
     None),
    ("zhao-pardon-2025-10-23-granted", "granted", D(2025, 10, 23), "day", "fact", None, None),
]  # fmt: skip


def test_pardon_request_and_history(curated_data):
    request = models.PardonRequest.objects.get(slug="changpeng-zhao-pardon")
    assert (request.person.slug, request.kind, request.status, request.granted_by.slug) == (
        "changpeng-zhao",
        "pardon",
        "granted",
        "donald-trump",
    )
    assert A2 in set(request.actions.values_list("slug", flat=True))
    assert list(request.sentences.values_list("action__slug", "defendant__slug")) == [(A2, "changpeng-zhao")]
    history = [
        (
            change.key,
            change.status,
            change.date,
            change.date_precision,
            change.claim_status,
            change.claimed_by.slug if change.claimed_by else None,
            change.responds_to.key if change.responds_to else None,
        )
        for change in request.history.select_related("claimed_by", "responds_to").order_by("date", "id")
    ]
    assert history == PARDON_HISTORY
    assert derived_status(request.history.all()) == request.status


# ---------------------------------------------------------------- timeline


def test_fixtures_agree_with_the_facts_they_mirror(curated_data):
    report = events_sync_all()
    assert (report.created, report.updated, report.deleted) == (0, 0, 0)


KEY_EVENTS = [
    ("cftc-v-zhao-binance-filed", D(2023, 3, 27)),
    ("sec-v-binance-filed", D(2023, 6, 5)),
    ("doj-us-v-binance-holdings-filed", D(2023, 11, 14)),
    ("binance-zhao-charges-unsealed", D(2023, 11, 21)),
    ("binance-doj-plea-agreement-agreed", D(2023, 11, 21)),
    ("zhao-doj-plea-agreement-agreed", D(2023, 11, 21)),
    ("fincen-binance-consent-order-resolved", D(2023, 11, 21)),
    ("ofac-binance-settlement-resolved", D(2023, 11, 21)),
    ("binance-zhao-pleas-accepted", D(2023, 12, 6)),
    ("zhao-uae-travel-order", D(2023, 12, 7)),
    ("cftc-v-zhao-binance-resolved", D(2023, 12, 14)),
    ("cftc-consent-orders-announced", D(2023, 12, 18)),
    ("doj-us-v-binance-holdings-resolved", D(2024, 2, 23)),
    ("doj-us-v-changpeng-zhao-changpeng-zhao-sentenced", D(2024, 4, 30)),
    ("binance-lifetime-ban-statement", D(2024, 9, 5)),
    ("doj-us-v-changpeng-zhao-changpeng-zhao-released", D(2024, 9, 27)),
    ("zhao-pardon-2025-03-13-wsj-report-event", D(2025, 3, 13)),
    ("zhao-pardon-2025-03-13-zhao-denial-event", D(2025, 3, 13)),
    ("zhao-pardon-2025-04-zhao-application-event", D(2025, 4, 1)),
    ("sec-v-binance-resolved", D(2025, 5, 29)),
    ("zhao-pardon-2025-10-22-wsj-signing-event", D(2025, 10, 22)),
    ("zhao-pardon-2025-10-23-granted-event", D(2025, 10, 23)),
]


def test_case_timeline_is_in_date_order_with_the_key_events(curated_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        events = list(case_timeline(case_obj()))
    assert [e.date for e in events] == sorted(e.date for e in events)
    keys = [e.key for e in events]
    positions = [keys.index(key) for key, _ in KEY_EVENTS]
    assert positions == sorted(positions)
    dates = {e.key: e.date for e in events}
    assert [(key, dates[key]) for key, _ in KEY_EVENTS] == KEY_EVENTS
    granted = events[keys.index("zhao-pardon-2025-10-23-granted-event")]
    assert (granted.claim_status, granted.event_type) == ("fact", "clemency")
    dismissal = events[keys.index("sec-v-binance-resolved")]
    assert dismissal.event_type == models.EventType.DISMISSAL


def test_free_standing_events(curated_data):
    expected = {
        "binance-zhao-charges-unsealed": ("unsealing", "fact", None),
        "binance-zhao-pleas-accepted": ("court_order", "fact", None),
        "zhao-uae-travel-order": ("court_order", "fact", None),
        "cftc-consent-orders-announced": ("statement", "fact", None),
        "zhao-prison-report-2024-05-31-cointelegraph": ("custody", "disputed", "cointelegraph"),
        "zhao-prison-report-2024-06-bloomberg": ("custody", "disputed", "bloomberg"),
        "zhao-moved-to-community-confinement": ("custody", "fact", None),
        "binance-lifetime-ban-statement": ("statement", "reported", "richard-teng"),
        "zhao-cftc-50m-payment-report": ("press_report", "disputed", "reuters"),
        "binance-doj-monitor-early-end-report": ("press_report", "reported", "bloomberg"),
        "sec-v-binance-paused-2025-02": ("court_order", "fact", None),
        "sec-v-binance-paused-2025-04": ("court_order", "fact", None),
        "us-senate-resolution-466-zhao-pardon": ("policy", "fact", None),
        "senators-letter-bondi-bessent-zhao-pardon": ("statement", "fact", None),
        "zhao-cnbc-restrictions-lifted-claim": ("statement", "reported", "changpeng-zhao"),
    }
    free = models.Event.objects.filter(case__slug=CASE, fact_field="").select_related("claimed_by")
    assert {e.key: (e.event_type, e.claim_status, e.claimed_by.slug if e.claimed_by else None) for e in free} == (
        expected
    )
    for event in free:
        assert event.entities.exists(), event.key
        assert event.sources.exists(), event.key


def test_zhao_timeline_shows_his_denial_of_the_wsj_report(curated_data):
    zhao = models.Entity.objects.get(slug="changpeng-zhao")
    events = list(entity_timeline(zhao))
    assert [e.date for e in events] == sorted(e.date for e in events)
    [denial] = [e for e in events if e.claim_status == models.ClaimStatus.DENIED]
    assert denial.key == "zhao-pardon-2025-03-13-zhao-denial-event"
    assert denial.claimed_by.slug == "changpeng-zhao"
    assert denial.responds_to.key == "zhao-pardon-2025-03-13-wsj-report-event"
    assert denial.responds_to.claimed_by.slug == "wall-street-journal"
    keys = [e.key for e in events]
    assert keys.index("zhao-pardon-2025-03-13-wsj-report-event") < keys.index(denial.key)
    assert "changpeng-zhao-ceo-of-binance-holdings-end" in keys


def test_every_dated_fact_has_exactly_one_mirroring_event(curated_data):
    mirrored = models.Event.objects.exclude(fact_field="")
    for link in ("action", "settlement", "sentence", "status_change", "relationship"):
        linked = mirrored.filter(**{f"{link}__isnull": False})
        pairs = list(linked.values_list(f"{link}_id", "fact_field"))
        assert len(pairs) == len(set(pairs)), link
    # 20 proceedings, settlements, sentence and clemency dates, plus Zhao's exit and Teng's start as CEO.
    assert mirrored.filter(case__slug=CASE).count() == 22
    assert set(
        mirrored.filter(case__slug=CASE, relationship__isnull=False).values_list(
            "relationship__subject__slug", flat=True
        )
    ) == {"changpeng-zhao", "richard-teng"}
    assert set(
        mirrored.filter(relationship__isnull=False).values_list("relationship__subject__slug", "fact_field")
    ) == {("changpeng-zhao", "relationship_end"), ("richard-teng", "relationship_start")}


def test_case_events_all_belong_to_the_case_entities(curated_data):
    """Each event of the case names at least one entity of the case, so entity timelines pick it up."""
    case_entity_ids = set(
        models.ActionParty.objects.filter(action__case__slug=CASE).values_list("entity_id", flat=True)
    ) | set(models.EnforcementAction.objects.filter(case__slug=CASE).values_list("authority_id", flat=True))
    for event in models.Event.objects.filter(case__slug=CASE).prefetch_related("entities"):
        assert case_entity_ids & {entity.pk for entity in event.entities.all()}, event.key


# ---------------------------------------------------------------- after March 2025


def test_events_after_march_2025_with_their_precision_and_status(curated_data):
    expected = {
        # key: (date, precision, claim status)
        "sec-v-binance-paused-2025-02": (D(2025, 2, 1), "month", "fact"),
        "sec-v-binance-paused-2025-04": (D(2025, 4, 1), "month", "fact"),
        "sec-v-binance-resolved": (D(2025, 5, 29), "day", "fact"),
        "binance-doj-monitor-early-end-report": (D(2025, 9, 16), "day", "reported"),
        "zhao-pardon-2025-10-22-wsj-signing-event": (D(2025, 10, 22), "day", "reported"),
        "zhao-pardon-2025-10-23-granted-event": (D(2025, 10, 23), "day", "fact"),
        "us-senate-resolution-466-zhao-pardon": (D(2025, 10, 27), "day", "fact"),
        "senators-letter-bondi-bessent-zhao-pardon": (D(2025, 10, 28), "day", "fact"),
        "zhao-cnbc-restrictions-lifted-claim": (D(2026, 1, 25), "day", "reported"),
    }
    found = models.Event.objects.filter(key__in=expected)
    assert {e.key: (e.date, e.date_precision, e.claim_status) for e in found} == expected
    sec = models.EnforcementAction.objects.get(slug=A6)
    assert sec.status == "dismissed_with_prejudice"
    assert sec.sources.filter(key="binance-sec-lr-26316").exists()
    monitor = models.Event.objects.get(key="binance-doj-monitor-early-end-report")
    assert "FinCEN's five-year monitorship is not affected" in monitor.description
    assert "No report confirms" in monitor.description


def test_zhaos_statement_is_a_claim_and_the_bar_stands(curated_data):
    claim = models.Event.objects.get(key="zhao-cnbc-restrictions-lifted-claim")
    assert (claim.claim_status, claim.claimed_by.slug) == ("reported", "changpeng-zhao")
    bar = models.Restriction.objects.get(key="zhao-binance-bar")
    assert (bar.is_permanent, bar.end_date) == (True, None)
    assert "no record read shows the bar" in bar.note


def test_the_anti_terrorism_act_suit_is_a_private_case_without_enforcement_actions(curated_data):
    suit = models.Case.objects.get(slug="binance-ata-suit-2025")
    assert suit.kind == models.CaseKind.PRIVATE_SUIT
    assert suit.plaintiffs.startswith("306 U.S. victims")
    assert not suit.actions.exists()
    filed = models.Event.objects.get(key="binance-ata-suit-filed")
    assert (filed.case, filed.date, filed.claim_status) == (suit, D(2025, 11, 24), "fact")
    assert set(filed.entities.values_list("slug", flat=True)) == {
        "binance-holdings",
        "changpeng-zhao",
        "guangying-chen",
    }
    assert not penalty_totals(models.SettlementComponent.objects.filter(settlement__action__case=suit), "case")


def test_an_enforcement_action_on_a_private_suit_is_refused(curated_data):
    from django.core.exceptions import ValidationError

    action = models.EnforcementAction.objects.get(slug=A6)
    action.case = models.Case.objects.get(slug="binance-ata-suit-2025")
    with pytest.raises(ValidationError) as excinfo:
        action.full_clean()
    assert "case" in excinfo.value.message_dict
