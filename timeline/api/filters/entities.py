"""Filters of the entity, case and source lists."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters

from timeline.api.filters.base import CountryFilter, StrictFilterSet, TextFilter
from timeline.models import Case, Entity, EntityIdentifier, EntityKind, IdentifierScheme, Source
from timeline.selectors.search import matching


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
        method="filter_q",
        help_text="Words in the name, an alias, an identifier or the description, e.g. CZ or binance.",
    )
    identifier = IdentifierFilter(
        method="filter_identifier", help_text="An outside identifier as scheme:value, e.g. wikidata:Q123 or lei:..."
    )

    class Meta:
        model = Entity
        fields = ["kind", "country", "q", "identifier"]

    def filter_q(self, queryset, name, value):
        return matching(queryset, value)

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
    """No filters beyond ordering and pagination; present so unknown parameters are refused."""

    class Meta:
        model = Source
        fields = []
