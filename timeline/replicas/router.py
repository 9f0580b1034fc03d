"""The database router: a request's reads go to the replica its middleware chose, writes to the primary.

The choice lives in a ``ContextVar`` set per request (``reading_from``), so threads and requests
never see each other's; outside a routed request every query goes to the primary.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

_replica = ContextVar("timeline_read_replica", default=None)


def current_replica():
    """The alias this request reads from, or None when it reads from the primary."""
    return _replica.get()


@contextmanager
def reading_from(alias):
    """Send the reads inside the block to ``alias`` (None: the primary)."""
    token = _replica.set(alias)
    try:
        yield
    finally:
        _replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return _replica.get()

    def db_for_write(self, model, **hints):
        # Explicit: Django would otherwise write an instance back to the database it was read from.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas are copies of the primary: a row read from one relates to rows on the others.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A hot standby is read-only and replays the primary's schema changes itself.
        return False if db in settings.REPLICA_DATABASES else None
