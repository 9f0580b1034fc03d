"""Admin index additions: the latest new or changed events, for staff opening the admin."""

from django import template

from timeline.selectors.timelines import recent_events

register = template.Library()


@register.inclusion_tag("admin/timeline/includes/recent_events.html")
def recent_timeline_events(limit=10):
    return {"events": recent_events(limit)}
