"""Reproducible index experiment: EXPLAIN ANALYZE of the mix's hot queries before and after indexes.sql.

``python -m benchmarks.indexes`` (PostgreSQL, DATABASE_URL) times each query (median execution
time of three EXPLAIN ANALYZE runs), applies ``benchmarks/indexes.sql``, times them again, prints
both with the plan's access path, writes JSON under benchmarks/results/ and drops the trial
objects again (``--keep`` leaves them for a harness run; ``--drop`` only drops them).
"""

import argparse
import datetime
import json
import os
import re
import statistics
from pathlib import Path

SQL_FILE = Path(__file__).resolve().parent / "indexes.sql"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
SEARCH_OR = (
    "(UPPER(a.caption) LIKE UPPER(%(like)s) OR UPPER(a.docket_number) LIKE UPPER(%(like)s) "
    "OR UPPER(a.summary) LIKE UPPER(%(like)s) OR EXISTS (SELECT 1 FROM timeline_actionparty p "
    "JOIN timeline_entity e ON e.id = p.entity_id WHERE p.action_id = a.id AND UPPER(e.name) LIKE UPPER(%(like)s)))"
)
# The same search written so every arm can use a trigram index: a UNION of index-served id sets.
SEARCH_UNION = (
    "a.id IN (SELECT x.id FROM timeline_enforcementaction x WHERE UPPER(x.caption) LIKE UPPER(%(like)s) "
    "OR UPPER(x.docket_number) LIKE UPPER(%(like)s) OR UPPER(x.summary) LIKE UPPER(%(like)s) "
    "UNION SELECT p.action_id FROM timeline_actionparty p JOIN timeline_entity e ON e.id = p.entity_id "
    "WHERE UPPER(e.name) LIKE UPPER(%(like)s))"
)
FTS = "to_tsvector('english', a.caption || ' ' || a.summary) @@ websearch_to_tsquery('english', %(word)s)"
TIMELINE = (
    "SELECT e.* FROM timeline_event e WHERE e.id IN (SELECT event_id FROM timeline_event_entities "
    "WHERE entity_id = %(entity)s) ORDER BY e.date, e.id LIMIT 21"
)
YEAR = "EXTRACT(YEAR FROM COALESCE(s.agreed_on, s.approved_on, a.resolved_on))"
QUERIES = {
    "actions-list count": "SELECT COUNT(*) FROM timeline_enforcementaction a "
    "WHERE a.authority_id = %(authority)s AND a.status = 'settled'",
    "actions-list page": "SELECT a.* FROM timeline_enforcementaction a WHERE a.authority_id = %(authority)s "
    "AND a.status = 'settled' ORDER BY a.filed_on DESC, a.caption, a.id DESC LIMIT 20",
    "events-list page": "SELECT e.* FROM timeline_event e WHERE e.event_type = 'settlement' "
    "ORDER BY e.date, e.id LIMIT 21",
    "search count (icontains)": f"SELECT COUNT(*) FROM timeline_enforcementaction a WHERE {SEARCH_OR}",
    "search page (icontains)": f"SELECT a.* FROM timeline_enforcementaction a WHERE {SEARCH_OR} "
    "ORDER BY a.filed_on DESC, a.caption, a.id DESC LIMIT 20",
    "search count (trigram, union)": f"SELECT COUNT(*) FROM timeline_enforcementaction a WHERE {SEARCH_UNION}",
    "search page (trigram, union)": f"SELECT a.* FROM timeline_enforcementaction a WHERE {SEARCH_UNION} "
    "ORDER BY a.filed_on DESC, a.caption, a.id DESC LIMIT 20",
    "search count (full text)": f"SELECT COUNT(*) FROM timeline_enforcementaction a WHERE {FTS}",
    "search page (full text)": f"SELECT a.* FROM timeline_enforcementaction a WHERE {FTS} "
    "ORDER BY a.filed_on DESC, a.caption, a.id DESC LIMIT 20",
    "entity-timeline top entity": TIMELINE.replace("%(entity)s", "%(offender)s"),
    "entity-timeline median entity": TIMELINE.replace("%(entity)s", "%(median_entity)s"),
    "admin-events search count": "SELECT COUNT(*) FROM timeline_event e WHERE e.event_type = 'filing' AND "
    "(UPPER(e.title) LIKE UPPER(%(like)s) OR e.id IN (SELECT ee.event_id FROM timeline_event_entities ee "
    "JOIN timeline_entity en ON en.id = ee.entity_id WHERE UPPER(en.name) LIKE UPPER(%(like)s)))",
    "stats by authority (scan)": "SELECT a.authority_id, sc.currency, SUM(sc.amount), SUM(sc.suspended_amount), "
    "COUNT(*) FROM timeline_settlementcomponent sc JOIN timeline_settlement s ON s.id = sc.settlement_id "
    "JOIN timeline_enforcementaction a ON a.id = s.action_id WHERE sc.part_of_id IS NULL GROUP BY 1, 2",
    "stats by year (scan)": f"SELECT {YEAR}, sc.currency, SUM(sc.amount), SUM(sc.suspended_amount), COUNT(*) "
    "FROM timeline_settlementcomponent sc JOIN timeline_settlement s ON s.id = sc.settlement_id "
    "JOIN timeline_enforcementaction a ON a.id = s.action_id WHERE sc.part_of_id IS NULL GROUP BY 1, 2",
}
# Read only once the trial objects exist.
SUMMARY_QUERIES = {
    "stats by authority (summary)": "SELECT t.authority_id, au.slug, au.name, t.currency, SUM(t.gross), "
    "SUM(t.suspended), SUM(t.credited), SUM(t.components) FROM bench_penalty_totals t "
    "JOIN timeline_entity au ON au.id = t.authority_id GROUP BY 1, 2, 3, 4",
    "stats by year (summary)": "SELECT t.year, t.currency, SUM(t.gross), SUM(t.suspended), SUM(t.credited), "
    "SUM(t.components) FROM bench_penalty_totals t GROUP BY 1, 2",
}


