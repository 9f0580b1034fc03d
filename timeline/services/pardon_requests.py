"""Pardon-request writes: a request with its dated status history, whose latest established step sets its status."""

from django.db import transaction
from django.db.models.deletion import ProtectedError

from timeline.models import PardonRequest, PardonStatusChange
from timeline.services.clemency import derived_status, pardon_request_sync_status
from timeline.services.events import events_sync
from timeline.services.nested import (
    DELETE,
    ErrorList,
    InvalidWrite,
    assign,
    clean_errors,
    duplicate_keys,
    kept,
    missing_sources,
    removals,
)

REQUEST_FIELDS = ("slug", "person", "kind", "granted_by", "summary")
STEP_FIELDS = ("status", "date", "date_precision", "claim_status", "claimed_by", "description")


def history_status(steps):
    """The status a history implies (see ``derived_status``), from saved steps or step data."""
    unsaved = [PardonStatusChange(**{name: step[name] for name in STEP_FIELDS if name in step}) for step in steps]
    return derived_status(unsaved)


def merged_history(request, items):
    """The steps a merging write leaves: the stored ones with the items' fields over them, less those removed."""
    steps = {step.key: step for step in request.history.all()} if request.pk else {}
    for item in items:
        if item.get(DELETE):
            steps.pop(item.get("key"), None)
            continue
        step = steps.get(item.get("key")) or PardonStatusChange()
        steps[item.get("key")] = assign(step, item, STEP_FIELDS)
    return derived_status(steps.values())


@transaction.atomic
def pardon_request_write(request, data, partial=False):
    """Create (``request`` None) or update a pardon request from ``data``; returns it.

    ``history`` (steps matched by key) follows the nested-list rule of
    ``timeline.services.nested.removals``: a replacing write stores exactly the steps given, a
    merging one (``partial``) changes only the steps it names and removes those marked
    ``_delete``. A step's ``responds_to`` names the key of another step. The status follows the
    history whenever there is one: a ``status`` that contradicts it is refused. Raises
    InvalidWrite; nothing is saved then.
    """
    request = assign(request or PardonRequest(), data, REQUEST_FIELDS)
    if "history" in data:
        implied = merged_history(request, data["history"]) if partial else history_status(data["history"])
    else:
        implied = derived_status(request.history.all()) if request.pk else None
    if implied and data.get("status", implied) != implied:
        raise InvalidWrite({"status": [f"The status follows the history, which gives {implied}."]})
    request.status = implied or data.get("status", request.status)
    errors = clean_errors(request)
    if errors:
        raise InvalidWrite(errors)
    request.save()
    for name in ("sources", "actions", "sentences"):
        if name in data:
            getattr(request, name).set(data[name])
    if "history" in data:
        step_errors = _write_history(request, data["history"], partial)
        if step_errors:
            raise InvalidWrite({"history": step_errors.errors})
    pardon_request_sync_status(request)
    events_sync(request)
    return request


def _write_history(request, items, partial):
    stored = {step.key: step for step in PardonStatusChange.objects.filter(pardon_request=request)}
    errors = ErrorList()
    for position in duplicate_keys(items):
        errors.add(position, {"key": ["This key appears more than once in the history."]})
    removed = removals(stored, items, partial, errors)
    if errors:
        return errors
    try:
        PardonStatusChange.objects.filter(pardon_request=request, key__in=removed).delete()
    except ProtectedError:
        raise InvalidWrite(
            {"history": ["A step removed is still answered by another record; update that record first."]}
        ) from None
    written = {item["key"] for _, item in kept(items)}
    keys = (set(stored) - removed) | written
    saved, deferred = {}, []
    for position, item in kept(items):
        target = item.get("responds_to")
        if target and (target not in keys or target == item["key"]):
            errors.add(position, {"responds_to": [f"Name the key of another step of this history, not {target}."]})
        if errors.has(position):
            continue
        step = stored.get(item["key"]) or PardonStatusChange(pardon_request=request, key=item["key"])
        assign(step, item, STEP_FIELDS)
        if "responds_to" in item or not partial:
            step.responds_to = saved.get(target)
            if target and target not in saved:
                if target in written:
                    deferred.append((step, target))
                else:
                    step.responds_to = stored[target]
        problems = clean_errors(step) or missing_sources(step, item)
        if problems:
            errors.add(position, problems)
            continue
        step.save()
        saved[step.key] = step
        if "sources" in item:
            step.sources.set(item["sources"])
    for step, target in deferred:
        if step.pk and target in saved:
            step.responds_to = saved[target]
            step.save(update_fields=["responds_to"])
    return errors
