"""Public pages: case and entity timelines, penalties charts and CSV, search, home; escaping and query counts."""

import csv
import datetime
import io
import itertools
import re
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import shared_rows
from timeline import models
from timeline.pages.charts import ChartRow, bar_chart_svg, compact_amount, nice_step
from timeline.services.events import events_sync

D = datetime.date
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


def build_story(extra_events=0):
    """A small two-authority case: plea and consent order with credits, a sentence, a denied press report.

    ``extra_events`` adds that many free-standing events, to show query counts do not grow with them.
    """
    doj = factories.AuthorityFactory(name="Department of Example Justice", slug="doj-example")
    fincen = factories.AuthorityFactory(name="Example Enforcement Network", slug="fin-example", country="US")
    company = factories.EntityFactory(name="Example Exchange Ltd.", slug="example-exchange")
    subsidiary = factories.EntityFactory(name="Example Exchange US Inc.", slug="example-exchange-us")
    person = factories.PersonFactory(name="Pat Example", slug="pat-example")
    newspaper = factories.EntityFactory(
        name="The Example Gazette", slug="example-gazette", kind=models.EntityKind.ORGANIZATION
    )
    factories.EntityAliasFactory(entity=person, alias="PX")
    factories.EntityAliasFactory(entity=company, alias="ExEx")
    factories.EntityIdentifierFactory(entity=person, scheme=models.IdentifierScheme.WIKIDATA, value="Q4242")
    factories.EntityRelationshipFactory(
        subject=person,
        kind=models.RelationshipKind.CEO_OF,
        object=company,
        start_date=D(2017, 7, 1),
        start_precision=models.DatePrecision.MONTH,
        end_date=D(2023, 11, 21),
    )
    factories.EntityRelationshipFactory(
        subject=subsidiary, kind=models.RelationshipKind.SUBSIDIARY_OF, object=company, start_date=None
    )
    case = factories.CaseFactory(
        slug="example-exchange-case",
        title="Example Exchange and Pat Example",
        summary="A global resolution, a plea, a sentence and a denied report.",
        headline_text="over $1.7 million",
        headline_amount=Decimal("1700000.00"),
        headline_currency="USD",
    )
    case.headline_sources.set([factories.SourceFactory(key="headline-release", title="Global resolution announced")])

    plea_source = factories.SourceFactory(
        key="plea-release",
        url="https://example.org/justice/plea",
        title="Example Exchange pleads guilty",
        publisher="Department of Example Justice",
        published_on=D(2023, 11, 21),
    )
    doj_action = factories.EnforcementActionFactory(
        slug="doj-v-exchange",
        case=case,
        authority=doj,
        caption="United States v. Example Exchange Ltd.",
        filed_on=D(2023, 11, 21),
        status=models.ActionStatus.PLEA,
        resolved_on=D(2023, 11, 21),
        sources=[plea_source],
    )
    factories.ActionPartyFactory(action=doj_action, entity=company)
    plea = factories.SettlementFactory(
        slug="exchange-plea", action=doj_action, title="Example plea agreement", agreed_on=D(2023, 11, 21)
    )
    doj_fine = factories.SettlementComponentFactory(
        key="exchange-fine", settlement=plea, payer=company, amount=Decimal("1000000.00")
    )
    factories.SettlementComponentFactory(
        key="exchange-forfeiture",
        settlement=plea,
        payer=company,
        kind=models.ComponentKind.CRIMINAL_FORFEITURE,
        amount=Decimal("500000.00"),
    )

    fincen_action = factories.EnforcementActionFactory(
        slug="fincen-v-exchange",
        case=case,
        authority=fincen,
        action_type=models.ActionType.ADMINISTRATIVE,
        caption="In the matter of Example Exchange Ltd.",
        court=None,
        docket_number="",
        filed_on=D(2023, 11, 21),
        status=models.ActionStatus.SETTLED,
        resolved_on=D(2023, 11, 21),
    )
    factories.ActionPartyFactory(action=fincen_action, entity=company, role=models.PartyRole.RESPONDENT)
    order = factories.SettlementFactory(
        slug="exchange-consent-order",
        action=fincen_action,
        kind=models.SettlementKind.CONSENT_ORDER,
        title="Example consent order",
        agreed_on=D(2023, 11, 21),
    )
    fincen_penalty = factories.SettlementComponentFactory(
        key="exchange-civil-penalty",
        settlement=order,
        payer=company,
        kind=models.ComponentKind.CIVIL_MONEY_PENALTY,
        amount=Decimal("300000.00"),
        suspended_amount=Decimal("50000.00"),
    )
    credit = factories.CreditFactory(key="exchange-credit", component=fincen_penalty, amount=Decimal("100000.00"))
    credit.against.set([doj_fine])

    person_action = factories.EnforcementActionFactory(
        slug="doj-v-pat",
        case=case,
        authority=doj,
        caption="United States v. Pat Example",
        filed_on=D(2023, 11, 21),
        status=models.ActionStatus.PLEA,
        resolved_on=D(2023, 11, 21),
    )
    factories.ActionPartyFactory(action=person_action, entity=person)
    factories.SentenceFactory(
        action=person_action,
        defendant=person,
        sentenced_on=D(2024, 4, 30),
        custody_months=4,
        fine_amount=Decimal("50000.00"),
        fine_currency="USD",
    )
    for action in (doj_action, fincen_action, person_action):
        events_sync(action)

    founding = factories.EventFactory(
        key="exchange-founded",
        case=case,
        date=D(2017, 1, 1),
        date_precision=models.DatePrecision.YEAR,
        event_type=models.EventType.OTHER,
        title="Example Exchange is founded",
        entities=[company],
    )
    report = factories.EventFactory(
        key="pardon-report",
        case=case,
        date=D(2025, 3, 1),
        date_precision=models.DatePrecision.MONTH,
        title="Report that Pat Example sought a pardon",
        claim_status=models.ClaimStatus.REPORTED,
        claimed_by=newspaper,
        entities=[person],
        sources=[
            factories.SourceFactory(
                key="gazette-report",
                url="https://example.org/gazette/1",
                title="Pardon talks",
                publisher="The Example Gazette",
                published_on=D(2025, 3, 1),
                published_precision=models.DatePrecision.MONTH,
            )
        ],
    )
    denial = factories.EventFactory(
        key="pardon-denial",
        case=case,
        date=D(2025, 3, 14),
        event_type=models.EventType.STATEMENT,
        title="Pat Example denies seeking a pardon",
        claim_status=models.ClaimStatus.DENIED,
        claimed_by=person,
        responds_to=report,
        entities=[person],
    )
    subsidiary_event = factories.EventFactory(
        key="subsidiary-exit",
        case=None,
        date=D(2024, 6, 3),
        event_type=models.EventType.STATEMENT,
        title="Example Exchange US Inc. leaves the market",
        entities=[subsidiary],
    )
    for number in range(extra_events):
        factories.EventFactory(
            key=f"extra-{number}",
            case=case,
            date=D(2022, 1, 1) + datetime.timedelta(days=number),
            title=f"Extra event {number}",
            entities=[company, person],
        )
    pardon = factories.PardonRequestFactory(
        slug="pat-pardon", person=person, status=models.ClemencyStatus.DENIED, summary="Reported, then denied."
    )
    factories.PardonStatusChangeFactory(
        key="pat-pardon-reported",
        pardon_request=pardon,
        status=models.ClemencyStatus.REPORTED,
        date=D(2025, 3, 1),
        date_precision=models.DatePrecision.MONTH,
        claim_status=models.ClaimStatus.REPORTED,
        claimed_by=newspaper,
        description="A newspaper reported talks.",
    )
    return SimpleNamespace(
        case=case,
        doj=doj,
        fincen=fincen,
        company=company,
        subsidiary=subsidiary,
        person=person,
        newspaper=newspaper,
        founding=founding,
        report=report,
        denial=denial,
        subsidiary_event=subsidiary_event,
        doj_action=doj_action,
        plea_source=plea_source,
    )


