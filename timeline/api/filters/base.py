"""Strict filtering shared by every list: unknown parameters and bad values are a 400 naming the parameter.

django-filter ignores parameters it does not know and DRF's OrderingFilter drops unknown fields,
so a typo (``?partie=``) would silently return everything. Here both are refused instead.
"""

import re

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.settings import api_settings

from timeline.models import Entity, EntityKind
from timeline.models.common import validate_country, validate_currency
from timeline.selectors.timelines import related_entity_ids

BOOLEAN_VALUES = {"true": True, "1": True, "false": False, "0": False}
# C0 and C1 control characters: no slug, date, code or search term holds one.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or 1/0); anything else is an error rather than silently ignored."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return BOOLEAN_VALUES[str(value).strip().lower()]
        except KeyError:
            raise DjangoValidationError("Use true or false.", code="invalid") from None


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # django-filter's BooleanWidget turns unknown values into None, hiding them from validation.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


def parse_boolean_param(request, name):
    """Read a boolean query parameter outside a FilterSet, with the same rules and error shape."""
    try:
        return bool(StrictBooleanField(required=False).clean(request.query_params.get(name)))
    except DjangoValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


class SlugFilter(filters.ModelChoiceFilter):
    """A record named by its slug (or key, or citation); an unknown one is a 400, not an empty list.

    The text widget keeps the browsable API from rendering every entity as a <select> option;
    the schema shows a string (the identifier), not the related model's primary key.
    """

    def __init__(self, *args, to_field_name="slug", **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        kwargs.setdefault("error_messages", {"invalid_choice": "No record with this identifier: %(value)s."})
        super().__init__(*args, to_field_name=to_field_name, **kwargs)
        schema = {"type": "string", "description": self.extra.get("help_text", "")}
        extend_schema_field(schema)(self)


def entity_filter(help_text, **kwargs):
    return SlugFilter(queryset=Entity.objects.all(), help_text=help_text, **kwargs)


def authority_filter(field_name, help_text="Authority slug, e.g. doj.", **kwargs):
    return SlugFilter(
        field_name=field_name, queryset=Entity.objects.filter(kind=EntityKind.AUTHORITY), help_text=help_text, **kwargs
    )


def court_filter(field_name, help_text="Court slug.", **kwargs):
    return SlugFilter(
        field_name=field_name, queryset=Entity.objects.filter(kind=EntityKind.COURT), help_text=help_text, **kwargs
    )


# Longest free text a filter takes: a longer search is a mistake (or an attack), answered with a 400.
MAX_TEXT_LENGTH = 200


class TextFilter(filters.CharFilter):
    """Free text, at most ``MAX_TEXT_LENGTH`` characters unless the filter says otherwise."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT_LENGTH)
        super().__init__(*args, **kwargs)


class UpperCaseField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return value.upper() if value else value


class CurrencyFilter(filters.CharFilter):
    """An ISO 4217 code (lower case accepted); an unknown code is a 400."""

    field_class = UpperCaseField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_currency])
        super().__init__(*args, **kwargs)


class CountryFilter(filters.CharFilter):
    """An ISO 3166-1 alpha-2 code (lower case accepted); an unknown code is a 400."""

    field_class = UpperCaseField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_country])
        super().__init__(*args, **kwargs)


INCLUDE_RELATED_HELP = (
    "With the entity filter: true also matches the subsidiaries (transitively), founders, officers and "
    "directors rolled up under the named entity."
)


UPDATED_PARAMS = ("updated_after", "updated_before")


class StrictFilterSet(filters.FilterSet):
    """Base of every FilterSet here: incremental reads by update time, ``include_related`` for roll-ups.

    ``updated_after`` (inclusive) and ``updated_before`` (exclusive) select a half-open window of
    update times, so consecutive windows neither overlap nor leave a gap; with either, the list
    comes in (updated_at, id) order with cursor pages (``timeline.api.pagination.UpdatedPagination``).
    """

    updated_after = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Records updated at or after this ISO 8601 time; the list then pages by cursor in update order.",
    )
    updated_before = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="lt",
        help_text="Records updated before this ISO 8601 time.",
    )

    def entity_ids(self, entity):
        """The named entity, or it and everyone rolled up under it when include_related=true."""
        if self.form.cleaned_data.get("include_related"):
            return related_entity_ids(entity)
        return {entity.pk}

    def applied_later(self, queryset, name, value):
        """Filters combined in ``filter_queryset`` (so several conditions must hold on the same row)."""
        return queryset


def allowed_params(view, filterset_class=None):
    """Every query parameter a list view understands: its filters, ordering, pagination and format."""
    allowed = {api_settings.URL_FORMAT_OVERRIDE}
    if filterset_class is not None:
        allowed |= set(filterset_class.base_filters)
    if getattr(view, "ordering_fields", None):
        allowed.add(api_settings.ORDERING_PARAM)
    paginator = getattr(view, "paginator", None)
    for attribute in ("page_query_param", "page_size_query_param", "cursor_query_param"):
        name = getattr(paginator, attribute, None)
        if name:
            allowed.add(name)
    return allowed


def reject_unknown_params(request, allowed):
    """A 400 naming each unknown parameter, or each parameter whose value holds control characters."""
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        choices = ", ".join(sorted(allowed))
        raise ValidationError({name: [f"Unknown query parameter. Allowed here: {choices}."] for name in unknown})
    garbled = sorted(
        name
        for name, values in request.query_params.lists()
        if any(CONTROL_CHARACTERS.search(value) for value in values)
    )
    if garbled:
        raise ValidationError({name: ["Control characters are not allowed."] for name in garbled})


def validated_filterset(filterset_class, request, queryset):
    """Bind and validate a FilterSet, raising a 400 keyed by parameter on bad values."""
    filterset = filterset_class(data=request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset


def is_detail_view(view):
    return getattr(view, "detail", False) is True


class StrictFilterBackend(filters.DjangoFilterBackend):
    """DjangoFilterBackend that refuses unknown parameters, and filters lists only (never a detail lookup)."""

    def filter_queryset(self, request, queryset, view):
        if is_detail_view(view):
            reject_unknown_params(request, {api_settings.URL_FORMAT_OVERRIDE})
            return queryset
        filterset_class = self.get_filterset_class(view, queryset)
        reject_unknown_params(request, allowed_params(view, filterset_class))
        if filterset_class is None:
            return queryset
        return validated_filterset(filterset_class, request, queryset).qs


class WhitelistOrderingFilter(OrderingFilter):
    """``?ordering=`` over the view's ``ordering_fields`` only; an unknown field is a 400.

    The primary key is appended in the direction of the first field, so equal values keep
    a stable order across pages (and cursor pagination has a unique final key).
    """

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            terms = [term.strip() for term in params.split(",") if term.strip()]
            valid = [name for name, _ in self.get_valid_fields(queryset, view, {"request": request})]
            invalid = [term for term in terms if term.lstrip("-") not in valid]
            if invalid or not terms:
                raise ValidationError(
                    {self.ordering_param: [f"Order by one of: {', '.join(valid)} (prefix - for descending)."]}
                )
            ordering = terms
        else:
            ordering = list(self.get_default_ordering(view) or [])
        if not ordering:
            return ["id"]
        if ordering[-1].lstrip("-") not in ("id", "pk"):
            ordering = [*ordering, "-id" if ordering[0].startswith("-") else "id"]
        return ordering

    def filter_queryset(self, request, queryset, view):
        if is_detail_view(view):
            return queryset
        return super().filter_queryset(request, queryset, view)
