"""Anonymous API reads are answered from a cache keyed by the data version, and never stale.

These tests commit (``transaction=True``): on PostgreSQL the data version moves at commit, as it
does for every request in production. Each write path changes a record that was just read and
cached; the next anonymous read must show the change.
"""

import json
import threading
import time

import psycopg
import pytest
from django.core import serializers
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from tests.tables import data_models
from tests.test_admin_stale import change_url, open_form
from timeline import models
from timeline.selectors.data_version import current_data_version
from timeline.services.roles import roles_ensure

pytestmark = pytest.mark.django_db(transaction=True)

TRANSACTION_STATEMENTS = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


@pytest.fixture(autouse=True)
def answer_cache(settings):
    settings.API_CACHE_SECONDS = 600
    caches["api"].clear()
    yield caches["api"]
    caches["api"].clear()


@pytest.fixture
def action():
    action = factories.EnforcementActionFactory(slug="acme", caption="SEC v. Acme")
    factories.ActionPartyFactory(action=action)
    return action


@pytest.fixture
def editor_client():
    user = factories.UserFactory(username="cache-editor")
    user.groups.add(roles_ensure()["editor"])
    client = APIClient()
    client.force_authenticate(user)
    return client


def detail_url(action):
    return reverse("api:action-detail", args=[action.slug])


