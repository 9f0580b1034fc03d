"""The public pages in headless Chromium: keyboard use, focus, names and labels, axe-core, phone and print.

Built from factories, so these run whether or not the curated fixtures are loaded.
"""

import pytest
from django.urls import reverse

from tests.browser.support import ARTIFACTS, focused, screenshot, serious_axe_violations
from tests.test_pages import build_story

pytestmark = pytest.mark.browser


@pytest.fixture
def story(transactional_db):
    return build_story()


def test_keyboard_reaches_skip_link_then_search_with_visible_focus(browser_page, live_server, story):
    page = browser_page
    page.goto(reverse("pages:case-detail", kwargs={"slug": story.case.slug}))
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Skip to main content"
    assert skip["top"] >= 0 and skip["height"] > 0, "the skip link must come into view when focused"
    assert skip["outlineStyle"] != "none" and skip["outlineWidth"] >= 2
    screenshot(page, "story-skip-link-focused")

    for _ in range(10):
        page.keyboard.press("Tab")
        if focused(page)["id"] == "site-search":
            break
    search = focused(page)
    assert search["id"] == "site-search", "Tab never reached the search field"
    assert search["outlineStyle"] != "none" and search["outlineWidth"] >= 2

    page.keyboard.type("PX")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=PX")
    assert page.get_by_role("heading", level=1).inner_text() == "Search results for “PX”"
    page.get_by_role("link", name="Pat Example").click()
    assert page.title() == "Pat Example · timeline"


def test_skip_link_moves_focus_to_main(browser_page, live_server, story):
    page = browser_page
    page.goto(reverse("pages:home"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"


def test_titles_headings_and_labels(browser_page, live_server, story):
    page = browser_page
    page.goto(reverse("pages:case-detail", kwargs={"slug": story.case.slug}))
    assert page.title() == "Example Exchange and Pat Example · timeline"
    assert page.get_by_role("heading", level=1).all_inner_texts() == ["Example Exchange and Pat Example"]
    assert page.get_by_role("searchbox", name="Search entities and cases").is_visible()
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("heading", name="As announced").is_visible()

    page.goto(reverse("pages:penalties"))
    assert page.title() == "Penalties per year and per authority · timeline"
    for label in ("Authority", "Paid by", "From", "To"):
        assert page.get_by_label(label, exact=True).count() == 1, label
    assert page.get_by_role("img", name="Penalties per year (USD)").is_visible()
    page.get_by_label("Authority", exact=True).select_option(label="Example Enforcement Network")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/penalties/?authority=fin-example*")
    assert page.get_by_role("table", name="Penalties per authority (USD)").inner_text().count("Example") == 1


@pytest.mark.parametrize(
    ("name", "slug_attr", "artifact"),
    [
        ("pages:case-detail", "case", "story-case-page"),
        ("pages:entity-detail", "company", "story-entity-page"),
        ("pages:entity-detail", "person", "story-person-page"),
        ("pages:penalties", None, "story-penalties-page"),
        ("pages:home", None, "story-home-page"),
        ("pages:search", None, "story-search-page"),
    ],
)
def test_no_serious_accessibility_violations(browser_page, live_server, story, name, slug_attr, artifact):
    page = browser_page
    kwargs = {"slug": getattr(story, slug_attr).slug} if slug_attr else None
    query = "?q=example" if name == "pages:search" else ""
    page.goto(reverse(name, kwargs=kwargs) + query)
    screenshot(page, artifact)
    assert serious_axe_violations(page) == []


def test_pages_fit_a_phone_screen(phone_page, live_server, story):
    page = phone_page
    for url in (
        reverse("pages:case-detail", kwargs={"slug": story.case.slug}),
        reverse("pages:entity-detail", kwargs={"slug": story.company.slug}),
        reverse("pages:penalties"),
    ):
        page.goto(url)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways on a phone by {overflow}px"
        assert page.get_by_role("searchbox", name="Search entities and cases").is_visible()
    page.goto(reverse("pages:case-detail", kwargs={"slug": story.case.slug}))
    screenshot(page, "story-case-page-phone")


def test_case_page_prints_without_navigation_and_with_source_addresses(browser_page, live_server, story):
    page = browser_page
    page.goto(reverse("pages:case-detail", kwargs={"slug": story.case.slug}))
    page.emulate_media(media="print")
    assert not page.get_by_role("searchbox", name="Search entities and cases").is_visible()
    assert not page.get_by_role("navigation", name="Main").is_visible()
    after = page.evaluate(
        "() => getComputedStyle(document.querySelector('ul.sources a.source-link'), '::after').content"
    )
    assert "https://example.org/" in after
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "story-case-page.pdf"), format="A4")
