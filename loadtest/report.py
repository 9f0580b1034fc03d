"""The load-test table: requests per second, latency percentiles and answers by status, per kind of request."""

import math
from collections import Counter, defaultdict


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def rows(samples, elapsed):
    by_kind = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    ordered = [*sorted(kind for kind in by_kind if not kind.startswith("write")), "write: read", "write: PATCH"]
    result = []
    for kind in [k for k in ordered if k in by_kind] + ["all"]:
        group = samples if kind == "all" else by_kind[kind]
        latencies = sorted(sample.seconds * 1000 for sample in group)
        statuses = Counter(sample.status for sample in group)
        result.append(
            {
                "kind": kind,
                "requests": len(group),
                "rps": len(group) / elapsed if elapsed else 0.0,
                "p50": percentile(latencies, 0.50),
                "p95": percentile(latencies, 0.95),
                "p99": percentile(latencies, 0.99),
                "statuses": statuses,
            }
        )
    return result


def format_statuses(statuses):
    return ", ".join(f"{status or 'no answer'}: {count}" for status, count in sorted(statuses.items()))


def table(samples, elapsed):
    """A Markdown table, ready for the README."""
    lines = [
        "| requests | count | req/s | p50 ms | p95 ms | p99 ms | answers by status |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows(samples, elapsed):
        lines.append(
            f"| {row['kind']} | {row['requests']} | {row['rps']:.1f} | {row['p50']:.0f} | {row['p95']:.0f} "
            f"| {row['p99']:.0f} | {format_statuses(row['statuses'])} |"
        )
    return "\n".join(lines)
