"""Sentences and pardon requests."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from timeline.api.filters.people import PardonRequestFilterSet, SentenceFilterSet
from timeline.api.nested_schema import PARDON_LISTS, PARDON_PATCH_EXAMPLES, nested_write_docs
from timeline.api.serializers.people import (
    PardonRequestDetailSerializer,
    PardonRequestListSerializer,
    PardonRequestWriteSerializer,
    SentenceSerializer,
    SentenceWriteSerializer,
)
from timeline.api.views.base import RecordViewSet
from timeline.models import PardonRequest, Sentence
from timeline.selectors import records
from timeline.selectors.timelines import ordered_sources
from timeline.services.events import events_sync

PARDON_DOCS = nested_write_docs(PARDON_LISTS, "`key`")


@extend_schema_view(
    list=extend_schema(summary="List sentences"),
    retrieve=extend_schema(summary="A sentence"),
    create=extend_schema(summary="Record a sentence"),
    update=extend_schema(summary="Replace a sentence"),
    partial_update=extend_schema(summary="Update a sentence"),
    destroy=extend_schema(summary="Delete a sentence"),
)
class SentenceViewSet(RecordViewSet):
    """A defendant's sentence, addressed by id (a sentence has no slug). Writes keep the timeline in line."""

    queryset = Sentence.objects.all()
    lookup_value_regex = r"\d+"
    filterset_class = SentenceFilterSet
    ordering_fields = ["sentenced_on", "custody_months", "released_on", "created_at"]
    ordering = ["-sentenced_on"]
    list_serializer_class = SentenceSerializer
    detail_serializer_class = SentenceSerializer
    write_serializer_class = SentenceWriteSerializer
    csv_filename = "sentences"
    csv_children = {"sources": ordered_sources}

    def list_queryset(self):
        return records.sentence_list()

    def detail_queryset(self):
        return records.sentence_list()

    def after_write(self, instance):
        events_sync(instance)


@extend_schema_view(
    list=extend_schema(summary="List pardon requests"),
    retrieve=extend_schema(summary="A pardon request", description="With its dated history of facts and claims."),
    create=extend_schema(summary="Create a pardon request with its history"),
    update=extend_schema(summary="Replace a pardon request and its history", description=PARDON_DOCS[1]),
    partial_update=extend_schema(
        summary="Update a pardon request (history steps merged by key)",
        description=PARDON_DOCS[0],
        examples=PARDON_PATCH_EXAMPLES,
    ),
    destroy=extend_schema(summary="Delete a pardon request and its history"),
)
class PardonRequestViewSet(RecordViewSet):
    """Clemency for one person, addressed by slug; its status follows its history. Writes keep the timeline in line."""

    queryset = PardonRequest.objects.all()
    lookup_field = "slug"
    filterset_class = PardonRequestFilterSet
    ordering_fields = ["slug", "status", "person__name", "created_at"]
    ordering = ["person__name", "slug"]
    list_serializer_class = PardonRequestListSerializer
    detail_serializer_class = PardonRequestDetailSerializer
    write_serializer_class = PardonRequestWriteSerializer
    csv_filename = "pardon-requests"

    def list_queryset(self):
        return records.pardon_request_list()

    def detail_queryset(self):
        return records.pardon_request_detail()
