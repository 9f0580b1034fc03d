"""Entities: people, companies, authorities and courts, with aliases, identifiers and relationships."""

from rest_framework import serializers

from timeline.api.serializers.common import (
    EntityRefSerializer,
    NestedWriteSerializer,
    ProhibitControlCharacters,
    RelatedValuesField,
    SourceRefSerializer,
    ValueItemSerializer,
    entity_field,
    sources_field,
)
from timeline.models import Entity, EntityIdentifier, EntityRelationship
from timeline.services.entities import entity_write


class EntityListSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:entity-detail", lookup_field="slug")
    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Slug of the parent body."
    )
    aliases = serializers.SlugRelatedField(slug_field="alias", many=True, read_only=True)

    class Meta:
        model = Entity
        fields = ["api_url", "slug", "name", "kind", "country", "parent", "aliases"]


class IdentifierSerializer(ValueItemSerializer):
    class Meta(ValueItemSerializer.Meta):
        model = EntityIdentifier
        fields = ["scheme", "value"]


class RelationshipSerializer(serializers.ModelSerializer):
    """'subject is <kind> object', e.g. changpeng-zhao is ceo_of binance-holdings."""

    subject = EntityRefSerializer(read_only=True)
    object = EntityRefSerializer(read_only=True)

    class Meta:
        model = EntityRelationship
        fields = [
            "subject",
            "kind",
            "object",
            "title",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "note",
        ]
        read_only_fields = fields


class EntityDetailSerializer(EntityListSerializer):
    parent = EntityRefSerializer(read_only=True, allow_null=True)
    divisions = EntityRefSerializer(
        source="components", many=True, read_only=True, help_text="Bodies that are part of this one."
    )
    identifiers = IdentifierSerializer(many=True, read_only=True)
    relationships = RelationshipSerializer(
        source="relationships_out", many=True, read_only=True, help_text="Relationships where this entity is subject."
    )
    inbound_relationships = RelationshipSerializer(
        source="relationships_in", many=True, read_only=True, help_text="Relationships where this entity is object."
    )
    sources = SourceRefSerializer(many=True, read_only=True)
    timeline_url = serializers.HyperlinkedIdentityField(view_name="api:entity-timeline", lookup_field="slug")

    class Meta(EntityListSerializer.Meta):
        fields = [
            *EntityListSerializer.Meta.fields,
            "description",
            "divisions",
            "identifiers",
            "relationships",
            "inbound_relationships",
            "sources",
            "timeline_url",
            "created_at",
            "updated_at",
        ]


class EntityWriteSerializer(NestedWriteSerializer):
    """An entity; ``aliases`` and ``identifiers``, when given, replace the stored ones."""

    parent = entity_field(required=False, allow_null=True, help_text="Slug of the body this one belongs to.")
    sources = sources_field(required=False)
    aliases = RelatedValuesField(
        "alias", child=serializers.CharField(max_length=255, validators=[ProhibitControlCharacters()]), required=False
    )
    identifiers = IdentifierSerializer(many=True, required=False)
    write_service = staticmethod(entity_write)

    class Meta:
        model = Entity
        fields = ["slug", "name", "kind", "country", "parent", "description", "sources", "aliases", "identifiers"]
