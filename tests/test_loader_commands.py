"""The editors' commands: load_timeline, check_fixtures (run in CI on fixtures/) and sync_timeline."""

import io
import json
import re
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import FIXTURES_DIR, fixture_files
from tests.loader_samples import canonical_dump, find, rec, row_counts, sample_records, write_records
from timeline import models
from timeline.services.loader.schema import bookkeeping_fields, citation_field, models_by_label

pytestmark = pytest.mark.django_db

STAMP = "2025-01-01T00:00:00Z"
needs_fixtures = pytest.mark.skipif(not fixture_files(), reason="no curated fixtures in fixtures/ yet")


def run(command, *args, **options):
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def with_timestamps(records):
    """Records as fixtures carry them: with the timestamps plain loaddata needs."""
    for record in records:
        for field in bookkeeping_fields(models_by_label()[record["model"]]):
            record["fields"].setdefault(field.name, STAMP)
    return records


class TtyBuffer(io.StringIO):
    def isatty(self):
        return True


def test_load_timeline_reports_what_it_wrote(tmp_path):
    path = write_records(tmp_path, "sample.json", sample_records())
    output = run("load_timeline", str(path), "--no-progress")
    assert "timeline.settlementcomponent      4 created      0 updated      0 unchanged" in output
    assert f"Records that were created: {len(sample_records())}, updated: 0, unchanged: 0." in output
    assert "Timeline sync:" in output

    again = run("load_timeline", str(tmp_path))
    assert f"created: 0, updated: 0, unchanged: {len(sample_records())}." in again
    assert "Timeline sync: 0 event(s) created, 0 updated, 0 deleted; clemency status changed for none." in again


def test_load_timeline_failure_lists_every_problem(tmp_path):
    """CommandError: manage.py prints it and exits with status 1."""
    records = sample_records()
    find(records, "sentence")["fields"]["custody_months"] = "four"
    find(records, "case", slug="acme-case")["fields"]["sources"] = []
    path = write_records(tmp_path, "sample.json", records)

    with pytest.raises(CommandError) as failed:
        run("load_timeline", str(path))
    message = str(failed.value)
    assert message.startswith("2 problem(s) found; nothing was written.")
    assert (
        f"{path}:" in message and "record 17 timeline.case [\"acme-case\"]: field 'sources': cites no source" in message
    )
    assert 'timeline.sentence ["doj-v-doe", "jane-doe"]: field \'custody_months\': invalid value' in message
    assert sum(row_counts().values()) == 0


def test_load_timeline_dry_run_writes_nothing(tmp_path):
    path = write_records(tmp_path, "sample.json", sample_records())
    output = run("load_timeline", str(path), "--dry-run")
    assert "dry run, nothing written" in output
    assert f"Records that would be created: {len(sample_records())}" in output
    assert sum(row_counts().values()) == 0


def test_progress_bar_on_a_terminal_unless_turned_off(tmp_path, monkeypatch):
    path = write_records(tmp_path, "sample.json", sample_records())
    terminal = TtyBuffer()
    monkeypatch.setattr("sys.stderr", terminal)
    run("load_timeline", str(path), "--dry-run")
    assert "Loading" in terminal.getvalue()

    quiet = TtyBuffer()
    monkeypatch.setattr("sys.stderr", quiet)
    run("load_timeline", str(path), "--dry-run", "--no-progress")
    assert quiet.getvalue() == ""


def test_check_fixtures_passes_on_a_sound_folder_and_writes_nothing(tmp_path):
    write_records(tmp_path, "00-sample.json", with_timestamps(sample_records()))
    output = run("check_fixtures", str(tmp_path))
    assert output.strip() == f"1 file(s), {len(sample_records())} record(s) checked in {tmp_path}: no problems."
    assert sum(row_counts().values()) == 0


def test_check_fixtures_names_every_problem_of_a_broken_copy(tmp_path):
    records = with_timestamps(sample_records())
    find(records, "settlementcomponent", key="acme-fine")["fields"]["amount"] = "1600000.00"
    find(records, "event", key="acme-denial")["fields"]["sources"] = []
    del find(records, "case", slug="acme-case")["fields"]["created_at"]
    write_records(tmp_path, "00-sample.json", records)
    write_records(tmp_path, "other.json", with_timestamps([rec("entity", slug="acme", name="Acme", kind="company")]))

    with pytest.raises(CommandError) as failed:
        run("check_fixtures", str(tmp_path))
    lines = str(failed.value).splitlines()
    assert lines[0] == "4 problem(s) found; nothing was written."
    problems = "\n".join(lines[1:])
    assert "timeline.case [\"acme-case\"]: field 'created_at': missing: plain loaddata cannot fill" in problems
    assert "timeline.settlement [\"acme-plea\"]: field 'stated_total': the stated total USD 4,000,000.00" in problems
    assert "timeline.event [\"acme-denial\"]: field 'sources': cites no source" in problems
    assert f"other.json:2: record 1 timeline.entity [\"acme\"]: duplicate natural key: the same timeline.entity is " \
        f"record 8 of {tmp_path / '00-sample.json'}" in problems  # fmt: skip


