"""Timelines of a case or an entity, in date order, with everything a reader shows inline."""

from django.db.models import Prefetch

from timeline.models import Entity, EntityRelationship, Event, Source
from timeline.models.entities import ROLL_UP_KINDS

TIMELINE_ORDER = ("date", "id")


def related_entity_ids(entity, depth=3):
    """The entity and those rolled up under it: subsidiaries (transitively), founders, officers, directors.

    One query per level of the subsidiary tree, bounded by ``depth``.
    """
    ids = {entity.pk}
    frontier = {entity.pk}
    for _ in range(depth):
        found = set(
            EntityRelationship.objects.filter(object_id__in=frontier, kind__in=ROLL_UP_KINDS).values_list(
                "subject_id", flat=True
            )
        )
        frontier = found - ids
        if not frontier:
            break
        ids |= frontier
    return ids


def ordered_sources():
    return Source.objects.order_by("key")


def event_entities():
    return Entity.objects.order_by("name", "id").only("id", "slug", "name", "kind")


def events_with_details(queryset=None):
    """Events with their case, claimant and sources loaded: three queries for any page size."""
    queryset = Event.objects.all() if queryset is None else queryset
    return queryset.select_related("case", "claimed_by", "responds_to").prefetch_related(
        Prefetch("sources", queryset=ordered_sources()), Prefetch("entities", queryset=event_entities())
    )


def case_timeline(case):
    return events_with_details(Event.objects.filter(case=case)).order_by(*TIMELINE_ORDER)


def case_timeline_by_slug(slug):
    """The timeline of the case with this slug, found by the page query itself (empty for no such case)."""
    return events_with_details(Event.objects.filter(case__slug=slug)).order_by(*TIMELINE_ORDER)


def entity_timeline(entity, include_related=False):
    entity_ids = related_entity_ids(entity) if include_related else {entity.pk}
    matching = Event.entities.through.objects.filter(entity_id__in=entity_ids).values("event_id")
    return events_with_details(Event.objects.filter(pk__in=matching)).order_by(*TIMELINE_ORDER)


def recent_events(limit=10):
    """The latest new or changed events, newest first, with their case and claimant."""
    return list(Event.objects.select_related("case", "claimed_by").order_by("-updated_at", "-id")[:limit])
