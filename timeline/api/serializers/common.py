"""Pieces every resource uses: compact references, inline sources, and the write-serializer base.

Amounts are DecimalFields rendered as strings ("1805475575.00"), always beside their currency,
so no client ever sees a binary float.
"""

import copy
import re

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from rest_framework import serializers
from rest_framework.settings import api_settings

from timeline.models import Case, EnforcementAction, Entity, Source
from timeline.services.nested import DELETE, REPLACE_REFUSES_DELETE, InvalidWrite

# Refer to records by slug in a text input: the browsable API never loads every entity into a <select>.
TEXT_INPUT = {"base_template": "input.html"}

# C0 and C1 control characters. Multi-line text may hold tabs and line breaks; nothing else here may.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MULTILINE_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class ProhibitControlCharacters:
    """Refuse control characters in text: invisible, they corrupt exports and pages, and NUL cannot be stored.

    NUL itself is left to DRF's own ``ProhibitNullCharactersValidator`` on every CharField, so it is
    reported once.
    """

    def __init__(self, multiline=False):
        self.pattern = MULTILINE_CONTROL_CHARACTERS if multiline else CONTROL_CHARACTERS

    def __call__(self, value):
        found = sorted({f"U+{ord(char):04X}" for char in self.pattern.findall(str(value)) if char != "\x00"})
        if found:
            raise serializers.ValidationError(
                f"Control characters are not allowed ({', '.join(found)}).", code="control_characters"
            )


class ReferenceField(serializers.SlugRelatedField):
    """A record named by its slug (or key, or citation).

    What cannot be an identifier (not a string, or holding control characters, which PostgreSQL
    cannot even compare when one is NUL) is refused before any query runs.
    """

    default_error_messages = {
        "not_text": "Give the identifier as a string, e.g. binance-holdings.",
        "control_characters": "An identifier cannot contain control characters.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        if CONTROL_CHARACTERS.search(data):
            self.fail("control_characters")
        return super().to_internal_value(data)


def serializer_errors(errors):
    """Django's error shape (``__all__`` for non-field errors) in DRF's (``non_field_errors``), at any depth."""
    if isinstance(errors, dict):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key): serializer_errors(value)
            for key, value in errors.items()
        }
    if isinstance(errors, list):
        return [serializer_errors(item) for item in errors]
    return errors


def slug_field(queryset, slug_field="slug", **kwargs):
    """A reference written as the record's slug (or key); an unknown one is a field error."""
    return ReferenceField(queryset=queryset, slug_field=slug_field, style=TEXT_INPUT, **kwargs)


def entity_field(**kwargs):
    return slug_field(Entity.objects.all(), **kwargs)


def sources_field(required=True):
    """Source keys; most facts must cite at least one, as in the admin."""
    return slug_field(
        Source.objects.all(),
        "key",
        many=True,
        required=required,
        allow_empty=not required,
        help_text="Keys of the sources cited, e.g. binance-b01.",
    )


class RelatedValuesField(serializers.ListField):
    """A list written as plain values and read back from a related manager (aliases by name, components by key)."""

    def __init__(self, attribute, **kwargs):
        self.attribute = attribute
        super().__init__(**kwargs)

    def to_representation(self, data):
        if hasattr(data, "all"):
            data = [getattr(item, self.attribute) for item in data.all()]
        return super().to_representation(data)


class KeyReferenceField(serializers.SlugField):
    """The key of another record of the same write (which may not exist yet); read back as that key."""

    def to_representation(self, value):
        return getattr(value, "key", value)


class EntityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entity
        fields = ["slug", "name", "kind"]
        read_only_fields = fields


class SourceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["key", "url", "title", "publisher", "published_on", "published_precision", "kind"]
        read_only_fields = fields


class CaseRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["slug", "title"]
        read_only_fields = fields


class ActionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnforcementAction
        fields = ["slug", "caption"]
        read_only_fields = fields


