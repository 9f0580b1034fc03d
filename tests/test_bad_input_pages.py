"""HTML (and Atom, and CSV) output never runs stored text; bad input to the pages and the admin is a 4xx, never a 500.

Every text field that reaches a page holds markup (a script, an image with onerror, an attribute
breakout, template syntax). The public pages, the feeds and the admin's changelists, change and
history pages must show that text escaped: the probes appear, as text, and no live markup does.
"""

import csv
import datetime
import io
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories
from tests.write_payloads import module_transaction, row_counts
from timeline import models
from timeline.services.events import events_sync_all

D = datetime.date
PROBE = "xss-probe"
SCRIPT = f'<script>alert("{PROBE}")</script>'
IMAGE = f'"><img src=x onerror=alert("{PROBE}")>'
ATTRIBUTE = f"' onmouseover='alert(\"{PROBE}\")' data-x='"
TEMPLATE = "{{ request.META }}{% debug %}"
# What must never reach the output as live markup.
LIVE_MARKUP = ("<script>alert(", "<img src=x", "onmouseover='alert")
FORMULA = '=HYPERLINK("https://example.org","xss-probe")'


def marked(payload, label):
    return payload.replace(PROBE, f"{PROBE} {label}")


@pytest.fixture(scope="module")
def hostile(django_db_setup, django_db_blocker):
    """A case whose every stored text is markup, from the case title down to a credit's note."""
    with module_transaction(django_db_blocker), django_db_blocker.unblock():
        yield build_hostile()


def build_hostile():
    source = factories.SourceFactory(
        key="hostile-source",
        url=f"https://example.org/release?q={IMAGE}",
        title=marked(SCRIPT, "source title"),
        publisher=marked(ATTRIBUTE, "publisher"),
        note=TEMPLATE,
    )
    sources = [source]
    authority = factories.AuthorityFactory(slug="hostile-authority", name=marked(SCRIPT, "authority"))
    court = factories.CourtFactory(slug="hostile-court", name=marked(IMAGE, "court"))
    company = factories.EntityFactory(
        slug="hostile-company", name=marked(SCRIPT, "company"), description=marked(IMAGE, "description")
    )
    company.sources.set(sources)
    person = factories.PersonFactory(slug="hostile-person", name=marked(ATTRIBUTE, "person"))
    factories.EntityAliasFactory(entity=company, alias=marked(IMAGE, "alias"))
    factories.EntityIdentifierFactory(entity=company, value=marked(SCRIPT, "identifier")[:255])
    factories.EntityRelationshipFactory(
        subject=person,
        object=company,
        title=marked(SCRIPT, "relationship"),
        note=marked(IMAGE, "relationship note"),
        start_date=D(2019, 1, 1),
        sources=sources,
    )
    case = factories.CaseFactory(
        slug="hostile-case",
        title=marked(SCRIPT, "case"),
        summary=marked(IMAGE, "case summary") + "\n" + TEMPLATE,
        headline_text=marked(ATTRIBUTE, "headline"),
        headline_amount=Decimal("1000000.00"),
        headline_currency="USD",
        sources=sources,
    )
    statute = factories.StatuteFactory(citation=marked(SCRIPT, "statute")[:120], title=marked(IMAGE, "statute"))
    action = factories.EnforcementActionFactory(
        slug="hostile-action",
        case=case,
        authority=authority,
        court=court,
        caption=marked(SCRIPT, "caption"),
        docket_number=marked(IMAGE, "docket")[:100],
        summary=marked(ATTRIBUTE, "action summary"),
        status=models.ActionStatus.PLEA,
        filed_on=D(2023, 3, 27),
        resolved_on=D(2023, 11, 21),
        sources=sources,
    )
    factories.ActionPartyFactory(action=action, entity=company, note=marked(SCRIPT, "party"))
    charge = factories.ChargeFactory(
        action=action,
        number=1,
        description=marked(IMAGE, "charge"),
        note=marked(SCRIPT, "charge note"),
        sources=sources,
    )
    models.ChargeStatute.objects.create(charge=charge, statute=statute)
    settlement = factories.SettlementFactory(
        slug="hostile-settlement",
        action=action,
        title=marked(SCRIPT, "settlement"),
        summary=marked(IMAGE, "settlement summary"),
        agreed_on=D(2023, 11, 21),
        sources=sources,
    )
    component = factories.SettlementComponentFactory(
        key="hostile-component",
        settlement=settlement,
        payer=company,
        description=marked(ATTRIBUTE, "component"),
        terms=marked(SCRIPT, "terms"),
        note=marked(IMAGE, "component note"),
        sources=sources,
    )
    factories.CreditFactory(key="hostile-credit", component=component, note=marked(SCRIPT, "credit"), sources=sources)
    factories.MonitorFactory(
        key="hostile-monitor", settlement=settlement, scope=marked(IMAGE, "monitor"), sources=sources
    )
    factories.RestrictionFactory(
        key="hostile-restriction", settlement=settlement, subject=person, scope=marked(SCRIPT, "bar"), sources=sources
    )
    sentence = factories.SentenceFactory(
        action=action,
        defendant=person,
        facility=marked(SCRIPT, "facility"),
        guidelines=marked(IMAGE, "guidelines")[:255],
        note=marked(ATTRIBUTE, "sentence note"),
        sources=sources,
    )
    pardon = factories.PardonRequestFactory(
        slug="hostile-pardon", person=person, summary=marked(SCRIPT, "pardon"), sources=sources
    )
    pardon.sentences.set([sentence])
    factories.PardonStatusChangeFactory(
        key="hostile-step", pardon_request=pardon, description=marked(IMAGE, "step"), sources=sources
    )
    factories.EventFactory(
        key="hostile-event",
        case=case,
        title=marked(SCRIPT, "event"),
        description=marked(IMAGE, "event description") + " " + TEMPLATE,
        sources=sources,
        entities=[company],
    )
    # An authority whose name a spreadsheet would run as a formula.
    formula_authority = factories.AuthorityFactory(slug="formula-authority", name=FORMULA)
    formula_action = factories.EnforcementActionFactory(
        slug="formula-action", case=case, authority=formula_authority, court=court, sources=sources
    )
    formula_settlement = factories.SettlementFactory(slug="formula-settlement", action=formula_action, sources=sources)
    factories.SettlementComponentFactory(key="formula-component", settlement=formula_settlement, payer=company)
    events_sync_all()
    return {"case": case, "company": company, "person": person, "authority": authority}


