"""Enforcement-action writes: an action with its parties and its charges (with the statutes they cite)."""

from django.db import transaction

from timeline.models import ActionParty, Charge, ChargeStatute, EnforcementAction
from timeline.services.events import events_sync
from timeline.services.nested import (
    ErrorList,
    InvalidWrite,
    assign,
    clean_errors,
    duplicate_keys,
    kept,
    missing_sources,
    removals,
)

ACTION_FIELDS = (
    "slug",
    "case",
    "authority",
    "action_type",
    "caption",
    "court",
    "docket_number",
    "judge",
    "status",
    "filed_on",
    "filed_precision",
    "resolved_on",
    "resolved_precision",
    "summary",
)
CHARGE_FIELDS = (
    "defendant",
    "description",
    "counts",
    "disposition",
    "disposition_on",
    "disposition_precision",
    "note",
)


@transaction.atomic
def action_write(action, data, partial=False):
    """Create (``action`` None) or update an action from ``data``; returns it.

    ``parties`` (matched by entity and role), ``charges`` (matched by number) and a charge's
    ``citations`` (matched by statute; errors reported under ``statutes``, the name callers give
    the list) follow the nested-list rule of ``timeline.services.nested.removals``: a replacing
    write stores exactly what it lists, a merging one (``partial``) changes only what it names and
    removes only items marked ``_delete``. The action's events are brought in line afterwards.
    Raises InvalidWrite with every error; nothing is saved then.
    """
    action = assign(action or EnforcementAction(), data, ACTION_FIELDS)
    errors = clean_errors(action)
    if errors:
        raise InvalidWrite(errors)
    action.save()
    if "sources" in data:
        action.sources.set(data["sources"])
    if "parties" in data:
        party_errors = _write_parties(action, data["parties"], partial)
        if party_errors:
            errors["parties"] = party_errors.errors
    if "charges" in data:
        charge_errors = _write_charges(action, data["charges"], partial)
        if charge_errors:
            errors["charges"] = charge_errors.errors
    if errors:
        raise InvalidWrite(errors)
    events_sync(action)
    return action


def _party_identity(item):
    entity = item.get("entity")
    return (getattr(entity, "pk", None), item.get("role"))


def _write_parties(action, items, partial):
    stored = {(party.entity_id, party.role): party for party in ActionParty.objects.filter(action=action)}
    errors = ErrorList()
    for identity in removals(stored, items, partial, errors, _party_identity, "entity"):
        stored[identity].delete()
    for position, item in kept(items):
        if errors.has(position):
            continue
        party = stored.get(_party_identity(item)) or ActionParty(action=action)
        assign(party, item, ("entity", "role", "note"))
        problems = clean_errors(party)
        if problems:
            errors.add(position, problems)
        else:
            party.save()
    return errors


def _write_charges(action, items, partial):
    stored = {charge.number: charge for charge in Charge.objects.filter(action=action)}
    errors = ErrorList()
    for position in duplicate_keys(items, "number"):
        errors.add(position, {"number": ["This number appears more than once in the action."]})
    removed = removals(stored, items, partial, errors, lambda item: item.get("number"), "number")
    Charge.objects.filter(action=action, number__in=removed).delete()
    for position, item in kept(items):
        if errors.has(position):
            continue
        charge = stored.get(item["number"]) or Charge(action=action, number=item["number"])
        problems = clean_errors(assign(charge, item, CHARGE_FIELDS)) or missing_sources(charge, item)
        if problems:
            errors.add(position, problems)
            continue
        charge.save()
        if "sources" in item:
            charge.sources.set(item["sources"])
        if "citations" in item:
            citation_errors = _write_citations(charge, item["citations"], partial)
            errors.nest(position, "statutes", citation_errors)
    return errors


def _write_citations(charge, items, partial):
    stored = {citation.statute_id: citation for citation in ChargeStatute.objects.filter(charge=charge)}
    errors = ErrorList()
    identity = lambda item: getattr(item.get("statute"), "pk", None)  # noqa: E731
    removed = removals(stored, items, partial, errors, identity, "statute")
    ChargeStatute.objects.filter(charge=charge, statute__in=removed).delete()
    for position, item in kept(items):
        if errors.has(position):
            continue
        citation = stored.get(identity(item)) or ChargeStatute(charge=charge, statute=item["statute"])
        assign(citation, item, ("confirmed",))
        problems = clean_errors(citation)
        if problems:
            errors.add(position, problems)
        else:
            citation.save()
    return errors
