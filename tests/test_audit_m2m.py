"""Many-to-many changes in the audit trail: which sources, entities or components a record cites, changed
through the API, the admin or the loader, appear with who, when, and the old and new lists by slug or key."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories
from tests.conftest import shared_rows
from tests.loader_samples import find, sample_records, write_records
from tests.test_admin import build_world, change_url, post_data
from tests.test_api_history import changes_of, history_url
from timeline import models

pytestmark = pytest.mark.django_db


def trail(client, name, lookup, **params):
    response = client.get(history_url(name, lookup), params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def relation_entries(entries, field):
    """The entries that changed ``field``, oldest first, as (user, old, new)."""
    return [(entry["user"], *changes_of(entry)[field]) for entry in reversed(entries) if field in changes_of(entry)]


def since(entries, moment):
    return [entry for entry in entries if datetime.datetime.fromisoformat(entry["date"]) >= moment]


def cite(record, keys):
    """Cite each source of ``keys`` in turn, one audit entry each."""
    for key in keys:
        record.sources.add(factories.SourceFactory(key=key))


# Through the API


def test_api_patch_of_sources_is_in_the_trail_with_who_when_and_the_lists(editor, viewer):
    old = factories.SourceFactory(key="doj-release")
    factories.SourceFactory(key="court-order")
    factories.SourceFactory(key="a-news-report")
    factories.EnforcementActionFactory(slug="one", sources=[old])
    url = reverse("api:action-detail", args=["one"])
    started = timezone.now()

    response = editor.patch(
        url, {"sources": ["court-order", "a-news-report"]}, format="json", HTTP_IF_MATCH=editor.get(url)["ETag"]
    )
    assert response.status_code == 200, response.content

    written = since(trail(viewer, "action", "one"), started)
    assert written, "the write left no audit entry"
    assert {entry["user"] for entry in written} == {"alice"}
    assert {entry["type"] for entry in written} == {"changed"}
    changes = relation_entries(written, "sources")
    # The old set leaves and the new one arrives: in between the record cites what was kept.
    assert changes[0][1] == ["doj-release"]
    assert changes[-1][2] == ["a-news-report", "court-order"]
    assert all(entry[1] != entry[2] for entry in changes)
    assert sorted(source.key for source in models.EnforcementAction.objects.get(slug="one").sources.all()) == [
        "a-news-report",
        "court-order",
    ]


def test_api_patch_of_an_events_entities_names_them_by_slug(editor, viewer):
    acme = factories.EntityFactory(slug="acme")
    factories.EntityFactory(slug="zeta-bank")
    factories.EntityFactory(slug="beta-fund")
    factories.EventFactory(key="report", entities=[acme])
    url = reverse("api:event-detail", args=["report"])

    response = editor.patch(
        url, {"entities": ["zeta-bank", "acme", "beta-fund"]}, format="json", HTTP_IF_MATCH=editor.get(url)["ETag"]
    )
    assert response.status_code == 200, response.content

    latest = trail(viewer, "event", "report")[0]
    assert (latest["user"], changes_of(latest)) == (
        "alice",
        {"entities": (["acme"], ["acme", "beta-fund", "zeta-bank"])},
    )


def test_an_unchanged_source_list_in_a_patch_writes_no_relation_entry(editor, viewer):
    source = factories.SourceFactory(key="doj-release")
    factories.EnforcementActionFactory(slug="one", sources=[source])
    url = reverse("api:action-detail", args=["one"])
    before = models.EnforcementAction.audit_trail.count()

    response = editor.patch(
        url, {"sources": ["doj-release"], "caption": "New"}, format="json", HTTP_IF_MATCH=editor.get(url)["ETag"]
    )

    assert response.status_code == 200, response.content
    assert models.EnforcementAction.audit_trail.count() == before + 1
    assert "sources" not in changes_of(trail(viewer, "action", "one")[0])


def test_a_sentence_cited_by_a_clemency_request_is_named_by_id(viewer):
    """Sentences have no slug or key: their id names them."""
    request = factories.PardonRequestFactory(slug="plea")
    first, second = factories.SentenceFactory(), factories.SentenceFactory()
    request.sentences.add(second, first)

    latest = trail(viewer, "pardon-request", "plea")[0]

    assert changes_of(latest) == {"sentences": ([], sorted([first.pk, second.pk]))}


def test_a_source_deleted_since_keeps_the_key_it_had(viewer):
    action = factories.EnforcementActionFactory(slug="one", sources=[factories.SourceFactory(key="kept")])
    gone = factories.SourceFactory(key="withdrawn")
    action.sources.add(gone)
    action.sources.remove(gone)
    gone.delete()

    entries = trail(viewer, "action", "one")

    assert changes_of(entries[0]) == {"sources": (["kept", "withdrawn"], ["kept"])}
    assert changes_of(entries[1]) == {"sources": (["kept"], ["kept", "withdrawn"])}


def test_deleting_a_record_is_not_shown_as_removing_its_sources(editor, viewer):
    factories.EnforcementActionFactory(slug="one", sources=[factories.SourceFactory(key="kept")])
    url = reverse("api:action-detail", args=["one"])
    assert editor.delete(url, HTTP_IF_MATCH=editor.get(url)["ETag"]).status_code == 204

    deleted = trail(viewer, "action", "one")[0]

    assert (deleted["type"], deleted["user"], deleted["changes"]) == ("deleted", "alice", [])


def test_a_trail_that_begins_after_the_citations_lists_them_as_set(viewer):
    """A trail whose first entry already holds relations (e.g. loaded by loaddata) shows them as first values."""
    action = factories.EnforcementActionFactory(slug="one", sources=[factories.SourceFactory(key="kept")])
    models.EnforcementAction.audit_trail.filter(id=action.pk, history_type="+").delete()

    entries = trail(viewer, "action", "one")

    assert len(entries) == 1
    assert changes_of(entries[0])["sources"] == (None, ["kept"])


# Query counts


@pytest.mark.parametrize("name", ["action", "event", "pardon-request"])
def test_history_query_count_is_the_same_for_a_small_and_a_large_page(name, django_assert_num_queries):
    """A page of relation changes costs one query per many-to-many field, whatever its size; a related
    record deleted since costs one more query for the page, to find its former key."""
    if name == "action":
        record = factories.EnforcementActionFactory(slug="one", sources=[factories.SourceFactory(key="first")])
    elif name == "event":
        record = factories.EventFactory(key="one", sources=[factories.SourceFactory(key="first")])
    else:
        record = factories.PardonRequestFactory(slug="one", sources=[factories.SourceFactory(key="first")])
    cite(record, [f"source-{number:02}" for number in range(40)])
    gone = factories.SourceFactory(key="withdrawn")
    record.sources.add(gone)
    record.sources.remove(gone)
    gone.delete()
    client = APIClient()
    client.force_authenticate(factories.UserFactory(username="reader"))

    counts = []
    for size in (3, 30):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(history_url(name, "one"), {"page_size": size})
        assert response.status_code == 200
        results = response.json()["results"]
        assert len(results) == size
        assert changes_of(results[0])["sources"][0][-1] == "withdrawn"
        counts.append(len(queries))

    assert counts[0] == counts[1]


# Through the admin


shared_world = shared_rows(build_world)


@pytest.fixture
def world(shared_world, db):
    return shared_world.data()


def test_admin_change_form_sources_are_in_both_trails(admin_client, world, viewer):
    action = world.action
    added = factories.SourceFactory(key="court-order")
    url = change_url(action)
    data = post_data(admin_client.get(url))
    data["sources"] = [str(added.pk)]
    started = timezone.now()

    assert admin_client.post(url, data).status_code == 302

    written = since(trail(viewer, "action", action.slug), started)
    assert {entry["user"] for entry in written} == {"root"}
    changes = relation_entries(written, "sources")
    assert changes[0][1] == ["doj-release"]
    assert changes[-1][2] == ["court-order"]

    page = admin_client.get(reverse("admin:timeline_enforcementaction_history", args=[action.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "<strong>Sources:</strong>" in content
    assert "[doj-release]" in content
    assert "[court-order]" in content
    assert "HistoricalEnforcementAction_sources" not in content


def test_admin_version_view_shows_the_sources_of_that_version(admin_client, world):
    action = world.action
    before = action.audit_trail.order_by("-history_date", "-history_id").first()
    action.sources.set([factories.SourceFactory(key="court-order")])

    url = reverse("admin:timeline_enforcementaction_simple_history", args=[action.pk, before.pk])
    response = admin_client.get(url)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.initial["sources"]) == [world.release_source.pk]


def test_admin_history_page_query_count_does_not_grow_with_entries(admin_client):
    def history_queries(slug, changes):
        action = factories.EnforcementActionFactory(slug=slug)
        cite(action, [f"{slug}-{number:02}" for number in range(changes)])
        url = reverse("admin:timeline_enforcementaction_history", args=[action.pk])
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        return len(queries)

    # The first page also fills the process-wide content type cache: measure only after it.
    history_queries("first", 1)
    assert history_queries("small", 3) == history_queries("large", 30)


# Through the loader


def test_load_timeline_citation_change_is_one_entry_per_step_and_none_without_change(tmp_path, viewer):
    records = sample_records()
    call_command("load_timeline", str(write_records(tmp_path, "sample.json", records)), "--no-progress")
    action = models.EnforcementAction.objects.get(slug="doj-v-doe")
    before = models.EnforcementAction.audit_trail.filter(id=action.pk).count()

    find(records, "enforcementaction", slug="doj-v-doe")["fields"]["sources"] = [["s-court"], ["s-news"]]
    started = timezone.now()
    call_command("load_timeline", str(write_records(tmp_path, "sample.json", records)), "--no-progress")

    written = since(trail(viewer, "action", "doj-v-doe"), started)
    # Remove s-release, then add s-news: no entry for the stamp of updated_at alone.
    assert [(entry["user"], changes_of(entry)) for entry in reversed(written)] == [
        (None, {"sources": (["s-court", "s-release"], ["s-court"])}),
        (None, {"sources": (["s-court"], ["s-court", "s-news"])}),
    ]
    action.refresh_from_db()
    assert action.updated_at >= started
    latest = action.audit_trail.order_by("-history_date", "-history_id").first()
    assert latest.updated_at == action.updated_at

    call_command("load_timeline", str(write_records(tmp_path, "sample.json", records)), "--no-progress")
    assert models.EnforcementAction.audit_trail.filter(id=action.pk).count() == before + 2
