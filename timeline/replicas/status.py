"""Each replica's measured lag, shared by the threads of one process and measured again every few seconds.

A replica is usable when its last check succeeded and showed it at most ``MAX_REPLICA_LAG``
seconds behind. Checks run on the request path but at most once per ``REPLICA_CHECK_SECONDS``
per replica and process (one thread checks, the others use the last result), so routing costs no
query on most requests. A replica that failed is not tried again until its next check is due.
"""

import contextlib
import itertools
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

# Seconds behind the primary. Zero while streaming with everything received replayed (the startup process
# waits for more WAL); otherwise the age of the last commit replayed, which overstates lag on a primary
# writing WAL without commits, so a replica errs towards being skipped. Not streaming also counts that age.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
         AND (pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn()
              OR EXISTS (SELECT 1 FROM pg_stat_activity
                         WHERE backend_type = 'startup' AND wait_event = 'RecoveryWalStream')) THEN 0
    ELSE COALESCE(GREATEST(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0), 0)
END::float8
"""


@dataclass(frozen=True)
class ReplicaState:
    alias: str
    checked_at: float  # time.monotonic() of the check
    lag: float | None  # seconds behind the primary; None when the check failed
    error: str = ""

    @property
    def usable(self):
        return self.lag is not None and self.lag <= settings.MAX_REPLICA_LAG

    def as_json(self):
        if self.lag is None:
            return {"usable": False, "error": self.error}
        return {"usable": self.usable, "lag_seconds": round(self.lag, 3)}


_states = {}
_locks = {}
_rotation = None
_rotation_lock = threading.Lock()


def measure(alias):
    """Ask the replica how far behind it is; a failure is recorded, never raised."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            lag = cursor.fetchone()[0]
        state = ReplicaState(alias, time.monotonic(), float(lag))
    except DatabaseError as error:
        discard_connection(alias)
        state = ReplicaState(alias, time.monotonic(), None, type(error).__name__)
    previous = _states.get(alias)
    if (previous is None or previous.usable) and not state.usable:
        reason = state.error or f"{state.lag:.1f} s behind (MAX_REPLICA_LAG {settings.MAX_REPLICA_LAG:g})"
        logger.warning("Replica %s skipped, reads go to the primary: %s", alias, reason)
    elif previous is not None and not previous.usable and state.usable:
        logger.warning("Replica %s usable again (%.1f s behind)", alias, state.lag)
    _states[alias] = state
    return state


def discard_connection(alias):
    """Close this thread's connection to ``alias`` so the next use opens a fresh one."""
    with contextlib.suppress(DatabaseError):
        connections[alias].close()


def mark_failed(alias, error):
    """Record an error met while reading from ``alias``: it is skipped until its next check."""
    discard_connection(alias)
    if _states.get(alias) is None or _states[alias].usable:
        logger.warning("Replica %s failed mid-request (%s); reads go to the primary", alias, type(error).__name__)
    _states[alias] = ReplicaState(alias, time.monotonic(), None, type(error).__name__)


def state(alias):
    """The last known state of ``alias``, measured again first when the last check is too old."""
    known = _states.get(alias)
    if known is not None and time.monotonic() - known.checked_at < settings.REPLICA_CHECK_SECONDS:
        return known
    lock = _locks.setdefault(alias, threading.Lock())
    if not lock.acquire(blocking=known is None):
        return known  # another thread of this process is measuring it right now
    try:
        return measure(alias)
    finally:
        lock.release()


def choose():
    """A usable replica's alias, taking them in turn, or None when every replica is down or behind."""
    global _rotation
    aliases = settings.REPLICA_DATABASES
    if not aliases:
        return None
    with _rotation_lock:
        if _rotation is None or _rotation[0] != aliases:
            _rotation = (aliases, itertools.cycle(aliases))
        first = next(_rotation[1])
    start = aliases.index(first)
    for alias in aliases[start:] + aliases[:start]:
        if state(alias).usable:
            return alias
    return None


def report():
    """Every replica measured now, for /healthz."""
    return {alias: measure(alias).as_json() for alias in settings.REPLICA_DATABASES}


def forget():
    """Drop every recorded state (tests that change a replica's settings start from a fresh check)."""
    _states.clear()
