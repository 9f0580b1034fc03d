"""Enforcement actions with their authority, court, judge, parties and charges."""

from rest_framework import serializers

from timeline.api.serializers.common import (
    CaseRefSerializer,
    ChildSerializer,
    EntityRefSerializer,
    NestedItemMixin,
    NestedWriteSerializer,
    SourceRefSerializer,
    entity_field,
    slug_field,
    sources_field,
)
from timeline.models import ActionParty, Case, Charge, ChargeStatute, EnforcementAction, Sentence, Settlement, Statute
from timeline.services.actions import action_write


class PartySummarySerializer(serializers.ModelSerializer):
    entity = EntityRefSerializer(read_only=True)

    class Meta:
        model = ActionParty
        fields = ["entity", "role"]
        read_only_fields = fields


class PartySerializer(PartySummarySerializer):
    class Meta(PartySummarySerializer.Meta):
        fields = ["entity", "role", "note"]
        read_only_fields = fields


class ActionListSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:action-detail", lookup_field="slug")
    case = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    authority = EntityRefSerializer(read_only=True)
    court = EntityRefSerializer(read_only=True, allow_null=True)
    parties = PartySummarySerializer(many=True, read_only=True)

    class Meta:
        model = EnforcementAction
        fields = [
            "api_url",
            "slug",
            "caption",
            "case",
            "authority",
            "action_type",
            "status",
            "court",
            "docket_number",
            "filed_on",
            "filed_precision",
            "resolved_on",
            "resolved_precision",
            "parties",
        ]


class CitationSerializer(serializers.ModelSerializer):
    """A statute cited by a charge; ``confirmed`` is false where no source read gives the citation."""

    citation = serializers.CharField(source="statute.citation", read_only=True)
    title = serializers.CharField(source="statute.title", read_only=True)
    jurisdiction = serializers.CharField(source="statute.jurisdiction", read_only=True)

    class Meta:
        model = ChargeStatute
        fields = ["citation", "title", "jurisdiction", "confirmed"]
        read_only_fields = fields


class ChargeSerializer(serializers.ModelSerializer):
    defendant = EntityRefSerializer(
        read_only=True, allow_null=True, help_text="Null when the charge is against every defendant."
    )
    statutes = CitationSerializer(source="citations", many=True, read_only=True)
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = Charge
        fields = [
            "number",
            "defendant",
            "description",
            "counts",
            "statutes",
            "disposition",
            "disposition_on",
            "disposition_precision",
            "note",
            "sources",
        ]
        read_only_fields = fields


class ActionSettlementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Settlement
        fields = ["slug", "title", "kind", "agreed_on", "agreed_precision"]
        read_only_fields = fields


class ActionSentenceSerializer(serializers.ModelSerializer):
    defendant = EntityRefSerializer(read_only=True)

    class Meta:
        model = Sentence
        fields = ["id", "defendant", "sentenced_on", "custody_months", "is_life_sentence"]
        read_only_fields = fields


class ActionDetailSerializer(ActionListSerializer):
    case = CaseRefSerializer(read_only=True)
    judge = EntityRefSerializer(read_only=True, allow_null=True)
    parties = PartySerializer(many=True, read_only=True)
    charges = ChargeSerializer(many=True, read_only=True)
    settlements = ActionSettlementSerializer(many=True, read_only=True)
    sentences = ActionSentenceSerializer(many=True, read_only=True)
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta(ActionListSerializer.Meta):
        fields = [
            *ActionListSerializer.Meta.fields,
            "judge",
            "summary",
            "charges",
            "settlements",
            "sentences",
            "sources",
            "created_at",
            "updated_at",
        ]


class PartyWriteSerializer(ChildSerializer):
    entity = entity_field()
    identity = ("entity", "role")

    class Meta(ChildSerializer.Meta):
        model = ActionParty
        fields = ["entity", "role", "note"]


class CitationWriteSerializer(NestedItemMixin, serializers.Serializer):
    identity = ("statute",)
    statute = slug_field(
        Statute.objects.all(), "citation", help_text="Citation of a stored statute, e.g. 31 U.S.C. § 5318(h)."
    )
    confirmed = serializers.BooleanField(default=True)


class ChargeWriteSerializer(ChildSerializer):
    identity = ("number",)
    defendant = entity_field(required=False, allow_null=True)
    statutes = CitationWriteSerializer(source="citations", many=True, required=False)
    sources = sources_field()

    class Meta(ChildSerializer.Meta):
        model = Charge
        fields = [
            "number",
            "defendant",
            "description",
            "counts",
            "statutes",
            "disposition",
            "disposition_on",
            "disposition_precision",
            "note",
            "sources",
        ]


class ActionWriteSerializer(NestedWriteSerializer):
    """An action; ``parties`` and ``charges``, when given, replace the stored ones (charges matched by number)."""

    case = slug_field(Case.objects.all())
    authority = entity_field(help_text="Slug of the authority bringing the action, e.g. doj.")
    court = entity_field(required=False, allow_null=True)
    judge = entity_field(required=False, allow_null=True)
    sources = sources_field()
    parties = PartyWriteSerializer(many=True, required=False)
    charges = ChargeWriteSerializer(many=True, required=False)
    write_service = staticmethod(action_write)

    class Meta:
        model = EnforcementAction
        # The docket-number constraint applies only with a docket; full_clean() checks it as the database does.
        validators = []
        fields = [
            "slug",
            "case",
            "authority",
            "action_type",
            "caption",
            "court",
            "docket_number",
            "judge",
            "status",
            "filed_on",
            "filed_precision",
            "resolved_on",
            "resolved_precision",
            "summary",
            "sources",
            "parties",
            "charges",
        ]
