"""The settings for several machines, as config/settings.py builds them from the environment."""

import dj_database_url
import pytest
from django.core.exceptions import ImproperlyConfigured

from config.scaling import primary_options, redis_caches, replica_databases

PRIMARY_URL = "postgres://timeline@db-primary:5432/timeline"


def primary():
    return dj_database_url.parse(PRIMARY_URL)


def replicas(urls, **overrides):
    options = {"conn_max_age": 60, "connect_timeout": 2, "pool_size": 0, "pgbouncer": False, **overrides}
    return replica_databases(primary(), urls, **options)


def test_each_replica_url_is_a_database_alias_the_test_runner_never_creates():
    databases = replicas(["postgres://timeline@db-replica-a/timeline", "postgres://timeline@db-replica-b/timeline"])

    assert list(databases) == ["replica1", "replica2"]
    assert databases["replica2"]["HOST"] == "db-replica-b"
    assert all(database["TEST"] == {"MIRROR": "default"} for database in databases.values())
    assert all(database["ATOMIC_REQUESTS"] is False for database in databases.values())
    assert databases["replica1"]["OPTIONS"] == {"connect_timeout": 2, "options": "-c jit=off"}


@pytest.mark.parametrize(
    "primary_url, replica_url",
    [
        ("sqlite:///timeline.sqlite3", "postgres://timeline@db-replica/timeline"),
        (PRIMARY_URL, "sqlite:///copy.sqlite3"),
    ],
    ids=["sqlite primary", "sqlite replica"],
)
def test_replicas_need_postgresql_on_both_sides(primary_url, replica_url):
    options = {"conn_max_age": 60, "connect_timeout": 2, "pool_size": 0, "pgbouncer": False}
    with pytest.raises(ImproperlyConfigured):
        replica_databases(dj_database_url.parse(primary_url), [replica_url], **options)


def test_the_pool_replaces_persistent_connections():
    database = primary_options(primary(), pool_size=8, pgbouncer=False)

    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10}
    assert database["CONN_MAX_AGE"] == 0


def test_pgbouncer_gets_no_startup_options_server_side_cursors_or_prepared_statements():
    database = primary_options(primary(), pool_size=0, pgbouncer=True)

    assert "options" not in database["OPTIONS"]
    assert database["OPTIONS"]["prepare_threshold"] is None
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_the_pool_and_pgbouncer_exclude_each_other():
    with pytest.raises(ImproperlyConfigured):
        primary_options(primary(), pool_size=8, pgbouncer=True)


def test_without_redis_each_process_caches_on_its_own():
    caches = redis_caches("", api_max_entries=500)
    assert {cache["BACKEND"] for cache in caches.values()} == {"django.core.cache.backends.locmem.LocMemCache"}


def test_with_redis_the_answer_cache_and_the_default_cache_are_shared():
    caches = redis_caches("redis://cache:6379/0", api_max_entries=500)

    assert {alias: cache["BACKEND"] for alias, cache in caches.items()} == {
        "default": "timeline.shared_cache.backend.SharedRedisCache",
        "api": "timeline.shared_cache.backend.SharedRedisCache",
    }
    assert caches["default"]["KEY_PREFIX"] != caches["api"]["KEY_PREFIX"]
