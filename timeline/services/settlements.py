"""Settlement writes: a settlement with its components, their parts and credits, its monitors and bars.

All or nothing: every child is validated with ``full_clean()`` and any error refuses the whole
write, so a settlement is never stored with half its money.
"""

from django.db import transaction

from timeline.models import Credit, Monitor, Restriction, Settlement, SettlementComponent
from timeline.services.events import events_sync
from timeline.services.nested import (
    ErrorList,
    InvalidWrite,
    assign,
    clean_errors,
    duplicate_keys,
    missing_sources,
)
from timeline.services.penalty_totals import penalty_totals_follow

SETTLEMENT_FIELDS = (
    "slug",
    "action",
    "kind",
    "title",
    "agreed_on",
    "agreed_precision",
    "approved_on",
    "approved_precision",
    "stated_total",
    "stated_total_currency",
    "summary",
)
COMPONENT_FIELDS = (
    "payer",
    "kind",
    "amount",
    "currency",
    "is_approximate",
    "suspended_amount",
    "description",
    "terms",
    "note",
)
CREDIT_FIELDS = ("kind", "quantum", "amount", "currency", "is_approximate", "evidence", "note")
MONITOR_FIELDS = (
    "monitor",
    "term_months",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "scope",
    "note",
)
RESTRICTION_FIELDS = (
    "subject",
    "kind",
    "scope",
    "is_permanent",
    "duration_months",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "note",
)
DUPLICATE_KEY = {"key": ["This key appears more than once in the settlement."]}


@transaction.atomic
def settlement_write(settlement, data):
    """Create (``settlement`` None) or update a settlement from ``data``; returns it.

    The lists given (``components``, ``monitors``, ``restrictions``) replace the stored ones,
    matched by key so unchanged children keep their identity and audit trail; lists left out are
    kept. Within a component, ``parts`` and ``credits`` are replaced by what the item gives. A
    credit's ``against`` names component keys from this write or already stored (another
    authority's settlement). Raises InvalidWrite with every error found; nothing is saved then.
    """
    settlement = assign(settlement or Settlement(), data, SETTLEMENT_FIELDS)
    errors = clean_errors(settlement)
    if errors:
        raise InvalidWrite(errors)
    settlement.save()
    if "sources" in data:
        settlement.sources.set(data["sources"])
    if "components" in data:
        component_errors = _write_components(settlement, data["components"])
        if component_errors:
            errors["components"] = component_errors.errors
    for name, model, fields in (
        ("monitors", Monitor, MONITOR_FIELDS),
        ("restrictions", Restriction, RESTRICTION_FIELDS),
    ):
        if name in data:
            child_errors = _write_keyed_children(settlement, model, data[name], fields)
            if child_errors:
                errors[name] = child_errors.errors
    if errors:
        raise InvalidWrite(errors)
    events_sync(settlement)
    return settlement


def _save_child(child, item, errors, position):
    problems = clean_errors(child) or missing_sources(child, item)
    if problems:
        errors.add(position, problems)
        return None
    child.save()
    if "sources" in item:
        child.sources.set(item["sources"])
    return child


def _write_keyed_children(settlement, model, items, fields):
    stored = {child.key: child for child in model.objects.filter(settlement=settlement)}
    model.objects.filter(settlement=settlement).exclude(key__in=[item["key"] for item in items]).delete()
    errors = ErrorList()
    for position in duplicate_keys(items):
        errors.add(position, DUPLICATE_KEY)
    for position, item in enumerate(items):
        if not errors.has(position):
            child = stored.get(item["key"]) or model(settlement=settlement, key=item["key"])
            _save_child(assign(child, item, fields), item, errors, position)
    return errors


def _write_components(settlement, items):
    stored = {component.key: component for component in SettlementComponent.objects.filter(settlement=settlement)}
    flat = [item for whole in items for item in (whole, *whole.get("parts", []))]
    wanted = {item["key"] for item in flat}
    removed = set(stored) - wanted
    # A part kept under a new whole must not go down with its old, removed whole.
    detached = SettlementComponent.objects.filter(settlement=settlement, key__in=wanted, part_of__key__in=removed)
    with penalty_totals_follow(detached):
        detached.update(part_of=None)
    SettlementComponent.objects.filter(settlement=settlement, key__in=removed).delete()

    duplicates = {flat[position]["key"] for position in duplicate_keys(flat)}
    errors = ErrorList()
    credited = []  # (component, credit items, ErrorList of the item, position) for the credit pass
    for position, whole_item in enumerate(items):
        whole = _write_component(settlement, stored, whole_item, None, duplicates, errors, position)
        part_items = whole_item.get("parts", [])
        part_errors = ErrorList()
        for part_position, part_item in enumerate(part_items):
            if whole is None:
                continue
            part = _write_component(settlement, stored, part_item, whole, duplicates, part_errors, part_position)
            if part is not None:
                credited.append((part, part_item, part_errors, part_position))
        errors.nest(position, "parts", part_errors)
        if whole is not None:
            credited.append((whole, whole_item, errors, position))
    _write_credits(settlement, credited)
    return errors


def _write_component(settlement, stored, item, whole, duplicates, errors, position):
    if item["key"] in duplicates:
        errors.add(position, DUPLICATE_KEY)
        return None
    component = stored.get(item["key"]) or SettlementComponent(settlement=settlement, key=item["key"])
    assign(component, item, COMPONENT_FIELDS)
    component.part_of = whole
    return _save_child(component, item, errors, position)


def _write_credits(settlement, credited):
    items = [credit for _, item, _, _ in credited for credit in item.get("credits", [])]
    stored_credits = Credit.objects.filter(component__settlement=settlement)
    stored_credits.exclude(key__in=[credit["key"] for credit in items]).delete()
    # Each credit is checked against what its component still owes, counting the other credits of this
    # write; zeroing the stored amounts first keeps a lowered credit from blocking a raised one.
    with penalty_totals_follow(stored_credits):
        stored_credits.update(amount=0)
    stored = {credit.key: credit for credit in stored_credits}
    against_keys = {key for credit in items for key in credit.get("against", [])}
    components = {component.key: component for component in SettlementComponent.objects.filter(key__in=against_keys)}
    for component, item, errors, position in credited:
        credit_items = item.get("credits", [])
        credit_errors = ErrorList()
        for credit_position, credit_item in enumerate(credit_items):
            credit = stored.get(credit_item["key"]) or Credit(key=credit_item["key"])
            credit.component = component
            unknown = [key for key in credit_item.get("against", []) if key not in components]
            if unknown:
                credit_errors.add(credit_position, {"against": [f"No component with key {key}." for key in unknown]})
                continue
            saved = _save_child(assign(credit, credit_item, CREDIT_FIELDS), credit_item, credit_errors, credit_position)
            if saved is not None and "against" in credit_item:
                saved.against.set([components[key] for key in credit_item["against"]])
        errors.nest(position, "credits", credit_errors)
