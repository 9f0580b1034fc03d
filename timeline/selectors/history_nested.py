"""A record's trail shows the changes to its nested items too (a settlement's components, credits ...).

A write saves the record, then its items, so each item change saved from one entry of the record's
trail until the next belongs to that entry. Item changes are read from the items' own trails, which
stay whole, and diffed as the record's own fields are. A page of entries costs one query per nested
list and per many-to-many field of its items, plus one for the entry after the page, whatever its size.
"""

from bisect import bisect_right
from dataclasses import dataclass, field

from django.db.models import Q

from timeline.models import (
    ActionParty,
    Charge,
    ChargeStatute,
    Credit,
    EnforcementAction,
    Monitor,
    PardonRequest,
    PardonStatusChange,
    Restriction,
    Settlement,
    SettlementComponent,
)
from timeline.selectors.history import CHANGE_TYPES, field_changes, first_state, relation_changes
from timeline.selectors.history_relations import relation_snapshots


@dataclass(frozen=True)
class NestedList:
    """A list of items written with their record: ``owner`` is the item's reference to the record, or to
    the items of the list named ``via`` (a credit's component); ``identity`` names an item for readers."""

    name: str
    model: type
    owner: str
    identity: tuple
    via: str | None = None


NESTED_LISTS = {
    Settlement: (
        NestedList("components", SettlementComponent, "settlement", ("key",)),
        NestedList("credits", Credit, "component", ("key",), via="components"),
        NestedList("monitors", Monitor, "settlement", ("key",)),
        NestedList("restrictions", Restriction, "settlement", ("key",)),
    ),
    EnforcementAction: (
        NestedList("parties", ActionParty, "action", ("entity_id", "role")),
        NestedList("charges", Charge, "action", ("number",)),
        NestedList("statutes", ChargeStatute, "charge", ("charge_id", "statute_id"), via="charges"),
    ),
    PardonRequest: (NestedList("history", PardonStatusChange, "pardon_request", ("key",)),),
}


@dataclass
class NestedChange:
    list: str
    item: dict
    type: str
    changes: list = field(default_factory=list)


def nested_changes(model, pk, records):
    """{history id of an entry of ``records`` (one page, newest first): [NestedChange, ...]}."""
    lists = NESTED_LISTS.get(model)
    if not lists or not records:
        return {}
    newest = records[0]
    newer = Q(history_date__gt=newest.history_date) | Q(history_date=newest.history_date, history_id__gt=newest.pk)
    after = type(newest)._default_manager.filter(newer, id=pk).order_by("history_date", "history_id").first()
    entries = sorted(records, key=lambda record: (record.history_date, record.pk))
    starts = [entry.history_date for entry in entries]
    end = after.history_date if after is not None else None
    found, owners = {}, {}
    for nested in lists:
        owner_ids = [pk] if nested.via is None else owners[nested.via]
        trail = nested.model.audit_trail.filter(**{f"{nested.owner}_id__in": owner_ids})
        if end is not None:
            trail = trail.filter(history_date__lt=end)
        rows = list(trail.order_by("id", "history_date", "history_id"))
        owners[nested.name] = sorted({row.id for row in rows})
        previous = [None, *rows[:-1]] if rows else []
        pairs = [
            (row, before if before is not None and before.id == row.id else None)
            for before, row in zip(previous, rows, strict=True)
            if row.history_date >= starts[0]
        ]
        snapshots = relation_snapshots([record for pair in pairs for record in pair])
        for row, before in pairs:
            entry = entries[bisect_right(starts, row.history_date) - 1]
            found.setdefault(entry.pk, []).append(_change(nested, row, before, snapshots))
    return found


def _change(nested, row, before, snapshots):
    if row.history_type == "-":
        changes = []
    else:
        changes = first_state(row) if before is None else field_changes(row, before)
        changes = sorted([*changes, *relation_changes(row, before, snapshots)], key=lambda change: change.field)
    item = {name.removesuffix("_id"): getattr(row, name) for name in nested.identity}
    return NestedChange(nested.name, item, CHANGE_TYPES.get(row.history_type, row.history_type), changes)
