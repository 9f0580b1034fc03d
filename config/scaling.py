"""Settings for running past one machine: read replicas, a connection pool, PgBouncer, a shared Redis.

Each function turns environment values into Django settings; ``config/settings.py`` calls them. All
of them are documented in the README ("Running on several machines").
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

POSTGRESQL = "django.db.backends.postgresql"


def primary_options(database, *, pool_size, pgbouncer):
    """Connection options of a PostgreSQL database: JIT off, and the pool or PgBouncer when asked."""
    options = database.setdefault("OPTIONS", {})
    if pgbouncer:
        # PgBouncer refuses startup parameters (set jit as a role setting instead, README); in transaction
        # pooling a server-side cursor cannot outlive its transaction, nor a prepared statement its server.
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        options["prepare_threshold"] = None
    else:
        # Requests here are short, indexed reads: PostgreSQL's JIT compiles plans it judges costly and
        # added 0.25 to 3.2 s to searches at a million actions while saving nothing (benchmarks/README.md).
        options.setdefault("options", "-c jit=off")
    if pool_size:
        if pgbouncer:
            raise ImproperlyConfigured("Use DATABASE_POOL_SIZE or PgBouncer, not both.")
        # psycopg's pool, one per process and database; Django refuses persistent connections beside it.
        options["pool"] = {"min_size": 1, "max_size": pool_size, "timeout": 10}
        database["CONN_MAX_AGE"] = 0
    return database


def replica_databases(primary, urls, *, conn_max_age, connect_timeout, pool_size, pgbouncer):
    """``replica1``, ``replica2``, ... for each URL in ``DATABASE_REPLICA_URLS``: PostgreSQL streaming replicas.

    A replica is never migrated or flushed by the test runner (it mirrors the primary there), and its
    reads run outside ATOMIC_REQUESTS, so a replica that is down costs the requests that never read
    from it nothing.
    """
    if urls and primary["ENGINE"] != POSTGRESQL:
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs PostgreSQL as DATABASE_URL (streaming replicas).")
    replicas = {}
    for number, url in enumerate(urls, start=1):
        database = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
        if database["ENGINE"] != POSTGRESQL:
            raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS: {url.split('@')[-1]} is not a PostgreSQL URL.")
        database["ATOMIC_REQUESTS"] = False
        database["TEST"] = {"MIRROR": "default"}
        database.setdefault("OPTIONS", {})["connect_timeout"] = connect_timeout
        replicas[f"replica{number}"] = primary_options(database, pool_size=pool_size, pgbouncer=pgbouncer)
    return replicas


def redis_caches(url, *, api_max_entries):
    """The caches: Redis shared by every application server when ``REDIS_URL`` is set, else per process.

    The answer cache (``api``), the throttle counters and cached sessions (``default``) use Django's
    RedisCache; while Redis is unreachable each process falls back to its own memory and logs why
    (``timeline.shared_cache``).
    """
    if not url:
        return {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "timeline"},
            "api": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "timeline-api",
                "OPTIONS": {"MAX_ENTRIES": api_max_entries},
            },
        }
    # Short socket timeouts: a Redis that stops answering costs a request at most half a second.
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    return {
        alias: {
            "BACKEND": "timeline.shared_cache.backend.SharedRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": options,
        }
        for alias, prefix in (("default", "timeline"), ("api", "timeline-api"))
    }