class Outline(HTMLParser):
    """Collects headings, table rows (by table id) and <time> elements from a page."""

    def __init__(self, html):
        super().__init__()
        self.headings, self.times, self.tables = [], [], {}
        self._heading = self._time = None
        self._table = self._row = self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag, ""]
        elif tag == "time":
            self._time = [attrs.get("datetime"), ""]
        elif tag == "table":
            self._table = attrs.get("id") or f"table-{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if self._heading and tag == self._heading[0]:
            self.headings.append((tag, " ".join(self._heading[1].split())))
            self._heading = None
        elif tag == "time" and self._time:
            self.times.append((self._time[0], self._time[1].strip()))
            self._time = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data
        if self._time:
            self._time[1] += data
        if self._cell is not None:
            self._cell += data


def page(client, name, status=200, query=None, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs or None), query or {})
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


shared_story = shared_rows(build_story)


@pytest.fixture
def story(shared_story, db):
    return shared_story.data()


# Case page


def test_case_page_groups_events_by_year_in_date_order(client, story):
    html = page(client, "pages:case-detail", slug=story.case.slug)
    outline = Outline(html)
    years = [text for tag, text in outline.headings if tag == "h3" and text.isdigit()]
    assert years == ["2017", "2023", "2024", "2025"]
    titles = [text for tag, text in outline.headings if tag == "h4"]
    assert titles[0] == "Example Exchange is founded"
    assert titles[-2:] == ["Report that Pat Example sought a pardon", "Pat Example denies seeking a pardon"]
    assert "Pat Example sentenced to 4 months in custody" in titles
    assert titles.index("Pat Example sentenced to 4 months in custody") < titles.index(
        "Report that Pat Example sought a pardon"
    )
    # The subsidiary's event has no case: it is not on the case timeline.
    assert "Example Exchange US Inc. leaves the market" not in titles
    assert outline.headings[0] == ("h1", "Example Exchange and Pat Example")


