"""Which related records each audit-trail entry held, for the many-to-many fields the trail snapshots.

With every entry django-simple-history copies the record's through rows into one snapshot table per
field. Related records are named by slug or key, or by id where their model has neither, so a change
reads as lists of names rather than through rows. A page of entries costs one query per field,
whatever its size; a related record deleted since is named as its own trail last knew it.
"""

from collections import defaultdict

from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_manager_for_model, get_history_model_for_model

IDENTIFIERS = ("slug", "key")


def relation_fields(history_model):
    """The many-to-many fields whose related records each entry of ``history_model`` snapshots."""
    return list(getattr(history_model, "_history_m2m_fields", ()))


def tracked_relation_names(model):
    """Names of ``model``'s many-to-many fields whose changes its audit trail records."""
    try:
        return {field.name for field in relation_fields(get_history_model_for_model(model))}
    except NotHistoricalModelError:
        return set()


def identifier_field(model):
    """The field naming a ``model`` record for readers, or None when its id is the only name it has."""
    names = {field.name for field in model._meta.concrete_fields}
    return next((name for name in IDENTIFIERS if name in names), None)


def ordered(names):
    """Names in a stable order: ids before slugs, each in its own natural order."""
    return sorted(names, key=lambda name: (isinstance(name, str), name))


def _former_identifiers(model, identifier, ids):
    """{id: slug or key} of deleted ``model`` records, as their latest audit-trail entry has it."""
    try:
        trail = get_history_manager_for_model(model)
    except NotHistoricalModelError:  # no trail to ask: the ids stand as the names
        return {}
    rows = trail.filter(id__in=ids).order_by("id", "-history_date", "-history_id").values_list("id", identifier)
    names = {}
    for pk, name in rows:
        names.setdefault(pk, name)
    return names


def _snapshot_names(history_model, field, history_ids):
    """{history id: names of the related records it held} for one many-to-many ``field``."""
    snapshot = getattr(history_model, field.name).model
    target = field.m2m_reverse_field_name()
    target_id = snapshot._meta.get_field(target).attname
    identifier = identifier_field(field.related_model)
    columns = ["history_id", target_id]
    if identifier is not None:
        # The snapshot's reference is nullable, so this is a LEFT JOIN: a deleted target reads as None.
        columns.append(f"{target}__{identifier}")
    held = defaultdict(list)
    unnamed = defaultdict(list)
    for history_id, pk, *name in snapshot._default_manager.filter(history_id__in=history_ids).values_list(*columns):
        if identifier is None:
            held[history_id].append(pk)
        elif name[0] is not None:
            held[history_id].append(name[0])
        else:
            unnamed[history_id].append(pk)
    if unnamed:
        ids = {pk for pks in unnamed.values() for pk in pks}
        former = _former_identifiers(field.related_model, identifier, ids)
        for history_id, pks in unnamed.items():
            held[history_id].extend(former.get(pk, pk) for pk in pks)
    return {history_id: ordered(names) for history_id, names in held.items()}


def relation_snapshots(records):
    """{field name: {history id: sorted names}} for ``records``, entries of one historical model.

    An entry that held no related record is absent from its field's mapping.
    """
    records = [record for record in records if record is not None]
    if not records:
        return {}
    history_model = type(records[0])
    history_ids = [record.pk for record in records]
    return {field.name: _snapshot_names(history_model, field, history_ids) for field in relation_fields(history_model)}


def relation_ids(record, field):
    """Ids of the records the many-to-many ``field`` held at audit-trail entry ``record``."""
    snapshot = getattr(type(record), field.name).model
    target_id = snapshot._meta.get_field(field.m2m_reverse_field_name()).attname
    return list(snapshot._default_manager.filter(history_id=record.pk).values_list(target_id, flat=True))
