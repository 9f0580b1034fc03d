"""The change feed: a mirror replaying it while editors write through the API, the admin and the loader
ends equal to export_timeline; bad tokens are a 400, pruned ones a 410; commit order on PostgreSQL."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from tests.loader_samples import find, sample_records, write_records
from tests.sync_mirror import Mirror, exported
from tests.test_admin import change_url, post_data
from tests.write_payloads import send
from timeline import models
from timeline.sync.models import Change, FeedHorizon
from timeline.sync.services import changes_prune

pytestmark = pytest.mark.django_db(transaction=True)


def feed(client=None, **params):
    return (client or APIClient()).get(reverse("api:changes"), params)


def test_mirror_replaying_the_feed_ends_equal_to_the_export(tmp_path, editor, admin_client):
    mirror = Mirror(APIClient())
    records = sample_records()
    # The loader writes a batch (loaddata inside, then derived events in the same transaction).
    call_command("load_timeline", str(write_records(tmp_path, "sample.json", records)), "--no-progress")
    mirror.catch_up()
    assert mirror.canonical() == exported()
    assert mirror.records

    # The API: create, change (sources too), delete.
    created = send(
        editor,
        "post",
        reverse("api:entity-list"),
        {"slug": "feed-co", "name": "Feed Co", "kind": "company", "country": "GB", "sources": ["s-news"]},
    )
    assert created.status_code == 201, created.content
    detail = reverse("api:entity-detail", args=["feed-co"])
    assert send(editor, "patch", detail, {"name": "Feed Company", "sources": ["s-release"]}).status_code == 200
    mirror.catch_up()
    assert mirror.canonical() == exported()
    assert send(editor, "delete", detail).status_code == 204

    # The admin: change an entity's name through its change form.
    acme = models.Entity.objects.get(slug="acme")
    data = post_data(admin_client.get(change_url(acme)))
    data["name"] = "Acme Holdings (renamed)"
    assert admin_client.post(change_url(acme), data).status_code == 302
    mirror.catch_up()
    assert mirror.canonical() == exported()

    # The loader again: a changed citation list, a changed field.
    find(records, "enforcementaction", slug="doj-v-doe")["fields"]["sources"] = [["s-court"], ["s-news"]]
    call_command("load_timeline", str(write_records(tmp_path, "sample.json", records)), "--no-progress")
    # A write that is rolled back leaves nothing in the feed.
    with transaction.atomic():
        factories.SourceFactory(key="never-committed")
        transaction.set_rollback(True)
    mirror.catch_up()
    assert mirror.canonical() == exported()
    assert not any(record["fields"].get("key") == "never-committed" for record in mirror.records.values())

    # Deleting through the API removes what cascades with it.
    settlement = models.Settlement.objects.order_by("pk").first()
    components = settlement.components.count()
    assert components
    response = send(editor, "delete", reverse("api:settlement-detail", args=[settlement.slug]))
    assert response.status_code == 204, response.content
    mirror.catch_up()
    assert mirror.canonical() == exported()
    assert mirror.pages > 3


def test_a_fresh_mirror_reads_the_same_copy_in_one_pass(tmp_path):
    call_command("load_timeline", str(write_records(tmp_path, "sample.json", sample_records())), "--no-progress")
    models.Entity.objects.filter(slug="acme").update(description="Changed by a bulk update.")
    mirror = Mirror(APIClient(), page_size=1000)
    mirror.catch_up()
    assert mirror.pages == 1
    assert mirror.canonical() == exported()


def test_changes_come_in_order_with_their_actions_and_ids():
    source = factories.SourceFactory(key="order-source")
    source.title = "Retitled"
    source.save()
    start = feed().json()["next"]
    entity = factories.EntityFactory(slug="order-entity")
    entity_id = entity.pk
    entity.sources.add(source)
    entity.sources.clear()
    entity.delete()
    body = feed(since=start).json()
    seen = [(change["model"], change["id"], change["action"]) for change in body["changes"]]
    assert seen[0] == ("timeline.entity", entity_id, "created")
    assert ("timeline.entity", entity_id, "deleted") == seen[-1]
    assert set(seen[1:-1]) == {("timeline.entity", entity_id, "changed")}
    versions = [change["version"] for change in body["changes"]]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert all(change["record"] is None for change in body["changes"])
    assert body["next"] == str(versions[-1]) and body["has_more"] is False
    # Nothing new: the same token comes back, with no changes.
    again = feed(since=body["next"]).json()
    assert again["changes"] == [] and again["next"] == body["next"]


def test_the_feed_holds_only_committed_public_changes():
    start = feed().json()["next"]
    factories.UserFactory(username="feed-private-user")
    assert feed(since=start).json()["changes"] == []
    factories.StatuteFactory(citation="18 U.S.C. § 1956")
    body = feed(since=start).json()
    assert [change["model"] for change in body["changes"]] == ["timeline.statute"]
    record = body["changes"][0]["record"]
    assert record["model"] == "timeline.statute" and record["fields"]["citation"] == "18 U.S.C. § 1956"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "abc"}, "since"),
        ({"since": "-1"}, "since"),
        ({"since": "1" * 19}, "since"),
        ({"since": "\uff11\uff12"}, "since"),  # full-width digits
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "1001"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"after": "1"}, "after"),
    ],
)
def test_malformed_parameters_are_a_400_naming_them(params, field):
    response = feed(**params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_token_older_than_the_changes_kept_is_a_410():
    factories.SourceFactory(key="old-1")
    old_token = feed().json()["next"]
    factories.SourceFactory(key="old-2")
    middle = feed(since=old_token).json()["next"]
    old = Change.objects.update(recorded_at="2000-01-01T00:00:00Z")
    factories.SourceFactory(key="recent")
    assert changes_prune(keep_days=30) == old
    assert FeedHorizon.objects.get().position == int(middle)
    for token in ("", "0", old_token):
        gone = feed(since=token)
        assert gone.status_code == 410
        assert gone.json()["bulk"].endswith("/bulk/index.json")
    body = feed(since=middle).json()
    assert [change["record"]["fields"]["key"] for change in body["changes"]] == ["recent"]


def test_prune_command_reports_what_it_dropped():
    factories.SourceFactory(key="pruned")
    old = Change.objects.update(recorded_at="2000-01-01T00:00:00Z")
    out = io.StringIO()
    call_command("prune_changes", "--keep-days", "1", stdout=out)
    assert old and out.getvalue().strip() == f"{old} change(s) dropped."
    assert not Change.objects.exists()


@pytest.mark.postgres_only
def test_positions_follow_commit_order_not_write_order():
    """A transaction that writes first but commits last gets the later position."""
    start = int(feed().json()["next"])
    first_wrote = threading.Event()
    second_committed = threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                factories.SourceFactory(key="written-first")
                first_wrote.set()
                second_committed.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    first_wrote.wait(10)
    factories.SourceFactory(key="committed-first")
    second_committed.set()
    thread.join(10)
    changes = Change.objects.filter(position__gt=start).order_by("position")
    keys = [models.Source.objects.get(pk=change.row_id).key for change in changes]
    assert keys == ["committed-first", "written-first"]
    assert connection.vendor == "postgresql"
