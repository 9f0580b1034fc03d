"""Atom feeds of new and changed events, so readers can follow a company or a case in a feed reader.

Entries are ordered by when the event last changed; an entry's id is the event's permalink on its
case page (or entity page), so a corrected event shows up as updated rather than as a new entry.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from timeline.models import ClaimStatus, Entity
from timeline.pages.views import include_related_requested
from timeline.selectors.pages import cases_for_pages, event_changes


def event_url(event):
    """Where an event is shown: its case page, else the page of the first entity it concerns."""
    anchor = f"#event-{event.key}"
    if event.case_id:
        return reverse("pages:case-detail", kwargs={"slug": event.case.slug}) + anchor
    entities = list(event.entities.all())
    if entities:
        return reverse("pages:entity-detail", kwargs={"slug": entities[0].slug}) + anchor
    return reverse("pages:home") + anchor


class EventsFeed(Feed):
    """Every new or changed event."""

    feed_type = Atom1Feed
    author_name = "timeline"
    description_template = "pages/feeds/event_description.html"
    title = "timeline: new and changed events"
    subtitle = "Events on every timeline, most recently added or changed first."

    def link(self, obj):
        return reverse("pages:home")

    def items(self, obj):
        return event_changes()

    def item_title(self, item):
        return f"{item.date_display}: {item.title}"

    def item_link(self, item):
        return event_url(item)

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        categories = [item.get_event_type_display()]
        if item.claim_status != ClaimStatus.FACT:
            categories.append(item.get_claim_status_display())
        return categories


class CaseEventsFeed(EventsFeed):
    """New or changed events of one case."""

    def get_object(self, request, slug):
        return get_object_or_404(cases_for_pages(), slug=slug)

    def title(self, obj):
        return f"{obj.title}: new and changed events"

    def subtitle(self, obj):
        return f"Events of the case {obj.title}, most recently added or changed first."

    def link(self, obj):
        return reverse("pages:case-detail", kwargs={"slug": obj.slug})

    def items(self, obj):
        return event_changes(case=obj)


@dataclass
class EntityScope:
    entity: Entity
    include_related: bool


class EntityEventsFeed(EventsFeed):
    """New or changed events of one entity; ?include_related=1 adds its subsidiaries and officers."""

    def get_object(self, request, slug):
        entity = get_object_or_404(Entity.objects.all(), slug=slug)
        return EntityScope(entity=entity, include_related=include_related_requested(request))

    def title(self, obj):
        suffix = " (with subsidiaries and officers)" if obj.include_related else ""
        return f"{obj.entity.name}{suffix}: new and changed events"

    def subtitle(self, obj):
        return f"Events concerning {obj.entity.name}, most recently added or changed first."

    def link(self, obj):
        url = reverse("pages:entity-detail", kwargs={"slug": obj.entity.slug})
        return f"{url}?include_related=1" if obj.include_related else url

    def items(self, obj):
        return event_changes(entity=obj.entity, include_related=obj.include_related)
