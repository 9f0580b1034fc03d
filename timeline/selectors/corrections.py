"""Corrections a reader can see: when a published fact's value or sources changed, and how.

Read from the audit trail (django-simple-history): every entry after a record's first is compared
with the one before it. A change to a stored value or to the sources cited is a correction; a
save that only moves timestamps is not. One query fetches the trail of all the records shown,
and one per many-to-many field the trail snapshots (the sources).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from timeline.selectors.history import plain, relation_changes
from timeline.selectors.history_relations import relation_fields, relation_snapshots

# Bookkeeping, not facts: a change to these alone is not a correction.
NOT_FACTS = {"created_at", "updated_at"}


@dataclass
class Correction:
    date: object
    changes: list = field(default_factory=list)  # (field label, old, new), as printed


def _shown(value):
    """A value as the page prints it: lists joined, nothing as "empty"."""
    if value in (None, "", []):
        return "empty"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(plain(value))


def _label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field since removed keeps its stored name
        return name


def corrections_for(records):
    """{record pk: [Correction, oldest first]} for ``records``, live rows of one model with an audit trail."""
    records = list(records)
    if not records:
        return {}
    model = type(records[0])
    trail = list(
        model.audit_trail.filter(id__in=[record.pk for record in records]).order_by("id", "history_date", "history_id")
    )
    if not trail:
        return {}
    snapshots = relation_snapshots(trail)
    excluded = [relation.name for relation in relation_fields(type(trail[0]))]
    by_record = defaultdict(list)
    for entry in trail:
        by_record[entry.id].append(entry)
    found = {}
    for pk, entries in by_record.items():
        corrections = []
        for before, entry in pairwise(entries):
            if entry.history_type != "~":
                continue
            changes = [
                (_label(model, change.field), _shown(change.old), _shown(change.new))
                for change in entry.diff_against(before, excluded_fields=excluded).changes
                if change.field not in NOT_FACTS
            ]
            # Sources and other relations first filled in right after the record was created complete its
            # creation (they are written just after the row itself); they correct nothing.
            completing = before.history_type == "+"
            changes += [
                (_label(model, change.field), _shown(change.old), _shown(change.new))
                for change in relation_changes(entry, before, snapshots)
                if not (completing and not change.old)
            ]
            if changes:
                corrections.append(Correction(entry.history_date, sorted(changes, key=lambda change: change[0])))
        if corrections:
            found[pk] = corrections
    return found


def attach_corrections(records):
    """Set ``record.corrections`` (a list, maybe empty) on each of ``records``; returns them."""
    found = corrections_for(records)
    for record in records:
        record.corrections = found.get(record.pk, [])
    return records
