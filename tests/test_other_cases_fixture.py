"""The curated fixtures for the other landmark cases: BitMEX, Ulbricht, Bankman-Fried, Terraform/Kwon, Celsius,
Tornado Cash, SEC v. Ripple and SEC v. Coinbase.

Expected values are written out from ../shared/reference/other_cases.json so that a changed figure or date in
fixtures/ fails a test; where that file sits beside the project, every source is checked against it too.
Uncertain values must stay uncertain: approximate amounts, reported or disputed claims, coarser date precision.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.models import F

from tests.tables import data_models
from timeline import models
from timeline.selectors.penalties import penalty_totals
from timeline.selectors.timelines import case_timeline
from timeline.services.clemency import derived_status
from timeline.services.events import events_sync_all

D = datetime.date
FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
SHARED_REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "other_cases.json"

# case slug: (fixture file, source key prefix, opening words of the case's name in other_cases.json)
CASES = {
    "bitmex-founders": ("bitmex.json", "bitmex", "BitMEX"),
    "ross-ulbricht-silk-road": ("ross-ulbricht.json", "ulbricht", "Ross Ulbricht"),
    "sam-bankman-fried-ftx": ("sam-bankman-fried.json", "sbf", "Sam Bankman-Fried"),
    "terraform-labs-do-kwon": ("terraform-do-kwon.json", "terraform", "Terraform Labs"),
    "celsius-alex-mashinsky": ("celsius-mashinsky.json", "celsius", "Celsius"),
    "tornado-cash-roman-storm": ("tornado-cash-roman-storm.json", "tornado", "Tornado Cash"),
    "sec-v-ripple-labs": ("sec-v-ripple.json", "ripple", "SEC v. Ripple"),
    "sec-v-coinbase": ("sec-v-coinbase.json", "coinbase", "SEC v. Coinbase"),
}

pytestmark = pytest.mark.django_db


def usd(value):
    return Decimal(value)


def records(name):
    return json.loads((FIXTURES_DIR / name).read_text(encoding="utf-8"))


def fixture_paths():
    return sorted(str(path) for path in FIXTURES_DIR.glob("*.json"))


def snapshot():
    """Every row of every timeline table (through tables and audit history included), by primary key."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in data_models(include_auto_created=True)
    }


def components(case_slug):
    return models.SettlementComponent.objects.filter(settlement__action__case__slug=case_slug)


def totals(case_slug, group_by="case"):
    return {
        total.group: (total.gross, total.credited, total.suspended, total.net)
        for total in penalty_totals(components(case_slug), group_by=group_by)
    }


def sentence(action, defendant):
    return models.Sentence.objects.get_by_natural_key(action, defendant)


def citations(charge, confirmed):
    return set(charge.citations.filter(confirmed=confirmed).values_list("statute__citation", flat=True))


def history(request_slug):
    request = models.PardonRequest.objects.get(slug=request_slug)
    return [
        (
            change.status,
            change.date,
            change.date_precision,
            change.claim_status,
            change.claimed_by.slug if change.claimed_by else None,
        )
        for change in request.history.select_related("claimed_by").order_by("date", "id")
    ]


# ---------------------------------------------------------------- files and loading


NATURAL_KEY_FIELDS = {
    "timeline.entityalias": ("entity", "alias"),
    "timeline.entityidentifier": ("scheme", "value"),
    "timeline.entityrelationship": ("subject", "kind", "object"),
    "timeline.actionparty": ("action", "entity", "role"),
    "timeline.charge": ("action", "number"),
    "timeline.chargestatute": ("charge", "statute"),
    "timeline.sentence": ("action", "defendant"),
    "timeline.statute": ("citation",),
}


def natural_key(record):
    fields = record["fields"]
    names = NATURAL_KEY_FIELDS.get(record["model"]) or (("slug",) if "slug" in fields else ("key",))
    return record["model"], json.dumps([fields[name] for name in names], ensure_ascii=False)


def test_case_files_use_natural_keys_fixed_timestamps_and_no_primary_keys():
    for name, _, _ in [*CASES.values(), ("00-reference.json", None, None)]:
        for record in records(name):
            assert set(record) == {"model", "fields"}, (name, record)
            model = apps.get_model(record["model"])
            for field in model._meta.get_fields():
                value = record["fields"].get(field.name)
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    assert value == "2026-11-24T00:00:00Z", (name, record["model"], field.name)
                if value is None:
                    continue
                if field.many_to_one or field.one_to_one:
                    assert isinstance(value, list), (name, record["model"], field.name, value)
                elif field.many_to_many:
                    assert all(isinstance(item, list) for item in value), (name, record["model"], field.name)


def test_no_natural_key_is_defined_in_two_files():
    seen = {}
    for path in fixture_paths():
        for record in json.loads(Path(path).read_text(encoding="utf-8")):
            key = natural_key(record)
            assert key not in seen, (key, seen.get(key), path)
            seen[key] = path


def test_each_case_file_cites_only_its_own_sources():
    for case_slug, (name, prefix, _) in CASES.items():
        defined = {r["fields"]["key"] for r in records(name) if r["model"] == "timeline.source"}
        assert defined and all(key.startswith(f"{prefix}-") for key in defined), name
        for record in records(name):
            for field in ("sources", "headline_sources"):
                for (key,) in record["fields"].get(field, []):
                    assert key in defined, (name, record["model"], key)
        case_records = [r for r in records(name) if r["model"] == "timeline.case"]
        assert [r["fields"]["slug"] for r in case_records] == [case_slug]


def test_loading_twice_creates_no_duplicates_and_changes_nothing(curated_data):
    before = snapshot()
    assert models.Case.objects.filter(slug__in=CASES).count() == len(CASES)
    call_command("loaddata", *fixture_paths(), verbosity=0)
    assert snapshot() == before


def test_every_record_passes_model_validation(curated_data):
    checked = 0
    for model in apps.get_app_config("timeline").get_models():
        if model.__name__.startswith("Historical"):
            continue
        for obj in model.objects.all():
            obj.full_clean()
            checked += 1
    assert checked > 500


