"""Atom feeds of new and changed events: all, per case, per entity (optionally with its group)."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import shared_rows
from tests.test_pages import ESCAPED_SCRIPT, SCRIPT, build_story
from timeline import models

ATOM = "{http://www.w3.org/2005/Atom}"


def fetch_feed(client, name, query=None, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs or None), query or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entry_titles(feed):
    return [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


shared_story = shared_rows(build_story)


@pytest.fixture
def story(shared_story, db):
    return shared_story.data()


def test_all_events_feed_is_valid_atom_newest_change_first(client, story):
    models.Event.objects.filter(key="exchange-founded").update(updated_at=timezone.now() + datetime.timedelta(hours=1))
    feed = fetch_feed(client, "pages:feed-events")
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "timeline: new and changed events"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "timeline"
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    assert feed.findtext(f"{ATOM}updated")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == models.Event.objects.count()
    assert entry_titles(feed)[0] == "2017: Example Exchange is founded"
    updated = [entry.findtext(f"{ATOM}updated") for entry in entries]
    assert updated == sorted(updated, reverse=True)
    first = entries[0]
    case_url = reverse("pages:case-detail", kwargs={"slug": story.case.slug})
    assert first.find(f"{ATOM}link").get("href") == f"http://testserver{case_url}#event-exchange-founded"
    assert first.findtext(f"{ATOM}id") == f"http://testserver{case_url}#event-exchange-founded"
    assert first.findtext(f"{ATOM}published")
    assert [category.get("term") for category in first.findall(f"{ATOM}category")] == ["Other"]


def test_entries_say_when_what_who_claimed_and_cite_sources(client, story):
    feed = fetch_feed(client, "pages:feed-events")
    report = next(
        entry
        for entry in feed.findall(f"{ATOM}entry")
        if entry.findtext(f"{ATOM}title") == "March 2025: Report that Pat Example sought a pardon"
    )
    summary = report.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "Press report · Reported by The Example Gazette · Example Exchange and Pat Example" in summary.text
    assert '<a href="https://example.org/gazette/1">Pardon talks</a>' in summary.text
    assert {category.get("term") for category in report.findall(f"{ATOM}category")} == {"Press report", "Reported"}


def test_event_without_a_case_links_to_its_entity_page(client, story):
    feed = fetch_feed(client, "pages:feed-entity", slug=story.subsidiary.slug)
    entry = feed.find(f"{ATOM}entry")
    entity_url = reverse("pages:entity-detail", kwargs={"slug": story.subsidiary.slug})
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver{entity_url}#event-subsidiary-exit"


def test_case_feed_has_only_the_case_events(client, story):
    other = factories.EventFactory(key="other-case-event", title="Elsewhere")
    feed = fetch_feed(client, "pages:feed-case", slug=story.case.slug)
    assert feed.findtext(f"{ATOM}title") == "Example Exchange and Pat Example: new and changed events"
    titles = entry_titles(feed)
    assert len(titles) == models.Event.objects.filter(case=story.case).count()
    assert not any(other.title in title for title in titles)
    assert "March 2025: Report that Pat Example sought a pardon" in titles


def test_entity_feed_optionally_includes_subsidiaries_and_officers(client, story):
    own = entry_titles(fetch_feed(client, "pages:feed-entity", slug=story.company.slug))
    assert "3 June 2024: Example Exchange US Inc. leaves the market" not in own
    assert "2017: Example Exchange is founded" in own
    feed = fetch_feed(client, "pages:feed-entity", slug=story.company.slug, query={"include_related": "1"})
    assert (
        feed.findtext(f"{ATOM}title")
        == "Example Exchange Ltd. (with subsidiaries and officers): new and changed events"
    )
    related = entry_titles(feed)
    assert "3 June 2024: Example Exchange US Inc. leaves the market" in related
    assert "14 March 2025: Pat Example denies seeking a pardon" in related
    assert set(own) < set(related)


def test_feed_escapes_stored_text(client, story):
    story.report.title = SCRIPT
    story.report.description = SCRIPT
    story.report.save()
    response = client.get(reverse("pages:feed-events"))
    feed = ET.fromstring(response.content)
    entry = next(entry for entry in feed.findall(f"{ATOM}entry") if SCRIPT in entry.findtext(f"{ATOM}title"))
    # The title is plain text; the HTML summary carries the text escaped, so readers show it, never run it.
    assert entry.find(f"{ATOM}title").get("type") in (None, "text")
    assert SCRIPT not in entry.findtext(f"{ATOM}summary")
    assert ESCAPED_SCRIPT in entry.findtext(f"{ATOM}summary")


def test_feed_unknown_slug_is_404(client, db):
    assert client.get(reverse("pages:feed-case", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("pages:feed-entity", kwargs={"slug": "nope"})).status_code == 404


@pytest.mark.parametrize(
    ("name", "kwargs", "query", "expected"),
    [
        ("pages:feed-events", {}, {}, 5),
        ("pages:feed-case", {"slug": "example-exchange-case"}, {}, 8),
        ("pages:feed-entity", {"slug": "example-exchange"}, {}, 6),
        ("pages:feed-entity", {"slug": "example-exchange"}, {"include_related": "1"}, 8),
    ],
)
def test_feed_query_counts_do_not_grow_with_events(
    client, db, django_assert_num_queries, name, kwargs, query, expected
):
    """Counts include the SAVEPOINT and RELEASE of the request's transaction (ATOMIC_REQUESTS)."""
    build_story(extra_events=2)
    url = reverse(name, kwargs=kwargs or None)
    with django_assert_num_queries(expected):
        client.get(url, query)
    company = models.Entity.objects.get(slug="example-exchange")
    for number in range(10):
        factories.EventFactory(
            key=f"more-{number}", case=models.Case.objects.get(), title=f"M{number}", entities=[company]
        )
    with django_assert_num_queries(expected):
        client.get(url, query)


def test_curated_feeds_follow_zhao_and_the_binance_case(client, curated_data):
    case_feed = fetch_feed(client, "pages:feed-case", slug="binance-changpeng-zhao")
    assert case_feed.findall(f"{ATOM}entry")
    entity_feed = fetch_feed(client, "pages:feed-entity", slug="changpeng-zhao", query={"include_related": "1"})
    assert entity_feed.findall(f"{ATOM}entry")
