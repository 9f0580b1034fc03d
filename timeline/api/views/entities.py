"""Entities, cases and sources."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from timeline.api.filters.entities import CaseFilterSet, EntityFilterSet, SourceFilterSet
from timeline.api.serializers.cases import (
    CaseDetailSerializer,
    CaseListSerializer,
    CaseWriteSerializer,
    SourceSerializer,
    SourceWriteSerializer,
)
from timeline.api.serializers.entities import EntityDetailSerializer, EntityListSerializer, EntityWriteSerializer
from timeline.api.views.base import RecordViewSet
from timeline.models import Case, Entity, Source
from timeline.selectors import records


@extend_schema_view(
    list=extend_schema(summary="List entities", description="People, companies, authorities and courts."),
    retrieve=extend_schema(
        summary="An entity", description="With aliases, identifiers, relationships both ways and sources."
    ),
    create=extend_schema(summary="Create an entity"),
    update=extend_schema(summary="Replace an entity"),
    partial_update=extend_schema(summary="Update an entity"),
    destroy=extend_schema(summary="Delete an entity", description="Refused (409) while any record refers to it."),
)
class EntityViewSet(RecordViewSet):
    """People, companies, government authorities and courts, addressed by slug (``changpeng-zhao``)."""

    queryset = Entity.objects.all()
    lookup_field = "slug"
    filterset_class = EntityFilterSet
    ordering_fields = ["name", "slug", "kind", "country", "created_at"]
    ordering = ["name"]
    list_serializer_class = EntityListSerializer
    detail_serializer_class = EntityDetailSerializer
    write_serializer_class = EntityWriteSerializer
    csv_filename = "entities"
    csv_children = {"aliases": records.entity_aliases}

    def list_queryset(self):
        return records.entity_list()

    def detail_queryset(self):
        return records.entity_detail()


@extend_schema_view(
    list=extend_schema(summary="List cases"),
    retrieve=extend_schema(summary="A case", description="With its actions, sources and stated headline figure."),
    create=extend_schema(summary="Create a case"),
    update=extend_schema(summary="Replace a case"),
    partial_update=extend_schema(summary="Update a case"),
    destroy=extend_schema(summary="Delete a case", description="Refused (409) while actions or events belong to it."),
)
class CaseViewSet(RecordViewSet):
    """Cases group every proceeding of one matter across authorities, addressed by slug."""

    queryset = Case.objects.all()
    lookup_field = "slug"
    filterset_class = CaseFilterSet
    ordering_fields = ["title", "slug", "created_at"]
    ordering = ["title"]
    list_serializer_class = CaseListSerializer
    detail_serializer_class = CaseDetailSerializer
    write_serializer_class = CaseWriteSerializer
    csv_filename = "cases"

    def list_queryset(self):
        return records.case_list()

    def detail_queryset(self):
        return records.case_detail()


@extend_schema_view(
    list=extend_schema(summary="List sources"),
    retrieve=extend_schema(summary="A source"),
    create=extend_schema(summary="Create a source"),
    update=extend_schema(summary="Replace a source"),
    partial_update=extend_schema(summary="Update a source"),
    destroy=extend_schema(summary="Delete a source", description="Refused (409) while any fact cites it."),
)
class SourceViewSet(RecordViewSet):
    """Citations, addressed by their stable key (``binance-b01``)."""

    queryset = Source.objects.select_related("original")
    lookup_field = "key"
    filterset_class = SourceFilterSet
    ordering_fields = ["key", "published_on", "publisher", "title", "created_at"]
    ordering = ["key"]
    list_serializer_class = SourceSerializer
    detail_serializer_class = SourceSerializer
    write_serializer_class = SourceWriteSerializer
    csv_filename = "sources"

    def list_queryset(self):
        return records.source_list()

    def detail_queryset(self):
        return records.source_list()