def test_events_agree_with_the_facts_they_mirror(curated_data):
    report = events_sync_all()
    assert (report.created, report.updated, report.deleted) == (0, 0, 0)


# ---------------------------------------------------------------- sources


SOURCED_MODELS = [
    models.EnforcementAction,
    models.Charge,
    models.Settlement,
    models.SettlementComponent,
    models.Credit,
    models.Restriction,
    models.Sentence,
    models.PardonRequest,
    models.PardonStatusChange,
    models.Event,
]


def case_filter(model, case_slug):
    path = {
        models.EnforcementAction: "case__slug",
        models.Charge: "action__case__slug",
        models.Settlement: "action__case__slug",
        models.SettlementComponent: "settlement__action__case__slug",
        models.Credit: "component__settlement__action__case__slug",
        models.Restriction: "settlement__action__case__slug",
        models.Sentence: "action__case__slug",
        models.PardonRequest: "actions__case__slug",
        models.PardonStatusChange: "pardon_request__actions__case__slug",
        models.Event: "case__slug",
    }[model]
    return model.objects.filter(**{path: case_slug}).distinct()


def test_every_fact_of_every_case_cites_a_source(curated_data):
    for case_slug, (name, _, _) in CASES.items():
        case = models.Case.objects.get(slug=case_slug)
        assert case.sources.exists(), case_slug
        for model in SOURCED_MODELS:
            unsourced = case_filter(model, case_slug).filter(sources__isnull=True)
            assert not unsourced.exists(), (case_slug, model.__name__, list(unsourced))
        entity_slugs = {r["fields"]["slug"] for r in records(name) if r["model"] == "timeline.entity"}
        relationships = models.EntityRelationship.objects.filter(subject__slug__in=entity_slugs)
        assert not relationships.filter(sources__isnull=True).exists(), case_slug
        assert not models.Entity.objects.filter(slug__in=entity_slugs, sources__isnull=True).exists(), case_slug


PINNED_SOURCES = [
    # key, url, kind, publication date, precision
    (
        "bitmex-m01",
        "https://complianceconcourse.willkie.com/articles/news-alerts-2022-03-march-20220307-two-bitmex-executives-"
        "plead-guilty-to",
        "law_firm",
        D(2022, 3, 7),
        "day",
    ),
    ("bitmex-m04", "https://forklog.com/en/news/bitmex-co-founder-pleads-guilty-to-bank-secrecy-act-violations/amp",
     "news", D(2022, 3, 1), "month"),
    (
        "ulbricht-u09",
        "https://data.cimple.eu/describe/?url=http%3A%2F%2Fdata.cimple.eu%2Fclaim-review%2F3cb28bdd781e9e8fc205933334"
        "fee1083177579daf4aea779790dc82",
        "other",
        None,
        "day",
    ),
    ("ripple-p01", "https://docs.justia.com/cases/federal/district-courts/new-york/nysdce/1:2020cv10832/551082/973",
     "court_record_copy", D(2024, 8, 7), "day"),
    ("tornado-r03", "https://www.venable.com/insights/publications/2025/09/cryptocurrency-victory-amid-a-shifting-"
                    "political", "law_firm", D(2025, 9, 1), "month"),
]  # fmt: skip


def test_sources_carry_url_kind_and_date_precision(curated_data):
    for key, url, kind, published_on, precision in PINNED_SOURCES:
        source = models.Source.objects.get(key=key)
        assert (source.url, source.kind, source.published_on, source.published_precision) == (
            url,
            kind,
            published_on,
            precision,
        ), key


@pytest.mark.skipif(not SHARED_REFERENCE.exists(), reason="the shared reference folder is not beside the project")
def test_sources_match_the_shared_reference_exactly(curated_data):
    reference = json.loads(SHARED_REFERENCE.read_text(encoding="utf-8"))["cases"]
    for _, prefix, opening in CASES.values():
        [case] = [item for item in reference if item["name"].startswith(opening)]
        assert models.Source.objects.filter(key__startswith=f"{prefix}-").count() == len(case["sources"]), prefix
        for item in case["sources"]:
            source = models.Source.objects.get(key=f"{prefix}-{item['id'].lower()}")
            assert (source.url, source.title, source.publisher) == (item["url"], item["title"], item["publisher"])
            date = item["date"]
            if date is None:
                assert source.published_on is None
            elif len(date) == 7:
                assert (source.published_on.isoformat()[:7], source.published_on.day) == (date, 1)
                assert source.published_precision == models.DatePrecision.MONTH
            else:
                assert (source.published_on.isoformat(), source.published_precision) == (date, "day")


# ---------------------------------------------------------------- shared reference data


def test_reference_authorities_courts_and_judges(curated_data):
    usao = models.Entity.objects.get(slug="usao-sdny")
    assert (usao.kind, usao.parent.slug) == ("authority", "doj")
    announcement = models.Event.objects.get(key="usao-sdny-announces-hayes-delo-pleas")
    assert usao in announcement.entities.all()
    assert "criminal fine representing pecuniary gain" in announcement.description
    for slug in ("usdc-sdny", "usca-2d-cir"):
        assert models.Entity.objects.get(slug=slug).kind == "court"
    judges = {
        "john-g-koeltl",
        "katherine-b-forrest",
        "lewis-a-kaplan",
        "jed-s-rakoff",
        "paul-a-engelmayer",
        "katherine-polk-failla",
        "analisa-torres",
    }
    assert set(models.Entity.objects.filter(slug__in=judges, kind="person").values_list("slug", flat=True)) == judges
    actions = models.EnforcementAction.objects.filter(case__slug__in=CASES)
    assert set(actions.values_list("court__slug", flat=True)) == {"usdc-sdny"}
    assert set(actions.values_list("judge__slug", flat=True)) == judges | {None}


