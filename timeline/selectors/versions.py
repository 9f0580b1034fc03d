"""Version tokens of single rows, so an edit made from a stale copy can be recognised and refused.

A token is a hash of the row's persisted concrete field values (``updated_at`` included where the
model has it, so every save changes it) and of the ids of the many-to-many relations the caller
names. Rows without timestamps (aliases, credits, status changes ...) still get a token that
changes whenever a stored value does. The same token is computed from an instance just read
(no query) and from the database under a row lock, so a form can carry the first and the save
compare it with the second.
"""

import datetime
import hashlib
import json
import uuid
from decimal import Decimal

from timeline.models import (
    ActionParty,
    Charge,
    ChargeStatute,
    Credit,
    EntityAlias,
    EntityIdentifier,
    Monitor,
    PardonStatusChange,
    Restriction,
    SettlementComponent,
)

# Rows that an API write of their parent record rewrites (the nested lists of the write
# serializers), with the path to that parent. Locking the parent first, as the API does, keeps
# a write to the child and a write of the whole record from interleaving.
AGGREGATE_ROOTS = {
    EntityAlias: "entity",
    EntityIdentifier: "entity",
    ActionParty: "action",
    Charge: "action",
    ChargeStatute: "charge__action",
    SettlementComponent: "settlement",
    Credit: "component__settlement",
    Monitor: "settlement",
    Restriction: "settlement",
    PardonStatusChange: "pardon_request",
}


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _token(values, m2m_ids):
    payload = json.dumps(
        {"fields": [_plain(value) for value in values], "m2m": {name: sorted(ids) for name, ids in m2m_ids.items()}},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _concrete_attnames(model):
    return [field.attname for field in model._meta.concrete_fields]


def instance_version(instance, m2m_ids=None):
    """The token of ``instance`` as loaded; ``m2m_ids`` maps relation names to the related ids it holds."""
    values = [getattr(instance, name) for name in _concrete_attnames(type(instance))]
    return _token(values, dict(m2m_ids or {}))


def _m2m_ids(model, pk, name):
    field = model._meta.get_field(name)
    through = field.remote_field.through
    owner = through._meta.get_field(field.m2m_field_name()).attname
    target = through._meta.get_field(field.m2m_reverse_field_name()).attname
    return list(through._default_manager.filter(**{owner: pk}).values_list(target, flat=True))


def stored_version(model, pk, m2m_names=(), lock=False):
    """The token of row ``pk`` as stored, or None when it no longer exists.

    With ``lock`` the row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises
    writers) until the caller's transaction ends, so nobody can change it between this check
    and the caller's save.
    """
    rows = model._default_manager.filter(pk=pk)
    if lock:
        rows = rows.select_for_update()
    values = rows.values_list(*_concrete_attnames(model)).first()
    if values is None:
        return None
    return _token(values, {name: _m2m_ids(model, pk, name) for name in m2m_names})


def lock_aggregate_root(model, pk):
    """Lock the record whose API write rewrites row ``pk`` of ``model`` (a settlement for its credit)."""
    path = AGGREGATE_ROOTS.get(model)
    if path is None:
        return
    root_id = model._default_manager.filter(pk=pk).values_list(path, flat=True).first()
    if root_id is None:
        return
    root_model = model
    for step in path.split("__"):
        root_model = root_model._meta.get_field(step).related_model
    list(root_model._default_manager.select_for_update().filter(pk=root_id).values_list("pk", flat=True))


def locked_version(model, pk, m2m_names=()):
    """The stored token of row ``pk`` with it (and the record its API write belongs to) locked."""
    lock_aggregate_root(model, pk)
    return stored_version(model, pk, m2m_names, lock=True)


def last_change(model, pk):
    """The latest audit-trail entry of row ``pk`` (who and when), or None."""
    return (
        model.audit_trail.filter(id=pk).select_related("history_user").order_by("-history_date", "-history_id").first()
    )
