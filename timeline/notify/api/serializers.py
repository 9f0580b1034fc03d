"""Webhooks, their delivery logs, saved searches and deadlines, as the API shows and takes them."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from timeline.api.serializers.common import ProhibitControlCharacters, ReferenceField
from timeline.models import Case, Entity, EntityKind, EventType
from timeline.notify import transport
from timeline.notify.models import (
    MAX_WINDOW_DAYS,
    SECRET_MIN_LENGTH,
    WEBHOOK_SETTINGS,
    DeliveryAttempt,
    Rate,
    SavedSearch,
    SearchKind,
    SubscriptionKind,
    WebhookDelivery,
    WebhookSubscription,
)
from timeline.notify.selectors.deadlines import DeadlineKind

FILTER_KEYS = {"entity", "case", "authority", "event_type", "include_related"}


class OwnSavedSearchField(serializers.PrimaryKeyRelatedField):
    """A saved search of the requesting user; anyone else's is as unknown as one that does not exist."""

    def get_queryset(self):
        return SavedSearch.objects.filter(user=self.context["request"].user)


class WebhookSerializer(serializers.ModelSerializer):
    url = serializers.URLField(max_length=2000, validators=[ProhibitControlCharacters()])
    secret = serializers.CharField(
        min_length=SECRET_MIN_LENGTH,
        max_length=128,
        required=False,
        validators=[ProhibitControlCharacters()],
        help_text=f"At least {SECRET_MIN_LENGTH} characters; one is made for you when left out.",
    )
    kind = serializers.ChoiceField(choices=SubscriptionKind.choices)
    entity = ReferenceField(slug_field="slug", queryset=Entity.objects.all(), required=False, allow_null=True)
    case = ReferenceField(slug_field="slug", queryset=Case.objects.all(), required=False, allow_null=True)
    authority = ReferenceField(
        slug_field="slug", queryset=Entity.objects.filter(kind=EntityKind.AUTHORITY), required=False, allow_null=True
    )
    saved_search = OwnSavedSearchField(required=False, allow_null=True)
    window_days = serializers.IntegerField(min_value=1, max_value=MAX_WINDOW_DAYS, required=False, allow_null=True)
    version = serializers.ChoiceField(choices=[(1, "1")], required=False)

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            *WEBHOOK_SETTINGS,
            "failure_count",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["failure_count", "disabled_reason", "created_at", "updated_at"]

    def validate_url(self, value):
        try:
            transport.url_check(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value

    def validate(self, attrs):
        instance = WebhookSubscription(**{**self._current(), **attrs})
        instance.user = self.context["request"].user
        try:
            instance.full_clean(exclude=["user"], validate_unique=False)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        if attrs.get("enabled") and self.instance is not None and not self.instance.enabled:
            attrs["failure_count"], attrs["disabled_reason"] = 0, ""
        return attrs

    def _current(self):
        if self.instance is None:
            return {}
        return {field: getattr(self.instance, field) for field in WEBHOOK_SETTINGS}


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "started_at", "duration_ms", "response_status", "error"]


class DeliverySerializer(serializers.ModelSerializer):
    idempotency_key = serializers.UUIDField(source="id", read_only=True)
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "idempotency_key",
            "event_type",
            "status",
            "attempts",
            "response_status",
            "error",
            "next_attempt_at",
            "created_at",
            "delivered_at",
            "payload",
            "attempt_log",
        ]
        read_only_fields = fields


class SavedSearchSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=200, validators=[ProhibitControlCharacters()])
    kind = serializers.ChoiceField(choices=SearchKind.choices)
    rate = serializers.ChoiceField(choices=Rate.choices, required=False)
    query = serializers.JSONField(
        help_text='Filters: {"entity", "case", "authority", "event_type", "include_related"}; text and screening: '
        '{"q": "words"}; deadlines: {"within_days": 1-366}.'
    )

    class Meta:
        model = SavedSearch
        fields = ["id", "name", "kind", "query", "rate", "last_sent_at", "created_at", "updated_at"]
        read_only_fields = ["last_sent_at", "created_at", "updated_at"]

    def validate(self, attrs):
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        query = attrs.get("query", getattr(self.instance, "query", None))
        attrs["query"] = self._query(kind, query)
        user = self.context["request"].user
        rate = attrs.get("rate", getattr(self.instance, "rate", Rate.DAILY))
        if rate != Rate.OFF and not user.email:
            raise serializers.ValidationError({"rate": ["Your account has no email address to send digests to."]})
        name = attrs.get("name")
        taken = SavedSearch.objects.filter(user=user, name=name)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if name and taken.exists():
            raise serializers.ValidationError({"name": ["You already have a saved search of this name."]})
        return attrs

    def _query(self, kind, query):
        def fail(message):
            raise serializers.ValidationError({"query": [message]})

        if not isinstance(query, dict):
            fail("Give the query as a JSON object.")
        if kind == SearchKind.FILTERS:
            unknown = sorted(set(query) - FILTER_KEYS)
            if unknown:
                fail(f"Unknown filters: {', '.join(unknown)}. Allowed: {', '.join(sorted(FILTER_KEYS))}.")
            if not query:
                fail("Give at least one filter.")
            for key, model, extra in (
                ("entity", Entity, {}),
                ("case", Case, {}),
                ("authority", Entity, {"kind": EntityKind.AUTHORITY}),
            ):
                if key in query and (
                    not isinstance(query[key], str)
                    or ProhibitControlCharacters().pattern.search(query[key])
                    or not model.objects.filter(slug=query[key], **extra).exists()
                ):
                    fail(f"No {key} has the slug {query[key]!r}.")
            if "event_type" in query and query["event_type"] not in EventType.values:
                fail(f"Unknown event_type {query['event_type']!r}.")
            if "include_related" in query and not isinstance(query["include_related"], bool):
                fail("include_related is true or false.")
        elif kind in (SearchKind.TEXT, SearchKind.SCREENING):
            text = query.get("q")
            if set(query) != {"q"} or not isinstance(text, str) or not text.strip() or len(text) > 200:
                fail('Give {"q": "words"}: 1 to 200 characters, and nothing else.')
            if ProhibitControlCharacters().pattern.search(text):
                fail("Control characters are not allowed.")
        elif kind == SearchKind.DEADLINES:
            days = query.get("within_days")
            if set(query) != {"within_days"} or not isinstance(days, int) or isinstance(days, bool):
                fail('Give {"within_days": N}, N from 1 to 366.')
            if not 1 <= days <= MAX_WINDOW_DAYS:
                fail("within_days is from 1 to 366.")
        return query


class DeadlineQuerySerializer(serializers.Serializer):
    within_days = serializers.IntegerField(min_value=1, max_value=MAX_WINDOW_DAYS, required=False, default=30)
    kind = serializers.MultipleChoiceField(choices=DeadlineKind.choices, required=False)
    entity = ReferenceField(slug_field="slug", queryset=Entity.objects.all(), required=False)
    include_related = serializers.BooleanField(required=False, default=False)
    case = ReferenceField(slug_field="slug", queryset=Case.objects.all(), required=False)


class DeadlineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeadlineKind.choices)
    key = serializers.CharField()
    ends_on = serializers.DateField()
    ends_on_precision = serializers.CharField()
    days_left = serializers.IntegerField()
    title = serializers.CharField()
    entities = serializers.ListField(child=serializers.CharField())
    case = serializers.CharField(allow_null=True)
    settlement = serializers.CharField(allow_null=True)
