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
    missing_sources,
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
def action_write(action, data):
    """Create (``action`` None) or update an action from ``data``; returns it.

    ``parties`` (matched by entity and role) and ``charges`` (matched by number) replace the
    stored ones when given; so do a charge's ``citations`` (errors reported under ``statutes``,
    the name callers give the list). The action's events are brought in line afterwards.
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
        party_errors = _write_parties(action, data["parties"])
        if party_errors:
            errors["parties"] = party_errors.errors
    if "charges" in data:
        charge_errors = _write_charges(action, data["charges"])
        if charge_errors:
            errors["charges"] = charge_errors.errors
    if errors:
        raise InvalidWrite(errors)
    events_sync(action)
    return action


def _write_parties(action, items):
    stored = {(party.entity_id, party.role): party for party in ActionParty.objects.filter(action=action)}
    wanted = {(item["entity"].pk, item["role"]) for item in items}
    for identity, party in stored.items():
        if identity not in wanted:
            party.delete()
    errors = ErrorList()
    for position, item in enumerate(items):
        party = stored.get((item["entity"].pk, item["role"])) or ActionParty(action=action)
        assign(party, item, ("entity", "role", "note"))
        problems = clean_errors(party)
        if problems:
            errors.add(position, problems)
        else:
            party.save()
    return errors


def _write_charges(action, items):
    stored = {charge.number: charge for charge in Charge.objects.filter(action=action)}
    Charge.objects.filter(action=action).exclude(number__in=[item["number"] for item in items]).delete()
    errors = ErrorList()
    for position in duplicate_keys(items, "number"):
        errors.add(position, {"number": ["This number appears more than once in the action."]})
    for position, item in enumerate(items):
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
            citation_errors = _write_citations(charge, item["citations"])
            errors.nest(position, "statutes", citation_errors)
    return errors


def _write_citations(charge, items):
    stored = {citation.statute_id: citation for citation in ChargeStatute.objects.filter(charge=charge)}
    ChargeStatute.objects.filter(charge=charge).exclude(statute__in=[item["statute"] for item in items]).delete()
    errors = ErrorList()
    for position, item in enumerate(items):
        citation = stored.get(item["statute"].pk) or ChargeStatute(charge=charge, statute=item["statute"])
        citation.confirmed = item.get("confirmed", True)
        problems = clean_errors(citation)
        if problems:
            errors.add(position, problems)
        else:
            citation.save()
    return errors