def assert_no_live_markup(content, where, shown=True):
    text = content.decode() if isinstance(content, bytes) else content
    for marker in LIVE_MARKUP:
        assert marker not in text, f"{where}: live markup {marker!r}"
    if shown:
        assert PROBE in text, f"{where}: the stored text is not shown at all, so nothing was tested"


PAGES = [
    ("home", "pages:home", {}, {}),
    ("case", "pages:case-detail", {"slug": "hostile-case"}, {}),
    ("company", "pages:entity-detail", {"slug": "hostile-company"}, {}),
    ("company-with-related", "pages:entity-detail", {"slug": "hostile-company"}, {"include_related": "true"}),
    ("person", "pages:entity-detail", {"slug": "hostile-person"}, {}),
    ("authority", "pages:entity-detail", {"slug": "hostile-authority"}, {}),
    ("penalties", "pages:penalties", {}, {}),
    ("penalties-filtered", "pages:penalties", {}, {"authority": "hostile-authority"}),
    ("search", "pages:search", {}, {"q": PROBE}),
    ("search-echoing-markup", "pages:search", {}, {"q": SCRIPT}),
]


@pytest.mark.parametrize(("name", "url_name", "kwargs", "query"), PAGES, ids=[page[0] for page in PAGES])
def test_public_pages_escape_stored_text(name, url_name, kwargs, query, hostile, client):
    response = client.get(reverse(url_name, kwargs=kwargs), query)
    assert response.status_code == 200
    assert_no_live_markup(response.content, name)
    if name == "case":
        assert "{{ request.META }}{% debug %}" in response.content.decode()  # shown, never evaluated


