"""The editors' loader: every record validated before anything is kept, idempotent re-loads, precise problems."""

import datetime
from decimal import Decimal

import pytest
import yaml

from tests.conftest import SharedRows
from tests.loader_samples import (
    canonical_dump,
    find,
    rec,
    row_counts,
    sample_records,
    updated_stamps,
    write_records,
)
from timeline import models
from timeline.services.loader import LoadFailed, load_paths

pytestmark = pytest.mark.django_db

SAMPLE_SIZE = len(sample_records())


def database_state():
    return row_counts(), canonical_dump()


def load_failure(paths, **options):
    with pytest.raises(LoadFailed) as failed:
        load_paths(paths, **options)
    return failed.value.problems


def load_sample(folder):
    path = write_records(folder, "sample.json", sample_records())
    load_paths([path])
    return path


@pytest.fixture(scope="module", params=["empty database", "loaded database"])
def shared_database(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """No rows, or the sample dataset loaded, for the module's tests that run on both."""
    folder = tmp_path_factory.mktemp("sample")
    rows = SharedRows(django_db_blocker, lambda: load_sample(folder) if request.param == "loaded database" else None)
    yield rows
    rows.close()


@pytest.fixture
def over(shared_database, db):
    """The database bad input is loaded over: empty, or holding the sample dataset."""


@pytest.fixture(scope="module")
def shared_sample(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    rows = SharedRows(django_db_blocker, lambda: load_sample(folder))
    yield rows
    rows.close()


@pytest.fixture
def loaded(shared_sample, db):
    """The sample dataset loaded (once for the module); returns the file it came from."""
    return shared_sample.data()


def test_load_writes_every_record_with_its_references_and_syncs_the_timeline(tmp_path):
    path = write_records(tmp_path, "sample.json", sample_records())
    report = load_paths([path])

    assert report.totals.created == SAMPLE_SIZE
    assert report.counts["timeline.settlementcomponent"].created == 4
    assert models.Entity.objects.get(slug="usao-wdwa").parent.slug == "doj"
    forfeiture = models.SettlementComponent.objects.get(key="acme-forfeiture")
    assert sorted(part.key for part in forfeiture.parts.all()) == ["acme-forfeiture-a", "acme-forfeiture-b"]
    assert list(models.Credit.objects.get().against.all()) == [forfeiture]
    assert models.ChargeStatute.objects.get().confirmed is False
    request = models.PardonRequest.objects.get(slug="doe-pardon")
    assert [sentence.defendant.slug for sentence in request.sentences.all()] == ["jane-doe"]
    assert models.Event.objects.get(key="acme-denial").responds_to.key == "acme-press-report"
    assert models.Case.objects.get().headline_amount == Decimal("4000000.00")
    # The sync wrote the events mirroring the dated facts: filings, pleas, sentence, clemency, relationship.
    assert report.events_created > 0
    assert models.Event.objects.filter(sentence__defendant__slug="jane-doe").count() == 3
    assert models.Event.objects.exclude(fact_field="").count() == report.events_created


def test_second_load_changes_nothing(loaded):
    before_state = database_state()
    before_stamps = updated_stamps()

    report = load_paths([loaded])

    assert (report.totals.created, report.totals.updated, report.totals.unchanged) == (0, 0, SAMPLE_SIZE)
    assert (report.events_created, report.events_updated, report.events_deleted) == (0, 0, 0)
    assert report.clemency_changed == []
    # Same rows (the audit trail too: no needless saves), same values, same timestamps.
    assert database_state() == before_state
    assert updated_stamps() == before_stamps


def test_corrected_file_updates_records_in_place(tmp_path, loaded):
    records = sample_records()
    find(records, "case", slug="acme-case")["fields"]["title"] = "Acme Exchange Ltd. and Jane Doe"
    find(records, "enforcementaction", slug="doj-v-doe")["fields"]["sources"] = [["s-court"]]
    case_pk = models.Case.objects.get().pk
    before_stamps = updated_stamps()
    before_counts = row_counts()

    report = load_paths([write_records(tmp_path, "sample.json", records)])

    assert report.totals.created == 0
    assert report.totals.updated == 2
    assert report.counts["timeline.case"].updated == 1
    assert report.counts["timeline.enforcementaction"].updated == 1
    case = models.Case.objects.get()
    assert (case.pk, case.title) == (case_pk, "Acme Exchange Ltd. and Jane Doe")
    action = models.EnforcementAction.objects.get(slug="doj-v-doe")
    assert [source.key for source in action.sources.all()] == ["s-court"]
    changed = {key for key, stamp in updated_stamps().items() if stamp != before_stamps[key]}
    assert changed == {("timeline.case", '["acme-case"]'), ("timeline.enforcementaction", '["doj-v-doe"]')}
    counts = row_counts()
    assert {label: n for label, n in counts.items() if not label.startswith("timeline.historical")} == {
        label: n for label, n in before_counts.items() if not label.startswith("timeline.historical")
    }


def test_fields_left_out_of_a_file_are_left_alone(tmp_path, loaded):
    models.Case.objects.filter(slug="acme-case").update(summary="Written in the admin.")
    report = load_paths([write_records(tmp_path, "case.json", [rec("case", slug="acme-case", title="New title")])])

    assert report.counts["timeline.case"].updated == 1
    case = models.Case.objects.get()
    assert (case.title, case.summary) == ("New title", "Written in the admin.")
    assert case.sources.count() == 1


def test_dry_run_reports_and_writes_nothing(tmp_path):
    path = write_records(tmp_path, "sample.json", sample_records())
    before = database_state()

    report = load_paths([path], dry_run=True)

    assert report.dry_run
    assert report.totals.created == SAMPLE_SIZE
    assert report.events_created > 0
    assert database_state() == before
    assert any("would be created" in line for line in report.lines())


def test_dry_run_of_a_correction_reports_the_update_only(tmp_path, loaded):
    records = sample_records()
    find(records, "entity", slug="acme")["fields"]["name"] = "Acme Exchange Limited"
    before = database_state()

    report = load_paths([write_records(tmp_path, "sample.json", records)], dry_run=True)

    assert (report.totals.created, report.totals.updated) == (0, 1)
    assert report.counts["timeline.entity"].updated == 1
    assert database_state() == before


def test_references_resolve_forward_and_across_files(tmp_path):
    """A record may cite a source defined later in its file, or an entity defined in another file."""
    records = sample_records()
    entities = [record for record in records if record["model"] in ("timeline.entity", "timeline.entityalias")]
    rest = [record for record in records if record not in entities]
    rest.reverse()
    first = write_records(tmp_path, "a-facts.json", rest)
    second = write_records(tmp_path, "b-entities.json", entities)

    report = load_paths([first, second])

    assert report.totals.created == SAMPLE_SIZE


def test_folder_and_yaml_input(tmp_path):
    folder = tmp_path / "editor"
    folder.mkdir()
    records = sample_records()
    (folder / "sample.yaml").write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    (folder / "notes.txt").write_text("not an editor file")

    report = load_paths([folder])

    assert report.files == [str(folder / "sample.yaml")]
    assert report.totals.created == SAMPLE_SIZE
    assert models.Sentence.objects.get().report_date == datetime.date(2024, 6, 1)


def test_progress_callback_sees_every_record(tmp_path):
    seen = {}

    def progress(iterable, total, **options):
        seen["total"] = total
        return iterable

    load_paths([write_records(tmp_path, "sample.json", sample_records())], progress=progress)
    assert seen["total"] == SAMPLE_SIZE


# Bad input: each case alters the sample, and must leave the database exactly as the good load left it.


def malformed_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[\n  {"model": "timeline.source",\n   "fields": {"key": "x",}}\n]\n', encoding="utf-8")
    return path


def test_malformed_json_names_file_line_and_column(tmp_path, loaded):
    before = database_state()
    (problem,) = load_failure([malformed_json(tmp_path), loaded])
    assert problem.file.endswith("bad.json")
    assert (problem.line, problem.column) == (3, 26)
    assert str(problem).startswith(f"{tmp_path / 'bad.json'}:3:26: malformed JSON")
    assert database_state() == before


def test_malformed_yaml_names_file_line_and_column(tmp_path, loaded):
    path = tmp_path / "bad.yaml"
    path.write_text("- model: timeline.source\n  fields: {key: x\n- model: timeline.case\n", encoding="utf-8")
    before = database_state()
    (problem,) = load_failure([path])
    assert problem.file.endswith("bad.yaml")
    assert problem.line == 3
    assert "malformed YAML" in problem.message
    assert database_state() == before


def unknown_field(records):
    find(records, "charge", number=1)["fields"]["colour"] = "red"
    return ("timeline.charge", "colour", "unknown field")


def misspelt_field(records):
    fields = find(records, "case", slug="acme-case")["fields"]
    fields["titel"] = fields.pop("title")
    return ("timeline.case", "titel", "did you mean 'title'")


def wrong_type_integer(records):
    find(records, "sentence")["fields"]["custody_months"] = "four"
    return ("timeline.sentence", "custody_months", "must be an integer")


def wrong_type_text(records):
    find(records, "entity", slug="acme")["fields"]["name"] = 12
    return ("timeline.entity", "name", "wrong type: expected text")


def wrong_type_boolean(records):
    find(records, "chargestatute")["fields"]["confirmed"] = "no"
    return ("timeline.chargestatute", "confirmed", "expected true or false")


def invalid_date(records):
    find(records, "enforcementaction", slug="doj-v-acme")["fields"]["filed_on"] = "2023-02-30"
    return ("timeline.enforcementaction", "filed_on", "invalid date")


def invalid_choice(records):
    find(records, "entity", slug="acme")["fields"]["kind"] = "bank"
    return ("timeline.entity", "kind", "is not a valid choice")


def missing_source(records):
    find(records, "settlementcomponent", key="acme-fine")["fields"]["sources"] = []
    return ("timeline.settlementcomponent", "sources", "cites no source")


def source_left_out(records):
    records.append(rec("event", key="acme-comment", date="2023-11-03", event_type="statement", title="Comment"))
    return ("timeline.event", "sources", "cites no source")


def dangling_reference(records):
    find(records, "settlementcomponent", key="acme-fine")["fields"]["payer"] = ["acme-holdings"]
    return ("timeline.settlementcomponent", "payer", 'dangling reference: no timeline.entity ["acme-holdings"]')


def dangling_many_to_many(records):
    find(records, "case", slug="acme-case")["fields"]["sources"] = [["s-release"], ["s-missing"]]
    return ("timeline.case", "sources", 'dangling reference: no timeline.source ["s-missing"]')


def reference_by_id(records):
    find(records, "actionparty", entity=["acme"])["fields"]["entity"] = 7
    return ("timeline.actionparty", "entity", "expected a natural key of timeline.entity as a list")


def duplicate_natural_key(records):
    records.append(rec("entityalias", entity=["acme"], alias="Acme"))
    return ("timeline.entityalias", None, "duplicate natural key")


def constraint_violation(records):
    """Two actions with one docket in one court: only the named UNIQUE constraint says so."""
    find(records, "enforcementaction", slug="doj-v-doe")["fields"]["docket_number"] = "2:23-cr-00001"
    return ("timeline.enforcementaction", None, "timeline_enforcementaction_docket_unique")


def check_constraint_violation(records):
    """A stated total without its currency: only the named CHECK constraint says so."""
    find(records, "settlement")["fields"]["stated_total_currency"] = ""
    return ("timeline.settlement", None, "timeline_settlement_stated_total_currency_iso4217")


def model_rule(records):
    find(records, "enforcementaction", slug="doj-v-acme")["fields"]["authority"] = ["acme"]
    return ("timeline.enforcementaction", "authority", "not a government authority")


def total_mismatch(records):
    find(records, "settlementcomponent", key="acme-fine")["fields"]["amount"] = "1600000.00"
    return ("timeline.settlement", "stated_total", "does not equal the sum of its top-level components")


def parts_mismatch(records):
    find(records, "settlementcomponent", key="acme-forfeiture-b")["fields"]["amount"] = "1400000.00"
    return ("timeline.settlementcomponent", "amount", "its parts add up to USD 2,400,000.00")


def credit_exceeds(records):
    find(records, "credit")["fields"]["amount"] = "1500000.01"
    return ("timeline.credit", "amount", "Credits cannot exceed what is payable")


def unknown_model(records):
    records.append(rec("sentense", defendant=["jane-doe"]))
    return ("timeline.sentense", None, "did you mean 'timeline.sentence'")


def primary_key_given(records):
    find(records, "statute")["pk"] = 3
    return ("timeline.statute", None, "remove 'pk'")


def mirrored_event_disagrees(records):
    records.append(
        rec("event", key="doj-v-acme-filed", date="2023-03-28", event_type="filing", title="Charges filed",
            case=["acme-case"], fact_field="action_filed", action=["doj-v-acme"], sources=[["s-release"]])
    )  # fmt: skip
    return ("timeline.event", "date", "the timeline sync changes it")


def clemency_status_disagrees(records):
    find(records, "pardonrequest")["fields"]["status"] = "requested"
    find(records, "pardonrequest")["fields"]["granted_by"] = None
    return ("timeline.pardonrequest", "status", "the current status follows the request's history")


BAD_INPUTS = [
    unknown_field,
    misspelt_field,
    wrong_type_integer,
    wrong_type_text,
    wrong_type_boolean,
    invalid_date,
    invalid_choice,
    missing_source,
    source_left_out,
    dangling_reference,
    dangling_many_to_many,
    reference_by_id,
    duplicate_natural_key,
    constraint_violation,
    check_constraint_violation,
    model_rule,
    total_mismatch,
    parts_mismatch,
    credit_exceeds,
    unknown_model,
    primary_key_given,
    mirrored_event_disagrees,
    clemency_status_disagrees,
]


@pytest.mark.parametrize("break_it", BAD_INPUTS, ids=lambda case: case.__name__)
def test_bad_input_loads_nothing_and_names_the_problem(tmp_path, break_it, over):
    records = sample_records()
    model, field, text = break_it(records)
    path = write_records(tmp_path, "edited.json", records)
    before = database_state()

    problems = load_failure([path])

    assert database_state() == before
    matching = [problem for problem in problems if text in problem.message]
    assert matching, [str(problem) for problem in problems]
    problem = matching[0]
    assert (problem.file, problem.model, problem.field) == (str(path), model, field)
    assert records[problem.index - 1]["model"] == model
    assert str(problem).startswith(f"{path}:{problem.line}: record {problem.index} {model}")


def test_one_bad_record_among_many_good_loads_nothing(tmp_path):
    records = sample_records()
    find(records, "monitor")["fields"]["term_months"] = 0
    path = write_records(tmp_path, "sample.json", records)

    (problem,) = load_failure([path])

    assert (problem.model, problem.key, problem.field) == ("timeline.monitor", ("acme-monitor",), "term_months")
    assert sum(row_counts().values()) == 0


def test_every_problem_in_a_file_is_reported(tmp_path):
    records = sample_records()
    unknown_field(records)
    wrong_type_integer(records)
    missing_source(records)
    dangling_reference(records)
    duplicate_natural_key(records)
    path = write_records(tmp_path, "sample.json", records)

    problems = load_failure([path])

    expected = [
        ("timeline.charge", "colour", "unknown field"),
        ("timeline.sentence", "custody_months", "invalid value"),
        ("timeline.settlementcomponent", "sources", "cites no source"),
        ("timeline.settlementcomponent", "payer", "dangling reference"),
        ("timeline.entityalias", None, "duplicate natural key"),
    ]
    for model, field, start in expected:
        assert any(
            (problem.model, problem.field) == (model, field) and problem.message.startswith(start)
            for problem in problems
        ), (model, field, start)
    assert len(problems) == len(expected)


def test_duplicate_natural_key_across_files_names_both(tmp_path):
    first = write_records(tmp_path, "a.json", sample_records())
    second = write_records(tmp_path, "b.json", [rec("statute", citation="31 U.S.C. § 5318(h)", title="Other")])

    (problem,) = load_failure([first, second])

    assert problem.file == str(second)
    assert problem.key == ("31 U.S.C. § 5318(h)",)
    assert f"record 16 of {first}" in problem.message


def test_reference_cycle_is_reported(tmp_path):
    records = [
        rec("entity", slug="c", name="C", kind="authority", parent=["a"]),
        rec("entity", slug="a", name="A", kind="authority", parent=["b"]),
        rec("entity", slug="b", name="B", kind="authority", parent=["a"]),
    ]
    problems = load_failure([write_records(tmp_path, "cycle.json", records)])
    # C only hangs off the cycle: it is not part of it, and is not reported for it.
    assert {(problem.key, problem.field) for problem in problems} == {(("a",), "parent"), (("b",), "parent")}
    assert all("reference cycle" in problem.message for problem in problems)


def test_missing_path_and_structure_problems(tmp_path):
    not_a_list = tmp_path / "object.json"
    not_a_list.write_text('{"model": "timeline.source"}', encoding="utf-8")
    problems = load_failure([tmp_path / "missing.json", not_a_list])
    messages = {problem.file: problem.message for problem in problems}
    assert messages[str(tmp_path / "missing.json")] == "no such file or folder"
    assert messages[str(not_a_list)] == "expected a list of records, found dict"


def test_incomplete_natural_key_is_reported(tmp_path):
    records = [rec("source", url="https://example.org/x", title="T", publisher="P")]
    (problem,) = load_failure([write_records(tmp_path, "source.json", records)])
    assert problem.message == 'cannot tell which record this is: its natural key ["key"] is incomplete'


def test_integer_given_as_a_fraction_is_refused(tmp_path):
    records = sample_records()
    find(records, "monitor")["fields"]["term_months"] = 36.5
    (problem,) = load_failure([write_records(tmp_path, "sample.json", records)])
    assert problem.message == "wrong type: expected a whole number, got 36.5"
