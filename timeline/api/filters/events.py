"""Filters of the event list and of the case and entity timelines."""

from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters

from timeline.api.filters.base import (
    INCLUDE_RELATED_HELP,
    SlugFilter,
    StrictBooleanFilter,
    StrictFilterSet,
    authority_filter,
    entity_filter,
)
from timeline.models import Case, ClaimStatus, Event, EventType

EventEntity = Event.entities.through


class TimelineFilterSet(StrictFilterSet):
    type = filters.ChoiceFilter(field_name="event_type", choices=EventType.choices, help_text="Type of event.")
    claim_status = filters.ChoiceFilter(
        choices=ClaimStatus.choices, help_text="An established fact, or a claim and its standing."
    )
    date_after = filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        help_text="On or after (YYYY-MM-DD); a month- or year-precision date is stored as its first day.",
    )
    date_before = filters.DateFilter(field_name="date", lookup_expr="lte", help_text="On or before (YYYY-MM-DD).")

    class Meta:
        model = Event
        fields = ["type", "claim_status", "date_after", "date_before"]


class EntityTimelineFilterSet(TimelineFilterSet):
    include_related = StrictBooleanFilter(
        method="applied_later",
        help_text="true adds the events of the subsidiaries (transitively), founders, officers and directors "
        "rolled up under this entity.",
    )

    class Meta(TimelineFilterSet.Meta):
        fields = [*TimelineFilterSet.Meta.fields, "include_related"]


class EventFilterSet(TimelineFilterSet):
    entity = entity_filter("Slug of an entity the event concerns, e.g. changpeng-zhao.", method="filter_entity")
    include_related = StrictBooleanFilter(method="applied_later", help_text=INCLUDE_RELATED_HELP)
    case = SlugFilter(queryset=Case.objects.all(), help_text="Slug of the case, e.g. binance-changpeng-zhao.")
    authority = authority_filter(
        None, method="filter_authority", help_text="Slug of an authority among the entities the event concerns."
    )

    class Meta(TimelineFilterSet.Meta):
        fields = ["entity", "include_related", "case", "authority", *TimelineFilterSet.Meta.fields]

    def filter_entity(self, queryset, name, value):
        links = EventEntity.objects.filter(event_id=OuterRef("pk"), entity_id__in=self.entity_ids(value))
        return queryset.filter(Exists(links))

    def filter_authority(self, queryset, name, value):
        return queryset.filter(Exists(EventEntity.objects.filter(event_id=OuterRef("pk"), entity_id=value.pk)))