def test_case_page_dates_carry_their_precision(client, story):
    times = Outline(page(client, "pages:case-detail", slug=story.case.slug)).times
    assert ("2017", "2017") in times
    assert ("2025-03", "March 2025") in times
    assert ("2023-11-21", "21 November 2023") in times
    assert ("2025-03-14", "14 March 2025") in times


def test_case_page_shows_claim_badges_with_claimant(client, story):
    html = page(client, "pages:case-detail", slug=story.case.slug)
    gazette_url = reverse("pages:entity-detail", kwargs={"slug": "example-gazette"})
    pat_url = reverse("pages:entity-detail", kwargs={"slug": "pat-example"})
    assert re.search(r'badge--reported">Reported</span>\s*<span class="claimant">by <a href="' + gazette_url, html)
    assert re.search(r'badge--denied">Denied</span>\s*<span class="claimant">by <a href="' + pat_url, html)
    assert "In response to: Report that Pat Example sought a pardon (March 2025)" in html
    assert "badge--fact" not in html


def test_case_page_totals_box_per_authority_beside_the_announced_headline(client, story):
    html = page(client, "pages:case-detail", slug=story.case.slug)
    rows = Outline(html).tables["case-totals"]
    assert rows[0] == ["Authority", "Currency", "Gross", "Credited", "Suspended", "Net"]
    body = {row[0]: row[1:] for row in rows[1:]}
    assert body["Department of Example Justice"] == ["USD", "1,500,000", "0", "0", "1,500,000"]
    assert body["Example Enforcement Network"] == ["USD", "300,000", "100,000", "50,000", "150,000"]
    assert body["All authorities"] == ["USD", "1,800,000", "100,000", "50,000", "1,650,000"]
    announced = html[html.index("summary-box__announced") :]
    assert re.search(r"<h3>As announced</h3>\s*<p class=\"headline-figure\">over \$1.7 million</p>", announced)
    assert "Global resolution announced" in announced


