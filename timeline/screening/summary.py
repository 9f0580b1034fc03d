"""The enforcement record attached to each screening result, for a whole batch of entities at once.

A fixed number of queries however many results: actions and authorities, latest event, penalty
totals (the penalties selector, grouped by payer), sentences and clemency requests.
"""

from django.db.models import Count, OuterRef, Subquery

from timeline.models import ActionParty, Entity, Event, PardonRequest, Sentence, SettlementComponent
from timeline.selectors.penalties import penalty_totals_from_components


def _latest_events(entity_ids):
    latest = Event.objects.filter(entities=OuterRef("pk")).order_by("-date", "-id")
    rows = Entity.objects.filter(pk__in=entity_ids).annotate(
        event_key=Subquery(latest.values("key")[:1]),
        event_date=Subquery(latest.values("date")[:1]),
        event_title=Subquery(latest.values("title")[:1]),
    )
    return {
        row.pk: {"key": row.event_key, "date": row.event_date.isoformat(), "title": row.event_title}
        for row in rows.only("pk")
        if row.event_key
    }


def _actions(entity_ids):
    """Per entity: the number of actions it is a party to and the authorities that brought them."""
    actions, authorities = {}, {}
    rows = (
        ActionParty.objects.filter(entity_id__in=entity_ids)
        .order_by()
        .values("entity_id", "action__authority__slug", "action__authority__name")
        .annotate(actions=Count("action_id", distinct=True))
    )
    for row in rows:
        actions[row["entity_id"]] = actions.get(row["entity_id"], 0) + row["actions"]
        authorities.setdefault(row["entity_id"], []).append(
            {"id": row["action__authority__slug"], "name": row["action__authority__name"]}
        )
    for names in authorities.values():
        names.sort(key=lambda authority: authority["name"])
    return actions, authorities


def _custody(entity_ids):
    custody = {}
    for sentence in Sentence.objects.filter(defendant_id__in=entity_ids).order_by("sentenced_on", "id"):
        custody.setdefault(sentence.defendant_id, []).append(
            {
                "sentenced_on": sentence.sentenced_on.isoformat(),
                "custody": sentence.custody_display,
                "released_on": sentence.released_on.isoformat() if sentence.released_on else None,
            }
        )
    return custody


def _clemency(entity_ids):
    clemency = {}
    for request in PardonRequest.objects.filter(person_id__in=entity_ids).order_by("slug"):
        clemency.setdefault(request.person_id, []).append(
            {"kind": request.kind, "status": request.status, "status_label": request.get_status_display()}
        )
    return clemency


def enforcement_summaries(entities):
    """{entity id: summary} for these entities (objects with ``pk`` and ``slug``)."""
    ids = [entity.pk for entity in entities]
    if not ids:
        return {}
    actions, authorities = _actions(ids)
    events = _latest_events(ids)
    penalties = {}
    slugs = {entity.slug: entity.pk for entity in entities}
    components = SettlementComponent.objects.filter(payer_id__in=ids)
    for total in penalty_totals_from_components(components, group_by="entity"):
        penalties.setdefault(slugs.get(total.group), []).append(
            {"currency": total.currency, "net": str(total.net), "gross": str(total.gross)}
        )
    custody, clemency = _custody(ids), _clemency(ids)
    return {
        pk: {
            "authorities": authorities.get(pk, []),
            "actions": actions.get(pk, 0),
            "latest_event": events.get(pk),
            "net_penalties": penalties.get(pk, []),
            "custody": custody.get(pk, []),
            "clemency": clemency.get(pk, []),
        }
        for pk in ids
    }
