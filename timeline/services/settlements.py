"""Settlement writes: a settlement with its components, their parts and credits, its monitors and bars.

All or nothing: every child is validated with ``full_clean()`` and any error refuses the whole
write, so a settlement is never stored with half its money.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.db.models.deletion import RestrictedError

from timeline.models import Credit, Monitor, Restriction, Settlement, SettlementComponent
from timeline.services.events import events_sync
from timeline.services.loader import checks
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
CREDIT_FIELDS = ("kind", "amount", "currency", "is_approximate", "note")
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
OWN_COMPONENT = "A credit cannot be counted against its own component: the same payment cannot satisfy itself."
DUPLICATE_KEY = {"key": ["This key appears more than once in the settlement."]}


@transaction.atomic
def settlement_write(settlement, data, partial=False):
    """Create (``settlement`` None) or update a settlement from ``data``; returns it.

    Nested lists (``components`` with their ``parts`` and ``credits``, ``monitors``,
    ``restrictions``) follow one rule, matched by key: a replacing write (create, PUT) stores
    exactly the items given; a merging write (``partial``, PATCH) changes only the items and
    fields it names, leaves lists it omits alone and removes an item only when it is marked
    ``_delete`` (``timeline.services.nested.removals``). An item's place says where it belongs:
    listed in ``components`` it is a whole, in a whole's ``parts`` a part of it. A credit's
    ``against`` names component keys from this write or already stored (another authority's
    settlement). Raises InvalidWrite with every error found; nothing is saved then.
    """
    settlement = assign(settlement or Settlement(), data, SETTLEMENT_FIELDS)
    errors = clean_errors(settlement)
    if errors:
        raise InvalidWrite(errors)
    settlement.save()
    if "sources" in data:
        settlement.sources.set(data["sources"])
    if "components" in data:
        component_errors = _write_components(settlement, data["components"], partial)
        if component_errors:
            errors["components"] = component_errors.errors
    for name, model, fields in (
        ("monitors", Monitor, MONITOR_FIELDS),
        ("restrictions", Restriction, RESTRICTION_FIELDS),
    ):
        if name in data:
            child_errors = _write_keyed_children(settlement, model, data[name], fields, partial)
            if child_errors:
                errors[name] = child_errors.errors
    if errors:
        raise InvalidWrite(errors)
    amount_errors = _amount_problems(settlement)
    if amount_errors:
        raise InvalidWrite(amount_errors)
    events_sync(settlement)
    return settlement


def _amount_problems(settlement):
    """The loader's checks across records, so every state a write leaves loads back with ``load_timeline``."""
    component_ids = list(SettlementComponent.objects.filter(settlement=settlement).values_list("pk", flat=True))
    errors = {}
    for _, field, message in checks.settlement_total_problems([settlement.pk]):
        errors.setdefault(field, []).append(f"The settlement: {message}.")
    for check in (checks.credit_problems, checks.credit_against_problems):
        for component, _, message in check(component_ids):
            errors.setdefault(NON_FIELD_ERRORS, []).append(f"Component {component.key}: {message}.")
    return errors


def _save_child(child, item, errors, position):
    problems = clean_errors(child) or missing_sources(child, item)
    if problems:
        errors.add(position, problems)
        return None
    child.save()
    if "sources" in item:
        child.sources.set(item["sources"])
    return child


def _write_keyed_children(settlement, model, items, fields, partial):
    stored = {child.key: child for child in model.objects.filter(settlement=settlement)}
    errors = ErrorList()
    for position in duplicate_keys(items):
        errors.add(position, DUPLICATE_KEY)
    removed = removals(stored, items, partial, errors)
    model.objects.filter(settlement=settlement, key__in=removed).delete()
    for position, item in kept(items):
        if not errors.has(position):
            child = stored.get(item["key"]) or model(settlement=settlement, key=item["key"])
            _save_child(assign(child, item, fields), item, errors, position)
    return errors