def test_case_page_shows_amounts_and_sentence_terms_on_their_events(client, story):
    html = page(client, "pages:case-detail", slug=story.case.slug)
    resolved = html[html.index('id="event-doj-v-exchange-resolved"') :]
    resolved = resolved[: resolved.index("</li>\n", resolved.index("Sources"))]
    assert "Criminal fine, paid by Example Exchange Ltd. to Department of Example Justice" in resolved
    assert "USD 1,000,000" in resolved
    assert "USD 500,000" in resolved
    order = html[html.index('id="event-fincen-v-exchange-resolved"') :]
    assert "USD 300,000</strong>; USD 50,000 suspended; USD 100,000 credited against other payments" in order
    sentence = html[html.index('id="event-doj-v-pat-pat-example-sentenced"') :]
    assert 'Custody: <strong class="amount">4 months in custody</strong>' in sentence
    assert 'Fine: <strong class="amount">USD 50,000</strong>' in sentence


def test_case_page_links_each_event_to_its_sources(client, story):
    html = page(client, "pages:case-detail", slug=story.case.slug)
    event = html[html.index('id="event-doj-v-exchange-filed"') :]
    assert (
        '<a class="source-link" href="https://example.org/justice/plea" rel="noopener noreferrer">'
        "Example Exchange pleads guilty</a>" in event
    )
    assert 'Department of Example Justice, <time datetime="2023-11-21">21 November 2023</time>' in event
    report = html[html.index('id="event-pardon-report"') :]
    assert 'The Example Gazette, <time datetime="2025-03">March 2025</time>' in report


def test_stored_text_is_escaped(client, story):
    story.report.title = SCRIPT
    story.report.description = SCRIPT
    story.report.save()
    story.case.summary = SCRIPT
    story.case.save()
    source = story.plea_source
    source.title = SCRIPT
    source.save()
    story.company.name = SCRIPT
    story.company.save()
    for name, kwargs in (
        ("pages:case-detail", {"slug": story.case.slug}),
        ("pages:entity-detail", {"slug": story.company.slug}),
        ("pages:entity-detail", {"slug": story.person.slug}),
        ("pages:home", {}),
        ("pages:penalties", {}),
    ):
        html = page(client, name, **kwargs)
        assert SCRIPT not in html, name
        assert ESCAPED_SCRIPT in html, name
    html = page(client, "pages:search", query={"q": "script"})
    assert SCRIPT not in html
    assert ESCAPED_SCRIPT in html


def test_source_links_only_for_web_addresses(client, story):
    # loaddata skips field validation, so a stored address is checked before it becomes a link.
    models.Source.objects.filter(key="plea-release").update(url="javascript:alert(1)")
    html = page(client, "pages:case-detail", slug=story.case.slug)
    assert "javascript:alert(1)" not in html
    assert '<span class="source-title">Example Exchange pleads guilty</span>' in html


def test_unknown_slugs_are_404(client, db):
    for name in ("pages:case-detail", "pages:entity-detail", "pages:feed-case", "pages:feed-entity"):
        assert client.get(reverse(name, kwargs={"slug": "no-such-thing"})).status_code == 404


def test_pages_advertise_their_feeds(client, story):
    all_events = reverse("pages:feed-events")
    case_feed = reverse("pages:feed-case", kwargs={"slug": story.case.slug})
    entity_feed = reverse("pages:feed-entity", kwargs={"slug": story.company.slug})
    advert = '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">'
    case_html = page(client, "pages:case-detail", slug=story.case.slug)
    assert advert.format("Example Exchange and Pat Example: new and changed events", case_feed) in case_html
    assert advert.format("timeline: new and changed events", all_events) in case_html
    entity_html = page(client, "pages:entity-detail", slug=story.company.slug)
    assert advert.format("Example Exchange Ltd.: new and changed events", entity_feed) in entity_html
    assert f'href="{entity_feed}?include_related=1"' in entity_html
    for name in ("pages:home", "pages:penalties", "pages:search"):
        assert f'type="application/atom+xml" title="timeline: new and changed events" href="{all_events}"' in page(
            client, name
        )


