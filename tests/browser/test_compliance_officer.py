"""A compliance officer's briefing on Binance, end to end in headless Chromium, on the curated fixtures.

Admin login, entity search by alias, the entity's timeline panel, the public case page and a source
link, the penalties charts. Screenshots land in test-artifacts/ (bin/screenshots copies the case and
penalties pages to docs/screenshots/ for the README).
"""

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.browser.support import screenshot, serious_axe_violations
from timeline.models import Case, Entity, SettlementComponent
from timeline.selectors.penalties import penalty_totals
from timeline.selectors.timelines import case_timeline, entity_timeline

pytestmark = pytest.mark.browser

CASE_SLUG = "binance-changpeng-zhao"
ZHAO_SLUG = "changpeng-zhao"
PASSWORD = "a long briefing passphrase"


def money(value):
    return f"{value:,.2f}".removesuffix(".00")


def titles_in_order(text, titles):
    """Positions of the titles that appear in ``text``, in the order given."""
    return [text.find(title) for title in titles if title in text]


def test_officer_finds_zhao_reads_his_timeline_and_opens_the_case(browser_page, live_server, curated_data_committed):
    factories.SuperUserFactory(username="officer", password=PASSWORD)
    zhao = Entity.objects.get(slug=ZHAO_SLUG)
    page = browser_page

    page.goto("/admin/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("log in", re.IGNORECASE)).click()
    page.wait_for_url("**/admin/")

    page.goto(reverse("admin:timeline_entity_changelist"))
    page.locator("#searchbar").fill("CZ")
    page.locator("#searchbar").press("Enter")
    page.wait_for_url("**/admin/timeline/entity/?q=CZ")
    screenshot(page, "admin-entity-search-cz")
    page.get_by_role("link", name=zhao.name, exact=True).first.click()
    page.wait_for_url(re.compile(re.escape(reverse("admin:timeline_entity_change", args=[zhao.pk]))))
    screenshot(page, "admin-entity-zhao")

    # The panel's markup belongs to the admin; its visible event titles must read in date order.
    text = page.locator("#content").inner_text()
    panel_headings = page.locator("#content h2, #content h3").filter(has_text=re.compile("timeline", re.IGNORECASE))
    if panel_headings.count():
        text = text[max(text.find(panel_headings.first.inner_text()), 0) :]
    titles = [event.title for event in entity_timeline(zhao)]
    positions = titles_in_order(text, titles)
    assert len(positions) >= 2, "the timeline panel shows fewer than two of Zhao's events"
    assert positions == sorted(positions), "the timeline panel is not in date order"

    case_url = reverse("pages:case-detail", kwargs={"slug": CASE_SLUG})
    public_links = page.locator(f"a[href$='{case_url}']")
    if public_links.count():
        public_links.first.click()
    else:
        page.goto(case_url)
    page.wait_for_url(f"**{case_url}")
    case = Case.objects.get(slug=CASE_SLUG)
    assert page.get_by_role("heading", level=1).inner_text() == case.title
    screenshot(page, "case-page")

    headings = page.locator(".event__title").all_inner_texts()
    assert headings == [event.title for event in case_timeline(case)]
    assert "As announced" in page.locator(".summary-box").inner_text()

    first_event = next(event for event in case_timeline(case) if event.sources.exists())
    stored_url = first_event.sources.order_by("key").first().url
    link = page.locator(f"#event-{first_event.key} a.source-link").first
    assert link.get_attribute("href") == stored_url
    link.click()
    page.wait_for_url(stored_url)
    assert "Stub page for" in page.locator("body").inner_text()


def test_case_entity_and_penalties_pages_with_the_binance_figures(browser_page, live_server, curated_data_committed):
    page = browser_page
    case = Case.objects.get(slug=CASE_SLUG)

    page.goto(reverse("pages:case-detail", kwargs={"slug": CASE_SLUG}))
    screenshot(page, "case-page")
    gross = penalty_totals(SettlementComponent.objects.filter(settlement__action__case=case), group_by="currency")
    totals_text = page.locator("#case-totals").inner_text()
    for total in gross:
        assert money(total.gross) in totals_text
    assert serious_axe_violations(page) == []

    page.goto(reverse("pages:entity-detail", kwargs={"slug": ZHAO_SLUG}))
    screenshot(page, "entity-page")
    assert "CZ" in page.locator("dl.facts").inner_text()
    assert serious_axe_violations(page) == []

    page.goto(reverse("pages:penalties"))
    assert page.locator("svg[role='img']").count() >= 2
    table = page.locator("#chart-authority-usd-table").inner_text()
    binance_authorities = penalty_totals(
        SettlementComponent.objects.filter(settlement__action__case=case), group_by="authority"
    )
    all_authorities = {total.group: total for total in penalty_totals(group_by="authority")}
    for total in binance_authorities:
        assert total.label in table
        assert money(all_authorities[total.group].gross) in table
    screenshot(page, "penalties-page")
    assert serious_axe_violations(page) == []