def test_every_new_case_and_action(curated_data):
    expected = {
        # action: (case, authority, type, judge, status, filed, filed precision, resolved, resolved precision)
        "doj-us-v-arthur-hayes-et-al": ("bitmex-founders", "doj", "criminal", "john-g-koeltl", "plea",
                                        D(2020, 9, 21), "day", D(2022, 11, 16), "day"),
        "doj-us-v-hdr-global-trading": ("bitmex-founders", "doj", "criminal", "john-g-koeltl", "plea", None, "day",
                                        D(2025, 1, 15), "day"),
        "cftc-v-bitmex": ("bitmex-founders", "cftc", "civil", None, "settled", D(2020, 10, 1), "day",
                          D(2021, 8, 10), "day"),
        "doj-us-v-ross-ulbricht": ("ross-ulbricht-silk-road", "doj", "criminal", "katherine-b-forrest", "convicted",
                                   None, "day", D(2015, 2, 1), "month"),
        "doj-us-v-samuel-bankman-fried": ("sam-bankman-fried-ftx", "doj", "criminal", "lewis-a-kaplan", "convicted",
                                          None, "day", D(2023, 11, 2), "day"),
        "sec-v-terraform-labs": ("terraform-labs-do-kwon", "sec", "civil", "jed-s-rakoff", "judgment", D(2023, 2, 1),
                                 "month", D(2024, 6, 13), "day"),
        "doj-us-v-do-kwon": ("terraform-labs-do-kwon", "doj", "criminal", "paul-a-engelmayer", "plea", D(2023, 3, 1),
                             "month", D(2025, 12, 11), "day"),
        "doj-us-v-alexander-mashinsky": ("celsius-alex-mashinsky", "doj", "criminal", "john-g-koeltl", "plea",
                                         D(2023, 7, 1), "month", D(2025, 5, 8), "day"),
        "doj-us-v-roman-storm": ("tornado-cash-roman-storm", "doj", "criminal", "katherine-polk-failla",
                                 "partial_verdict", D(2023, 8, 1), "month", D(2025, 8, 6), "day"),
        "sec-v-ripple": ("sec-v-ripple-labs", "sec", "civil", "analisa-torres", "judgment", D(2020, 12, 1), "month",
                         D(2024, 8, 7), "day"),
        "sec-v-coinbase-inc": ("sec-v-coinbase", "sec", "civil", "katherine-polk-failla", "dismissed_with_prejudice",
                               D(2023, 6, 6), "day", D(2025, 2, 27), "day"),
    }  # fmt: skip
    found = models.EnforcementAction.objects.filter(case__slug__in=CASES).select_related("case", "authority", "judge")
    assert {action.slug for action in found} == set(expected)
    for action in found:
        got = (
            action.case.slug,
            action.authority.slug,
            action.action_type,
            action.judge.slug if action.judge else None,
            action.status,
            action.filed_on,
            action.filed_precision,
            action.resolved_on,
            action.resolved_precision,
        )
        assert got == expected[action.slug], action.slug
    # Only Ripple's docket number is confirmed by the sources.
    assert dict(found.exclude(docket_number="").values_list("slug", "docket_number")) == {
        "sec-v-ripple": "1:20-cv-10832"
    }


# ---------------------------------------------------------------- BitMEX

HAYES = "doj-us-v-arthur-hayes-et-al"
HDR = "doj-us-v-hdr-global-trading"
BITMEX_CFTC = "cftc-v-bitmex"


def test_bitmex_entities_and_parties(curated_data):
    hdr = models.Entity.objects.get(slug="hdr-global-trading")
    assert (hdr.kind, hdr.country) == ("company", "SC")
    assert set(hdr.aliases.values_list("alias", flat=True)) == {"BitMEX"}
    assert models.Entity.objects.get(slug="benjamin-delo").country == "GB"
    founders = {"arthur-hayes", "benjamin-delo", "samuel-reed"}
    assert (
        set(
            models.EntityRelationship.objects.filter(kind="founder_of", object=hdr).values_list(
                "subject__slug", flat=True
            )
        )
        == founders
    )
    assert models.EntityRelationship.objects.get_by_natural_key(
        "samuel-reed", "officer_of", "hdr-global-trading"
    ).title == ("Chief Technology Officer")
    parties = {slug: set(models.ActionParty.objects.filter(action__slug=slug).values_list("entity__slug", flat=True))
               for slug in (HAYES, HDR, BITMEX_CFTC)}  # fmt: skip
    assert parties == {
        HAYES: founders | {"gregory-dwyer"},
        HDR: {"hdr-global-trading"},
        BITMEX_CFTC: founders | {"hdr-global-trading"},
    }


def test_bitmex_charges_and_pleas(curated_data):
    charges = models.Charge.objects.filter(action__slug=HAYES).select_related("defendant").order_by("number")
    got = [(c.number, c.defendant.slug, c.disposition, c.disposition_on, c.disposition_precision) for c in charges]
    assert got == [
        (1, "arthur-hayes", "pleaded_guilty", D(2022, 2, 24), "day"),
        (2, "arthur-hayes", "dismissed", None, "day"),
        (3, "benjamin-delo", "pleaded_guilty", D(2022, 2, 24), "day"),
        (4, "benjamin-delo", "dismissed", None, "day"),
        # Reed's plea date was not confirmed: "about two weeks later".
        (5, "samuel-reed", "pleaded_guilty", D(2022, 3, 1), "month"),
        (6, "samuel-reed", "dismissed", None, "day"),
        (7, "gregory-dwyer", "pleaded_guilty", D(2022, 8, 8), "day"),
        (8, "gregory-dwyer", "dismissed", None, "day"),
    ]
    for charge in charges:
        assert citations(charge, confirmed=True) == set()
        expected = {"18 U.S.C. § 371"} if charge.number % 2 == 0 else {"31 U.S.C. § 5318(h)", "31 U.S.C. § 5322"}
        assert citations(charge, confirmed=False) == expected
    [company] = models.Charge.objects.filter(action__slug=HDR)
    assert (company.disposition, company.disposition_on) == ("pleaded_guilty", D(2024, 7, 10))