def test_pages_have_landmarks_skip_link_and_labelled_search(client, story):
    for name, kwargs in (
        ("pages:home", {}),
        ("pages:case-detail", {"slug": story.case.slug}),
        ("pages:entity-detail", {"slug": story.person.slug}),
        ("pages:penalties", {}),
        ("pages:search", {}),
    ):
        html = page(client, name, **kwargs)
        assert '<html lang="en">' in html
        assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
        assert '<main id="main"' in html
        assert "<header" in html and "<footer" in html and '<nav class="site-nav" aria-label="Main">' in html
        assert '<form class="site-search" role="search"' in html
        assert '<label for="site-search">Search entities and cases</label>' in html
        levels = [int(tag[1]) for tag, _ in Outline(html).headings]
        assert levels[0] == 1 and levels.count(1) == 1, name
        assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels)), name


# Entity page


def test_entity_page_shows_identity_relationships_actions_sentences_and_clemency(client, story):
    html = page(client, "pages:entity-detail", slug=story.person.slug)
    outline = Outline(html)
    assert outline.headings[0] == ("h1", "Pat Example")
    sections = [text for tag, text in outline.headings if tag == "h2"]
    assert sections == ["Who this is", "Relationships", "Enforcement actions", "Sentences", "Clemency", "Timeline"]
    assert '<p class="lede">Person, Canada.</p>' in html
    assert "<dd>PX</dd>" in html
    assert 'Wikidata QID: <span class="identifier">Q4242</span>' in html
    assert "is chief executive officer of" in html
    assert 'from <time datetime="2017-07">July 2017</time>' in html
    assert 'until <time datetime="2023-11-21">21 November 2023</time>' in html
    roles = outline.tables["table-0"]
    assert roles[1][:4] == ["United States v. Pat Example", "Defendant", "Department of Example Justice", "Guilty plea"]
    assert "<strong>4 months in custody</strong>, sentenced" in html
    assert "Fine: USD 50,000" in html
    assert re.search(r"<h3 id=\"clemency-pat-pardon\">Pardon: denied</h3>", html)
    assert "A newspaper reported talks." in html
    assert ("2025-03", "March 2025") in outline.times


def test_entity_page_lists_payments_and_totals(client, story):
    html = page(client, "pages:entity-detail", slug=story.company.slug)
    outline = Outline(html)
    payments = outline.tables["table-1"]
    assert payments[0][0] == "Settlement"
    civil = next(row for row in payments if row[1] == "Civil money penalty")
    assert civil == [
        "Example consent order",
        "Civil money penalty",
        "Example Enforcement Network",
        "USD",
        "300,000",
        "100,000",
        "50,000",
        "150,000",
    ]
    totals = {row[0]: row[1:] for row in outline.tables["entity-totals"][1:]}
    assert totals["Department of Example Justice"] == ["USD", "1,500,000", "0", "0", "1,500,000"]
    assert "Respondent" in html  # its role in the administrative action


def test_entity_timeline_can_include_subsidiaries_and_officers(client, story):
    own = page(client, "pages:entity-detail", slug=story.company.slug)
    assert "Example Exchange US Inc. leaves the market" not in own
    assert "Pat Example denies seeking a pardon" not in own
    assert "Include subsidiaries and officers" in own
    related = page(client, "pages:entity-detail", slug=story.company.slug, query={"include_related": "1"})
    assert "Example Exchange US Inc. leaves the market" in related
    assert "Pat Example denies seeking a pardon" in related
    assert "Show only Example Exchange Ltd." in related


def test_authority_page_lists_actions_brought(client, story):
    html = page(client, "pages:entity-detail", slug=story.doj.slug)
    assert "Actions brought by Department of Example Justice" in html
    assert "United States v. Pat Example" in html


# Search


