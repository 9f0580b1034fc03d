"""The real streaming replica in tests: point ``replica1`` at it and wait until it has replayed the primary.

The test runner never creates a database on a replica (it is read-only and a mirror in the
settings): the primary creates the test database and the replica replays that, so every read
from the replica first waits until its replay position has reached the primary's write position.
"""

import time

import psycopg
from django.conf import settings
from django.db import OperationalError, connections

REPLICA = "replica1"
REPLAY_TIMEOUT = 30


def point_at_replica():
    """Give ``replica1`` the primary's test database name on the replica's own server."""
    real = settings.DATABASES[REPLICA]
    connection = connections[REPLICA]
    connection.close()
    connection.settings_dict = {
        **connections["default"].settings_dict,
        **{key: real[key] for key in ("HOST", "PORT", "USER", "PASSWORD", "OPTIONS", "CONN_MAX_AGE")},
        "ATOMIC_REQUESTS": False,
    }
    return connection


def conninfo(alias, dbname=None):
    values = connections[alias].settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=dbname or values["NAME"],
        user=values["USER"] or None,
        password=values["PASSWORD"] or None,
        host=values["HOST"] or "127.0.0.1",
        port=values["PORT"] or 5432,
    )


def primary_position():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def wait_for_replay(target=None):
    """Block until the replica has replayed everything committed on the primary (at most 30 s)."""
    target = target or primary_position()
    deadline = time.monotonic() + REPLAY_TIMEOUT
    while True:
        try:
            with psycopg.connect(conninfo(REPLICA), autocommit=True, connect_timeout=2) as replica:
                row = replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()
                if row[0]:
                    return
        except psycopg.OperationalError:
            pass  # the replica has not replayed the test database's creation yet
        if time.monotonic() > deadline:
            raise OperationalError(f"the replica did not replay up to {target} within {REPLAY_TIMEOUT} s")
        time.sleep(0.05)


def set_replay_paused(paused):
    """Pause or resume WAL replay on the replica: it keeps receiving but falls behind on purpose."""
    function = "pg_wal_replay_pause" if paused else "pg_wal_replay_resume"
    with psycopg.connect(conninfo(REPLICA, dbname="postgres"), autocommit=True) as replica:
        replica.execute(f"SELECT {function}()")