BITMEX_COMPONENTS = {
    # key: (payer, authority, kind, amount)
    "hayes-doj-criminal-fine": ("arthur-hayes", "doj", "criminal_fine", "10000000.00"),
    "delo-doj-criminal-fine": ("benjamin-delo", "doj", "criminal_fine", "10000000.00"),
    "reed-doj-criminal-fine": ("samuel-reed", "doj", "criminal_fine", "10000000.00"),
    "dwyer-doj-criminal-fine": ("gregory-dwyer", "doj", "criminal_fine", "150000.00"),
    "hdr-doj-criminal-fine": ("hdr-global-trading", "doj", "criminal_fine", "100000000.00"),
    "bitmex-cftc-civil-monetary-penalty": ("hdr-global-trading", "cftc", "civil_money_penalty", "100000000.00"),
    "hayes-cftc-civil-monetary-penalty": ("arthur-hayes", "cftc", "civil_money_penalty", "10000000.00"),
    "delo-cftc-civil-monetary-penalty": ("benjamin-delo", "cftc", "civil_money_penalty", "10000000.00"),
    "reed-cftc-civil-monetary-penalty": ("samuel-reed", "cftc", "civil_money_penalty", "10000000.00"),
}


def test_bitmex_amounts_are_exact(curated_data):
    found = components("bitmex-founders").select_related("payer", "settlement__action__authority")
    assert {component.key for component in found} == set(BITMEX_COMPONENTS)
    for component in found:
        payer, authority, kind, amount = BITMEX_COMPONENTS[component.key]
        got = (component.payer.slug, component.settlement.action.authority.slug, component.kind, str(component.amount))
        assert got == (payer, authority, kind, amount), component.key
        assert (component.currency, component.is_approximate, component.suspended_amount) == ("USD", False, 0)
    assert "FinCEN" in models.SettlementComponent.objects.get(key="bitmex-cftc-civil-monetary-penalty").note


def test_bitmex_founders_ten_million_counted_once_through_credits(curated_data):
    credits = models.Credit.objects.filter(component__in=components("bitmex-founders")).order_by("key")
    got = [
        (credit.component.key, credit.kind, credit.amount, list(credit.against.values_list("key", flat=True)))
        for credit in credits
    ]
    assert got == [
        ("delo-doj-criminal-fine", "credited", usd("10000000"), ["delo-cftc-civil-monetary-penalty"]),
        ("hayes-doj-criminal-fine", "credited", usd("10000000"), ["hayes-cftc-civil-monetary-penalty"]),
        ("reed-doj-criminal-fine", "credited", usd("10000000"), ["reed-cftc-civil-monetary-penalty"]),
    ]
    for credit in credits:
        assert "not confirmed" in credit.note
        assert "bitmex-m03" in credit.note
    for founder in ("arthur-hayes", "benjamin-delo", "samuel-reed"):
        [total] = penalty_totals(components("bitmex-founders").filter(payer__slug=founder), group_by="entity")
        assert (total.gross, total.credited, total.net) == (usd("20000000"), usd("10000000"), usd("10000000"))


def test_bitmex_totals(curated_data):
    assert totals("bitmex-founders") == {
        "bitmex-founders": (usd("260150000"), usd("30000000"), usd("0"), usd("230150000"))
    }
    assert totals("bitmex-founders", "authority") == {
        "doj": (usd("130150000"), usd("30000000"), usd("0"), usd("100150000")),
        "cftc": (usd("130000000"), usd("0"), usd("0"), usd("130000000")),
    }


def test_bitmex_settlements_and_plea_dates(curated_data):
    expected = {
        "hayes-doj-plea-agreement": (HAYES, "plea_agreement", D(2022, 2, 24), "day", D(2022, 5, 20)),
        "delo-doj-plea-agreement": (HAYES, "plea_agreement", D(2022, 2, 24), "day", D(2022, 6, 15)),
        "reed-doj-plea-agreement": (HAYES, "plea_agreement", D(2022, 3, 1), "month", None),
        "dwyer-doj-plea-agreement": (HAYES, "plea_agreement", D(2022, 8, 8), "day", D(2022, 11, 16)),
        "hdr-doj-sentence": (HDR, "judgment", None, "day", D(2025, 1, 15)),
        "bitmex-cftc-consent-order": (BITMEX_CFTC, "consent_order", D(2021, 8, 10), "day", D(2021, 8, 10)),
        "bitmex-founders-cftc-consent-orders": (BITMEX_CFTC, "consent_order", None, "day", None),
    }
    found = models.Settlement.objects.filter(action__case__slug="bitmex-founders").select_related("action")
    assert {s.slug: (s.action.slug, s.kind, s.agreed_on, s.agreed_precision, s.approved_on) for s in found} == expected


def test_bitmex_sentences_are_probation(curated_data):
    expected = {
        # defendant: (date, custody, probation, fine)
        "arthur-hayes": (D(2022, 5, 20), 0, 24, usd("10000000")),
        "benjamin-delo": (D(2022, 6, 15), 0, 30, usd("10000000")),
        "gregory-dwyer": (D(2022, 11, 16), 0, 12, usd("150000")),
    }
    for defendant, values in expected.items():
        found = sentence(HAYES, defendant)
        assert (found.sentenced_on, found.custody_months, found.probation_months, found.fine_amount) == values
        assert (found.judge.slug, found.fine_currency, found.is_life_sentence) == ("john-g-koeltl", "USD", False)
    hayes = sentence(HAYES, "arthur-hayes")
    assert hayes.guidelines == "6 to 12 months"
    assert "home detention" in hayes.note
    assert "Hong Kong" in sentence(HAYES, "benjamin-delo").note
    company = sentence(HDR, "hdr-global-trading")
    assert (company.sentenced_on, company.custody_months, company.probation_months, company.fine_amount) == (
        D(2025, 1, 15),
        None,
        24,
        usd("100000000"),
    )
    assert company.prosecution_sought == "A fine of $417 million"
    assert "unsupervised" in company.note
    # Reed's sentencing date was never confirmed, so his 18 months' probation is kept as text only.
    assert not models.Sentence.objects.filter(defendant__slug="samuel-reed").exists()
    assert "18 months' probation" in models.Settlement.objects.get(slug="reed-doj-plea-agreement").summary