FEEDS = [
    ("events", "pages:feed-events", {}),
    ("case", "pages:feed-case", {"slug": "hostile-case"}),
    ("entity", "pages:feed-entity", {"slug": "hostile-company"}),
]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize(("name", "url_name", "kwargs"), FEEDS, ids=[feed[0] for feed in FEEDS])
def test_feeds_carry_stored_text_as_text(name, url_name, kwargs, hostile, client):
    """Titles are plain text; the HTML summaries hold the stored text escaped, so readers show it, never run it."""
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    summaries = "".join(entry.findtext(f"{ATOM}summary") or "" for entry in entries)
    assert_no_live_markup(summaries, f"{name} feed summaries")
    assert any(PROBE in (entry.findtext(f"{ATOM}title") or "") for entry in entries)


def test_penalty_csv_neutralises_formulas(hostile, client):
    """CSV is data, kept as written, except that a cell a spreadsheet would run as a formula is quoted."""
    response = client.get(reverse("pages:penalties-csv"), {"group_by": "authority"})
    assert response.status_code == 200
    labels = [row[1] for row in list(csv.reader(io.StringIO(response.content.decode())))[1:]]
    assert marked(SCRIPT, "authority") in labels
    assert f"'{FORMULA}" in labels
    assert FORMULA not in labels


def hostile_text(obj):
    return any(PROBE in str(getattr(obj, field.attname) or "") for field in obj._meta.concrete_fields)


def admin_pages():
    """(model, page) for the changelist, change and history page of every timeline model in the admin."""
    for model in admin.site._registry:
        if model._meta.app_label == "timeline":
            for page in ("changelist", "change", "history"):
                yield pytest.param(model, page, id=f"{model._meta.model_name}-{page}")


@pytest.mark.parametrize(("model", "page"), list(admin_pages()))
def test_admin_pages_escape_stored_text(model, page, hostile, admin_client):
    obj = next(obj for obj in model.objects.all() if hostile_text(obj))
    opts = model._meta
    if page == "changelist":
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    else:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    # A history page lists versions by name: the probe shows only where the name holds it.
    shown = page != "history" or PROBE in str(obj)
    assert_no_live_markup(response.content, f"{opts.model_name} {page}", shown=shown)


def test_admin_search_and_autocomplete_escape_the_query(hostile, admin_client):
    changelist = admin_client.get(reverse("admin:timeline_entity_changelist"), {"q": SCRIPT})
    assert changelist.status_code == 200
    assert "<script>alert(" not in changelist.content.decode()
    autocomplete = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": PROBE, "app_label": "timeline", "model_name": "enforcementaction", "field_name": "authority"},
    )
    assert autocomplete.status_code == 200
    assert autocomplete.json()["results"]  # JSON: the name as data, for the widget to insert as text


# --- Bad input to the pages, the feeds and the admin --------------------------------------------------

NUL_URLS = [
    ("home", "/?q=%00"),
    ("case-page", "/cases/hostile-case/?x=%00"),
    ("entity-page-path", "/entities/hostile%00company/"),
    ("penalties", "/penalties/?authority=%00"),
    ("penalties-csv", "/penalties/csv/?group_by=year&entity=%00"),
    ("search", "/search/?q=ab%00cd"),
    ("feed", "/feeds/events/?%00=1"),
    ("admin-changelist-search", "/admin/timeline/entity/?q=%00"),
    ("admin-changelist-filter", "/admin/timeline/entity/?kind=%00"),
    ("admin-change-path", "/admin/timeline/entity/%00/change/"),
    ("admin-autocomplete", "/admin/autocomplete/?term=%00&app_label=timeline&model_name=case&field_name=case"),
]


@pytest.mark.parametrize(("name", "url"), NUL_URLS, ids=[item[0] for item in NUL_URLS])
def test_nul_in_a_url_is_a_400_naming_where(name, url, hostile, admin_client):
    """PostgreSQL cannot compare text holding NUL; the admin's filters would pass it to the database."""
    response = admin_client.get(url)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Null characters are not allowed" in body
    assert ("path" if "%00/" in url or "%00company" in url else "") in body


PENALTY_FILTERS = [
    ("impossible-date", {"date_from": "2023-02-30"}, "date_from"),
    ("malformed-date", {"date_to": "30/02/2023"}, "date_to"),
    ("dates-out-of-order", {"date_from": "2024-01-01", "date_to": "2023-01-01"}, "date_to"),
    ("unknown-authority", {"authority": "no-such-authority"}, "authority"),
    ("sql-injection", {"authority": "' OR '1'='1"}, "authority"),
    ("html-injection", {"entity": SCRIPT}, "entity"),
    ("over-long", {"entity": "a" * 5000}, "entity"),
]