def test_search_finds_entities_by_alias_and_name_and_cases_by_title(client, story):
    html = page(client, "pages:search", query={"q": "px"})
    assert f'<a href="{reverse("pages:entity-detail", kwargs={"slug": "pat-example"})}">Pat Example</a>' in html
    assert "also known as PX" in html
    assert "Entities (1)" in html
    html = page(client, "pages:search", query={"q": "exchange"})
    assert "Example Exchange Ltd." in html and "Example Exchange US Inc." in html
    assert f'href="{reverse("pages:case-detail", kwargs={"slug": story.case.slug})}"' in html
    assert "Cases (1)" in html
    assert 'value="exchange"' in html  # the header search box keeps the query


def test_search_without_a_query_explains_itself(client, db):
    html = page(client, "pages:search")
    assert "<h1>Search</h1>" in html
    assert "Entities (" not in html


# Penalties


def test_penalties_page_renders_accessible_svg_charts_with_tables(client, story):
    html = page(client, "pages:penalties")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert 'role="img" aria-labelledby="chart-year-usd-title chart-year-usd-desc"' in html
    assert '<title id="chart-year-usd-title">Penalties per year (USD)</title>' in html
    assert "2023: gross USD 1.8 m, net USD 1.65 m" in html
    assert '<title id="chart-authority-usd-title">Penalties per authority (USD)</title>' in html
    tables = Outline(html).tables
    assert tables["chart-year-usd-table"][0] == ["Year", "Gross", "Credited", "Suspended", "Net"]
    assert tables["chart-year-usd-table"][1] == ["2023", "1,800,000", "100,000", "50,000", "1,650,000"]
    authorities = [row[0] for row in tables["chart-authority-usd-table"][1:]]
    assert authorities == ["Department of Example Justice", "Example Enforcement Network"]
    assert f'href="{reverse("pages:penalties-csv")}?group_by=year"' in html


def test_penalties_filter_by_authority_entity_and_dates(client, story):
    html = page(client, "pages:penalties", query={"authority": story.fincen.slug})
    tables = Outline(html).tables
    assert [row[0] for row in tables["chart-authority-usd-table"][1:]] == ["Example Enforcement Network"]
    assert tables["chart-year-usd-table"][1] == ["2023", "300,000", "100,000", "50,000", "150,000"]
    assert f"group_by=authority&amp;authority={story.fincen.slug}" in html
    assert f'<option value="{story.fincen.slug}" selected>' in html

    html = page(client, "pages:penalties", query={"entity": story.company.slug, "date_from": "2023-11-21"})
    assert Outline(html).tables["chart-year-usd-table"][1][1] == "1,800,000"

    html = page(client, "pages:penalties", query={"date_from": "2024-01-01"})
    assert "No penalties match these filters." in html
    assert "<svg" not in html


def test_penalties_invalid_filters_are_a_400_with_messages(client, story):
    html = page(client, "pages:penalties", status=400, query={"date_from": "2024-01-01", "date_to": "2023-01-01"})
    assert "The end of the range cannot be before its start." in html
    assert 'aria-invalid="true"' in html
    html = page(client, "pages:penalties", status=400, query={"authority": "no-such-authority"})
    assert "Select a valid choice." in html


def test_penalties_csv_follows_the_filters(client, story):
    response = client.get(reverse("pages:penalties-csv"), {"group_by": "authority", "authority": story.doj.slug})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="penalties-by-authority.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["authority", "label", "currency", "gross", "credited", "suspended", "net", "components"],
        ["doj-example", "Department of Example Justice", "USD", "1500000.00", "0.00", "0.00", "1500000.00", "2"],
    ]
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("pages:penalties-csv"), {"group_by": "year"}).content.decode()))
    )
    assert rows[1] == ["2023", "2023", "USD", "1800000.00", "100000.00", "50000.00", "1650000.00", "3"]


def test_penalties_csv_rejects_bad_parameters_and_neutralises_formulas(client, story):
    assert client.get(reverse("pages:penalties-csv")).status_code == 400
    assert client.get(reverse("pages:penalties-csv"), {"group_by": "planet"}).status_code == 400
    story.fincen.name = "=HYPERLINK(1)"
    story.fincen.save()
    content = client.get(reverse("pages:penalties-csv"), {"group_by": "authority"}).content.decode()
    assert "'=HYPERLINK(1)" in content


