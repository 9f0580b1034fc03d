"""Source kinds: which facts cite the record itself, the README's per-case table, copies and their originals."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from timeline import models
from timeline.selectors.source_quality import (
    amount_sourcing,
    amount_table,
    case_fact_rows,
    case_sourcing,
    sourcing_table,
)

README = Path(settings.BASE_DIR) / "README.md"
pytestmark = pytest.mark.django_db


def readme_block(name):
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:start -->\n(.*?)\n<!-- {name}:end -->", text, re.S)
    assert match, f"README has no {name} block"
    return match.group(1).strip()


def test_share_counts_a_fact_once_whatever_its_sources():
    release = factories.SourceFactory(kind=models.SourceKind.AGENCY_RELEASE)
    news = factories.SourceFactory(kind=models.SourceKind.NEWS)
    mirror = factories.SourceFactory(kind=models.SourceKind.AGGREGATOR)
    case = factories.CaseFactory(sources=[news])
    action = factories.EnforcementActionFactory(case=case, sources=[release, news])
    settlement = factories.SettlementFactory(action=action, sources=[mirror])
    factories.SettlementComponentFactory(settlement=settlement, sources=[news, mirror])
    rows = case_fact_rows(case)
    assert [(label, primary) for label, _, primary in rows] == [
        ("case", False),
        ("action", True),
        ("settlement", False),
        ("amount", False),
    ]
    [sourcing] = [row for row in case_sourcing() if row.slug == case.slug]
    assert (sourcing.facts, sourcing.primary, str(sourcing.share)) == (4, 1, "25.0")


def test_readme_shows_the_per_case_table_the_selector_computes(curated_data):
    assert readme_block("source-table") == sourcing_table(case_sourcing())


def test_readme_shows_how_each_binance_amount_is_backed(curated_data):
    case = models.Case.objects.get(slug="binance-changpeng-zhao")
    rows = amount_sourcing(case)
    assert readme_block("binance-amounts") == amount_table(rows)
    backed = {key: primary for key, _, primary, _ in rows}
    # The agencies' own releases give FinCEN's, OFAC's and the CFTC's amounts; the DOJ figures were read only in
    # law-firm summaries and press reports of the plea agreement, so they are reported only.
    assert all(backed[key] for key in ("binance-fincen-civil-money-penalty", "binance-ofac-sanctions-settlement"))
    assert all(backed[key] for key in ("binance-cftc-disgorgement", "zhao-cftc-civil-monetary-penalty"))
    assert not any(backed[key] for key in ("binance-doj-criminal-fine", "binance-doj-criminal-forfeiture"))


def test_every_fact_citing_a_copy_also_cites_its_known_original(curated_data):
    copies = models.Source.objects.filter(original__isnull=False)
    assert copies.exists()
    case = models.Case.objects.get(slug="binance-changpeng-zhao")
    headline = set(case.headline_sources.values_list("pk", flat=True))
    for source in case.headline_sources.filter(original__isnull=False):
        assert source.original_id in headline, source.key
    for model in (
        models.Case,
        models.EnforcementAction,
        models.Settlement,
        models.SettlementComponent,
        models.Credit,
        models.Event,
    ):
        for record in model.objects.filter(sources__in=copies).distinct().prefetch_related("sources"):
            cited = {source.pk for source in record.sources.all()}
            for source in record.sources.all():
                if source.original_id is not None:
                    assert source.original_id in cited, (model.__name__, str(record), source.key)


def test_every_curated_source_has_a_kind_and_copies_name_no_non_original():
    for source in models.Source.objects.select_related("original"):
        assert source.kind in models.SourceKind.values
        if source.original is not None:
            assert source.original.original_id is None


def test_source_report_command_prints_the_table(curated_data, capsys):
    call_command("source_report")
    assert capsys.readouterr().out.strip() == sourcing_table(case_sourcing())


def test_api_filters_sources_by_kind_and_primary(viewer):
    release = factories.SourceFactory(kind=models.SourceKind.AGENCY_RELEASE)
    mirror = factories.SourceFactory(kind=models.SourceKind.AGGREGATOR, original=release)
    url = reverse("api:source-list")
    keys = {row["key"] for row in viewer.get(url, {"kind": "aggregator"}).json()["results"]}
    assert keys == {mirror.key}
    keys = {row["key"] for row in viewer.get(url, {"primary": "true"}).json()["results"]}
    assert keys == {release.key}
    detail = viewer.get(reverse("api:source-detail", kwargs={"key": mirror.key})).json()
    assert (detail["original"], detail["is_primary"], detail["kind"]) == (release.key, False, "aggregator")


def test_api_refuses_an_original_on_an_original(editor):
    release = factories.SourceFactory(kind=models.SourceKind.AGENCY_RELEASE)
    payload = {
        "key": "second-release",
        "url": "https://example.org/second",
        "title": "A second release",
        "publisher": "An agency",
        "kind": "agency_release",
        "original": release.key,
    }
    response = editor.post(reverse("api:source-list"), payload, format="json")
    assert response.status_code == 400
    assert "original" in response.json()
    assert not models.Source.objects.filter(key="second-release").exists()