def test_bitmex_pardons(curated_data):
    for person in ("arthur-hayes", "benjamin-delo", "samuel-reed", "gregory-dwyer"):
        request = models.PardonRequest.objects.get(person__slug=person)
        assert (request.kind, request.status, request.granted_by.slug) == ("pardon", "granted", "donald-trump")
        assert list(request.actions.values_list("slug", flat=True)) == [HAYES]
        assert derived_status(request.history.all()) == request.status
    for slug in ("arthur-hayes-pardon", "benjamin-delo-pardon", "samuel-reed-pardon"):
        assert history(slug) == [("granted", D(2025, 3, 27), "day", "fact", None)]
    # Dwyer's inclusion rests on a BitMEX spokesperson's word.
    assert history("gregory-dwyer-pardon") == [("granted", D(2025, 3, 27), "day", "reported", "hdr-global-trading")]
    company = models.Event.objects.get(key="hdr-global-trading-pardon-claim")
    assert (company.date, company.event_type, company.claim_status, company.claimed_by.slug) == (
        D(2025, 3, 27),
        "clemency",
        "reported",
        "hdr-global-trading",
    )


# ---------------------------------------------------------------- Ross Ulbricht

ULBRICHT = "doj-us-v-ross-ulbricht"


def test_ulbricht_life_sentence(curated_data):
    found = sentence(ULBRICHT, "ross-ulbricht")
    assert (found.sentenced_on, found.judge.slug, found.is_life_sentence, found.custody_months) == (
        D(2015, 5, 29),
        "katherine-b-forrest",
        True,
        None,
    )
    assert found.custody_display == "life imprisonment"
    assert "5 years" in found.note and "15 years" in found.note and "20 years" in found.note


def test_ulbricht_charges_and_conviction_month(curated_data):
    charges = models.Charge.objects.filter(action__slug=ULBRICHT)
    assert sum(charges.values_list("counts", flat=True)) == 7
    assert set(charges.values_list("disposition", "disposition_on", "disposition_precision")) == {
        ("convicted", D(2015, 2, 1), "month")
    }
    # The day (4 February 2015) rests on a photo caption only.
    assert "4 February 2015" in models.EnforcementAction.objects.get(slug=ULBRICHT).summary
    assert not models.ChargeStatute.objects.filter(charge__action__slug=ULBRICHT, confirmed=True).exists()


def test_ulbricht_forfeiture_is_approximate(curated_data):
    [forfeiture] = components("ross-ulbricht-silk-road")
    assert (forfeiture.kind, forfeiture.amount, forfeiture.is_approximate) == (
        "criminal_forfeiture",
        usd("183900000"),
        True,
    )
    assert "$183 million" in forfeiture.description and "$184m" in forfeiture.description
    assert totals("ross-ulbricht-silk-road") == {
        "ross-ulbricht-silk-road": (usd("183900000"), usd("0"), usd("0"), usd("183900000"))
    }


def test_ulbricht_pardon(curated_data):
    request = models.PardonRequest.objects.get(slug="ross-ulbricht-pardon")
    assert (request.status, request.granted_by.slug) == ("granted", "donald-trump")
    assert list(request.sentences.values_list("defendant__slug", flat=True)) == ["ross-ulbricht"]
    assert history("ross-ulbricht-pardon") == [("granted", D(2025, 1, 21), "day", "fact", None)]
    assert derived_status(request.history.all()) == request.status
    assert "22 January 2025" in request.summary
    assert set(models.EntityAlias.objects.filter(entity__slug="ross-ulbricht").values_list("alias", flat=True)) == {
        "Ross William Ulbricht",
        "Dread Pirate Roberts",
    }


# ---------------------------------------------------------------- Sam Bankman-Fried

SBF = "doj-us-v-samuel-bankman-fried"


def test_bankman_fried_conviction_and_300_month_sentence(curated_data):
    charges = models.Charge.objects.filter(action__slug=SBF)
    assert charges.count() == 7
    assert set(charges.values_list("disposition", "disposition_on")) == {("convicted", D(2023, 11, 2))}
    found = sentence(SBF, "sam-bankman-fried")
    assert (found.sentenced_on, found.judge.slug, found.custody_months, found.is_life_sentence) == (
        D(2024, 3, 28),
        "lewis-a-kaplan",
        300,
        False,
    )
    assert found.custody_display == "25 years in custody"
    assert (found.prosecution_sought, found.defence_sought) == ("40 to 50 years in prison", "About 6.5 years in prison")
    assert found.supervised_release_months is None
    assert "not confirmed" in found.note


def test_bankman_fried_forfeiture_is_approximate(curated_data):
    [forfeiture] = components("sam-bankman-fried-ftx")
    assert (forfeiture.kind, forfeiture.amount, forfeiture.is_approximate) == (
        "criminal_forfeiture",
        usd("11000000000"),
        True,
    )
    assert "$11.02 billion" in forfeiture.note


def test_bankman_fried_clemency_efforts_are_reports_only(curated_data):
    request = models.PardonRequest.objects.get(slug="sam-bankman-fried-pardon")
    assert (request.status, request.granted_by) == ("reported", None)
    assert history("sam-bankman-fried-pardon") == [
        ("reported", D(2025, 1, 30), "day", "reported", "bloomberg"),
        ("reported", D(2025, 3, 1), "month", "reported", "new-york-times"),
    ]
    assert derived_status(request.history.all()) == request.status
    assert not models.PardonStatusChange.objects.filter(pardon_request=request, status="granted").exists()
    aliases = set(models.EntityAlias.objects.filter(entity__slug="sam-bankman-fried").values_list("alias", flat=True))
    assert aliases == {"Sam Bankman-Fried", "SBF"}


# ---------------------------------------------------------------- Terraform Labs and Do Kwon

