"""Shared steps of writes that save a record with its children (a settlement with its components ...).

Each child is validated with ``full_clean()`` as the admin's inlines are; errors are collected
with the position of the child so a caller can show them next to the input, and the write is
refused as a whole (the caller's ``transaction.atomic`` rolls back whatever was saved before).
"""

from django.core.exceptions import ValidationError


class InvalidWrite(Exception):
    """A multi-object write was refused. ``errors`` mirrors the input, items keyed by position:
    ``{"slug": [...], "components": {"1": {"amount": [...]}}}`` (``__all__`` for non-field errors)."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def assign(instance, data, fields):
    """Copy the given fields present in ``data`` onto ``instance`` (absent ones keep their value)."""
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
    return instance


def clean_errors(instance, exclude=None):
    """``full_clean()`` as a dict of messages by field; empty when the record is valid."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def missing_sources(instance, item):
    """A new fact must cite a source, as in the admin (a many-to-many rule full_clean() cannot see)."""
    if instance._state.adding and not item.get("sources"):
        return {"sources": ["Cite at least one source."]}
    return {}


def duplicate_keys(items, field="key"):
    """Positions of items repeating a key already used earlier in the same list."""
    seen, duplicates = set(), []
    for position, item in enumerate(items):
        value = item.get(field)
        if value in seen:
            duplicates.append(position)
        seen.add(value)
    return duplicates


class ErrorList:
    """Errors of the items of one nested list, keyed by position ("0", "1", ...) as DRF keys its own."""

    def __init__(self):
        self.errors = {}

    def add(self, position, errors):
        item = self.errors.setdefault(str(position), {})
        for field, messages in errors.items():
            item.setdefault(field, []).extend(messages)

    def nest(self, position, field, nested):
        """Attach the errors of a list inside the item (a component's parts or credits)."""
        if nested:
            self.errors.setdefault(str(position), {})[field] = nested.errors

    def has(self, position):
        return str(position) in self.errors

    def __bool__(self):
        return bool(self.errors)


#: The member of a nested item that removes the stored item it names (PATCH only).
DELETE = "_delete"
REPLACE_REFUSES_DELETE = [f"A PUT lists every item to keep; leave an item out to remove it instead of {DELETE}."]


def removals(stored, items, partial, errors, identity=lambda item: item.get("key"), label="key"):
    """Identities of the stored items a nested list removes, checking the removal instructions.

    A replacing write (PUT, or a create) removes what it leaves out and refuses ``_delete``; a
    merging write (PATCH) removes only the items marked ``{"key": ..., "_delete": true}``, which
    must exist and say nothing else. Problems are added to ``errors`` by position.
    """
    if not partial:
        for position, item in enumerate(items):
            if item.get(DELETE):
                errors.add(position, {DELETE: REPLACE_REFUSES_DELETE})
        return set(stored) - {identity(item) for item in items}
    removed = set()
    for position, item in enumerate(items):
        if not item.get(DELETE):
            continue
        if identity(item) not in stored:
            errors.add(position, {label: [f"Nothing stored here to remove under this {label}."]})
        elif extra := sorted(set(item) - {DELETE, *IDENTITY_MEMBERS}):
            errors.add(position, {DELETE: [f"An item to remove names only itself, not {', '.join(extra)}."]})
        else:
            removed.add(identity(item))
    return removed


def kept(items):
    """The items of a nested list that are written (not removed), with their positions."""
    return [(position, item) for position, item in enumerate(items) if not item.get(DELETE)]


#: Members that identify a nested item (its key, a charge's number, a party's entity and role ...).
IDENTITY_MEMBERS = ("key", "number", "entity", "role", "statute")
