"""Benchmark harness: ``python -m benchmarks.run --actions 1000000`` (PostgreSQL via DATABASE_URL).

For each size: generate the synthetic dataset (unless --skip-generate), measure the request mix
in-process (p50/p95/p99 after warm-up, SQL queries per request, the raw-SQL reference and the
framework floor), measure the list mix's throughput under gunicorn on 127.0.0.1, print a table
and write JSON under benchmarks/results/. With several --sizes, print how each p95 grows and flag
requests whose p95 grows faster than log(N).
"""

import argparse
import datetime
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# A p95 growing by more than this factor times log(N2)/log(N1), and by more than GROWTH_FLOOR_MS, is flagged.
GROWTH_SLACK = 1.25
GROWTH_FLOOR_MS = 1.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=10_000, help="Dataset size in enforcement actions.")
    parser.add_argument("--sizes", help="Growth curve: comma-separated sizes, e.g. 10000,100000,1000000.")
    parser.add_argument("--skip-generate", action="store_true", help="Measure the data already in the database.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=200, help="Timed runs per request (after warm-up).")
    parser.add_argument("--warmup", type=int, default=10, help="Untimed runs per request before timing.")
    parser.add_argument("--budget", type=float, default=20.0, help="Seconds at most per timed series.")
    parser.add_argument("--only", help="Comma-separated request names to measure.")
    parser.add_argument("--no-throughput", action="store_true", help="Skip the gunicorn throughput run.")
    parser.add_argument("--throughput-seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=16, help="Concurrent keep-alive client connections.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--explain", action="store_true", help="Also save EXPLAIN ANALYZE of each request's SQL.")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--growth-from",
        nargs="+",
        type=Path,
        metavar="JSON",
        help="Print the growth table of earlier result files (one size each) and exit.",
    )
    args = parser.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",")] if args.sizes else [args.actions]
    if args.skip_generate and len(args.sizes) > 1:
        parser.error("--skip-generate measures one dataset; it cannot be combined with several --sizes.")
    return args


def _fmt(value, digits=1):
    return "-" if value is None else f"{value:.{digits}f}"