def test_chart_helpers_round_and_escape():
    assert compact_amount(Decimal("11586244988")) == "11.59 bn"
    assert compact_amount(Decimal("150000000")) == "150 m"
    assert compact_amount(Decimal("2500")) == "2.5 k"
    assert compact_amount(Decimal("0")) == "0"
    assert nice_step(11.59e9) == 2.5e9
    assert nice_step(1.8e6) == 5e5
    long_name = "An Authority With A Name Far Too Long For One Line <b>"
    svg = bar_chart_svg(
        "test", "Title <i>", "Desc & more", [ChartRow(label=long_name, gross=Decimal(10), net=Decimal(5))], "USD"
    )
    assert "<b>" not in svg and "<i>" not in svg
    assert "Title &lt;i&gt;" in svg and "Desc &amp; more" in svg
    assert "An Authority With A Name Far Too Long For O…</text>" in svg
    assert f"{long_name[:10]}" in svg and "&lt;b&gt;" in svg  # the bar's own <title> keeps the full name
    assert bar_chart_svg("empty", "Nothing", "", [], "USD") == ""


# Home


def test_home_lists_cases_and_recent_events(client, story):
    html = page(client, "pages:home")
    assert f'<a href="{reverse("pages:case-detail", kwargs={"slug": story.case.slug})}">' in html
    assert "announced as over $1.7 million" in html
    titles = [text for tag, text in Outline(html).headings if tag == "h3"]
    assert titles[0] == "Example Exchange and Pat Example"
    assert titles[1] == "Pat Example denies seeking a pardon"  # newest first


# Query counts: pinned, and the same whatever the number of events.


@pytest.mark.parametrize(
    ("name", "kwargs", "query", "expected"),
    [
        ("pages:home", {}, {}, 6),
        ("pages:case-detail", {"slug": "example-exchange-case"}, {}, 35),
        ("pages:entity-detail", {"slug": "example-exchange"}, {}, 23),
        ("pages:entity-detail", {"slug": "example-exchange"}, {"include_related": "1"}, 25),
        ("pages:penalties", {}, {"authority": "doj-example"}, 9),
        ("pages:search", {}, {"q": "example"}, 5),
    ],
)
def test_query_counts_do_not_grow_with_events(client, db, django_assert_num_queries, name, kwargs, query, expected):
    """Counts include the SAVEPOINT and RELEASE of the request's transaction (ATOMIC_REQUESTS)."""
    build_story(extra_events=2)
    url = reverse(name, kwargs=kwargs or None)
    with django_assert_num_queries(expected):
        assert client.get(url, query).status_code == 200
    for number in range(2, 12):
        event = factories.EventFactory(
            key=f"more-{number}",
            case=models.Case.objects.get(),
            date=D(2021, 1, 1),
            title=f"More {number}",
            entities=list(models.Entity.objects.filter(slug__in=["example-exchange", "pat-example"])),
        )
        event.sources.add(factories.SourceFactory())
    with django_assert_num_queries(expected):
        assert client.get(url, query).status_code == 200


# Curated data (fixtures/*.json)


def test_curated_binance_case_and_zhao_pages(client, curated_data):
    html = page(client, "pages:case-detail", slug="binance-changpeng-zhao")
    assert "As announced" in html
    assert "<time datetime=" in html
    years = [text for tag, text in Outline(html).headings if tag == "h3" and text.isdigit()]
    assert years == sorted(years) and "2023" in years
    entity_html = page(client, "pages:entity-detail", slug="changpeng-zhao")
    assert "CZ" in entity_html
    search_html = page(client, "pages:search", query={"q": "CZ"})
    assert reverse("pages:entity-detail", kwargs={"slug": "changpeng-zhao"}) in search_html
    penalties_html = page(client, "pages:penalties")
    assert "<svg" in penalties_html