def _write_components(settlement, items, partial):
    stored = {component.key: component for component in SettlementComponent.objects.filter(settlement=settlement)}
    flat = [item for whole in items for item in (whole, *whole.get("parts", []))]
    errors = ErrorList()
    part_errors = [ErrorList() for _ in items]
    removed = removals(stored, items, partial, errors)
    for position, whole_item in enumerate(items):
        if "parts" in whole_item:
            # A PATCH removes only parts of this whole; a PUT's leftovers are counted over the whole list below.
            whole_id = getattr(stored.get(whole_item["key"]), "pk", None)
            parts = {key: part for key, part in stored.items() if whole_id and part.part_of_id == whole_id}
            removed |= removals(parts, whole_item["parts"], partial, part_errors[position])
    wanted = {item["key"] for item in flat if not item.get(DELETE)}
    removed -= wanted
    if errors or any(part_errors):
        for position, nested in enumerate(part_errors):
            errors.nest(position, "parts", nested)
        return errors
    refuse_credited_removal(settlement, removed)
    # A part kept under a new whole must not go down with its old, removed whole.
    detached = SettlementComponent.objects.filter(settlement=settlement, key__in=wanted, part_of__key__in=removed)
    with penalty_totals_follow(detached):
        detached.update(part_of=None)
    SettlementComponent.objects.filter(settlement=settlement, key__in=removed).delete()

    duplicates = {flat[position]["key"] for position in duplicate_keys(flat)}
    credited = []  # (component, item, ErrorList of the item, position) for the credit pass
    for position, whole_item in kept(items):
        whole = _write_component(settlement, stored, whole_item, None, duplicates, errors, position)
        for part_position, part_item in kept(whole_item.get("parts", [])):
            if whole is None:
                continue
            part = _write_component(
                settlement, stored, part_item, whole, duplicates, part_errors[position], part_position
            )
            if part is not None:
                credited.append((part, part_item, part_errors[position], part_position))
        if whole is not None:
            credited.append((whole, whole_item, errors, position))
    _write_credits(settlement, credited, partial)
    for position, nested in enumerate(part_errors):
        errors.nest(position, "parts", nested)
    return errors


def refuse_credited_removal(settlement, keys):
    """Removing a component that credits of other components rely on is refused, naming those credits.

    The credits would otherwise keep reducing net totals with no payment behind them.
    """
    relying = (
        Credit.objects.filter(against__settlement=settlement, against__key__in=keys)
        .exclude(component__settlement=settlement, component__key__in=keys)
        .distinct()
    )
    if relying.exists():
        raise RestrictedError(
            "Credits are counted against the components this write removes; change or remove them first.",
            set(relying),
        )


def _write_component(settlement, stored, item, whole, duplicates, errors, position):
    if item["key"] in duplicates:
        errors.add(position, DUPLICATE_KEY)
        return None
    component = stored.get(item["key"]) or SettlementComponent(settlement=settlement, key=item["key"])
    assign(component, item, COMPONENT_FIELDS)
    component.part_of = whole
    return _save_child(component, item, errors, position)


def _write_credits(settlement, credited, partial):
    """Credits of the components written; a component whose item omits ``credits`` keeps its own in a PATCH."""
    given = [(component, item) for component, item, _, _ in credited if "credits" in item]
    items = [credit for _, item in given for credit in item["credits"]]
    stored_credits = Credit.objects.filter(component__settlement=settlement)
    stored = {credit.key: credit for credit in stored_credits}
    errors_by_item = {id(item): (errors, position) for _, item, errors, position in credited}
    removed = set()
    for component, item in given:
        errors, position = errors_by_item[id(item)]
        credit_errors = ErrorList()
        scope = stored if partial else {key: c for key, c in stored.items() if c.component_id == component.pk}
        removed |= removals(scope, item["credits"], partial, credit_errors)
        errors.nest(position, "credits", credit_errors)
    if not partial:
        # A replacing write keeps only the credits it lists, wherever they were before.
        removed = set(stored) - {credit["key"] for credit in items}
    if any(errors.has(position) for errors, position in errors_by_item.values()):
        return
    Credit.objects.filter(key__in=removed, component__settlement=settlement).delete()
    # Each credit is checked against what its component still owes, counting the other credits of this
    # write; zeroing the written credits first keeps a lowered credit from blocking a raised one.
    rewritten = Credit.objects.filter(key__in=[credit["key"] for credit in items if not credit.get(DELETE)])
    with penalty_totals_follow(rewritten):
        rewritten.update(amount=0)
    against_keys = {key for credit in items for key in credit.get("against", [])}
    components = {component.key: component for component in SettlementComponent.objects.filter(key__in=against_keys)}
    for component, item in given:
        errors, position = errors_by_item[id(item)]
        credit_errors = ErrorList()
        for credit_position, credit_item in kept(item["credits"]):
            credit = stored.get(credit_item["key"]) or Credit(key=credit_item["key"])
            credit.component = component
            unknown = [key for key in credit_item.get("against", []) if key not in components]
            if unknown:
                credit_errors.add(credit_position, {"against": [f"No component with key {key}." for key in unknown]})
                continue
            if component.key in credit_item.get("against", []):
                credit_errors.add(credit_position, {"against": [OWN_COMPONENT]})
                continue
            saved = _save_child(assign(credit, credit_item, CREDIT_FIELDS), credit_item, credit_errors, credit_position)
            if saved is not None and "against" in credit_item:
                saved.against.set([components[key] for key in credit_item["against"]])
        errors.nest(position, "credits", credit_errors)
