"""Read-only panels on change pages: a case's or entity's timeline, penalty totals, credits.

Each builder returns template context and runs a fixed number of queries whatever the number
of events, components or credits, so change pages keep their query budget.
"""

from timeline.admin.common import admin_change_url, money, safe_url
from timeline.models import Credit, SettlementComponent
from timeline.selectors.penalties import PenaltyTotal, penalty_totals
from timeline.selectors.timelines import case_timeline, entity_timeline

ROLL_UP_PARAM = "timeline"
ROLL_UP_VALUE = "group"


def source_items(sources):
    return [
        {"key": source.key, "title": source.title, "publisher": source.publisher, "url": safe_url(source.url)}
        for source in sources
    ]


def timeline_rows(events):
    """Rows for the timeline template: the event, its admin URL, its sources and entities."""
    return [
        {
            "event": event,
            "url": admin_change_url(event),
            "sources": source_items(event.sources.all()),
            "entities": list(event.entities.all()),
        }
        for event in events
    ]


def case_timeline_panel(case):
    rows = timeline_rows(case_timeline(case))
    return {
        "heading": f"Timeline of this case ({len(rows)} events, in date order)",
        "rows": rows,
        "public_url": case.get_absolute_url(),
    }


def entity_timeline_panel(entity, request):
    """The entity's own timeline, or with ?timeline=group the roll-up of its subsidiaries and officers."""
    grouped = request.GET.get(ROLL_UP_PARAM) == ROLL_UP_VALUE
    rows = timeline_rows(entity_timeline(entity, include_related=grouped))
    query = request.GET.copy()
    if grouped:
        query.pop(ROLL_UP_PARAM, None)
        heading = f"Timeline of {entity.name} with its subsidiaries, founders and officers ({len(rows)} events)"
        toggle_label = f"Show only events that concern {entity.name}"
    else:
        query[ROLL_UP_PARAM] = ROLL_UP_VALUE
        heading = f"Timeline of {entity.name} ({len(rows)} events, in date order)"
        toggle_label = "Include subsidiaries, founders and officers"
    return {
        "heading": heading,
        "rows": rows,
        "show_entities": grouped,
        "toggle_url": f"?{query.urlencode()}",
        "toggle_label": toggle_label,
        "public_url": entity.get_absolute_url(),
    }


def _formatted(total, label):
    return {
        "label": label,
        "currency": total.currency,
        "gross": money(total.gross, total.currency),
        "suspended": money(total.suspended, total.currency),
        "credited": money(total.credited, total.currency),
        "net": (
            f"{money(total.net_lower, total.currency)} to {money(total.net, total.currency)}"
            if total.net_is_range
            else money(total.net, total.currency)
        ),
        "components": total.components,
    }


def penalty_panel(components, group_by, group_heading):
    """Gross, suspended, credited and net per group and currency, with a total per currency."""
    rows = penalty_totals(components, group_by=group_by)
    by_currency = {}
    for row in rows:
        total = by_currency.setdefault(row.currency, PenaltyTotal(group=None, label=None, currency=row.currency))
        total.gross += row.gross
        total.suspended += row.suspended
        total.credited += row.credited
        total.unquantified += row.unquantified
        total.unquantified_credits.extend(row.unquantified_credits)
        total.components += row.components
    return {
        "group_heading": group_heading,
        "rows": [_formatted(row, row.label) for row in rows],
        "totals": [_formatted(total, "Total") for _, total in sorted(by_currency.items())],
        "by_currency": by_currency,
    }


def case_penalty_panel(case):
    components = SettlementComponent.objects.filter(settlement__action__case=case)
    panel = penalty_panel(components, "authority", "Authority")
    panel["headline"] = {
        "text": case.headline_text,
        "amount": money(case.headline_amount, case.headline_currency) if case.headline_amount is not None else "",
        "sources": source_items(case.headline_sources.all()),
    }
    return panel


def settlement_penalty_panel(settlement):
    components = SettlementComponent.objects.filter(settlement=settlement)
    panel = penalty_panel(components, "entity", "Payer")
    if settlement.stated_total is not None:
        computed = panel["by_currency"].get(settlement.stated_total_currency)
        gross = computed.gross if computed else None
        panel["stated"] = {
            "amount": money(settlement.stated_total, settlement.stated_total_currency),
            "gross": money(gross, settlement.stated_total_currency) if gross is not None else "-",
            "matches": gross == settlement.stated_total,
        }
    return panel


def settlement_credits_panel(settlement):
    credits = (
        Credit.objects.filter(component__settlement=settlement)
        .select_related("component")
        .prefetch_related("against", "sources")
        .order_by("component__key", "key")
    )
    return [
        {
            "credit": credit,
            "url": admin_change_url(credit),
            "component_url": admin_change_url(credit.component),
            "amount": credit.amount_display,
            "against": [
                {"component": component, "url": admin_change_url(component)} for component in credit.against.all()
            ],
            "sources": source_items(credit.sources.all()),
        }
        for credit in credits
    ]
