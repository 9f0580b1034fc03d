"""Screening benchmark: ``python -m benchmarks.screening --actions 1000000`` (DATABASE_URL, PostgreSQL or SQLite).

Generates the synthetic dataset (unless --skip-generate), rebuilds the name index, then measures
in-process through django.test.Client and the services: one POST /api/v1/match/ query (p50/p95),
a batch of 100 queries in one request, and a 1,000-row list screened the way the admin's progress
loop does it (batches of 100). Query names are the dataset's own person and company names,
varied (token order, a typo, upper case) so retrieval and scoring work as they do on real lists.
Writes JSON under benchmarks/results/.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.screening", description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=200, help="Single queries timed (after 20 untimed).")
    parser.add_argument("--batches", type=int, default=10, help="100-query requests timed.")
    parser.add_argument("--rows", type=int, default=1000, help="Rows of the screened list.")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    return parser.parse_args(argv)


def _vary(name, rng):
    tokens = name.split()
    choice = rng.randrange(3)
    if choice == 0 and len(tokens) > 1:
        return " ".join(reversed(tokens))
    if choice == 1:
        longest = max(tokens, key=len)
        if len(longest) > 4:
            middle = len(longest) // 2
            typo = longest[: middle - 1] + longest[middle] + longest[middle - 1] + longest[middle + 1 :]
            return name.replace(longest, typo, 1)
    return name.upper()


def _ms(seconds):
    values = sorted(value * 1000 for value in seconds)
    if len(values) == 1:
        return {"runs": 1, "p50": values[0], "p95": values[0]}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"runs": len(values), "p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "max": round(values[-1], 1)}


def measure(args):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from timeline.models import Entity
    from timeline.screening.indexing import SCREENED_KINDS, name_index_rebuild
    from timeline.screening.models import NameKey, ScreeningList
    from timeline.screening.services import screening_list_create, screening_list_screen_next

    if not args.skip_generate:
        call_command("generate_synthetic", actions=args.actions, seed=args.seed, replace=True, force=True)
    started = time.perf_counter()
    keys = name_index_rebuild()
    index_seconds = time.perf_counter() - started
    rng = random.Random(args.seed)
    names = list(
        Entity.objects.filter(kind__in=SCREENED_KINDS).order_by("?").values_list("name", "kind")[: args.rows + 2000]
    )
    queries = [(_vary(name, rng), "Person" if kind == "person" else "LegalEntity") for name, kind in names]
    client = Client()

    def post(batch):
        body = {f"q{i}": {"schema": schema, "properties": {"name": [name]}} for i, (name, schema) in enumerate(batch)}
        start = time.perf_counter()
        response = client.post("/api/v1/match/", json.dumps({"queries": body}), content_type="application/json")
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.content[:300]
        return elapsed, response.json()

    for name_schema in queries[:20]:
        post([name_schema])
    single, found = [], 0
    for index in range(args.runs):
        name_schema = queries[(index + 20) % len(queries)]
        elapsed, answer = post([name_schema])
        single.append(elapsed)
        found += bool(answer["responses"]["q0"]["results"])
    batches = [post(queries[i * 100 : (i + 1) * 100])[0] for i in range(args.batches)]

    user, _ = get_user_model().objects.get_or_create(username="benchmark-screener")
    rows = [
        {"number": number, "name": name, "schema": schema, "country": "", "birth_date": "", "identifier": ""}
        for number, (name, schema) in enumerate(queries[: args.rows], start=2)
    ]
    started = time.perf_counter()
    screening_list = screening_list_create(ScreeningList(title="benchmark", uploaded_by=user), rows)
    while True:
        done, total = screening_list_screen_next(screening_list)
        if done == total:
            break
    list_seconds = time.perf_counter() - started
    screening_list.delete()
    return {
        "actions": args.actions,
        "database": connection.vendor,
        "entities_screened": Entity.objects.filter(kind__in=SCREENED_KINDS).count(),
        "name_keys": keys,
        "index_rebuild_s": round(index_seconds, 1),
        "single_query_ms": _ms(single),
        "single_queries_with_a_result": found,
        "batch_of_100_ms": _ms(batches),
        "list_rows": args.rows,
        "list_screened_s": round(list_seconds, 2),
        "name_key_rows": NameKey.objects.count(),
        "python": platform.python_version(),
    }


def main(argv=None):
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    results = measure(args)
    args.output.mkdir(parents=True, exist_ok=True)
    path = args.output / f"screening-{results['database']}-{args.actions}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    json.dump(results, sys.stdout, indent=2)
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