TERRAFORM_COMPONENTS = {
    # key: (payer, kind, amount, approximate)
    "terraform-sec-disgorgement": ("terraform-labs", "disgorgement", "3600000000.00", True),
    "terraform-sec-prejudgment-interest": ("terraform-labs", "prejudgment_interest", "467000000.00", True),
    "terraform-sec-civil-penalty": ("terraform-labs", "civil_money_penalty", "420000000.00", False),
    "kwon-sec-disgorgement": ("do-kwon", "disgorgement", "110000000.00", False),
    "kwon-sec-prejudgment-interest": ("do-kwon", "prejudgment_interest", "14300000.00", True),
    "kwon-sec-civil-penalty": ("do-kwon", "civil_money_penalty", "80000000.00", False),
    "kwon-doj-criminal-forfeiture": ("do-kwon", "criminal_forfeiture", "19000000.00", True),
}


def test_terraform_amounts(curated_data):
    found = components("terraform-labs-do-kwon").select_related("payer")
    assert {c.key: (c.payer.slug, c.kind, str(c.amount), c.is_approximate) for c in found} == TERRAFORM_COMPONENTS
    assert "nearly $3.6 billion" in models.SettlementComponent.objects.get(key="terraform-sec-disgorgement").description
    assert "Jointly and severally" in models.SettlementComponent.objects.get(key="kwon-sec-disgorgement").description
    assert totals("terraform-labs-do-kwon", "entity") == {
        "terraform-labs": (usd("4487000000"), usd("0"), usd("0"), usd("4487000000")),
        "do-kwon": (usd("223300000"), usd("0"), usd("0"), usd("223300000")),
    }
    assert totals("terraform-labs-do-kwon", "authority") == {
        "sec": (usd("4691300000"), usd("0"), usd("0"), usd("4691300000")),
        "doj": (usd("19000000"), usd("0"), usd("0"), usd("19000000")),
    }


def test_terraform_final_judgment_and_restrictions(curated_data):
    judgment = models.Settlement.objects.get(slug="terraform-sec-final-judgment")
    assert (judgment.kind, judgment.agreed_on, judgment.approved_on, judgment.stated_total) == (
        "final_judgment",
        D(2024, 6, 12),
        D(2024, 6, 13),
        None,
    )
    restrictions = set(judgment.restrictions.values_list("subject__slug", "kind", "is_permanent"))
    assert restrictions == {
        ("terraform-labs", "injunction", False),
        ("terraform-labs", "bar", False),
        ("do-kwon", "injunction", False),
        ("do-kwon", "bar", False),
    }
    for restriction in judgment.restrictions.all():
        assert "as a whole" in restriction.note


def test_kwon_plea_and_fifteen_year_sentence(curated_data):
    charges = models.Charge.objects.filter(action__slug="doj-us-v-do-kwon").order_by("number")
    assert list(charges.values_list("number", "disposition", "disposition_on")) == [
        (1, "pleaded_guilty", D(2025, 8, 12)),
        (4, "pleaded_guilty", D(2025, 8, 12)),
    ]
    found = sentence("doj-us-v-do-kwon", "do-kwon")
    assert (found.sentenced_on, found.judge.slug, found.custody_months, found.prosecution_sought_months) == (
        D(2025, 12, 11),
        "paul-a-engelmayer",
        180,
        144,
    )
    assert found.defence_sought == "5 years in prison"
    kwon = models.Entity.objects.get(slug="do-kwon")
    assert kwon.country == "KR"
    assert set(kwon.aliases.values_list("alias", flat=True)) == {"Kwon Do-hyeong", "Do Hyeong Kwon"}


# ---------------------------------------------------------------- Celsius and Alex Mashinsky

MASHINSKY = "doj-us-v-alexander-mashinsky"


def test_mashinsky_twelve_year_sentence(curated_data):
    found = sentence(MASHINSKY, "alex-mashinsky")
    assert (found.sentenced_on, found.judge.slug, found.custody_months, found.prosecution_sought_months) == (
        D(2025, 5, 8),
        "john-g-koeltl",
        144,
        240,
    )
    assert found.custody_display == "12 years in custody"
    assert found.defence_sought == "1 year and 1 day in prison"


def test_mashinsky_conflicting_plea_dates_are_recorded_by_month(curated_data):
    charges = models.Charge.objects.filter(action__slug=MASHINSKY)
    assert set(charges.values_list("disposition", "disposition_on", "disposition_precision")) == {
        ("pleaded_guilty", D(2024, 12, 1), "month")
    }
    for charge in charges:
        assert "3 December 2024" in charge.note and "4 December 2024" in charge.note
    agreement = models.Settlement.objects.get(slug="mashinsky-doj-plea-agreement")
    assert (agreement.agreed_on, agreement.agreed_precision) == (D(2024, 12, 1), "month")
    [forfeiture] = components("celsius-alex-mashinsky")
    assert (forfeiture.amount, forfeiture.is_approximate) == (usd("48000000"), True)
    assert "single secondary source" in forfeiture.note


# ---------------------------------------------------------------- Tornado Cash and Roman Storm

STORM = "doj-us-v-roman-storm"


def test_storm_partial_verdict(curated_data):
    charges = models.Charge.objects.filter(action__slug=STORM).order_by("number")
    assert list(charges.values_list("number", "defendant__slug", "disposition", "disposition_on")) == [
        (1, "roman-storm", "hung_jury", D(2025, 8, 6)),
        (2, "roman-storm", "convicted", D(2025, 8, 6)),
        (3, "roman-storm", "hung_jury", D(2025, 8, 6)),
    ]
    assert citations(charges[1], confirmed=True) == {"18 U.S.C. § 371"}
    assert citations(charges[1], confirmed=False) == {"18 U.S.C. § 1960"}
    assert "Not guilty" in charges[2].note
    assert not models.Sentence.objects.filter(action__slug=STORM).exists()
    assert not components("tornado-cash-roman-storm").exists()
    semenov = models.ActionParty.objects.get_by_natural_key(STORM, "roman-semenov", "defendant")
    assert "at large" in semenov.note


