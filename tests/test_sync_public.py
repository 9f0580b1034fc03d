"""Only public data leaves through the change feed and the bulk releases: a whitelist of tables, checked
against every table of the database, and no trace of accounts, tokens or the audit trail's users."""

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from tests.write_payloads import send
from timeline.services.loader.schema import editor_models
from timeline.sync.bulk.tables import table_models
from timeline.sync.tables import PUBLIC_MODELS, public_tables

SECRET_NAME = "zq-private-editor"


def tables_with_change_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'timeline_sync_%'")
            tables = {row[0].strip('"') for row in cursor.fetchall()}
            tables.discard("timeline_dataversion")  # the commit stamp, not a change log
            return tables
        cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'timeline_sync_%'")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_every_table_is_either_public_and_logged_or_left_out():
    """The whitelist is the editors' models and their many-to-many tables, nothing else; each carries
    change-log triggers. A table added anywhere (screening, webhooks) stays out until named here."""
    every_table = set(connection.introspection.table_names())
    public = set(public_tables())
    assert public <= every_table
    assert {model._meta.label_lower for model in editor_models()} == set(PUBLIC_MODELS), (
        "a new editor model: decide whether it is public, add it to PUBLIC_MODELS and a change-log migration"
    )
    assert tables_with_change_triggers() == public
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in public:
            assert model._meta.app_label == "timeline" and not table.startswith("timeline_historical")
            assert not any(
                field.is_relation and field.related_model is not None and field.related_model._meta.app_label == "auth"
                for field in model._meta.get_fields()
            ), table
    left_out = every_table - public
    assert {"auth_user", "authtoken_token", "timeline_historicalentity", "django_session"} <= left_out
    assert {"timeline_penaltytotal", "timeline_dataversion", "timeline_sync_change"} <= left_out


@pytest.mark.django_db(transaction=True)
def test_feed_and_release_carry_no_account_token_or_audit_user(tmp_path, api_client_for, settings):
    editor = api_client_for(SECRET_NAME, "editor")
    token = editor._credentials["HTTP_AUTHORIZATION"].split()[1]
    created = send(
        editor,
        "post",
        reverse("api:entity-list"),
        {"slug": "public-check", "name": "Public Check Ltd.", "kind": "company", "country": "GB"},
    )
    assert created.status_code == 201
    detail = reverse("api:entity-detail", args=["public-check"])
    assert send(editor, "patch", detail, {"description": "Audited change."}).status_code == 200
    # The audit trail does hold the editor's name: the check below would catch it leaking.
    history = editor.get(reverse("api:entity-history", args=["public-check"])).content.decode()
    assert SECRET_NAME in history

    feed_text = []
    token_since = ""
    while True:
        body = APIClient().get(reverse("api:changes"), {"since": token_since, "page_size": 1000}).json()
        feed_text.append(json.dumps(body))
        token_since = body["next"]
        if not body["has_more"]:
            break
    settings.BULK_ROOT = tmp_path / "bulk"
    call_command("publish_bulk", "--no-progress", stdout=io.StringIO())
    release_text = [path.read_text(encoding="utf-8") for path in settings.BULK_ROOT.rglob("*") if path.is_file()]
    everything = "\n".join(feed_text + release_text)
    assert "Public Check Ltd." in everything
    for secret in (SECRET_NAME, token, "pbkdf2_", "history_user"):
        assert secret not in everything, secret
    csv_tables = {path.stem for path in settings.BULK_ROOT.rglob("csv/*.csv")}
    assert csv_tables == set(public_tables()) == {model._meta.db_table for model in table_models()}
    models_in_feed = {change["model"] for text in feed_text for change in json.loads(text)["changes"]}
    assert models_in_feed <= set(PUBLIC_MODELS)
