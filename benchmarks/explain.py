"""EXPLAIN ANALYZE of the SQL each request of the mix runs, to choose indexes from real plans.

The statements are captured from one request (as PostgreSQL received them, literals inlined);
each one slower than ``min_ms`` is explained with ANALYZE and BUFFERS inside a rolled-back
transaction. Used by ``python -m benchmarks.run --explain``.
"""

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from benchmarks.measure import admin_client


def explain_sql(sql):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def explain_mix(mix, min_ms=1.0):
    if connection.vendor != "postgresql":
        return {}
    anonymous, admin = Client(), admin_client()
    plans = {}
    for request in mix:
        try:
            resolve(request.path)
        except Resolver404:
            continue
        client = admin if request.admin else anonymous
        client.get(request.url)
        with CaptureQueriesContext(connection) as captured:
            client.get(request.url)
        entries = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if float(query["time"]) * 1000 < min_ms or not sql.lstrip().upper().startswith("SELECT"):
                continue
            entries.append({"ms": float(query["time"]) * 1000, "sql": sql, "plan": explain_sql(sql)})
        plans[request.name] = sorted(entries, key=lambda entry: -entry["ms"])
    return plans
