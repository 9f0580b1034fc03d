"""Filters of the entity, case and source lists."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters

from timeline.api.filters.base import CountryFilter, StrictBooleanFilter, StrictFilterSet, TextFilter
from timeline.models import (
    PRIMARY_SOURCE_KINDS,
    Case,
    Entity,
    EntityIdentifier,
    EntityKind,
    IdentifierScheme,
    Source,
    SourceKind,
)
from timeline.selectors.search import entity_ids_matching


class IdentifierField(forms.CharField):
    """``scheme:value``, e.g. ``lei:5493001KJTIIGC8Y1R12``; cleans to a (scheme, value) pair."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        scheme, separator, identifier = value.partition(":")
        schemes = [choice for choice, _ in IdentifierScheme.choices]
        if not separator or not identifier.strip():
            raise ValidationError("Give scheme:value, e.g. wikidata:Q123.", code="invalid")
        if scheme.lower() not in schemes:
            raise ValidationError(f"Unknown scheme {scheme!r}; use one of {', '.join(schemes)}.", code="invalid")
        return scheme.lower(), identifier.strip()


class IdentifierFilter(TextFilter):
    field_class = IdentifierField

    def __init__(self, *args, **kwargs):
        # A scheme, a colon and a value of up to 255 characters.
        kwargs.setdefault("max_length", 300)
        super().__init__(*args, **kwargs)


class EntityFilterSet(StrictFilterSet):
    kind = filters.ChoiceFilter(choices=EntityKind.choices, help_text="Kind of entity.")
    country = CountryFilter(help_text="ISO 3166-1 alpha-2 code, e.g. KY (nationality of a person, seat of a body).")
    q = TextFilter(
        method="filter_q", help_text="Case-insensitive text in the name or in any alias, e.g. CZ or binance."
    )
    identifier = IdentifierFilter(
        method="filter_identifier", help_text="An outside identifier as scheme:value, e.g. wikidata:Q123 or lei:..."
    )

    class Meta:
        model = Entity
        fields = ["kind", "country", "q", "identifier"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(pk__in=entity_ids_matching(value))

    def filter_identifier(self, queryset, name, value):
        scheme, identifier = value
        identifiers = EntityIdentifier.objects.filter(entity=OuterRef("pk"), scheme=scheme, value=identifier)
        return queryset.filter(Exists(identifiers))


class CaseFilterSet(StrictFilterSet):
    """No filters beyond ordering and pagination; present so unknown parameters are refused."""

    class Meta:
        model = Case
        fields = []


class SourceFilterSet(StrictFilterSet):
    """Sources by kind, or only those a reader can cite as the record itself (``?primary=true``)."""

    kind = filters.ChoiceFilter(choices=SourceKind.choices, help_text="Kind of source.")
    primary = StrictBooleanFilter(
        method="filter_primary", help_text="true: agency, court or official text (or a copy of a court record)."
    )

    class Meta:
        model = Source
        fields = ["kind", "primary"]

    def filter_primary(self, queryset, name, value):
        kinds = [kind.value for kind in PRIMARY_SOURCE_KINDS]
        return queryset.filter(kind__in=kinds) if value else queryset.exclude(kind__in=kinds)
