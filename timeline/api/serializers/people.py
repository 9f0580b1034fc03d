"""Sentences of individual defendants, and clemency requests with their dated history."""

from rest_framework import serializers

from timeline.api.serializers.common import (
    ActionRefSerializer,
    ChildSerializer,
    EntityRefSerializer,
    KeyReferenceField,
    ModelValidatingSerializer,
    NestedWriteSerializer,
    SourceRefSerializer,
    entity_field,
    slug_field,
    sources_field,
)
from timeline.models import EnforcementAction, PardonRequest, PardonStatusChange, Sentence
from timeline.models.common import format_date
from timeline.services.pardon_requests import history_status, pardon_request_write

SENTENCE_TERMS = [
    "sentenced_on",
    "judge",
    "custody_months",
    "is_life_sentence",
    "probation_months",
    "supervised_release_months",
    "fine_amount",
    "fine_currency",
    "prosecution_sought_months",
    "prosecution_sought",
    "defence_sought",
    "guidelines",
    "facility",
    "report_date",
    "report_precision",
    "scheduled_release_on",
    "released_on",
    "note",
]


class SentenceSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:sentence-detail")
    action = ActionRefSerializer(read_only=True)
    case = serializers.SlugRelatedField(source="action.case", slug_field="slug", read_only=True)
    authority = EntityRefSerializer(source="action.authority", read_only=True)
    court = EntityRefSerializer(source="action.court", read_only=True, allow_null=True)
    defendant = EntityRefSerializer(read_only=True)
    judge = EntityRefSerializer(read_only=True, allow_null=True)
    custody_display = serializers.CharField(read_only=True, help_text="E.g. '4 months in custody'.")
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = Sentence
        fields = [
            "api_url",
            "id",
            "action",
            "case",
            "authority",
            "court",
            "defendant",
            *SENTENCE_TERMS,
            "custody_display",
            "sources",
            "created_at",
            "updated_at",
        ]


class SentenceWriteSerializer(ModelValidatingSerializer):
    action = slug_field(EnforcementAction.objects.all(), help_text="Slug of the criminal action.")
    defendant = entity_field()
    judge = entity_field(required=False, allow_null=True)
    sources = sources_field()

    class Meta:
        model = Sentence
        fields = ["action", "defendant", *SENTENCE_TERMS, "sources"]
        # One sentence per defendant and action: checked by full_clean() with the model's own message.
        validators = []


class PardonRequestListSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:pardon-request-detail", lookup_field="slug")
    person = EntityRefSerializer(read_only=True)
    granted_by = EntityRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = PardonRequest
        fields = ["api_url", "slug", "person", "kind", "status", "granted_by"]


class StatusChangeSerializer(serializers.ModelSerializer):
    """One step of the story: a fact, or a claim with who made it and what it answers."""

    claimed_by = EntityRefSerializer(read_only=True, allow_null=True)
    responds_to = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)
    date_display = serializers.SerializerMethodField()
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = PardonStatusChange
        fields = [
            "key",
            "status",
            "date",
            "date_precision",
            "date_display",
            "claim_status",
            "claimed_by",
            "responds_to",
            "description",
            "sources",
        ]
        read_only_fields = fields

    def get_date_display(self, step) -> str:
        return format_date(step.date, step.date_precision)


class PardonSentenceSerializer(serializers.ModelSerializer):
    action = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Sentence
        fields = ["id", "action", "sentenced_on"]
        read_only_fields = fields


class PardonRequestDetailSerializer(PardonRequestListSerializer):
    actions = ActionRefSerializer(many=True, read_only=True)
    sentences = PardonSentenceSerializer(many=True, read_only=True)
    history = StatusChangeSerializer(many=True, read_only=True)
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta(PardonRequestListSerializer.Meta):
        fields = [
            *PardonRequestListSerializer.Meta.fields,
            "summary",
            "actions",
            "sentences",
            "history",
            "sources",
            "created_at",
            "updated_at",
        ]


class StatusChangeWriteSerializer(ChildSerializer):
    claimed_by = entity_field(required=False, allow_null=True)
    responds_to = KeyReferenceField(
        max_length=120, required=False, allow_null=True, help_text="Key of the step of this history it answers."
    )
    sources = sources_field()

    class Meta(ChildSerializer.Meta):
        model = PardonStatusChange
        fields = [
            "key",
            "status",
            "date",
            "date_precision",
            "claim_status",
            "claimed_by",
            "responds_to",
            "description",
            "sources",
        ]
        extra_kwargs = {"key": {"validators": []}}


class PardonRequestWriteSerializer(NestedWriteSerializer):
    """A clemency request; ``history``, when given, replaces the stored steps (matched by key).

    ``status`` may be left out whenever there is a history: it follows the latest established step.
    """

    person = entity_field()
    granted_by = entity_field(required=False, allow_null=True)
    actions = slug_field(EnforcementAction.objects.all(), many=True, required=False, allow_empty=True)
    sentences = serializers.PrimaryKeyRelatedField(
        queryset=Sentence.objects.all(),
        many=True,
        required=False,
        allow_empty=True,
        style={"base_template": "input.html"},
    )
    sources = sources_field()
    history = StatusChangeWriteSerializer(many=True, required=False)
    write_service = staticmethod(pardon_request_write)

    class Meta:
        model = PardonRequest
        fields = [
            "slug",
            "person",
            "kind",
            "status",
            "granted_by",
            "actions",
            "sentences",
            "summary",
            "sources",
            "history",
        ]
        extra_kwargs = {"status": {"required": False}}

    def validate(self, attrs):
        # A PATCH's history is merged with the stored steps; the service checks the status against the result.
        history = None if self.partial else attrs.get("history")
        implied = history_status(history) if history else None
        if implied and attrs.get("status", implied) != implied:
            raise serializers.ValidationError({"status": [f"The status follows the history, which gives {implied}."]})
        return super().validate(attrs)

    def model_values(self, attrs):
        """Validate the request with the status its history implies, as it will be saved."""
        history = None if self.partial else attrs.get("history")
        implied = history_status(history) if history else None
        return {**attrs, "status": implied} if implied else attrs