def format_table(results):
    header = (
        f"{'request':<16} {'status':<8} {'p50':>7} {'p95':>7} {'p99':>7} {'target':>6} {'raw':>6} {'x raw':>6} "
        f"{'floor':>6} {'x flr':>6} {'queries':>8} {'rows':>5} {'met':>4} | {'cached':>6} {'c p95':>6} {'c q':>3} "
        f"{'c met':>5}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        queries = "-" if r.queries is None else str(r.queries)
        if r.queries_large_page is not None:
            queries += f"/{r.queries_large_page}"
        rows = {True: "same", False: "DIFF", None: "-"}[r.rows_match]
        verdict = {True: "yes", False: "NO", None: "-"}
        cached_queries = "-" if r.cached_queries is None else str(r.cached_queries)
        lines.append(
            f"{r.name:<16} {r.status:<8} {_fmt(r.endpoint.p50):>7} {_fmt(r.endpoint.p95):>7} "
            f"{_fmt(r.endpoint.p99):>7} {r.p95_target_ms:>6.0f} {_fmt(r.raw.p50, 2):>6} {_fmt(r.raw_ratio):>6} "
            f"{_fmt(r.floor.p50):>6} {_fmt(r.floor_ratio):>6} {queries:>8} {rows:>5} {verdict[r.meets_target]:>4} | "
            f"{_fmt(r.cached.p50):>6} {_fmt(r.cached.p95):>6} {cached_queries:>3} {verdict[r.cached_meets_target]:>5}"
        )
    lines.append(
        "Times in ms, server side, answers computed (cache off). raw = p50 of the raw SQL; floor = p50 of the flat "
        "DRF list; x = p50 ratios."
    )
    lines.append("queries = SQL statements per request (default page / page_size=100); rows = same rows as raw SQL.")
    lines.append(
        "cached = p50 of the same request answered from the cache (c p95, c q = its queries); c met = targets met so."
    )
    return "\n".join(lines)


def growth_report(runs):
    """p95 per size for each request, flagging growth faster than log(N) between consecutive sizes."""
    sizes = [run["actions"] for run in runs]
    names = list(dict.fromkeys(result["name"] for run in runs for result in run["results"]))
    header = f"{'request':<16} " + " ".join(f"{size:>10,}" for size in sizes) + "  growth"
    lines = [header, "-" * len(header)]
    flags = []
    for name in names:
        p95s = [next((r["endpoint"]["p95"] for r in run["results"] if r["name"] == name), None) for run in runs]
        verdicts = []
        for (n1, a), (n2, b) in zip(
            zip(sizes, p95s, strict=True), list(zip(sizes, p95s, strict=True))[1:], strict=False
        ):
            if a is None or b is None:
                continue
            allowed = math.log(n2) / math.log(n1)
            if b / a > allowed * GROWTH_SLACK and b - a > GROWTH_FLOOR_MS:
                verdicts.append(f"x{b / a:.1f} from {n1:,} to {n2:,} > log growth x{allowed:.2f}")
                flags.append((name, n1, n2, a, b))
        cells = " ".join(f"{_fmt(p):>10}" for p in p95s)
        lines.append(f"{name:<16} {cells}  {'FASTER THAN log(N): ' + '; '.join(verdicts) if verdicts else 'ok'}")
    return "\n".join(lines), flags


def environment():
    from django.db import connection

    info = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "database": connection.vendor,
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version(), pg_database_size(current_database())")
            info["server"], info["database_bytes"] = cursor.fetchone()
    return info


def generate(size, seed):
    from tqdm import tqdm

    from timeline.services.synthetic import synthetic_generate

    with tqdm(total=size, unit="action", desc=f"generate {size:,}") as bar:
        report = synthetic_generate(size, seed=seed, replace=True, progress=bar.update)
    print(f"Generated {report.total_rows:,} rows in {report.seconds:.1f} s: {report.rows_per_second:,.0f} rows/s")
    return {"rows": report.total_rows, "seconds": report.seconds, "rows_per_second": report.rows_per_second}


def run_size(args, size):
    from benchmarks.measure import measure_mix
    from benchmarks.mix import THROUGHPUT_GROUPS, build_mix, choose_samples
    from timeline.models import EnforcementAction

    generator = None if args.skip_generate else generate(size, args.seed)
    actions = EnforcementAction.objects.count()
    mix = build_mix(choose_samples())
    if args.only:
        wanted = set(args.only.split(","))
        mix = [request for request in mix if request.name in wanted]
    print(f"Measuring {len(mix)} requests on {actions:,} actions ({args.runs} runs, {args.warmup} warm-up)...")
    started = time.perf_counter()
    results = measure_mix(
        mix,
        runs=args.runs,
        warmup=args.warmup,
        budget=args.budget,
        progress=lambda r: print(f"  {r.name}: {r.status}, p95 {_fmt(r.endpoint.p95)} ms", flush=True),
    )
    print(format_table(results))
    run = {
        "actions": actions,
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "environment": environment(),
        "generator": generator,
        "settings": {"runs": args.runs, "warmup": args.warmup, "budget_s": args.budget},
        "results": [result.as_dict() for result in results],
        "measure_seconds": time.perf_counter() - started,
    }
    if args.explain:
        from benchmarks.explain import explain_mix

        run["explain"] = explain_mix(mix)
    if not args.no_throughput:
        from benchmarks.throughput import measure_throughput

        ok = {result.name for result in results if result.status == "ok"}
        paths = [request.url for request in mix if request.group in THROUGHPUT_GROUPS and request.name in ok]
        if paths:
            print(f"Throughput: gunicorn {args.workers} workers x {args.threads} threads, {args.concurrency} clients, "
                  f"{args.throughput_seconds:.0f} s...")  # fmt: skip
            for key, label, env in (
                ("throughput", "computed", {"API_CACHE_SECONDS": "0"}),
                ("throughput_cached", "cached", {}),
            ):
                throughput = measure_throughput(
                    paths,
                    seconds=args.throughput_seconds,
                    concurrency=args.concurrency,
                    workers=args.workers,
                    threads=args.threads,
                    env=env,
                )
                print(
                    f"Throughput, answers {label}: {throughput.requests_per_second:,.0f} requests/s over "
                    f"{throughput.seconds:.1f} s (p50 {_fmt(throughput.p50_ms)} ms, p95 {_fmt(throughput.p95_ms)} ms, "
                    f"errors {throughput.errors}, statuses {throughput.statuses}); target >= 400/s"
                )
                run[key] = {**throughput.__dict__, "requests_per_second": throughput.requests_per_second}
        else:
            print("Throughput: skipped, no list endpoint answers yet.")
    return run


def write_results(output, runs, growth=None):
    output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    sizes = "-".join(str(run["actions"]) for run in runs)
    path = output / f"bench-{stamp}-{sizes}.json"
    path.write_text(json.dumps({"runs": runs, "growth_flags": growth}, indent=2, default=str))
    return path


def growth_from_files(paths):
    merged = {}
    for path in paths:
        for run in json.loads(path.read_text())["runs"]:
            merged.setdefault(run["actions"], {"actions": run["actions"], "results": []})["results"] += run["results"]
    runs = [merged[size] for size in sorted(merged)]
    text, flags = growth_report(runs)
    print("p95 (ms) by dataset size:\n" + text)
    return flags


def main(argv=None):
    args = parse_args(argv)
    if args.growth_from:
        growth_from_files(args.growth_from)
        return [args.growth_from]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("Note: the targets are for PostgreSQL (set DATABASE_URL); running on", connection.vendor)
    runs = [run_size(args, size) for size in args.sizes]
    flags = None
    if len(runs) > 1:
        text, flags = growth_report(runs)
        print("\np95 (ms) by dataset size:\n" + text)
    path = write_results(args.output, runs, flags)
    print(f"Results written to {path}")
    return runs


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