def statements():
    text = "\n".join(line for line in SQL_FILE.read_text().splitlines() if not line.lstrip().startswith("--"))
    return [statement.strip() for statement in text.split(";") if statement.strip()]


def trial_objects():
    """(kind, name) of every index and materialized view indexes.sql creates."""
    text = SQL_FILE.read_text()
    indexes = re.findall(r"CREATE INDEX IF NOT EXISTS (\w+)", text)
    views = re.findall(r"CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+)", text)
    return [("INDEX", name) for name in indexes] + [("MATERIALIZED VIEW", name) for name in views]


def apply(cursor):
    for statement in statements():
        cursor.execute(statement)
    cursor.execute("ANALYZE timeline_enforcementaction, timeline_event, timeline_entity, timeline_event_entities")


def drop(cursor):
    for kind, name in trial_objects():
        cursor.execute(f"DROP {kind} IF EXISTS {name}")


def _access_paths(plan):
    """The scan nodes of a JSON plan, e.g. 'Index Only Scan on bench_action_authority_status_filed'."""
    found = []

    def walk(node):
        if "Scan" in node["Node Type"]:
            found.append(f"{node['Node Type']} {node.get('Index Name') or node.get('Relation Name', '')}".strip())
        for child in node.get("Plans", []):
            walk(child)

    walk(plan)
    return sorted(set(found))


def time_query(cursor, sql, params, repeat=3):
    timings, paths = [], []
    for _ in range(repeat):
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]
        timings.append(plan["Execution Time"])
        paths = _access_paths(plan["Plan"])
    return {"ms": statistics.median(timings), "paths": paths}


def parameters():
    from benchmarks.mix import SEARCH_WORD, choose_samples
    from timeline.models import ActionParty

    samples = choose_samples()
    entity_ids = list(ActionParty.objects.order_by("entity_id").values_list("entity_id", flat=True).distinct())
    return {
        "authority": samples.authority.pk,
        "offender": samples.offender.pk,
        "median_entity": entity_ids[len(entity_ids) // 2],
        "like": f"%{SEARCH_WORD}%",
        "word": SEARCH_WORD,
    }


def experiment(keep=False):
    from django.db import connection

    params = parameters()
    report = {"actions": None, "before": {}, "after": {}}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM timeline_enforcementaction")
        report["actions"] = cursor.fetchone()[0]
        drop(cursor)
        for name, sql in QUERIES.items():
            report["before"][name] = time_query(cursor, sql, params)
        apply(cursor)
        for name, sql in {**QUERIES, **SUMMARY_QUERIES}.items():
            report["after"][name] = time_query(cursor, sql, params)
        if not keep:
            drop(cursor)
    return report


def format_report(report):
    lines = [f"{'query':<32} {'before ms':>10} {'after ms':>10}  access path after", "-" * 100]
    for name, after in report["after"].items():
        before = report["before"].get(name)
        before_ms = f"{before['ms']:.2f}" if before else "-"
        lines.append(f"{name:<32} {before_ms:>10} {after['ms']:>10.2f}  {'; '.join(after['paths'])}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.indexes", description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="Leave the trial indexes in place after the run.")
    parser.add_argument("--drop", action="store_true", help="Only drop the trial indexes.")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        parser.error("the index experiment needs PostgreSQL (set DATABASE_URL)")
    if args.drop:
        with connection.cursor() as cursor:
            drop(cursor)
        print("Trial indexes dropped.")
        return
    report = experiment(keep=args.keep)
    print(f"EXPLAIN ANALYZE on {report['actions']:,} actions (median of 3 runs):")
    print(format_report(report))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"indexes-{stamp}-{report['actions']}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"Results written to {path}")


if __name__ == "__main__":
    main()
