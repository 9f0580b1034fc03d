"""publish_bulk: a release whose checksums verify, served at /bulk/, whose FollowTheMoney file validates
with the followthemoney library, and whose CSV files load into an empty PostgreSQL database."""

import csv
import hashlib
import io
import json
import os
import subprocess
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from timeline import models
from timeline.sync.bulk.tables import table_models
from timeline.sync.tables import public_tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulk_root(tmp_path, settings):
    settings.BULK_ROOT = tmp_path / "bulk"
    return settings.BULK_ROOT


def publish(root):
    call_command("publish_bulk", "--root", str(root), "--no-progress", stdout=io.StringIO())
    return json.loads((root / "index.json").read_text(encoding="utf-8"))


def release_file(root, manifest, name):
    return root / manifest["version"] / name


def test_release_files_match_their_checksums_and_row_counts(bulk_root, curated_data, client):
    manifest = publish(bulk_root)
    names = {resource["name"] for resource in manifest["resources"]}
    assert {"schema.sql", "constraints.sql", "load.sql", "load.sh", "timeline.json", "entities.ftm.json"} <= names
    assert {name for name in names if name.startswith("csv/")} == {f"csv/{table}.csv" for table in public_tables()}
    for resource in manifest["resources"]:
        path = release_file(bulk_root, manifest, resource["name"])
        assert hashlib.sha256(path.read_bytes()).hexdigest() == resource["sha256"]
        assert path.stat().st_size == resource["size"]
        assert resource["url"] == f"/bulk/{manifest['version']}/{resource['name']}"
    for model in table_models():
        resource = next(r for r in manifest["resources"] if r["name"] == f"csv/{model._meta.db_table}.csv")
        with release_file(bulk_root, manifest, resource["name"]).open(encoding="utf-8", newline="") as stream:
            rows = list(csv.reader(stream))
        assert rows[0] == [field.column for field in model._meta.concrete_fields]
        assert len(rows) - 1 == resource["rows"] == model._base_manager.count()
    exported = json.loads(release_file(bulk_root, manifest, "timeline.json").read_text(encoding="utf-8"))
    assert len(exported) == next(r["rows"] for r in manifest["resources"] if r["name"] == "timeline.json")
    assert manifest["license"]["name"] and manifest["license"]["url"].startswith("https://")
    assert manifest["changes_since"].isdigit()

    # Served under /bulk/: the latest manifest, and the release's files.
    response = client.get(reverse("bulk-file", args=["index.json"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert json.loads(b"".join(response.streaming_content)) == manifest
    ftm_url = next(r["url"] for r in manifest["resources"] if r["name"] == "entities.ftm.json")
    served = client.get(ftm_url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == release_file(bulk_root, manifest, "entities.ftm.json").read_bytes()
    for missing in ("../config/settings.py", "nothing.json", f"{manifest['version']}/../../etc/passwd"):
        assert client.get(f"/bulk/{missing}").status_code == 404
    assert client.post(reverse("bulk-file", args=["index.json"])).status_code == 405


def test_each_release_has_a_higher_version_and_the_previous_ones_are_kept(bulk_root, settings):
    settings.BULK_KEEP_RELEASES = 2
    first = publish(bulk_root)
    models.Statute.objects.create(citation="15 U.S.C. § 78dd-1", title="Foreign Corrupt Practices Act")
    second = publish(bulk_root)
    third = publish(bulk_root)
    assert int(first["version"]) < int(second["version"]) < int(third["version"])
    assert [release["version"] for release in third["releases"]] == [third["version"], second["version"]]
    assert not (bulk_root / first["version"]).exists()
    assert json.loads((bulk_root / second["version"] / "index.json").read_text())["version"] == second["version"]
    statutes = next(r for r in second["resources"] if r["name"] == "csv/timeline_statute.csv")
    assert (
        statutes["rows"] == 1
        and next(r for r in first["resources"] if r["name"] == "csv/timeline_statute.csv")["rows"] == 0
    )


def test_followthemoney_file_validates_with_the_followthemoney_library(bulk_root, curated_data):
    from followthemoney import model as ftm

    manifest = publish(bulk_root)
    lines = release_file(bulk_root, manifest, "entities.ftm.json").read_text(encoding="utf-8").splitlines()
    entities = [json.loads(line) for line in lines]
    assert len(entities) == manifest["entity_count"] > 0
    ids = {entity["id"] for entity in entities}
    assert len(ids) == len(entities), "entity ids are unique"
    seen_schemata = set()
    for data in entities:
        schema = ftm.get(data["schema"])
        assert schema is not None and not schema.abstract, data["schema"]
        seen_schemata.add(schema.name)
        assert set(data["properties"]) <= set(schema.properties), (data["id"], set(data["properties"]))
        assert schema.validate(data) is None
        assert all(data["properties"].get(name) for name in schema.required), (data["id"], schema.required)
        proxy = ftm.get_proxy(data, cleaned=False)
        for name, values in data["properties"].items():
            prop = schema.properties[name]
            assert len(proxy.get(name)) == len(values), (data["id"], name, values)
            if prop.type.name == "entity":
                assert set(values) <= ids, (data["id"], name, values)
    assert {"Person", "Company", "PublicBody", "CourtCase", "CourtCaseParty", "Payment", "Event", "Article"} <= (
        seen_schemata
    )

    by_id = {entity["id"]: entity for entity in entities}
    for party in models.ActionParty.objects.select_related("entity"):
        topics = by_id[f"timeline-entity-{party.entity.slug}"]["properties"].get("topics", [])
        assert "reg.action" in topics
    for sentence in models.Sentence.objects.select_related("defendant"):
        assert "crime.fin" in by_id[f"timeline-entity-{sentence.defendant.slug}"]["properties"]["topics"]
    payments = [entity for entity in entities if entity["schema"] == "Payment"]
    assert len(payments) == models.SettlementComponent.objects.count()
    credited = models.Credit.objects.select_related("component").first()
    if credited is not None:
        description = by_id[f"timeline-payment-{credited.component.key}"]["properties"]["description"][0]
        assert str(credited.amount) in description


@pytest.mark.postgres_only
def test_csv_release_loads_into_an_empty_postgresql_database(bulk_root, curated_data):
    manifest = publish(bulk_root)
    params = connection.get_connection_params()
    name = f"{connection.settings_dict['NAME']}_bulk_{uuid.uuid4().hex[:8]}"
    admin = {key: params[key] for key in ("host", "port", "user", "password") if params.get(key)}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        target = psycopg.conninfo.make_conninfo(dbname=name, **admin)
        result = subprocess.run(
            [str(bulk_root / manifest["version"] / "load.sh")],
            env={**os.environ, "DATABASE_URL": target},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        with psycopg.connect(target) as loaded, connection.cursor() as source:
            for model in table_models():
                table = model._meta.db_table
                cols = ", ".join(f'"{field.column}"' for field in model._meta.concrete_fields)
                query = f'SELECT {cols} FROM "{table}" ORDER BY "{model._meta.pk.column}"'
                source.execute(query)
                assert loaded.execute(query).fetchall() == source.fetchall(), table
            constraints = loaded.execute(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text LIKE 'timeline_%'"
            ).fetchone()[0]
            assert constraints > 0
            # The identity counters moved past the rows loaded: a new row gets a fresh id.
            loaded.execute("INSERT INTO timeline_statute (citation, title, jurisdiction) VALUES ('x', 'y', 'US')")
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
