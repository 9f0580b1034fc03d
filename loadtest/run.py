"""Load without loss: gunicorn on PostgreSQL, concurrent readers and writers, then an audit of every write.

    python -m loadtest.run                         # 50 clients for 60 seconds
    python -m loadtest.run --seconds 5 --clients 10   # the short run CI uses
    python -m loadtest.run --nodes 2               # two nodes, Redis and a replica (loadtest/cluster.py)

It (re)creates a dedicated database (``--database-url``, default
postgres://postgres@127.0.0.1:5432/loadtest_timeline; its name must contain "loadtest", since it
is dropped first), migrates it, loads the curated fixtures with ``manage.py load_timeline
fixtures/``, and starts gunicorn bound to 127.0.0.1 only, in production mode (DEBUG off). The
clients, authenticated as an editor by token, mix reads (lists, details, timelines, penalty
totals, audit trails) with appends to the descriptions of a few contested records, each append
sent with If-Match and retried after a 412. Afterwards it checks in the database that every
acknowledged append is in the final text exactly once, and that the audit trail shows each
write built on the one before (no update lost). Exits 1 on any 5xx, unanswered request, lost or
doubled write.
"""

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from loadtest.client import MAX_ATTEMPTS, Client, Workload
from loadtest.report import table

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/loadtest_timeline"
DEFAULT_REPLICA_URL = "postgres://postgres@127.0.0.1:5433/loadtest_timeline"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
USERNAME = "loadtest-editor"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m loadtest.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="How long the clients run (default 60).")
    parser.add_argument("--clients", type=int, default=50, help="Concurrent clients (default 50).")
    parser.add_argument("--database-url", default=os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4).")
    parser.add_argument("--threads", type=int, default=4, help="Threads per gunicorn worker (default 4).")
    parser.add_argument("--targets", type=int, default=4, help="Contested records written concurrently (default 4).")
    parser.add_argument("--write-share", type=float, default=0.1, help="Share of actions that append (default 0.1).")
    parser.add_argument("--seed", type=int, default=1)
    several = parser.add_argument_group("several nodes (loadtest/cluster.py)")
    several.add_argument("--nodes", type=int, default=1, help="gunicorn nodes; 2 or more share Redis and a replica.")
    several.add_argument("--replica-url", default=os.environ.get("LOADTEST_REPLICA_URL", DEFAULT_REPLICA_URL))
    several.add_argument("--redis-url", default=os.environ.get("LOADTEST_REDIS_URL", DEFAULT_REDIS_URL))
    several.add_argument("--anon-rate", type=int, default=200, help="Anonymous requests per minute (default 200).")
    several.add_argument("--max-replica-lag", type=float, default=5, help="MAX_REPLICA_LAG seconds (default 5).")
    several.add_argument("--replica-outage", action="store_true", help="Stop the replica for the middle third.")
    options = parser.parse_args(argv)
    if options.nodes > 1:
        options.workers = options.workers if "--workers" in (argv or sys.argv) else 2
    return options


def server_environment(database_url):
    """Production settings (DEBUG off, a fresh secret) for plain HTTP on 127.0.0.1."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        # 4xx answers (the expected 412s) are not worth a log line each; 5xx still are.
        "LOG_LEVEL": "ERROR",
        # Static files are not served in this run, so no collectstatic: skip whitenoise's notice.
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
    }


def recreate_database(database_url):
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if parts.hostname not in LOCAL_HOSTS:
        raise SystemExit(f"Refusing to run against {parts.hostname}: the load test only uses a local server.")
    if "loadtest" not in name:
        raise SystemExit(f"Refusing to drop database {name!r}: its name must contain 'loadtest'.")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env, *args):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        print(result.stdout, result.stderr, sep="\n")
        raise SystemExit(f"manage.py {args[0]} failed")


def prepare(env, targets):
    """Set up Django in this process; create the editor and its token; choose what to read and write.

    Returns the token, the read paths by kind, and the contested records' paths with their text.
    """
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from rest_framework.authtoken.models import Token

    from timeline.models import Case, EnforcementAction, Entity, Event, Settlement
    from timeline.services.roles import roles_ensure

    user = get_user_model().objects.create_user(USERNAME)
    user.groups.add(roles_ensure()["editor"])
    token = Token.objects.create(user=user).key

    events = list(Event.objects.filter(fact_field="").order_by("key").values_list("key", flat=True)[: targets // 2])
    entities = list(Entity.objects.order_by("slug").values_list("slug", flat=True)[: targets - len(events)])
    contested = {reverse("api:event-detail", args=[key]): Event.objects.get(key=key).description for key in events} | {
        reverse("api:entity-detail", args=[slug]): Entity.objects.get(slug=slug).description for slug in entities
    }

    def some(model, name, field="slug", count=20):
        values = model.objects.order_by("?").values_list(field, flat=True)[:count]
        return [reverse(f"api:{name}", args=[value]) for value in values]

    cases = list(Case.objects.values_list("slug", flat=True))
    reads = {
        "list": [
            "/api/v1/entities/?page_size=50",
            "/api/v1/cases/",
            "/api/v1/actions/?ordering=-filed_on",
            "/api/v1/settlements/?currency=USD",
            "/api/v1/sentences/",
            "/api/v1/pardon-requests/",
            "/api/v1/sources/?page_size=100",
            "/api/v1/events/?page_size=50",
        ],
        "detail": some(Entity, "entity-detail")
        + some(Case, "case-detail")
        + some(EnforcementAction, "action-detail")
        + some(Settlement, "settlement-detail"),
        "timeline": [reverse("api:case-timeline", args=[slug]) for slug in cases]
        + [f"{path}timeline/?include_related=true" for path in some(Entity, "entity-detail", count=10)],
        "stats": [f"/api/v1/stats/penalties/?group_by={group}" for group in ("authority", "year", "entity", "case")]
        + [f"/api/v1/stats/penalties/?case={slug}&group_by=authority" for slug in cases],
        "history": [f"{path}history/" for path in contested],
    }
    return token, reads, contested


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env, port, workers, threads, log_path):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        "60",
    ]
    with open(log_path, "ab") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.25)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 seconds")


def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def warm_up(port, workload):
    """Read every path once, unmeasured, so no worker answers its first requests while the clock runs."""
    paths = [path for kind_paths in workload.reads.values() for path in kind_paths]
    headers = {"Authorization": f"Token {workload.token}"}

    def fetch(share):
        for path in share:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()

    shares = [paths[start::8] for start in range(8)]
    threads = [threading.Thread(target=fetch, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run_clients(ports, workload, clients, seconds, seed):
    started = time.monotonic()
    deadline = started + seconds
    threads = [Client(number, ports, workload, deadline, seed * 1000 + number) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [thread.outcome for thread in threads], time.monotonic() - started


def gather(outcomes):
    """Every client's samples, errors, and acknowledged appends by target, put together."""
    samples = [sample for outcome in outcomes for sample in outcome.samples]
    errors = [error for outcome in outcomes for error in outcome.errors]
    acknowledged = {}
    for outcome in outcomes:
        for path, tokens in outcome.acknowledged.items():
            acknowledged.setdefault(path, []).extend(tokens)
    return samples, errors, acknowledged