class InputRulesMixin:
    """Rules every written field follows, whichever database is behind the API.

    Amounts are non-negative (a named CHECK on each money field). Whole numbers stay within the
    column range PostgreSQL enforces, so SQLite (whose integers are 64-bit) accepts no value that
    PostgreSQL would refuse. Text holds no control characters (tabs and line breaks allowed in
    multi-line text).
    """

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, serializers.DecimalField):
            field_kwargs.setdefault("min_value", 0)
        elif issubclass(field_class, serializers.IntegerField) and isinstance(model_field, models.IntegerField):
            low, high = BaseDatabaseOperations.integer_field_ranges[model_field.get_internal_type()]
            field_kwargs["min_value"] = max(field_kwargs.get("min_value", low), low)
            field_kwargs["max_value"] = min(field_kwargs.get("max_value", high), high)
        elif issubclass(field_class, serializers.CharField):
            multiline = isinstance(model_field, models.TextField)
            field_kwargs["validators"] = [*field_kwargs.get("validators", []), ProhibitControlCharacters(multiline)]
        return field_class, field_kwargs


class ModelValidatingSerializer(InputRulesMixin, serializers.ModelSerializer):
    """Write serializer that validates exactly as the admin does.

    DRF never calls ``Model.clean()``; here ``validate()`` runs ``full_clean()`` (field checks,
    ``clean()``, unique fields and named constraints) on the record as it would be saved, so model
    rules answer with a 400 and field errors instead of a 500 from the database.
    """

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        concrete = {field.name for field in model._meta.concrete_fields}
        for name, value in self.model_values(attrs).items():
            if name in concrete:
                setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializer_errors(exc.message_dict)) from None
        return attrs

    def model_values(self, attrs):
        """The attributes to set on the record before validating it (a hook for derived fields)."""
        return attrs


def replacing(serializer):
    """True while validating a PUT: the root serializer updates a record and is not partial."""
    root = serializer.root
    return getattr(root, "instance", None) is not None and not getattr(root, "partial", False)


class NestedListsMixin:
    """Nested lists are required in a PUT, which stores exactly what it lists; optional elsewhere.

    A PUT that forgot a list would otherwise remove every stored item of it without a word.
    """

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, serializers.ListSerializer) and isinstance(field.child, NestedItemMixin):
                field.required = replacing(self)
        return fields


class NestedWriteSerializer(NestedListsMixin, ModelValidatingSerializer):
    """Saves through a service that writes the record with its children in one transaction.

    Nested items are matched by their identity (key, a charge's number ...). A PUT replaces: every
    list is required and what a list leaves out is removed. A PATCH merges: lists it omits, items
    it does not name and fields an item omits stay as stored; ``{"key": ..., "_delete": true}``
    removes an item. The service validates every child with ``full_clean()`` too; its errors come
    back shaped like the payload, as DRF's own nested errors are
    (``{"components": {"1": {"amount": [...]}}}``), and nothing is saved.
    """

    #: ``staticmethod(service)``: service(instance or None, validated_data, partial) -> saved instance.
    write_service = None

    def create(self, validated_data):
        return self._write(None, validated_data)

    def update(self, instance, validated_data):
        return self._write(instance, validated_data)

    def _write(self, instance, validated_data):
        try:
            return self.write_service(instance, validated_data, partial=self.partial)
        except InvalidWrite as exc:
            raise serializers.ValidationError(serializer_errors(exc.errors)) from None


class NestedItemMixin(NestedListsMixin):
    """An item of a nested list: named by its identity members; ``_delete`` removes it in a PATCH."""

    #: Members naming the item among its siblings; required in every write, PATCH included.
    identity = ("key",)

    def get_fields(self):
        fields = super().get_fields()
        fields[DELETE] = serializers.BooleanField(
            required=False,
            write_only=True,
            help_text="PATCH only: true removes the stored item named by the other members, which it must "
            "be alone with. A PUT removes an item by leaving it out.",
        )
        return fields

    def validate__delete(self, value):
        if value and replacing(self):
            raise serializers.ValidationError(REPLACE_REFUSES_DELETE)
        return value

    def validate(self, attrs):
        missing = [name for name in self.identity if name not in attrs]
        if missing:
            message = "Name the item: a nested item is matched to the stored one by this member."
            raise serializers.ValidationError({name: [message] for name in missing})
        return super().validate(attrs)


class ValueItemSerializer(InputRulesMixin, serializers.ModelSerializer):
    """An item of a list of values (an entity's identifiers): given, the list replaces the stored one."""

    class Meta:
        validators = []


class ChildSerializer(NestedItemMixin, InputRulesMixin, serializers.ModelSerializer):
    """An item of a nested list: shape and types only; uniqueness is checked by the service with full_clean()."""

    class Meta:
        validators = []