def test_check_fixtures_requires_references_within_the_fixtures(tmp_path):
    """A fixture set loads on a fresh database, so a record that only the current database holds is dangling."""
    write_records(tmp_path, "00-sample.json", with_timestamps(sample_records()))
    run("load_timeline", str(tmp_path))
    write_records(tmp_path, "extra.json", with_timestamps([rec("entityalias", entity=["acme"], alias="AEX")]))
    (tmp_path / "00-sample.json").unlink()

    with pytest.raises(CommandError) as failed:
        run("check_fixtures", str(tmp_path))
    assert "field 'entity': dangling reference: no timeline.entity [\"acme\"] in the files loaded" in str(failed.value)


def test_check_fixtures_refuses_an_empty_folder(tmp_path):
    with pytest.raises(CommandError, match=re.escape("no .json, .yaml or .yml files in this folder")):
        run("check_fixtures", str(tmp_path))


@needs_fixtures
def test_curated_fixtures_pass_check_and_load_twice_without_change():
    output = run("check_fixtures")
    assert output.endswith("no problems.\n")
    first = run("load_timeline", str(FIXTURES_DIR), "--no-progress")
    assert "updated: 0, unchanged: 0." in first
    state = (row_counts(), canonical_dump())
    second = run("load_timeline", str(FIXTURES_DIR), "--no-progress")
    assert "created: 0, updated: 0," in second
    assert "Timeline sync: 0 event(s) created, 0 updated, 0 deleted; clemency status changed for none." in second
    assert (row_counts(), canonical_dump()) == state


@needs_fixtures
def test_check_fixtures_fails_on_a_broken_copy_of_the_curated_fixtures(tmp_path):
    for name in fixture_files():
        shutil.copy(name, tmp_path)
    target = tmp_path / sorted(path.name for path in tmp_path.iterdir())[-1]
    records = json.loads(target.read_text(encoding="utf-8"))
    facts = [record for record in records if citation_field(models_by_label()[record["model"]])]
    facts[0]["fields"]["sources"] = []
    facts[1]["fields"]["colour"] = "red"
    records.append(dict(records[0]))
    target.write_text(json.dumps(records), encoding="utf-8")

    with pytest.raises(CommandError) as failed:
        run("check_fixtures", str(tmp_path))
    message = str(failed.value)
    assert message.startswith("3 problem(s) found")
    assert "cites no source" in message
    assert "field 'colour': unknown field" in message
    assert "duplicate natural key" in message


def test_sync_timeline_reports_no_change_on_consistent_data(tmp_path):
    run("load_timeline", str(write_records(tmp_path, "sample.json", sample_records())))
    output = run("sync_timeline")
    assert output.splitlines() == [
        "Events changed: 0 created, 0 updated, 0 deleted.",
        "Clemency statuses changed: none.",
        "Penalty totals rows changed: 0.",
        "Total: 0 change(s).",
    ]


def test_sync_timeline_repairs_and_reports(tmp_path):
    run("load_timeline", str(write_records(tmp_path, "sample.json", sample_records())))
    models.Event.objects.filter(key="doj-v-doe-jane-doe-sentenced").delete()
    models.PardonRequest.objects.update(status="requested", granted_by=None)

    dry = run("sync_timeline", "--dry-run")
    # The clemency event no longer lists a grantor, and the sentencing event comes back.
    assert "Events would change: 1 created, 1 updated, 0 deleted." in dry
    assert not models.Event.objects.filter(key="doj-v-doe-jane-doe-sentenced").exists()

    output = run("sync_timeline")
    assert "Events changed: 1 created, 1 updated, 0 deleted." in output
    assert "Clemency statuses changed: doe-pardon." in output
    assert models.PardonRequest.objects.get().status == models.ClemencyStatus.GRANTED
    assert models.Event.objects.filter(key="doj-v-doe-jane-doe-sentenced").exists()