def verify(contested, acknowledged, since):
    """Problems found in the database: acknowledged appends missing or doubled, or a write built on a stale read.

    ``contested`` maps each record's path to its text before the run.
    """
    from django.urls import resolve

    from timeline.models import Entity, Event

    problems, summary = [], []
    models = {"event-detail": (Event, "key"), "entity-detail": (Entity, "slug")}
    for path, initial in contested.items():
        match = resolve(path)
        model, field = models[match.url_name]
        record = model.objects.get(**{field: match.kwargs[field]})
        final = record.description.split()
        tokens = set(acknowledged.get(path, []))
        lost = sorted(tokens - set(final))
        doubled = sorted(token for token in tokens if final.count(token) > 1)
        if lost:
            problems.append(f"{path}: {len(lost)} acknowledged append(s) missing, e.g. {lost[:5]}")
        if doubled:
            problems.append(f"{path}: append(s) stored twice: {doubled[:5]}")
        trail = model.audit_trail.filter(id=record.pk, history_date__gte=since).order_by("history_date", "history_id")
        previous = initial.split()
        writes = 0
        for entry in trail.values_list("description", flat=True):
            words = entry.split()
            if words != previous:
                if words[:-1] != previous:
                    problems.append(f"{path}: a write did not build on the one before it (lost update)")
                    break
                writes += 1
            previous = words
        summary.append((path, len(tokens), writes))
    return problems, summary


def main(argv=None):
    options = parse_args(argv)
    if options.nodes > 1:
        from loadtest.cluster import run_cluster

        return run_cluster(options, sys.modules[__name__])
    env = server_environment(options.database_url)
    print(f"== database {urlsplit(options.database_url).path.lstrip('/')}: recreate, migrate, load fixtures/")
    started = time.monotonic()
    recreate_database(options.database_url)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_timeline", "fixtures/", "--no-progress", "--verbosity", "0")
    token, reads, contested = prepare(env, options.targets)
    workload = Workload(reads=reads, targets=list(contested), token=token, write_share=options.write_share)
    print(f"   ready in {time.monotonic() - started:.0f} s; contested records: {', '.join(contested)}")

    from django.db import connection
    from django.utils import timezone

    connection.close()
    since = timezone.now()
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"loadtest-gunicorn-{port}.log"
    server = start_server(env, port, options.workers, options.threads, log_path)
    print(
        f"== gunicorn on 127.0.0.1:{port} ({options.workers} workers x {options.threads} threads); "
        f"{options.clients} clients for {options.seconds:g} s"
    )
    try:
        warm_up(port, workload)
        outcomes, elapsed = run_clients([port], workload, options.clients, options.seconds, options.seed)
    finally:
        stop_server(server)

    samples, errors, acknowledged = gather(outcomes)
    server_errors = sum(1 for sample in samples if sample.status >= 500)
    unanswered = sum(1 for sample in samples if sample.status == 0)
    problems, summary = verify(contested, acknowledged, since)

    print()
    print(table(samples, elapsed))
    print()
    print(f"{len(samples)} requests in {elapsed:.1f} s: {len(samples) / elapsed:.1f} req/s")
    print(f"5xx answers: {server_errors}; unanswered requests: {unanswered}")
    acked = sum(len(tokens) for tokens in acknowledged.values())
    abandoned = sum(outcome.abandoned for outcome in outcomes)
    print(f"acknowledged appends: {acked}; given up after {MAX_ATTEMPTS} answers of 412: {abandoned}")
    for path, count, writes in summary:
        print(f"   {path}: {count} acknowledged, {writes} writes in the audit trail")
    for line in (errors + problems)[:20]:
        print(f"!! {line}")
    if errors:
        print(f"   server log: {log_path}")
    lost = "none" if not problems else f"{len(problems)} problem(s)"
    print(f"lost or doubled writes: {lost}")
    failed = server_errors or unanswered or problems or not acked
    print("FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