def test_storm_not_guilty_report_is_disputed(curated_data):
    report = models.Event.objects.get(key="storm-ieepa-not-guilty-report")
    assert (report.date, report.event_type, report.claim_status, report.claimed_by.slug) == (
        D(2025, 8, 6),
        "press_report",
        "disputed",
        "inner-city-press",
    )
    assert list(report.sources.values_list("key", flat=True)) == ["tornado-r04"]


# ---------------------------------------------------------------- SEC v. Ripple and SEC v. Coinbase


def test_ripple_final_judgment_penalty(curated_data):
    [penalty] = components("sec-v-ripple-labs")
    assert (penalty.kind, str(penalty.amount), penalty.currency, penalty.is_approximate) == (
        "civil_money_penalty",
        "125035150.00",
        "USD",
        False,
    )
    assert "1,278" in penalty.note
    assert totals("sec-v-ripple-labs", "authority") == {"sec": (usd("125035150"), usd("0"), usd("0"), usd("125035150"))}
    judgment = models.Settlement.objects.get(slug="ripple-sec-final-judgment")
    assert (judgment.kind, judgment.approved_on) == ("final_judgment", D(2024, 8, 7))
    [injunction] = judgment.restrictions.all()
    assert (injunction.subject.slug, injunction.kind, injunction.is_permanent) == ("ripple-labs", "injunction", True)


def test_ripple_appeals_end_with_a_reported_so_order(curated_data):
    stipulation = models.Event.objects.get(key="ripple-appeals-stipulation")
    assert (stipulation.date, stipulation.claim_status) == (D(2025, 8, 7), "fact")
    so_order = models.Event.objects.get(key="ripple-appeals-dismissed")
    assert (so_order.date, so_order.claim_status, so_order.claimed_by.slug) == (
        D(2025, 8, 22),
        "reported",
        "the-crypto-basic",
    )
    assert "usca-2d-cir" in set(so_order.entities.values_list("slug", flat=True))


def test_coinbase_dismissal_with_prejudice_and_no_penalty(curated_data):
    action = models.EnforcementAction.objects.get(slug="sec-v-coinbase-inc")
    assert (action.status, action.resolved_on) == ("dismissed_with_prejudice", D(2025, 2, 27))
    assert set(action.charges.values_list("disposition", "disposition_on")) == {("dismissed", D(2025, 2, 27))}
    assert not models.ChargeStatute.objects.filter(charge__action=action, confirmed=True).exists()
    assert not models.Settlement.objects.filter(action=action).exists()
    assert totals("sec-v-coinbase") == {}
    assert models.Event.objects.get(key="sec-v-coinbase-inc-resolved").event_type == "dismissal"


# ---------------------------------------------------------------- uncertainty


def test_only_amounts_given_as_reported_are_approximate(curated_data):
    approximate = models.SettlementComponent.objects.filter(
        settlement__action__case__slug__in=CASES, is_approximate=True
    )
    assert set(approximate.values_list("key", flat=True)) == {
        "ulbricht-criminal-forfeiture",
        "sbf-criminal-forfeiture",
        "terraform-sec-disgorgement",
        "terraform-sec-prejudgment-interest",
        "kwon-sec-prejudgment-interest",
        "kwon-doj-criminal-forfeiture",
        "mashinsky-doj-criminal-forfeiture",
    }
    for component in approximate:
        assert component.description.startswith("As reported"), component.key


def test_claims_that_are_not_established_name_their_claimant(curated_data):
    claims = models.Event.objects.filter(case__slug__in=CASES).exclude(claim_status="fact")
    got = {event.key: (event.claim_status, event.claimed_by.slug) for event in claims.select_related("claimed_by")}
    assert got == {
        "dwyer-pardon-2025-03-27-granted-event": ("reported", "hdr-global-trading"),
        "hdr-global-trading-pardon-claim": ("reported", "hdr-global-trading"),
        "sbf-pardon-2025-01-30-bloomberg-report-event": ("reported", "bloomberg"),
        "sbf-pardon-2025-03-nyt-report-event": ("reported", "new-york-times"),
        "storm-ieepa-not-guilty-report": ("disputed", "inner-city-press"),
        "ripple-appeals-dismissed": ("reported", "the-crypto-basic"),
    }


# ---------------------------------------------------------------- timelines