@pytest.mark.parametrize(("name", "query", "field"), PENALTY_FILTERS, ids=[item[0] for item in PENALTY_FILTERS])
def test_bad_penalty_filters_are_a_400_naming_the_field(name, query, field, hostile, client):
    page = client.get(reverse("pages:penalties"), query)
    assert page.status_code == 400
    html = page.content.decode()
    assert f'id="id_{field}_error"' in html
    assert "<script>alert(" not in html
    download = client.get(reverse("pages:penalties-csv"), {"group_by": "year", **query})
    assert download.status_code == 400
    assert field in download.content.decode()


def test_unknown_csv_grouping_is_a_400(hostile, client):
    response = client.get(reverse("pages:penalties-csv"), {"group_by": "'; DROP TABLE timeline_case; --"})
    assert response.status_code == 400
    assert "group_by" in response.content.decode()


def test_over_long_search_is_a_400_saying_why(hostile, client):
    response = client.get(reverse("pages:search"), {"q": "a" * 201})
    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters" in response.content.decode()


@pytest.mark.parametrize("query", ["' OR '1'='1' --", "x' UNION SELECT password FROM auth_user --", SCRIPT])
def test_injection_in_search_finds_nothing_and_is_shown_as_text(query, hostile, client):
    response = client.get(reverse("pages:search"), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No entity matches." in html
    assert "No case matches." in html
    assert "<script>alert(" not in html


@pytest.mark.parametrize(
    "url",
    ["/cases/no-such-case/", "/entities/no-such-entity/", "/feeds/cases/no-such-case/", "/feeds/entities/nobody/"],
)
def test_unknown_slugs_are_404(url, hostile, client):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_pages_are_read_only(method, hostile, client):
    for url in ("/", "/cases/hostile-case/", "/search/", "/penalties/"):
        assert getattr(client, method)(url).status_code == 405, url


ADMIN_QUERIES = [
    ("sql-search", {"q": "' OR '1'='1' --"}),
    ("unknown-filter-value", {"kind": "no-such-kind"}),
    ("unknown-lookup", {"nonexistent__field": "1"}),
    ("ordering-out-of-range", {"o": "999"}),
    ("page-out-of-range", {"p": "99999999999999999999"}),
    ("page-not-a-number", {"p": "x"}),
    ("date-hierarchy-garbage", {"created_at__year": "abc"}),
]


@pytest.mark.parametrize(("name", "query"), ADMIN_QUERIES, ids=[item[0] for item in ADMIN_QUERIES])
def test_admin_changelist_survives_bad_queries(name, query, hostile, admin_client):
    response = admin_client.get(reverse("admin:timeline_entity_changelist"), query)
    assert response.status_code in {200, 302}, response.status_code
    if response.status_code == 302:
        assert "e=1" in response["Location"]  # the admin's "invalid lookup" notice


ADMIN_SOURCE_INPUTS = [
    ("nul-in-title", {"title": "Release\x00"}, "title"),
    ("over-long-title", {"title": "t" * 501}, "title"),
    ("javascript-url", {"url": "javascript:alert(1)"}, "url"),
    ("key-with-markup", {"key": "<script>"}, "key"),
    ("impossible-date", {"published_on": "2023-02-30"}, "published_on"),
    ("unknown-kind", {"kind": "no-such-kind"}, "kind"),
]


@pytest.mark.parametrize(("name", "change", "field"), ADMIN_SOURCE_INPUTS, ids=[i[0] for i in ADMIN_SOURCE_INPUTS])
def test_admin_form_refuses_bad_input_and_saves_nothing(name, change, field, hostile, admin_client):
    data = {
        "key": "admin-new-source",
        "kind": "news",
        "title": "A release",
        "publisher": "A publisher",
        "url": "https://example.org/a",
        "published_on": "2023-11-21",
        "published_precision": "day",
        "note": "",
        **change,
    }
    before = row_counts()
    response = admin_client.post(reverse("admin:timeline_source_add"), data)
    assert response.status_code == 200  # the form again, with its errors
    assert field in response.context["adminform"].form.errors
    assert row_counts() == before
