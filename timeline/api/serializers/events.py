"""Timeline events: dated, with their precision, claim status, who claimed it, and their sources inline."""

from rest_framework import serializers

from timeline.api.serializers.common import (
    CaseRefSerializer,
    EntityRefSerializer,
    ModelValidatingSerializer,
    SourceRefSerializer,
    entity_field,
    slug_field,
    sources_field,
)
from timeline.models import Case, Event


class EventSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:event-detail", lookup_field="key")
    date_display = serializers.CharField(read_only=True, help_text="The date at its precision, e.g. 'March 2025'.")
    date_iso = serializers.CharField(read_only=True, help_text="ISO 8601 at its precision, e.g. '2025-03'.")
    case = CaseRefSerializer(read_only=True, allow_null=True)
    entities = EntityRefSerializer(many=True, read_only=True)
    claimed_by = EntityRefSerializer(read_only=True, allow_null=True)
    responds_to = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "api_url",
            "key",
            "date",
            "date_precision",
            "date_display",
            "date_iso",
            "event_type",
            "title",
            "description",
            "case",
            "entities",
            "claim_status",
            "claimed_by",
            "responds_to",
            "fact_field",
            "sources",
        ]
        read_only_fields = fields


class EventWriteSerializer(ModelValidatingSerializer):
    """A free-standing event (a press report, a denial); events mirroring a fact follow that fact."""

    case = slug_field(Case.objects.all(), required=False, allow_null=True)
    entities = entity_field(many=True, required=False, allow_empty=True)
    claimed_by = entity_field(required=False, allow_null=True, help_text="Who made the claim; needed unless a fact.")
    responds_to = slug_field(Event.objects.all(), "key", required=False, allow_null=True)
    sources = sources_field()

    class Meta:
        model = Event
        fields = [
            "key",
            "date",
            "date_precision",
            "event_type",
            "title",
            "description",
            "case",
            "entities",
            "claim_status",
            "claimed_by",
            "responds_to",
            "sources",
        ]
