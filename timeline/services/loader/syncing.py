"""After writing: the timeline sync, and proof that it leaves the loaded records as the files state them.

Mirrored events and clemency statuses are derived from facts. A file that states them differently
would be rewritten by the sync after every load and back again by the next load, so such a record
is a problem to fix in the file, not a change to accept silently.
"""

from timeline.models import Event, PardonRequest
from timeline.services.loader.planning import describe
from timeline.services.loader.reporting import Problem, format_key
from timeline.services.sync import timeline_sync_all

DERIVED = (Event, PardonRequest)


def _state(obj, names):
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    if fresh is None:
        return None
    state = {}
    for name in names:
        field = type(obj)._meta.get_field(name)
        if field.many_to_many:
            state[name] = sorted(list(target.natural_key()) for target in getattr(fresh, name).all())
        elif field.many_to_one:
            target = getattr(fresh, name)
            state[name] = list(target.natural_key()) if target is not None else None
        else:
            state[name] = getattr(fresh, field.attname)
    return state


def sync_and_verify(saved, unattached):
    """Run the timeline sync; report loaded events and clemency statuses that it had to rewrite.

    Problems that belong to no loaded record go to ``unattached``.
    """
    watched = [record for record in saved if record.model in DERIVED]
    before = {record: _state(record.instance, sorted(record.given)) for record in watched}
    result = timeline_sync_all()
    loaded = {(record.model, record.instance.pk): record for record in saved}
    for obj, reason in result.failures:
        record = loaded.get((type(obj), obj.pk))
        message = f"the timeline sync cannot write what this record implies: {reason}"
        if record is not None:
            record.issue(message)
        else:
            label = f"{obj._meta.label_lower} {format_key(obj.natural_key())}"
            unattached.append(Problem("(timeline sync)", f"{label}: {message}"))
    for record in watched:
        names = sorted(record.given)
        after = _state(record.instance, names)
        if after is None:
            record.issue(
                "the timeline sync deletes this event: the fact it mirrors has no such date; remove it from the file"
            )
            continue
        for name in names:
            if before[record][name] == after[name]:
                continue
            change = f"the timeline sync changes it from {describe(before[record][name])} to {describe(after[name])}"
            if record.model is Event:
                reason = (
                    f"this event mirrors a fact ({record.instance.fact_field}) and must agree with it; "
                    "correct the file or leave the event out (the sync writes it)"
                )
            else:
                reason = "the current status follows the request's history; write that status"
            record.issue(f"{change}: {reason}", name)
    return result
