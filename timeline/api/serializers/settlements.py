"""Settlements with their components (and parts), credits between components, monitors and bars."""

from rest_framework import serializers

from timeline.api.serializers.common import (
    ActionRefSerializer,
    ChildSerializer,
    EntityRefSerializer,
    NestedWriteSerializer,
    RelatedValuesField,
    SourceRefSerializer,
    entity_field,
    slug_field,
    sources_field,
)
from timeline.models import Credit, EnforcementAction, Monitor, Restriction, Settlement, SettlementComponent
from timeline.services.settlements import settlement_write

NO_KEY_VALIDATORS = {"key": {"validators": []}}


class ComponentSummarySerializer(serializers.ModelSerializer):
    payer = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    part_of = serializers.SlugRelatedField(
        slug_field="key", read_only=True, allow_null=True, help_text="Key of the whole, for a part."
    )

    class Meta:
        model = SettlementComponent
        fields = ["key", "kind", "payer", "amount", "currency", "suspended_amount", "is_approximate", "part_of"]
        read_only_fields = fields


class SettlementListSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:settlement-detail", lookup_field="slug")
    action = ActionRefSerializer(read_only=True)
    authority = EntityRefSerializer(source="action.authority", read_only=True)
    case = serializers.SlugRelatedField(source="action.case", slug_field="slug", read_only=True)
    components = ComponentSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Settlement
        fields = [
            "api_url",
            "slug",
            "title",
            "kind",
            "action",
            "authority",
            "case",
            "agreed_on",
            "agreed_precision",
            "approved_on",
            "approved_precision",
            "stated_total",
            "stated_total_currency",
            "components",
        ]


class AgainstSerializer(serializers.ModelSerializer):
    """A component whose payment satisfies a credit."""

    payer = EntityRefSerializer(read_only=True)
    settlement = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = SettlementComponent
        fields = ["key", "kind", "payer", "amount", "currency", "settlement"]
        read_only_fields = fields


class CreditSerializer(serializers.ModelSerializer):
    against = AgainstSerializer(many=True, read_only=True)
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = Credit
        fields = [
            "key",
            "kind",
            "quantum",
            "amount",
            "currency",
            "is_approximate",
            "evidence",
            "against",
            "note",
            "sources",
        ]
        read_only_fields = fields


class PartSerializer(serializers.ModelSerializer):
    payer = EntityRefSerializer(read_only=True)
    credits = CreditSerializer(many=True, read_only=True, help_text="Credits on this component.")
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = SettlementComponent
        fields = [
            "key",
            "kind",
            "payer",
            "amount",
            "currency",
            "is_approximate",
            "suspended_amount",
            "description",
            "terms",
            "note",
            "credits",
            "sources",
        ]
        read_only_fields = fields


class ComponentSerializer(PartSerializer):
    parts = PartSerializer(many=True, read_only=True, help_text="Breakdown of this amount; never added again.")

    class Meta(PartSerializer.Meta):
        fields = [*PartSerializer.Meta.fields, "parts"]
        read_only_fields = fields


class MonitorSerializer(serializers.ModelSerializer):
    monitor = EntityRefSerializer(read_only=True, allow_null=True)
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = Monitor
        fields = [
            "key",
            "monitor",
            "term_months",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "scope",
            "note",
            "sources",
        ]
        read_only_fields = fields


class RestrictionSerializer(serializers.ModelSerializer):
    subject = EntityRefSerializer(read_only=True)
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = Restriction
        fields = [
            "key",
            "subject",
            "kind",
            "scope",
            "is_permanent",
            "duration_months",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "note",
            "sources",
        ]
        read_only_fields = fields


class SettlementDetailSerializer(SettlementListSerializer):
    components = ComponentSerializer(
        source="whole_components", many=True, read_only=True, help_text="Components, with their parts nested."
    )
    monitors = MonitorSerializer(many=True, read_only=True)
    restrictions = RestrictionSerializer(many=True, read_only=True)
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta(SettlementListSerializer.Meta):
        fields = [
            *SettlementListSerializer.Meta.fields,
            "summary",
            "monitors",
            "restrictions",
            "sources",
            "created_at",
            "updated_at",
        ]


class CreditWriteSerializer(ChildSerializer):
    against = RelatedValuesField(
        "key",
        child=serializers.SlugField(max_length=120),
        required=False,
        help_text="Keys of the components whose payment satisfies the credit (this write's or stored ones).",
    )
    sources = sources_field()

    class Meta(ChildSerializer.Meta):
        model = Credit
        fields = [
            "key",
            "kind",
            "quantum",
            "amount",
            "currency",
            "is_approximate",
            "evidence",
            "against",
            "note",
            "sources",
        ]
        extra_kwargs = NO_KEY_VALIDATORS


class PartWriteSerializer(ChildSerializer):
    payer = entity_field()
    credits = CreditWriteSerializer(many=True, required=False)
    sources = sources_field()

    class Meta(ChildSerializer.Meta):
        model = SettlementComponent
        fields = [
            "key",
            "payer",
            "kind",
            "amount",
            "currency",
            "is_approximate",
            "suspended_amount",
            "description",
            "terms",
            "note",
            "credits",
            "sources",
        ]
        extra_kwargs = NO_KEY_VALIDATORS


class WholeComponentsSerializer(serializers.ListSerializer):
    """Reads a settlement's components as written: the wholes, each with its parts nested."""

    def get_attribute(self, instance):
        return instance.components.filter(part_of__isnull=True)


class ComponentWriteSerializer(PartWriteSerializer):
    parts = PartWriteSerializer(many=True, required=False)

    class Meta(PartWriteSerializer.Meta):
        fields = [*PartWriteSerializer.Meta.fields, "parts"]
        list_serializer_class = WholeComponentsSerializer


class MonitorWriteSerializer(ChildSerializer):
    monitor = entity_field(required=False, allow_null=True)
    sources = sources_field()

    class Meta(ChildSerializer.Meta):
        model = Monitor
        fields = MonitorSerializer.Meta.fields
        extra_kwargs = NO_KEY_VALIDATORS


class RestrictionWriteSerializer(ChildSerializer):
    subject = entity_field()
    sources = sources_field()

    class Meta(ChildSerializer.Meta):
        model = Restriction
        fields = RestrictionSerializer.Meta.fields
        extra_kwargs = NO_KEY_VALIDATORS


class SettlementWriteSerializer(NestedWriteSerializer):
    """A settlement with its children, written all or nothing.

    ``components``, ``monitors`` and ``restrictions``, when given, replace the stored ones (matched
    by key); a component's ``parts`` and ``credits`` are replaced by what the item gives.
    """

    action = slug_field(EnforcementAction.objects.all(), help_text="Slug of the action the settlement resolved.")
    sources = sources_field()
    components = ComponentWriteSerializer(many=True, required=False)
    monitors = MonitorWriteSerializer(many=True, required=False)
    restrictions = RestrictionWriteSerializer(many=True, required=False)
    write_service = staticmethod(settlement_write)

    class Meta:
        model = Settlement
        fields = [
            "slug",
            "action",
            "kind",
            "title",
            "agreed_on",
            "agreed_precision",
            "approved_on",
            "approved_precision",
            "stated_total",
            "stated_total_currency",
            "summary",
            "sources",
            "components",
            "monitors",
            "restrictions",
        ]
