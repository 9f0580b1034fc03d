"""Cases (one matter across authorities) and sources (citations)."""

from rest_framework import serializers

from timeline.api.serializers.common import (
    EntityRefSerializer,
    ModelValidatingSerializer,
    SourceRefSerializer,
    slug_field,
    sources_field,
)
from timeline.models import Case, EnforcementAction, Source


class CaseListSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:case-detail", lookup_field="slug")

    class Meta:
        model = Case
        fields = ["api_url", "slug", "title", "headline_text", "headline_amount", "headline_currency"]


class CaseActionSerializer(serializers.ModelSerializer):
    authority = EntityRefSerializer(read_only=True)
    court = EntityRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = EnforcementAction
        fields = [
            "slug",
            "caption",
            "authority",
            "action_type",
            "status",
            "court",
            "docket_number",
            "filed_on",
            "filed_precision",
            "resolved_on",
            "resolved_precision",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseListSerializer):
    headline_sources = SourceRefSerializer(many=True, read_only=True)
    sources = SourceRefSerializer(many=True, read_only=True)
    actions = CaseActionSerializer(many=True, read_only=True)
    timeline_url = serializers.HyperlinkedIdentityField(view_name="api:case-timeline", lookup_field="slug")

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "summary",
            "headline_sources",
            "sources",
            "actions",
            "timeline_url",
            "created_at",
            "updated_at",
        ]


class CaseWriteSerializer(ModelValidatingSerializer):
    headline_sources = slug_field(Source.objects.all(), "key", many=True, required=False, allow_empty=True)
    sources = sources_field()

    class Meta:
        model = Case
        fields = [
            "slug",
            "title",
            "summary",
            "headline_text",
            "headline_amount",
            "headline_currency",
            "headline_sources",
            "sources",
        ]


class SourceSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:source-detail", lookup_field="key")
    is_primary = serializers.BooleanField(
        read_only=True, help_text="An agency release, a court record or its copy, or an official statement."
    )
    original = serializers.SlugRelatedField(
        slug_field="key", read_only=True, help_text="Key of the original this source copies or mirrors."
    )

    class Meta:
        model = Source
        fields = [
            "api_url",
            "key",
            "url",
            "title",
            "publisher",
            "published_on",
            "published_precision",
            "kind",
            "is_primary",
            "original",
            "note",
            "created_at",
            "updated_at",
        ]


class SourceWriteSerializer(ModelValidatingSerializer):
    original = serializers.SlugRelatedField(
        slug_field="key",
        queryset=Source.objects.all(),
        required=False,
        allow_null=True,
        help_text="Key of the original publication this source copies or mirrors.",
    )

    class Meta:
        model = Source
        fields = [
            "key",
            "url",
            "title",
            "publisher",
            "published_on",
            "published_precision",
            "kind",
            "original",
            "note",
        ]
