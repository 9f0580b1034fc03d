"""What scaling rests on, measured during a multi-node run: CPU seconds per tier, and replication lag.

CPU comes from /proc (Linux): a process tree's time is the sum over its live processes of their
own and their reaped children's user and system time, so workers and backends that come and go
are counted. The primary is shared with other databases, so its tier counts only the backends
connected to the load test's database and the WAL sender feeding the replica (sampled, so a
backend that exits between samples loses at most its last half second). The replica serves only
this run: its whole server counts, replay included.
"""

import os
import threading
import time

import psycopg

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.5


def cpu_fields(pid):
    """(own + reaped children's CPU seconds, start time in seconds since boot, parent pid), or None when gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the command: state ppid ... utime(11) stime(12) cutime(13) cstime(14) ... starttime(19).
    ticks = sum(int(value) for value in fields[11:15])
    return ticks / CLOCK_TICKS, int(fields[19]) / CLOCK_TICKS, int(fields[1])


def uptime():
    with open("/proc/uptime") as source:
        return float(source.read().split()[0])


def tree_seconds(root):
    """CPU seconds of ``root`` and every live descendant (reaped ones are in their parents' figures)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = cpu_fields(int(entry))
            if fields is not None:
                parents[int(entry)] = fields
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        if pid in parents:
            total += parents[pid][0]
            stack.extend(child for child, fields in parents.items() if fields[2] == pid)
    return total


def postmaster_pid(url):
    """The server process of the PostgreSQL at ``url`` (the parent of a backend)."""
    with psycopg.connect(url, autocommit=True) as connection:
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
    return cpu_fields(backend)[2]


class PrimaryBackends(threading.Thread):
    """Samples the CPU of the primary's backends of one database and of its WAL senders."""

    def __init__(self, url, database):
        super().__init__(name="primary-cpu", daemon=True)
        self.url, self.database = url, database
        self.started_at = uptime()
        self.first, self.last = {}, {}
        self.done = threading.Event()

    def sample(self, connection):
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE (datname = %s AND pid <> pg_backend_pid()) "
            "OR backend_type = 'walsender'",
            [self.database],
        ).fetchall()
        for (pid,) in rows:
            fields = cpu_fields(pid)
            if fields is None:
                continue
            seconds, started, _ = fields
            self.first.setdefault(pid, 0.0 if started >= self.started_at else seconds)
            self.last[pid] = seconds

    def run(self):
        with psycopg.connect(self.url, autocommit=True) as connection:
            while True:
                self.sample(connection)
                if self.done.wait(SAMPLE_SECONDS):
                    self.sample(connection)
                    return

    def stop(self):
        self.done.set()
        self.join()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


class ReplicationLag(threading.Thread):
    """Samples the primary's view of its replicas: seconds and bytes of WAL not yet replayed."""

    def __init__(self, url):
        super().__init__(name="replication-lag", daemon=True)
        self.url = url
        self.seconds, self.bytes = [], []
        self.done = threading.Event()

    def run(self):
        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.done.wait(0.25):
                row = connection.execute(
                    "SELECT COALESCE(MAX(EXTRACT(EPOCH FROM replay_lag)), 0)::float8, "
                    "COALESCE(MAX(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::float8 "
                    "FROM pg_stat_replication"
                ).fetchone()
                self.seconds.append(row[0])
                self.bytes.append(row[1])

    def stop(self):
        self.done.set()
        self.join()


def wait_for_replay(primary_url, replica_url, timeout=60):
    """Block until the replica has replayed everything the primary has written so far."""
    with psycopg.connect(primary_url, autocommit=True) as primary:
        target = primary.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(replica_url, autocommit=True, connect_timeout=2) as replica:
                if replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]:
                    return
        except psycopg.OperationalError:
            pass  # not up yet, or the database's creation not replayed yet
        time.sleep(0.1)
    raise SystemExit(f"the replica did not replay up to {target} within {timeout} s")
