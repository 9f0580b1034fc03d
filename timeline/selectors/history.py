"""The audit trail of one record, newest first, each entry with the fields it changed (old and new values).

Entries come from django-simple-history. A page of entries is diffed against the entry before
each one: the page itself supplies all but the oldest entry's predecessor, which one more query
fetches, and the related records the many-to-many fields held are read for all of them at once
(one query per field), so a page costs the same queries whatever its size.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.forms.models import model_to_dict

from timeline.selectors.history_relations import relation_fields, relation_snapshots

HISTORY_ORDER = ("-history_date", "-history_id")
CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    record: object
    changes: list = field(default_factory=list)
    nested: list = field(default_factory=list)

    @property
    def history_id(self):
        return self.record.history_id

    @property
    def date(self):
        return self.record.history_date

    @property
    def type(self):
        return CHANGE_TYPES.get(self.record.history_type, self.record.history_type)

    @property
    def user(self):
        user = self.record.history_user
        return user.get_username() if user is not None else None

    @property
    def change_reason(self):
        return self.record.history_change_reason or None


def plain(value):
    """A value as JSON carries it: exact decimals as strings, dates in ISO 8601."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def record_history(model, pk):
    """Every audit-trail entry of row ``pk`` of ``model``, newest first, with who made it."""
    return model.audit_trail.filter(id=pk).select_related("history_user").order_by(*HISTORY_ORDER)


def record_id(model, lookup_field, value):
    """The id of the record ``lookup_field=value``, also when it has been deleted since; None if never stored."""
    column = "id" if lookup_field == "pk" else lookup_field
    live = model._default_manager.filter(**{column: value}).values_list("pk", flat=True).first()
    if live is not None:
        return live
    return model.audit_trail.filter(**{column: value}).order_by(*HISTORY_ORDER).values_list("id", flat=True).first()


def _predecessor(record):
    """The entry just before ``record`` in the same record's trail."""
    older = Q(history_date__lt=record.history_date) | Q(history_date=record.history_date, history_id__lt=record.pk)
    return type(record)._default_manager.filter(older, id=record.id).order_by(*HISTORY_ORDER).first()


def _tracked_fields(record):
    return [f.name for f in record.tracked_fields if f.editable and not f.primary_key]


def first_state(record):
    """The values set when the trail begins: every field that holds something."""
    values = model_to_dict(record, fields=_tracked_fields(record))
    return [Change(name, None, plain(value)) for name, value in sorted(values.items()) if value not in (None, "")]


def field_changes(record, before):
    """The stored fields ``record`` changed from ``before``; the many-to-many ones are left to the snapshots."""
    excluded = [field.name for field in relation_fields(type(record))]
    delta = record.diff_against(before, excluded_fields=excluded)
    return [Change(change.field, plain(change.old), plain(change.new)) for change in delta.changes]


def relation_changes(record, before, snapshots):
    """The many-to-many fields whose related records ``record`` holds differently from ``before``.

    ``snapshots`` comes from ``relation_snapshots``. Without ``before``, every non-empty field is
    a change from None. A deletion is not diffed: the through rows go before the record, so its
    snapshot is empty although nobody removed a relation.
    """
    if record.history_type == "-":
        return []
    changes = []
    for name, held in snapshots.items():
        new = held.get(record.pk, [])
        old = None if before is None else held.get(before.pk, [])
        if new != (old or []):
            changes.append(Change(name, old, new))
    return changes


def history_entries(records):
    """Entries for ``records`` (one record's trail, newest first), each with its changes."""
    records = list(records)
    if not records:
        return []
    previous = [*records[1:], _predecessor(records[-1])]
    snapshots = relation_snapshots([*records, previous[-1]])
    entries = []
    for record, before in zip(records, previous, strict=True):
        changes = first_state(record) if before is None else field_changes(record, before)
        changes.extend(relation_changes(record, before, snapshots))
        entries.append(HistoryEntry(record, sorted(changes, key=lambda change: change.field)))
    return entries
