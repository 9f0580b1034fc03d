"""The multi-node run: several gunicorn nodes sharing Redis, the primary and its streaming replica.

    bin/pg-replica start
    python -m loadtest.run --nodes 2                   # 50 clients for 60 seconds
    python -m loadtest.run --nodes 2 --replica-outage  # the replica stopped for the middle third

Editors write through any node (to the primary); anonymous readers, from many addresses, read
through any node (from the replica, unless it is down or behind ``MAX_REPLICA_LAG``). Then: every
acknowledged write is in the database once (no loss, no doubling); once the replica has replayed
them, anonymous readers on every node see the final text, answered by the replica; one reader
sending more than the anonymous rate, alternately to each node, is refused after exactly the rate
(the count is shared); and no request got a 5xx or no answer. Measured: CPU seconds per request in
each tier, the share of requests the replica answered, and replication lag under the write load.
"""

import http.client
import json
import random
import secrets
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from loadtest import meters
from loadtest.report import table

ROOT = Path(__file__).resolve().parent.parent
THROTTLE_PATH = "/api/v1/cases/"


def cluster_environment(base, options):
    return {
        **base,
        "DATABASE_REPLICA_URLS": options.replica_url,
        "REDIS_URL": options.redis_url,
        "API_ANON_RATE": f"{options.anon_rate}/minute",
        "MAX_REPLICA_LAG": str(options.max_replica_lag),
        "READ_FROM_HEADER": "1",
    }


