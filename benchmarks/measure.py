"""In-process measurement: server-side latency through django.test.Client, query counts, references.

The test Client runs the full stack (middleware, URL resolution, view, serializer, renderer)
without sockets, so its wall time is the server-side latency. Each API request is timed twice:
computed (the answer cache off, what a first or unique request costs) and cached (the same request
again at the same data version, ``timeline/api/response_cache.py``). Each figure is taken after a
warm-up, over ``runs`` requests or until the time budget of the request is spent.
"""

import csv
import io
import json
import statistics
import time
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import Resolver404, resolve

from benchmarks.floor import FLOORS
from benchmarks.reference import RawDatabase

BENCH_USER = "benchmark-admin"


@dataclass
class Timing:
    runs: int = 0
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None

    @classmethod
    def of(cls, seconds):
        if not seconds:
            return cls()
        ms = sorted(value * 1000 for value in seconds)
        if len(ms) == 1:
            return cls(1, ms[0], ms[0], ms[0])
        cuts = statistics.quantiles(ms, n=100, method="inclusive")
        return cls(len(ms), cuts[49], cuts[94], cuts[98])


@dataclass
class Result:
    name: str
    group: str
    url: str
    status: str
    p95_target_ms: float
    endpoint: Timing = field(default_factory=Timing)
    raw: Timing = field(default_factory=Timing)
    floor: Timing = field(default_factory=Timing)
    cached: Timing = field(default_factory=Timing)
    cached_queries: int | None = None
    queries: int | None = None
    queries_large_page: int | None = None
    rows_match: bool | None = None
    notes: list = field(default_factory=list)

    @property
    def raw_ratio(self):
        return _ratio(self.endpoint.p50, self.raw.p50)

    @property
    def floor_ratio(self):
        return _ratio(self.endpoint.p50, self.floor.p50)

    @property
    def cached_floor_ratio(self):
        return _ratio(self.cached.p50, self.floor.p50)

    @property
    def meets_target(self):
        return self._meets(self.endpoint, self.floor_ratio)

    @property
    def cached_meets_target(self):
        return self._meets(self.cached, self.cached_floor_ratio)

    def _meets(self, timing, floor_ratio):
        if timing.p95 is None:
            return None
        ok = timing.p95 <= self.p95_target_ms
        if self.group in {"list", "detail", "timeline"} and floor_ratio is not None:
            ok = ok and floor_ratio <= 2.0
        return ok

    def as_dict(self):
        data = asdict(self)
        data.update(
            raw_ratio=self.raw_ratio,
            floor_ratio=self.floor_ratio,
            meets_target=self.meets_target,
            cached_floor_ratio=self.cached_floor_ratio,
            cached_meets_target=self.cached_meets_target,
        )
        return data


def _ratio(value, base):
    return value / base if value is not None and base else None


def admin_client():
    """A client logged in as a superuser kept for benchmark runs (created once, unusable password)."""
    user, created = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    client = Client()
    client.force_login(user)
    return client


def _timed(call, runs, warmup, budget):
    """Warm up (at least once, at most a quarter of the budget), then time up to ``runs`` calls."""
    warm_until = time.perf_counter() + budget / 4
    for done in range(warmup):
        call()
        if done and time.perf_counter() > warm_until:
            break
    seconds = []
    deadline = time.perf_counter() + budget
    for _ in range(runs):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
        if time.perf_counter() > deadline and len(seconds) >= 5:
            break
    return Timing.of(seconds)


def identifiers(request, response):
    """The ordered slugs or keys the response returns, to compare with the raw SQL rows."""
    if not request.identity:
        return None
    content = response.content.decode()
    if request.params.get("format") == "csv":
        return [row.get(request.identity) for row in csv.DictReader(io.StringIO(content))]
    data = json.loads(content)
    if isinstance(data, dict) and "results" in data:
        return [item.get(request.identity) for item in data["results"]]
    if isinstance(data, dict):
        return [data.get(request.identity)]
    return None


def measure_request(request, anonymous, admin, runs, warmup, budget):
    """All figures for one request of the mix."""
    result = Result(request.name, request.group, request.url, "ok", request.p95_target_ms)
    try:
        resolve(request.path)
    except Resolver404:
        result.status = "missing"
        return result
    client = admin if request.admin else anonymous
    # The main series computes every answer (cache off); cached answers are measured apart below.
    with override_settings(API_CACHE_SECONDS=0):
        response = client.get(request.url)
        if response.status_code != 200:
            result.status = f"HTTP {response.status_code}"
            return result
        with CaptureQueriesContext(connection) as queries:
            response = client.get(request.url)
        result.queries = len(queries.captured_queries)
        if request.group in {"list", "timeline"}:
            with CaptureQueriesContext(connection) as queries:
                client.get(request.url + ("&" if request.params else "?") + "page_size=100")
            result.queries_large_page = len(queries.captured_queries)
        result.endpoint = _timed(lambda: client.get(request.url), runs, warmup, budget)
    if not request.admin and settings.API_CACHE_SECONDS > 0:
        client.get(request.url)
        with CaptureQueriesContext(connection) as queries:
            cached = client.get(request.url)
        result.cached_queries = len(queries.captured_queries)
        if cached.content != response.content:
            result.notes.append("cached answer differs from the computed one")
        result.cached = _timed(lambda: client.get(request.url), runs, warmup, budget)

    if request.reference is not None:
        connection.ensure_connection()
        db = RawDatabase(connection.connection, connection.vendor)
        raw_rows = request.reference(db, *request.reference_args)
        result.raw = _timed(lambda: request.reference(db, *request.reference_args), runs, warmup, budget)
        served = identifiers(request, response)
        if served is not None:
            result.rows_match = served == raw_rows
            if not result.rows_match:
                result.notes.append(f"rows differ: API {served[:3]}... vs SQL {raw_rows[:3]}...")
    if request.floor is not None:
        FLOORS[request.name] = request.floor
        floor_url = f"/bench-floor/{request.name}/"
        try:
            resolve(floor_url)
        except Resolver404:
            result.notes.append("floor not mounted (run with benchmarks.settings)")
        else:
            floor_response = anonymous.get(floor_url)
            if floor_response.status_code == 200:
                result.floor = _timed(lambda: anonymous.get(floor_url), runs, warmup, budget)
            else:
                result.notes.append(f"floor HTTP {floor_response.status_code}")
    return result


def measure_mix(mix, runs=200, warmup=10, budget=20.0, progress=None):
    anonymous, admin = Client(), admin_client()
    results = []
    for request in mix:
        results.append(measure_request(request, anonymous, admin, runs, warmup, budget))
        if progress:
            progress(results[-1])
    return results
