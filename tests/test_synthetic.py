"""The synthetic-data generator and the benchmark harness, at sizes small enough for every test run."""

import math
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from benchmarks.measure import measure_mix
from benchmarks.mix import THROUGHPUT_GROUPS, build_mix, choose_samples
from benchmarks.run import format_table, growth_report
from benchmarks.throughput import measure_throughput
from tests.factories import EntityFactory
from timeline.models import (
    ActionParty,
    Charge,
    Credit,
    EnforcementAction,
    Entity,
    EntityKind,
    EntityRelationship,
    Event,
    PardonRequest,
    PardonStatusChange,
    Sentence,
    Settlement,
    SettlementComponent,
    Source,
)
from timeline.services.clemency import derived_status
from timeline.services.events import events_sync_all
from timeline.services.synthetic import SyntheticDataError, synthetic_generate
from timeline.services.synthetic.tables import TABLES

pytestmark = pytest.mark.django_db


def snapshot():
    """Every generated row of every table, many-to-many rows without their surrogate ids."""
    data = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            columns = ", ".join(connection.ops.quote_name(column) for column in table.columns)
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(table.model._meta.db_table)}")
            data[table.name] = sorted(cursor.fetchall(), key=repr)
    return data


@pytest.fixture
def small_dataset(db):
    return synthetic_generate(120, seed=7)


def test_same_seed_gives_identical_data():
    synthetic_generate(60, seed=3)
    first = snapshot()
    synthetic_generate(60, seed=3, replace=True)
    assert snapshot() == first


def test_batch_size_does_not_change_the_data():
    synthetic_generate(60, seed=3, batch_size=7)
    small_batches = snapshot()
    synthetic_generate(60, seed=3, batch_size=1000, replace=True)
    assert snapshot() == small_batches


def test_another_seed_gives_other_data():
    synthetic_generate(60, seed=3)
    first = snapshot()
    synthetic_generate(60, seed=4, replace=True)
    assert snapshot()["action"] != first["action"]


def test_counts_and_proportions(small_dataset):
    actions = EnforcementAction.objects.count()
    assert actions == 120
    assert small_dataset.rows["action"] == 120
    assert small_dataset.total_rows == sum(small_dataset.rows.values())
    events_per_action = Event.objects.count() / actions
    assert 4.0 <= events_per_action <= 6.0
    kinds = Counter(Entity.objects.values_list("kind", flat=True))
    assert {EntityKind.PERSON, EntityKind.COMPANY, EntityKind.AUTHORITY, EntityKind.COURT} <= set(kinds)
    assert Entity.objects.filter(kind=EntityKind.AUTHORITY, parent__isnull=False).exists() or kinds["authority"] < 17
    assert EntityRelationship.objects.filter(kind="subsidiary_of").exists()
    assert not EnforcementAction.objects.filter(parties__isnull=True).exists()
    assert not EnforcementAction.objects.filter(charges__isnull=True).exists()
    assert Settlement.objects.count() > actions * 0.3
    assert SettlementComponent.objects.count() >= Settlement.objects.count()
    assert Credit.objects.exists()
    assert Sentence.objects.exists()
    assert Source.objects.count() >= actions
    assert not Event.objects.filter(sources__isnull=True).exists()


def test_clemency_has_history_and_derived_status():
    synthetic_generate(600, seed=2)
    assert PardonRequest.objects.exists()
    for request in PardonRequest.objects.prefetch_related("history"):
        history = list(request.history.all())
        assert history
        assert request.status == derived_status(history)
        assert (request.granted_by_id is not None) == (request.status == "granted")


def test_skew_a_few_entities_in_many_actions_and_amounts_over_orders_of_magnitude():
    synthetic_generate(1500, seed=5)
    per_entity = Counter(ActionParty.objects.values_list("entity_id", flat=True))
    counts = sorted(per_entity.values(), reverse=True)
    median = counts[len(counts) // 2]
    assert counts[0] >= 20 * median
    per_authority = Counter(EnforcementAction.objects.values_list("authority_id", flat=True)).most_common()
    assert per_authority[0][1] > 4 * per_authority[-1][1]
    amounts = [float(value) for value in SettlementComponent.objects.values_list("amount", flat=True)]
    assert math.log10(max(amounts)) - math.log10(min(amounts)) >= 4


def test_every_row_passes_model_validation(small_dataset):
    for model in (
        Entity,
        EntityRelationship,
        Source,
        EnforcementAction,
        ActionParty,
        Charge,
        Settlement,
        SettlementComponent,
        Credit,
        Sentence,
        PardonRequest,
        PardonStatusChange,
        Event,
    ):
        for obj in model.objects.all():
            obj.full_clean()


def test_mirrored_events_are_exactly_what_events_sync_would_write(small_dataset):
    assert Event.objects.exclude(fact_field="").exists()
    assert Event.objects.filter(fact_field="").exists()
    report = events_sync_all()
    assert (report.created, report.updated, report.deleted) == (0, 0, 0)


def test_refuses_curated_data_without_force():
    curated = EntityFactory(slug="binance-holdings", name="Binance Holdings Ltd.")
    with pytest.raises(SyntheticDataError, match="curated"):
        synthetic_generate(10)
    with pytest.raises(SyntheticDataError, match="curated"):
        synthetic_generate(10, force=True, replace=True)
    synthetic_generate(10, force=True)
    assert Entity.objects.filter(pk=curated.pk).exists()
    assert EnforcementAction.objects.count() == 10


def test_refuses_to_generate_twice_without_replace():
    synthetic_generate(10)
    with pytest.raises(SyntheticDataError, match="--replace"):
        synthetic_generate(10)
    synthetic_generate(12, replace=True)
    assert EnforcementAction.objects.count() == 12


def test_command_reports_rows_per_second():
    out = StringIO()
    call_command(
        "generate_synthetic", "--actions", "25", "--seed", "9", "--batch-size", "10", stdout=out, stderr=StringIO()
    )
    assert "rows/s" in out.getvalue()
    assert EnforcementAction.objects.count() == 25
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_synthetic", "--actions", "5", stdout=StringIO(), stderr=StringIO())


def test_harness_runs_the_mix_at_tiny_size(settings, small_dataset):
    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"}}
    settings.API_CACHE_SECONDS = 600
    mix = build_mix(choose_samples())
    results = measure_mix(mix, runs=2, warmup=1, budget=5.0)
    assert [result.name for result in results] == [request.name for request in mix]
    for result in results:
        assert result.status in {"ok", "missing"} or result.status.startswith("HTTP")
        if result.status == "ok":
            assert result.endpoint.runs >= 1 and result.endpoint.p50 > 0
            assert result.queries >= 1
            if result.raw.runs:
                assert result.rows_match is not False, result.notes
            if result.group == "admin":
                assert result.cached.runs == 0
            else:
                assert result.cached.runs >= 1 and result.cached_queries < result.queries, result.name
                assert "cached answer differs from the computed one" not in result.notes
    assert "request" in format_table(results)
    run = {"actions": 120, "results": [result.as_dict() for result in results]}
    text, flags = growth_report([run, {**run, "actions": 1200}])
    assert flags == []
    assert "actions-list" in text


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_throughput_run_under_gunicorn_on_loopback():
    synthetic_generate(40, seed=11)
    mix = build_mix(choose_samples())
    paths = [request.url for request in mix if request.group in THROUGHPUT_GROUPS]
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    result = measure_throughput(
        paths, seconds=1.0, concurrency=2, workers=1, threads=2, warmup_seconds=0.2, env={"DATABASE_URL": url}
    )
    assert result.requests > 0
    assert set(result.statuses) <= {200, 404}
