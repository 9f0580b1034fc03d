"""Filters of the sentence and pardon-request lists."""

from django import forms
from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters

from timeline.api.filters.base import StrictFilterSet, authority_filter, court_filter, entity_filter
from timeline.models import ClemencyKind, ClemencyStatus, PardonRequest, PardonStatusChange, Sentence

# The largest number of months a sentence column holds (a PostgreSQL integer).
MAX_MONTHS = 2147483647


class MonthsFilter(filters.NumberFilter):
    """A whole number of months within what the column can hold; anything else is a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_MONTHS)
        super().__init__(*args, **kwargs)


class SentenceFilterSet(StrictFilterSet):
    defendant = entity_filter("Slug of the defendant, e.g. changpeng-zhao.", field_name="defendant")
    authority = authority_filter("action__authority", help_text="Slug of the prosecuting authority, e.g. doj.")
    court = court_filter("action__court", help_text="Slug of the sentencing court.")
    custody_months_min = MonthsFilter(
        field_name="custody_months", lookup_expr="gte", help_text="At least this many months in custody."
    )
    custody_months_max = MonthsFilter(
        field_name="custody_months", lookup_expr="lte", help_text="At most this many months in custody."
    )
    date_after = filters.DateFilter(
        field_name="sentenced_on", lookup_expr="gte", help_text="Sentenced on or after (YYYY-MM-DD)."
    )
    date_before = filters.DateFilter(
        field_name="sentenced_on", lookup_expr="lte", help_text="Sentenced on or before (YYYY-MM-DD)."
    )

    class Meta:
        model = Sentence
        fields = [
            "defendant",
            "authority",
            "court",
            "custody_months_min",
            "custody_months_max",
            "date_after",
            "date_before",
        ]


class PardonRequestFilterSet(StrictFilterSet):
    person = entity_filter("Slug of the person, e.g. changpeng-zhao.", field_name="person")
    status = filters.ChoiceFilter(choices=ClemencyStatus.choices, help_text="Current status.")
    kind = filters.ChoiceFilter(choices=ClemencyKind.choices, help_text="Pardon or commutation.")
    date_after = filters.DateFilter(
        method="applied_later", help_text="Has a step of its history dated on or after this day (YYYY-MM-DD)."
    )
    date_before = filters.DateFilter(
        method="applied_later", help_text="Has a step of its history dated on or before this day (YYYY-MM-DD)."
    )

    class Meta:
        model = PardonRequest
        fields = ["person", "status", "kind", "date_after", "date_before"]

    def filter_queryset(self, queryset):
        """Both dates bound the same history step, so the request had a step inside the range."""
        queryset = super().filter_queryset(queryset)
        after, before = self.form.cleaned_data.get("date_after"), self.form.cleaned_data.get("date_before")
        if after or before:
            steps = PardonStatusChange.objects.filter(pardon_request=OuterRef("pk"))
            if after:
                steps = steps.filter(date__gte=after)
            if before:
                steps = steps.filter(date__lte=before)
            queryset = queryset.filter(Exists(steps))
        return queryset