def get(port, path, address):
    """Status, headers and body of one anonymous GET from ``address`` (X-Forwarded-For)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept": "application/json", "X-Forwarded-For": address})
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()


def check_visibility(ports, contested):
    """Problems: a node whose anonymous answer, after replay, is not the stored text or not from the replica."""
    from django.urls import resolve

    from timeline.models import Entity, Event

    models = {"event-detail": (Event, "key"), "entity-detail": (Entity, "slug")}
    problems, checked = [], 0
    for path in contested:
        match = resolve(path)
        model, field = models[match.url_name]
        stored = model.objects.get(**{field: match.kwargs[field]}).description
        for port in ports:
            status, headers, body = get(port, path, f"198.51.100.{port % 250}")
            checked += 1
            if status != 200 or json.loads(body)["description"] != stored:
                problems.append(f"node :{port} answered {path} with {status} and not the stored text")
            elif not headers.get("X-Read-From", "").startswith("replica"):
                problems.append(f"node :{port} answered {path} from {headers.get('X-Read-From')!r}, not the replica")
    return problems, checked


def check_shared_throttle(ports, rate):
    """(answers by status, problem or None) for one reader sending rate + 10 requests, alternating nodes."""
    address = f"192.0.2.{random.randrange(1, 250)}-{secrets.token_hex(4)}"
    statuses = Counter(get(ports[number % len(ports)], THROTTLE_PATH, address)[0] for number in range(rate + 10))
    if statuses[200] != rate or statuses[429] != 10:
        return statuses, f"throttle not shared: {dict(statuses)} for {rate + 10} requests at {rate}/minute"
    return statuses, None


def replica_outage(seconds, log):
    """Stop the replica a third of the way through the run and start it again at two thirds."""

    def run():
        time.sleep(seconds / 3)
        log.append(subprocess.run(["bin/pg-replica", "stop"], cwd=ROOT, capture_output=True, text=True).returncode)
        time.sleep(seconds / 3)
        log.append(subprocess.run(["bin/pg-replica", "start"], cwd=ROOT, capture_output=True, text=True).returncode)

    thread = threading.Thread(target=run, name="replica-outage", daemon=True)
    thread.start()
    return thread


def percentile_of(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def run_cluster(options, helpers):
    """The multi-node run; ``helpers`` is ``loadtest.run`` (set-up, servers, clients and the audit)."""
    env = cluster_environment(helpers.server_environment(options.database_url), options)
    database = urlsplit(options.database_url).path.lstrip("/")
    maintenance_url = urlsplit(options.database_url)._replace(path="/postgres").geturl()
    replica_url = urlsplit(options.replica_url)._replace(path=f"/{database}").geturl()
    env["DATABASE_REPLICA_URLS"] = replica_url
    print(f"== database {database}: recreate, migrate, load fixtures/; replica {urlsplit(replica_url).netloc}")
    helpers.recreate_database(options.database_url)
    helpers.manage(env, "migrate", "--noinput", "--verbosity", "0")
    helpers.manage(env, "load_timeline", "fixtures/", "--no-progress", "--verbosity", "0")
    token, reads, contested = helpers.prepare(env, options.targets)
    reads.pop("history")  # audit trails are for signed-in users
    workload = helpers.Workload(
        reads=reads, targets=list(contested), token=token, write_share=options.write_share, anonymous_reads=True
    )
    meters.wait_for_replay(options.database_url, replica_url)

    from django.db import connections
    from django.utils import timezone

    connections.close_all()
    since = timezone.now()
    servers, ports = [], []
    try:
        for _ in range(options.nodes):
            port = helpers.free_port()
            log_path = Path(tempfile.gettempdir()) / f"loadtest-gunicorn-{port}.log"
            servers.append(helpers.start_server(env, port, options.workers, options.threads, log_path))
            ports.append(port)
        print(
            f"== {options.nodes} gunicorn nodes on 127.0.0.1:{', '.join(map(str, ports))} "
            f"({options.workers} workers x {options.threads} threads each), "
            f"Redis {urlsplit(options.redis_url).netloc}; "
            f"{options.clients} clients for {options.seconds:g} s"
        )
        for port in ports:
            helpers.warm_up(port, workload)
        app_before = sum(meters.tree_seconds(server.pid) for server in servers)
        replica_server = meters.postmaster_pid(replica_url)
        replica_before = meters.tree_seconds(replica_server)
        primary = meters.PrimaryBackends(maintenance_url, database)
        lag = meters.ReplicationLag(maintenance_url)
        primary.start()
        lag.start()
        outage_log = []
        outage = replica_outage(options.seconds, outage_log) if options.replica_outage else None
        outcomes, elapsed = helpers.run_clients(ports, workload, options.clients, options.seconds, options.seed)
        if outage is not None:
            outage.join()
        app_seconds = sum(meters.tree_seconds(server.pid) for server in servers) - app_before
        primary_seconds = primary.stop()
        lag.stop()
        replica_seconds = None
        if not options.replica_outage:
            replica_seconds = meters.tree_seconds(replica_server) - replica_before

        meters.wait_for_replay(options.database_url, replica_url)
        visibility_problems, checked = check_visibility(ports, contested)
        throttle_statuses, throttle_problem = check_shared_throttle(ports, options.anon_rate)
    finally:
        for server in servers:
            helpers.stop_server(server)

    samples, errors, acknowledged = helpers.gather(outcomes)
    problems, summary = helpers.verify(contested, acknowledged, since)
    server_errors = sum(1 for sample in samples if sample.status >= 500)
    unanswered = sum(1 for sample in samples if sample.status == 0)
    requests = len(samples)
    by_source = Counter(sample.read_from or "?" for sample in samples)
    from_replica = sum(count for source, count in by_source.items() if source.startswith("replica"))

    print()
    print(table(samples, elapsed))
    print()
    print(f"{requests} requests in {elapsed:.1f} s: {requests / elapsed:.1f} req/s over {options.nodes} nodes")
    print(f"5xx answers: {server_errors}; unanswered requests: {unanswered}")
    print(f"answered from: {', '.join(f'{source} {count}' for source, count in sorted(by_source.items()))}")
    anonymous_reads = sum(1 for sample in samples if not sample.kind.startswith("write"))
    print(
        f"replica share: {from_replica / requests:.1%} of all requests, "
        f"{from_replica / max(anonymous_reads, 1):.1%} of the anonymous reads"
    )
    print("CPU per request (ms), by tier:")
    print(f"   application nodes: {1000 * app_seconds / requests:.2f} ({app_seconds:.1f} s)")
    print(
        f"   primary (this database's backends and WAL sender): {1000 * primary_seconds / requests:.2f} "
        f"({primary_seconds:.1f} s)"
    )
    if replica_seconds is not None and from_replica:
        print(
            f"   replica (whole server, replay included): {1000 * replica_seconds / from_replica:.2f} per read "
            f"it answered ({replica_seconds:.1f} s)"
        )
    print(
        f"replication lag under load: p50 {percentile_of(lag.seconds, 0.5) * 1000:.1f} ms, "
        f"p95 {percentile_of(lag.seconds, 0.95) * 1000:.1f} ms, max {max(lag.seconds, default=0) * 1000:.1f} ms; "
        f"most WAL not yet replayed {max(lag.bytes, default=0) / 1024:.0f} kB"
    )
    if options.replica_outage:
        print(f"replica outage: stop and start exit codes {outage_log}")
    acked = sum(len(tokens) for tokens in acknowledged.values())
    print(f"acknowledged appends: {acked}")
    for path, count, writes in summary:
        print(f"   {path}: {count} acknowledged, {writes} writes in the audit trail")
    print(
        f"after replay, anonymous reads of the written records on every node: {checked - len(visibility_problems)}"
        f"/{checked} show the stored text, from the replica"
    )
    print(
        f"shared throttle: {options.anon_rate + 10} requests at {options.anon_rate}/minute, alternating nodes: "
        f"{dict(sorted(throttle_statuses.items()))}"
    )
    failures = errors + problems + visibility_problems + ([throttle_problem] if throttle_problem else [])
    if options.replica_outage and outage_log != [0, 0]:
        failures.append(f"the replica outage did not run as planned: {outage_log}")
    for line in failures[:20]:
        print(f"!! {line}")
    print(f"lost or doubled writes: {'none' if not problems else f'{len(problems)} problem(s)'}")
    failed = server_errors or unanswered or failures or not acked
    print("FAIL" if failed else "PASS")
    return 1 if failed else 0
