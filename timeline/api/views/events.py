"""Events, and the case and entity timelines built from them (cursor-paginated in date order)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.permissions import AllowAny

from timeline.api.exceptions import Conflict
from timeline.api.filters.base import StrictFilterBackend, WhitelistOrderingFilter, parse_boolean_param
from timeline.api.filters.events import EntityTimelineFilterSet, EventFilterSet, TimelineFilterSet
from timeline.api.pagination import TimelinePagination
from timeline.api.response_cache import CachedReadMixin
from timeline.api.serializers.events import EventSerializer, EventWriteSerializer
from timeline.api.views.base import FlatCSVListMixin, IncrementalReadMixin, RecordViewSet
from timeline.models import Case, Entity, Event
from timeline.selectors import records
from timeline.selectors.timelines import (
    case_timeline_by_slug,
    entity_timeline,
    event_entities,
    ordered_sources,
)

MIRRORED = "This event mirrors a fact ({fact}); change the fact and its event follows."


@extend_schema_view(
    list=extend_schema(summary="List events"),
    retrieve=extend_schema(summary="An event"),
    create=extend_schema(summary="Add a free-standing event (a press report, a denial, a policy change)"),
    update=extend_schema(summary="Replace a free-standing event", description="409 for an event mirroring a fact."),
    partial_update=extend_schema(summary="Update a free-standing event", description="409 for a mirrored event."),
    destroy=extend_schema(summary="Delete a free-standing event", description="409 for an event mirroring a fact."),
)
class EventViewSet(RecordViewSet):
    """Dated timeline items, addressed by key, each with its date precision, claim status, claimant and sources.

    Cursor-paginated in (date, id) order so pages stay stable while editors add events.
    """

    queryset = Event.objects.all()
    lookup_field = "key"
    filterset_class = EventFilterSet
    ordering_fields = ["date"]
    ordering = ["date"]
    pagination_class = TimelinePagination
    list_serializer_class = EventSerializer
    detail_serializer_class = EventSerializer
    write_serializer_class = EventWriteSerializer
    csv_filename = "events"
    csv_children = {"entities": event_entities, "sources": ordered_sources}

    def list_queryset(self):
        return records.event_list()

    def detail_queryset(self):
        return records.event_list()

    def refuse_mirrored(self, event):
        if event.fact_field:
            raise Conflict(MIRRORED.format(fact=event.get_fact_field_display().lower()))

    def perform_update(self, serializer):
        self.refuse_mirrored(serializer.instance)
        return super().perform_update(serializer)

    def perform_destroy(self, instance):
        self.refuse_mirrored(instance)
        super().perform_destroy(instance)


class TimelineView(IncrementalReadMixin, CachedReadMixin, FlatCSVListMixin, generics.ListAPIView):
    """Base of the nested timelines: read-only, filtered, cursor-paginated in date order."""

    serializer_class = EventSerializer
    # Read-only: no write handlers, so any other method is a 405 for everyone.
    permission_classes = [AllowAny]
    filter_backends = [StrictFilterBackend, WhitelistOrderingFilter]
    ordering_fields = ["date"]
    ordering = ["date"]
    pagination_class = TimelinePagination
    csv_filename = "timeline"
    csv_children = {"entities": event_entities, "sources": ordered_sources}

    subject_model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        return self.timeline()

    def paginate_queryset(self, queryset, read=None):
        """The page query names the case or entity by slug; only an empty page asks whether it exists."""
        page = super().paginate_queryset(queryset, read=read)
        if not page and self.subject_model is not None:
            get_object_or_404(self.subject_model, slug=self.kwargs["slug"])
        return page


class EntityTimelineView(TimelineView):
    """Everything that happened to an entity, in date order; include_related=true rolls up its group."""

    filterset_class = EntityTimelineFilterSet

    def timeline(self):
        # The entity's id, not a join on its slug: with a join the planner cannot tell a party to tens
        # of thousands of events from one in three, and walked the whole event index (5 s at 1M actions).
        entity = get_object_or_404(Entity, slug=self.kwargs["slug"])
        return entity_timeline(entity, include_related=parse_boolean_param(self.request, "include_related"))


class CaseTimelineView(TimelineView):
    """Everything that happened in a case, across authorities, in date order."""

    filterset_class = TimelineFilterSet
    subject_model = Case

    def timeline(self):
        return case_timeline_by_slug(self.kwargs["slug"])