def statements(client, url, **extra):
    """The response and the SQL statements it ran, transaction control left out."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    sql = [query["sql"] for query in captured.captured_queries]
    return response, [text for text in sql if not text.upper().startswith(TRANSACTION_STATEMENTS)]


def test_second_read_is_the_stored_answer_for_one_query(action):
    client = APIClient()
    first, first_sql = statements(client, detail_url(action))
    second, second_sql = statements(client, detail_url(action))

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]
    assert len(first_sql) > 3
    assert len(second_sql) == 1 and "timeline_dataversion" in second_sql[0]


def test_lists_timelines_and_stats_are_cached_too(action):
    client = APIClient()
    urls = [
        reverse("api:action-list") + "?status=pending",
        reverse("api:case-timeline", args=[action.case.slug]),
        reverse("api:stats-penalties") + "?group_by=authority",
        reverse("api:action-list") + "?format=csv",
    ]
    for url in urls:
        first, _ = statements(client, url)
        second, second_sql = statements(client, url)
        assert first.status_code == 200, (url, first.content)
        assert second.content == first.content, url
        assert len(second_sql) == 1, (url, second_sql)


def test_json_and_csv_of_one_url_are_stored_apart(action):
    client = APIClient()
    url = reverse("api:action-list")
    as_json = client.get(url, HTTP_ACCEPT="application/json")
    as_csv = client.get(url, HTTP_ACCEPT="text/csv")
    again_json, sql = statements(client, url, HTTP_ACCEPT="application/json")

    assert as_json["Content-Type"].startswith("application/json")
    assert as_csv["Content-Type"].startswith("text/csv")
    assert again_json.content == as_json.content and len(sql) == 1


def change_by_orm(action, caption):
    action.caption = caption
    action.save()


def change_by_queryset_update(action, caption):
    models.EnforcementAction.objects.filter(pk=action.pk).update(caption=caption)


def change_by_raw_sql(action, caption):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE timeline_enforcementaction SET caption = %s WHERE id = %s", [caption, action.pk])


def change_by_api(action, caption):
    client = APIClient()
    user = factories.UserFactory(username="api-editor")
    user.groups.add(roles_ensure()["editor"])
    client.force_authenticate(user)
    etag = client.get(detail_url(action))["ETag"]
    response = client.patch(detail_url(action), {"caption": caption}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content


def change_by_admin(action, caption):
    client = Client()
    client.force_login(factories.SuperUserFactory(username="admin-editor"))
    response = client.post(change_url(action), {**open_form(client, action), "caption": caption})
    assert response.status_code == 302, response.content


@pytest.mark.parametrize(
    "change", [change_by_orm, change_by_queryset_update, change_by_raw_sql, change_by_api, change_by_admin]
)
def test_every_write_path_ends_the_cached_answer(action, change):
    client = APIClient()
    assert client.get(detail_url(action)).json()["caption"] == "SEC v. Acme"

    change(action, "SEC v. Acme Holdings")

    response, sql = statements(client, detail_url(action))
    assert response.json()["caption"] == "SEC v. Acme Holdings"
    assert len(sql) > 1


def test_a_change_to_a_related_row_ends_the_cached_answer(action):
    client = APIClient()
    before = client.get(detail_url(action)).json()
    source = factories.SourceFactory(key="later-release")

    action.sources.add(source)  # a many-to-many row only
    after = client.get(detail_url(action)).json()

    assert source.key not in [item["key"] for item in before["sources"]]
    assert source.key in [item["key"] for item in after["sources"]]


def test_deleting_a_record_ends_the_cached_list(action):
    client = APIClient()
    url = reverse("api:action-list")
    assert client.get(url).json()["count"] == 1

    action.delete()

    assert client.get(url).json()["count"] == 0


def test_loaddata_ends_the_cached_answer(action, tmp_path):
    client = APIClient()
    client.get(detail_url(action))
    records = json.loads(serializers.serialize("json", [action]))
    records[0]["fields"]["caption"] = "Loaded caption"
    fixture = tmp_path / "change.json"
    fixture.write_text(json.dumps(records))

    call_command("loaddata", str(fixture), verbosity=0)

    assert client.get(detail_url(action)).json()["caption"] == "Loaded caption"


@pytest.mark.postgres_only
def test_truncate_ends_the_cached_answer(action):
    client = APIClient()
    url = reverse("api:action-list")
    assert client.get(url).json()["count"] == 1

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE timeline_enforcementaction CASCADE")

    assert client.get(url).json()["count"] == 0


def test_a_rolled_back_write_keeps_the_version_and_the_answer(action):
    client = APIClient()
    client.get(detail_url(action))
    version = current_data_version()

    with pytest.raises(RuntimeError), transaction.atomic():
        change_by_orm(action, "Never committed")
        raise RuntimeError("abandon the write")

    assert current_data_version() == version
    response, sql = statements(client, detail_url(action))
    assert response.json()["caption"] == "SEC v. Acme" and len(sql) == 1


def test_each_committed_write_stores_a_new_version(action):
    seen = {current_data_version()}
    for caption in ("One", "Two", "Three"):
        change_by_orm(action, caption)
        seen.add(current_data_version())
    assert len(seen) == 4


def test_signed_in_reads_are_never_cached(action, editor_client):
    editor_client.get(detail_url(action))
    response, sql = statements(editor_client, detail_url(action))
    assert response.status_code == 200
    assert len(sql) > 3


def test_the_browsable_api_is_never_cached(action):
    client = APIClient()
    client.get(detail_url(action), HTTP_ACCEPT="text/html")
    response, sql = statements(client, detail_url(action), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert len(sql) > 3


def test_errors_are_not_cached(action):
    client = APIClient()
    url = reverse("api:action-detail", args=["no-such-action"])
    assert client.get(url).status_code == 404
    response, sql = statements(client, url)
    assert response.status_code == 404
    assert len(sql) > 1


@pytest.mark.parametrize(
    "setting, value",
    [("API_CACHE_MAX_BYTES", 10), ("API_CACHE_SECONDS", 0)],
    ids=["answer over the size limit", "cache switched off"],
)
def test_answers_not_kept(action, settings, setting, value):
    setattr(settings, setting, value)
    client = APIClient()
    client.get(detail_url(action))
    _, sql = statements(client, detail_url(action))
    assert len(sql) > 3


def test_the_throttle_still_counts_cached_answers(action, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/minute"}
    caches["default"].clear()
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        client = APIClient()
        statuses = [client.get(detail_url(action)).status_code for _ in range(3)]
    caches["default"].clear()
    assert statuses == [200, 200, 429]


def watched_tables():
    return {
        model._meta.db_table
        for model in data_models(include_auto_created=True)
        if not model._meta.db_table.startswith("timeline_historical")
    }


def tables_with_version_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'timeline_data_changed' "
                "AND tgrelid IN (SELECT tgrelid FROM pg_trigger WHERE tgname = 'timeline_data_truncated')"
            )
            return {row[0].strip('"') for row in cursor.fetchall()}
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'timeline_dv_%'")
        by_table = {}
        for table, name in cursor.fetchall():
            by_table.setdefault(table, set()).add(name.rsplit("_", 1)[1])
        return {table for table, events in by_table.items() if events == {"ins", "upd", "del"}}


def test_every_timeline_table_moves_the_version():
    """A table added without its trigger would let cached answers go stale: add it in a migration."""
    assert tables_with_version_triggers() == watched_tables()


def test_the_synthetic_generator_moves_the_version():
    version = current_data_version()
    call_command("generate_synthetic", actions=20, seed=3, verbosity=0)
    assert current_data_version() != version


@pytest.mark.postgres_only
def test_writers_on_related_rows_never_deadlock_on_the_version(action):
    """The version row is locked last at commit: a writer waiting at its foreign-key check holds no
    lock on it, so the writer it waits for can commit (PostgreSQL aborts one of two writers that
    wait on each other in a cycle)."""
    entity = factories.EntityFactory()
    settings_dict = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
    )
    with psycopg.connect(conninfo) as editing, psycopg.connect(conninfo) as adding:
        editing.execute("SELECT id FROM timeline_enforcementaction WHERE id = %s FOR UPDATE", [action.pk])
        editing.execute("UPDATE timeline_enforcementaction SET caption = 'Edited' WHERE id = %s", [action.pk])
        adding.execute("UPDATE timeline_entity SET description = 'Added' WHERE id = %s", [entity.pk])
        adding.execute(
            "INSERT INTO timeline_actionparty (action_id, entity_id, role, note) VALUES (%s, %s, 'defendant', '')",
            [action.pk, entity.pk],
        )
        failures = []

        def commit_adding():
            try:
                adding.commit()  # its foreign-key check waits for the editing transaction's row lock
            except psycopg.Error as error:
                failures.append(error)

        waiter = threading.Thread(target=commit_adding)
        waiter.start()
        time.sleep(0.5)
        editing.commit()
        waiter.join(timeout=10)

    assert not waiter.is_alive() and failures == []
    action.refresh_from_db()
    assert action.caption == "Edited" and action.parties.filter(entity=entity).exists()
