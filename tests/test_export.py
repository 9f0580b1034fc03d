"""Export in the editor format: load, export, load into an empty database reproduces every record and relation."""

import io
import json

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import SharedRows, fixture_files
from tests.loader_samples import canonical_dump, empty_timeline, rec, sample_records, write_records
from timeline import models
from timeline.services.export import export_timeline
from timeline.services.loader import load_paths

pytestmark = pytest.mark.django_db


def second_case():
    """Another matter sharing the DOJ with the sample, whose credit points into the sample's settlement."""
    return [
        rec("source", key="t-release", url="https://example.org/beta", title="Beta settles", publisher="SEC"),
        rec("entity", slug="sec", name="Securities and Exchange Commission", kind="authority", country="US"),
        rec("entity", slug="beta", name="Beta Markets Inc.", kind="company", country="US"),
        rec("entityalias", entity=["beta"], alias="Beta"),
        rec("case", slug="beta-case", title="Beta Markets", sources=[["t-release"]]),
        rec("enforcementaction", slug="sec-v-beta", case=["beta-case"], authority=["sec"], action_type="civil",
            caption="SEC v. Beta Markets Inc.", status="settled", filed_on="2024-01-10", resolved_on="2024-02-01",
            sources=[["t-release"]]),
        rec("actionparty", action=["sec-v-beta"], entity=["beta"], role="defendant"),
        rec("settlement", slug="beta-consent", action=["sec-v-beta"], kind="consent_order", title="Beta consent",
            agreed_on="2024-02-01", sources=[["t-release"]]),
        rec("settlementcomponent", key="beta-penalty", settlement=["beta-consent"], payer=["beta"],
            kind="civil_money_penalty", amount="300000.00", currency="USD", sources=[["t-release"]]),
        rec("credit", key="beta-credit", component=["beta-penalty"], kind="offset", amount="100000.00",
            currency="USD", against=[["acme-fine"]], sources=[["t-release"]]),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def shared_sample(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")

    def load():
        load_paths([write_records(folder, "sample.json", sample_records() + second_case())])

    rows = SharedRows(django_db_blocker, load)
    yield rows
    rows.close()


@pytest.fixture
def loaded(shared_sample, db):
    """The sample and a second case, loaded once for the module."""
    shared_sample.data()


def export_to(path, **options):
    with open(path, "w", encoding="utf-8") as stream:
        export_timeline(stream, **options)
    return path


def dump_of_keys(dump, keys):
    return {label: {key: row for key, row in rows.items() if (label, key) in keys} for label, rows in dump.items()}


def test_round_trip_reproduces_every_record_and_relation(tmp_path, loaded):
    before = canonical_dump()
    path = export_to(tmp_path / "export.json")

    empty_timeline()
    assert not any(canonical_dump().values())
    report = load_paths([path])

    assert report.totals.created == sum(len(rows) for rows in before.values())
    assert (report.events_created, report.events_updated, report.events_deleted) == (0, 0, 0)
    assert canonical_dump() == before


def test_export_loads_with_plain_loaddata(tmp_path, loaded):
    before = canonical_dump()
    path = export_to(tmp_path / "export.json")
    empty_timeline()

    call_command("loaddata", str(path), verbosity=0)

    assert canonical_dump() == before


def test_yaml_round_trip(tmp_path, loaded):
    before = canonical_dump()
    path = export_to(tmp_path / "export.yaml", fmt="yaml")
    empty_timeline()
    load_paths([path])
    assert canonical_dump() == before


def test_export_uses_natural_keys_only_and_is_stable(tmp_path, loaded):
    first = export_to(tmp_path / "first.json").read_text(encoding="utf-8")
    second = export_to(tmp_path / "second.json").read_text(encoding="utf-8")
    assert first == second
    records = json.loads(first)
    assert all(set(record) == {"model", "fields"} for record in records)
    component = next(r for r in records if r["model"] == "timeline.credit" and r["fields"]["key"] == "beta-credit")
    assert component["fields"]["component"] == ["beta-penalty"]
    assert component["fields"]["against"] == [["acme-fine"]]


def test_case_export_holds_the_case_and_everything_it_references(tmp_path, loaded):
    full = canonical_dump()
    path = export_to(tmp_path / "beta.json", cases=[models.Case.objects.get(slug="beta-case")])
    records = json.loads(path.read_text(encoding="utf-8"))
    keys = {(record["model"], record["fields"].get("slug") or record["fields"].get("key")) for record in records}

    assert ("timeline.case", "beta-case") in keys
    assert ("timeline.entityalias", None) in keys  # Beta's alias travels with it.
    # The credit offsets the sample's fine, so that component and what it hangs off come along, with
    # the settlement's other components (its stated total must still add up) ...
    assert {("timeline.settlementcomponent", "acme-fine"), ("timeline.settlement", "acme-plea")} <= keys
    assert ("timeline.settlementcomponent", "acme-forfeiture-b") in keys
    assert {("timeline.case", "acme-case"), ("timeline.source", "s-release"), ("timeline.entity", "usao-wdwa")} <= keys
    assert ("timeline.entity", "doj") in keys  # the parent of the office that brought the action
    # ... but not the rest of the sample's case.
    assert ("timeline.sentence", None) not in keys
    assert ("timeline.credit", "acme-fine-credit") not in keys
    assert ("timeline.monitor", "acme-monitor") not in keys

    empty_timeline()
    call_command("loaddata", str(path), verbosity=0)
    exported = canonical_dump()
    wanted = {(label, key) for label, rows in exported.items() for key in rows}
    assert sum(len(rows) for rows in exported.values()) == len(records)
    assert exported == dump_of_keys(full, wanted)
    assert models.Event.objects.filter(action__slug="sec-v-beta").exists()

    empty_timeline()
    report = load_paths([path], self_contained=True)
    assert report.totals.created == len(records)


def test_entity_export_holds_its_cases_and_relationships(tmp_path, loaded):
    path = export_to(tmp_path / "doe.json", entities=[models.Entity.objects.get(slug="jane-doe")])
    records = json.loads(path.read_text(encoding="utf-8"))
    models_exported = {record["model"] for record in records}
    assert {"timeline.sentence", "timeline.pardonrequest", "timeline.entityrelationship"} <= models_exported
    assert not any(record["fields"].get("slug") == "beta-case" for record in records)

    empty_timeline()
    report = load_paths([path], self_contained=True)
    assert report.totals.created == len(records)


@pytest.mark.skipif(not fixture_files(), reason="no curated fixtures in fixtures/ yet")
def test_curated_fixtures_round_trip(tmp_path):
    load_paths(fixture_files())
    before = canonical_dump()
    path = export_to(tmp_path / "export.json")
    empty_timeline()
    load_paths([path])
    assert canonical_dump() == before


def test_export_command_writes_file_or_stdout(tmp_path, loaded):
    target = tmp_path / "beta.yaml"
    err = io.StringIO()
    call_command("export_timeline", "--case", "beta-case", "--output", str(target), stderr=err)
    exported = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert any(record["fields"].get("slug") == "beta-case" for record in exported)
    assert "record(s) written to" in err.getvalue()

    out = io.StringIO()
    call_command("export_timeline", "--entity", "beta", stdout=out)
    assert any(record["fields"].get("slug") == "beta" for record in json.loads(out.getvalue()))

    with pytest.raises(CommandError, match="No case with slug nowhere"):
        call_command("export_timeline", "--case", "nowhere", stdout=io.StringIO())