CASE_EVENTS = {
    "bitmex-founders": [
        ("doj-us-v-arthur-hayes-et-al-filed", D(2020, 9, 21)),
        ("bitmex-charges-announced", D(2020, 10, 1)),
        ("cftc-v-bitmex-filed", D(2020, 10, 1)),
        ("cftc-v-bitmex-resolved", D(2021, 8, 10)),
        ("delo-doj-plea-agreement-agreed", D(2022, 2, 24)),
        ("hayes-doj-plea-agreement-agreed", D(2022, 2, 24)),
        ("usao-sdny-announces-hayes-delo-pleas", D(2022, 2, 24)),
        ("reed-doj-plea-agreement-agreed", D(2022, 3, 1)),
        ("doj-us-v-arthur-hayes-et-al-arthur-hayes-sentenced", D(2022, 5, 20)),
        ("doj-us-v-arthur-hayes-et-al-benjamin-delo-sentenced", D(2022, 6, 15)),
        ("dwyer-doj-plea-agreement-agreed", D(2022, 8, 8)),
        ("doj-us-v-arthur-hayes-et-al-gregory-dwyer-sentenced", D(2022, 11, 16)),
        ("doj-us-v-arthur-hayes-et-al-resolved", D(2022, 11, 16)),
        ("hdr-global-trading-guilty-plea", D(2024, 7, 10)),
        ("doj-us-v-hdr-global-trading-hdr-global-trading-sentenced", D(2025, 1, 15)),
        ("doj-us-v-hdr-global-trading-resolved", D(2025, 1, 15)),
        ("delo-pardon-2025-03-27-granted-event", D(2025, 3, 27)),
        ("dwyer-pardon-2025-03-27-granted-event", D(2025, 3, 27)),
        ("hayes-pardon-2025-03-27-granted-event", D(2025, 3, 27)),
        ("hdr-global-trading-pardon-claim", D(2025, 3, 27)),
        ("reed-pardon-2025-03-27-granted-event", D(2025, 3, 27)),
        ("bitmex-pardons-confirmed", D(2025, 3, 28)),
    ],
    "ross-ulbricht-silk-road": [
        ("doj-us-v-ross-ulbricht-resolved", D(2015, 2, 1)),
        ("doj-us-v-ross-ulbricht-ross-ulbricht-sentenced", D(2015, 5, 29)),
        ("ulbricht-pardon-2025-01-21-granted-event", D(2025, 1, 21)),
    ],
    "sam-bankman-fried-ftx": [
        ("doj-us-v-samuel-bankman-fried-resolved", D(2023, 11, 2)),
        ("doj-us-v-samuel-bankman-fried-sam-bankman-fried-sentenced", D(2024, 3, 28)),
        ("sbf-pardon-2025-01-30-bloomberg-report-event", D(2025, 1, 30)),
        ("sbf-pardon-2025-03-nyt-report-event", D(2025, 3, 1)),
    ],
    "terraform-labs-do-kwon": [
        ("sec-v-terraform-labs-filed", D(2023, 2, 1)),
        ("doj-us-v-do-kwon-filed", D(2023, 3, 1)),
        ("kwon-arrested-in-montenegro", D(2023, 3, 23)),
        ("terraform-kwon-jury-verdict", D(2024, 4, 5)),
        ("terraform-sec-final-judgment-agreed", D(2024, 6, 12)),
        ("sec-v-terraform-labs-resolved", D(2024, 6, 13)),
        ("kwon-extradited-to-united-states", D(2024, 12, 31)),
        ("kwon-doj-plea-agreement-agreed", D(2025, 8, 12)),
        ("doj-us-v-do-kwon-do-kwon-sentenced", D(2025, 12, 11)),
        ("doj-us-v-do-kwon-resolved", D(2025, 12, 11)),
    ],
    "celsius-alex-mashinsky": [
        ("doj-us-v-alexander-mashinsky-filed", D(2023, 7, 1)),
        ("cohen-pavon-guilty-plea", D(2023, 9, 1)),
        ("mashinsky-doj-plea-agreement-agreed", D(2024, 12, 1)),
        ("doj-us-v-alexander-mashinsky-alex-mashinsky-sentenced", D(2025, 5, 8)),
        ("doj-us-v-alexander-mashinsky-resolved", D(2025, 5, 8)),
    ],
    "tornado-cash-roman-storm": [
        ("doj-us-v-roman-storm-filed", D(2023, 8, 1)),
        ("doj-us-v-roman-storm-resolved", D(2025, 8, 6)),
        ("storm-ieepa-not-guilty-report", D(2025, 8, 6)),
    ],
    "sec-v-ripple-labs": [
        ("sec-v-ripple-filed", D(2020, 12, 1)),
        ("ripple-summary-judgment-ruling", D(2023, 7, 13)),
        ("sec-v-ripple-resolved", D(2024, 8, 7)),
        ("ripple-penalty-reduction-denied", D(2025, 6, 26)),
        ("ripple-appeals-stipulation", D(2025, 8, 7)),
        ("ripple-appeals-dismissed", D(2025, 8, 22)),
    ],
    "sec-v-coinbase": [
        ("sec-v-coinbase-inc-filed", D(2023, 6, 6)),
        ("coinbase-pleadings-motion-largely-denied", D(2024, 3, 27)),
        ("coinbase-interlocutory-appeal-certified", D(2025, 1, 7)),
        ("sec-v-coinbase-inc-resolved", D(2025, 2, 27)),
    ],
}

MONTH_PRECISION_EVENTS = {
    "reed-doj-plea-agreement-agreed",
    "doj-us-v-ross-ulbricht-resolved",
    "sbf-pardon-2025-03-nyt-report-event",
    "sec-v-terraform-labs-filed",
    "doj-us-v-do-kwon-filed",
    "doj-us-v-alexander-mashinsky-filed",
    "cohen-pavon-guilty-plea",
    "mashinsky-doj-plea-agreement-agreed",
    "doj-us-v-roman-storm-filed",
    "sec-v-ripple-filed",
}


def test_case_timelines_are_complete_and_in_date_order(curated_data, django_assert_max_num_queries):
    for case_slug, expected in CASE_EVENTS.items():
        case = models.Case.objects.get(slug=case_slug)
        with django_assert_max_num_queries(4):
            events = list(case_timeline(case))
        assert [(event.key, event.date) for event in events] == expected, case_slug
        for event in events:
            precision = "month" if event.key in MONTH_PRECISION_EVENTS else "day"
            assert event.date_precision == precision, event.key
            assert event.entities.exists() and event.sources.exists(), event.key


def test_every_dated_fact_of_the_cases_has_one_mirroring_event(curated_data):
    mirrored = models.Event.objects.filter(case__slug__in=CASES).exclude(fact_field="")
    for link in ("action", "settlement", "sentence", "status_change", "relationship"):
        pairs = list(mirrored.filter(**{f"{link}__isnull": False}).values_list(f"{link}_id", "fact_field"))
        assert len(pairs) == len(set(pairs)), link
    actions = models.EnforcementAction.objects.filter(case__slug__in=CASES)
    dated_facts = (
        actions.filter(filed_on__isnull=False).count()
        + actions.filter(resolved_on__isnull=False).count()
        + models.Sentence.objects.filter(action__case__slug__in=CASES).count()
        + models.PardonStatusChange.objects.filter(pardon_request__actions__case__slug__in=CASES).distinct().count()
        + models.Settlement.objects.filter(action__case__slug__in=CASES, agreed_on__isnull=False)
        .exclude(agreed_on=F("action__resolved_on"))
        .count()
    )
    assert mirrored.count() == dated_facts == 41
