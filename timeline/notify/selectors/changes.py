"""What changed, read from the audit trail of events, and who asked to be told about it.

Every write that matters reaches an event: new actions, settlements, sentences and clemency steps
are mirrored into events in the same transaction, and editors add free-standing ones. So the
events' audit trail (django-simple-history) is the one change feed; a ``Change`` row records each
entry once it has been matched, which is how a dispatcher that ran late or twice tells each once.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Q

from timeline.models import EnforcementAction, Entity, EntityAlias, Event
from timeline.notify.models import Change, SavedSearch, SearchKind, SubscriptionKind, WebhookSubscription
from timeline.selectors.timelines import related_entity_ids

# Entries of one transaction may commit out of id order: look back this far past the newest recorded.
LOOKBACK = datetime.timedelta(hours=1)
BATCH = 500
CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class EventChange:
    """The audit entries of one event not yet matched, folded into one change."""

    event_id: int
    event_key: str
    change_type: str
    changed_at: datetime.datetime
    history_ids: list = field(default_factory=list)
    case_id: int | None = None

    @property
    def dedupe_key(self):
        return f"change:{self.event_key}:{max(self.history_ids)}"


def history_model():
    return Event.audit_trail.model


def changes_pending():
    """Audit entries of events not yet recorded as a ``Change``, folded per event, oldest first.

    At most ``BATCH`` events at a time; each event's entries come whole, so a creation and the
    link updates that follow it in the same transaction make one change.
    """
    newest = Change.objects.aggregate(newest=Max("changed_at"))["newest"]
    entries = history_model().objects.exclude(history_id__in=Change.objects.values("history_id"))
    if newest is not None:
        entries = entries.filter(history_date__gte=newest - LOOKBACK)
    first_ids = list(entries.order_by("history_id").values_list("id", flat=True)[: BATCH * 4])
    event_ids = list(dict.fromkeys(first_ids))[:BATCH]
    folded = {}
    rows = entries.filter(id__in=event_ids).order_by("history_id")
    for row in rows.values("history_id", "id", "key", "history_type", "history_date", "case_id"):
        change = folded.get(row["id"])
        if change is None:
            change = folded[row["id"]] = EventChange(
                event_id=row["id"],
                event_key=row["key"],
                change_type=CHANGE_TYPES[row["history_type"]],
                changed_at=row["history_date"],
            )
        elif row["history_type"] == "-":
            change.change_type = "deleted"
        change.history_ids.append(row["history_id"])
        change.changed_at = row["history_date"]
        change.case_id = row["case_id"]
    return list(folded.values())


def events_for_changes(changes):
    """The live events of these changes with what a payload shows (deleted events are absent)."""
    events = (
        Event.objects.filter(pk__in=[change.event_id for change in changes])
        .select_related("case", "action")
        .prefetch_related("entities", "sources")
    )
    return {event.pk: event for event in events}


def authority_event_ids(authority_id, event_ids):
    """Of these events, those by or about an authority: it is a party, or it brought the action
    or one of the case's actions."""
    cases = EnforcementAction.objects.filter(authority_id=authority_id).values("case_id")
    return set(
        Event.objects.filter(pk__in=event_ids)
        .filter(Q(entities=authority_id) | Q(action__authority_id=authority_id) | Q(case_id__in=cases))
        .values_list("pk", flat=True)
    )


def saved_search_event_ids(search, event_ids=None):
    """Ids of the events a saved search matches (of ``event_ids`` when given)."""
    events = Event.objects.all() if event_ids is None else Event.objects.filter(pk__in=event_ids)
    query = search.query or {}
    if search.kind == SearchKind.FILTERS:
        if query.get("entity"):
            entity = Entity.objects.filter(slug=query["entity"]).first()
            wanted = (
                set()
                if entity is None
                else (related_entity_ids(entity) if query.get("include_related") else {entity.pk})
            )
            events = events.filter(entities__in=wanted)
        if query.get("case"):
            events = events.filter(case__slug=query["case"])
        if query.get("authority"):
            events = events.filter(pk__in=authority_event_ids_query(query["authority"]))
        if query.get("event_type"):
            events = events.filter(event_type=query["event_type"])
    elif search.kind == SearchKind.TEXT:
        text = query.get("q", "")
        events = events.filter(Q(title__icontains=text) | Q(description__icontains=text))
    elif search.kind == SearchKind.SCREENING:
        text = query.get("q", "")
        matched = Entity.objects.filter(
            Q(name__icontains=text) | Q(pk__in=EntityAlias.objects.filter(alias__icontains=text).values("entity_id"))
        )
        events = events.filter(entities__in=matched)
    else:
        return set()
    return set(events.values_list("pk", flat=True))


def authority_event_ids_query(slug):
    cases = EnforcementAction.objects.filter(authority__slug=slug).values("case_id")
    return Event.objects.filter(Q(entities__slug=slug) | Q(action__authority__slug=slug) | Q(case_id__in=cases)).values(
        "pk"
    )


def subscriptions_for_changes(changes, events):
    """(subscription, change) pairs: each enabled subscription with the changes it asked for.

    A subscription hears only of changes made after it was created. One query per subscription kind,
    one per entity subscription's relations, one per authority and saved-search subscription.
    """
    if not changes:
        return []
    event_ids = list(events)
    subscriptions = WebhookSubscription.objects.filter(enabled=True).exclude(kind=SubscriptionKind.DEADLINE)
    entity_links = {}
    for event_id, entity_id in Event.entities.through.objects.filter(event_id__in=event_ids).values_list(
        "event_id", "entity_id"
    ):
        entity_links.setdefault(event_id, set()).add(entity_id)
    pairs = []
    for subscription in subscriptions.select_related("entity", "saved_search"):
        if subscription.kind == SubscriptionKind.ENTITY:
            wanted = (
                related_entity_ids(subscription.entity) if subscription.include_related else {subscription.entity_id}
            )
            matched = {event_id for event_id, linked in entity_links.items() if linked & wanted}
        elif subscription.kind == SubscriptionKind.CASE:
            matched = {change.event_id for change in changes if change.case_id == subscription.case_id}
        elif subscription.kind == SubscriptionKind.AUTHORITY:
            matched = authority_event_ids(subscription.authority_id, event_ids)
        else:
            matched = saved_search_event_ids(subscription.saved_search, event_ids)
        pairs.extend(
            (subscription, change)
            for change in changes
            if change.event_id in matched and change.changed_at >= subscription.created_at
        )
    return pairs


def changes_for_search(search, since, until):
    """The recorded changes in (since, until] whose events the saved search matches, newest event state."""
    changes = Change.objects.filter(changed_at__lte=until, event__isnull=False)
    if since is not None:
        changes = changes.filter(changed_at__gt=since)
    changes = list(changes.order_by("changed_at", "history_id"))
    matched = saved_search_event_ids(search, {change.event_id for change in changes})
    latest = {}
    for change in changes:
        if change.event_id in matched:
            latest[change.event_id] = change
    events = Event.objects.filter(pk__in=latest).select_related("case")
    return [(latest[event.pk], event) for event in sorted(events, key=lambda event: (event.date, event.pk))]


def searches_due(rate):
    return SavedSearch.objects.filter(rate=rate).select_related("user").order_by("id")
