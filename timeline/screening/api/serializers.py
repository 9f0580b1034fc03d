"""Request and answer shapes of the screening API, after yente's /match and the W3C reconciliation API."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from timeline.screening.matching import KIND_SCHEMA, SCHEMA_KINDS
from timeline.screening.models import Verdict
from timeline.screening.names import has_control_characters
from timeline.screening.validation import MAX_VALUE_LENGTH, NAME_PROPERTIES, InvalidValue, check_name, check_property

MAX_QUERIES = 100
MAX_VALUES = 20
IDENTIFIER_PROPERTIES = ("leiCode", "registrationNumber", "idNumber")
PROPERTIES = (*NAME_PROPERTIES, *IDENTIFIER_PROPERTIES, "country", "birthDate")


@extend_schema_field(OpenApiTypes.OBJECT)
class PropertiesField(serializers.Field):
    """yente's ``properties``: each a list of strings (a single string is taken as a list of one)."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("Must be an object of property lists.")
        errors, cleaned = {}, {}
        for prop, values in data.items():
            if prop not in PROPERTIES:
                errors[prop] = [f"Unknown property; use one of: {', '.join(PROPERTIES)}."]
                continue
            values = [values] if isinstance(values, str) else values
            if not isinstance(values, list) or len(values) > MAX_VALUES:
                errors[prop] = [f"Must be a list of at most {MAX_VALUES} strings."]
                continue
            try:
                cleaned[prop] = [check_property(prop, value) for value in values]
            except InvalidValue as error:
                errors[prop] = [str(error)]
        if errors:
            raise serializers.ValidationError(errors)
        if not any(cleaned.get(prop) for prop in (*NAME_PROPERTIES, *IDENTIFIER_PROPERTIES)):
            raise serializers.ValidationError("Give at least one name, alias or identifier.")
        return cleaned

    def to_representation(self, value):
        return value


class QuerySerializer(serializers.Serializer):
    schema = serializers.ChoiceField(choices=sorted(SCHEMA_KINDS))
    properties = PropertiesField()

    def to_internal_value(self, data):
        if isinstance(data, dict) and (unknown := set(data) - {"schema", "properties"}):
            raise serializers.ValidationError({key: ["Unknown field."] for key in sorted(unknown)})
        return super().to_internal_value(data)


class MatchRequestSerializer(serializers.Serializer):
    queries = serializers.DictField(child=QuerySerializer(), allow_empty=False)

    def validate_queries(self, queries):
        if len(queries) > MAX_QUERIES:
            raise serializers.ValidationError(f"At most {MAX_QUERIES} queries per request.")
        if any(len(key) > 100 or has_control_characters(key) for key in queries):
            raise serializers.ValidationError("Query ids are at most 100 printable characters.")
        return queries


class MatchParamsSerializer(serializers.Serializer):
    threshold = serializers.FloatField(min_value=0, max_value=1, required=False)
    cutoff = serializers.FloatField(min_value=0, max_value=1, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=50, required=False)
    exclude_entity_ids = serializers.ListField(child=serializers.SlugField(max_length=100), required=False)
    include_rejected = serializers.BooleanField(required=False)
    algorithm = serializers.CharField(max_length=50, required=False)


def decision_data(decision):
    return {
        "verdict": decision.verdict,
        "note": decision.note,
        "decided_by": decision.decided_by.get_username(),
        "decided_at": decision.decided_at.isoformat(),
    }


def result_data(result, request):
    from django.urls import reverse

    entity = result.entity
    data = {
        "id": entity.slug,
        "caption": entity.name,
        "schema": KIND_SCHEMA[entity.kind],
        "properties": {
            "name": [entity.name],
            "alias": [alias.alias for alias in entity.aliases.all()],
            "country": [entity.country] if entity.country else [],
        },
        "datasets": ["timeline"],
        "referents": [],
        "target": result.enforcement["actions"] > 0,
        "score": result.score,
        "match": result.match,
        "features": result.features,
        "explanation": result.explanation,
        "enforcement": {
            **result.enforcement,
            "links": {
                "api": request.build_absolute_uri(reverse("api:entity-detail", kwargs={"slug": entity.slug})),
                "page": request.build_absolute_uri(entity.get_absolute_url()),
            },
        },
    }
    if result.decision is not None:
        data["decision"] = decision_data(result.decision)
    return data


class DecisionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=MAX_VALUE_LENGTH)
    entity = serializers.SlugField(max_length=100)
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    def validate_name(self, value):
        try:
            return check_name(value)
        except InvalidValue as error:
            raise serializers.ValidationError(str(error)) from error

    def validate_note(self, value):
        if has_control_characters(value.replace("\n", "").replace("\r", "").replace("\t", "")):
            raise serializers.ValidationError("Control characters are not allowed.")
        return value


def decision_representation(decision):
    return {
        "name": decision.name,
        "name_key": decision.name_key,
        "entity": decision.entity.slug,
        **decision_data(decision),
    }
